// Trunk post-build hook: write the list of this build's files into the service worker.
//
// Runtime caching alone cannot catch the wasm and JS (they load before the worker controls the
// page), so the worker precaches exactly the files of this build, and its version is the hash of
// that list: a new build is a new worker, and the old cache is dropped when it activates.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("sw-precache: TRUNK_STAGING_DIR is not set (run through trunk build)");
  process.exit(1);
}

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dir)
  .map((p) => "/" + relative(dir, p).split(sep).join("/"))
  // The .br / .gz copies (tools/precompress.mjs) are the same files for the network, not for the cache.
  .filter((p) => p !== "/sw.js" && !p.endsWith(".br") && !p.endsWith(".gz"))
  .sort();
const hash = createHash("sha256");
for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
const version = hash.digest("hex").slice(0, 16);
const precache = ["/", ...files];

const swPath = join(dir, "sw.js");
let sw = readFileSync(swPath, "utf8");
sw = sw
  .replace(/^const VERSION = .*;$/m, `const VERSION = ${JSON.stringify(version)};`)
  .replace(/^const PRECACHE = .*;$/m, `const PRECACHE = ${JSON.stringify(precache)};`);
if (!sw.includes(version)) {
  console.error("sw-precache: could not write the file list into sw.js");
  process.exit(1);
}
writeFileSync(swPath, sw);
console.log(`sw-precache: ${precache.length} files, version ${version}`);
