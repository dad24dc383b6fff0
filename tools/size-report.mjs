// Size report of release builds: raw, gzip and brotli for the wasm, the JS glue and the CSS, one
// table per app, each app's wasm against its own budget.
// Usage: node tools/size-report.mjs [DIST [--max-wasm-brotli-kb N]]...
//   e.g. node tools/size-report.mjs dist --max-wasm-brotli-kb 440 dist-office --max-wasm-brotli-kb 300
// A budget applies to the folder before it. Exits 1 when any wasm is over its budget.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const builds = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--max-wasm-brotli-kb") {
    if (builds.length === 0) throw new Error("--max-wasm-brotli-kb comes after the folder it is for");
    builds.at(-1).maxWasmKb = Number(args[++i]);
  } else {
    builds.push({ dist: args[i], maxWasmKb: null });
  }
}
if (builds.length === 0) builds.push({ dist: "dist", maxWasmKb: null });

const kinds = [
  ["wasm", (f) => f.endsWith(".wasm")],
  ["js", (f) => f.endsWith(".js") && f !== "sw.js"],
  ["css", (f) => f.endsWith(".css")],
  ["html+sw+manifest", (f) => ["index.html", "sw.js", "manifest.webmanifest"].includes(f)],
];
const kb = (n) => (n / 1024).toFixed(1).padStart(8);

let over = false;
for (const { dist, maxWasmKb } of builds) {
  const files = readdirSync(dist);
  const rows = [];
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const [kind, match] of kinds) {
    const row = { kind, raw: 0, gzip: 0, brotli: 0 };
    for (const f of files.filter(match)) {
      const bytes = readFileSync(join(dist, f));
      row.raw += bytes.length;
      row.gzip += gzipSync(bytes, { level: 9 }).length;
      row.brotli += brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
      }).length;
    }
    for (const k of ["raw", "gzip", "brotli"]) total[k] += row[k];
    rows.push(row);
  }
  rows.push({ kind: "first load", ...total });
  console.log(`size report for ${dist}/ (KiB)`);
  console.log(`${"".padEnd(18)}${"raw".padStart(8)}${"gzip".padStart(8)}${"brotli".padStart(8)}`);
  for (const r of rows) console.log(`${r.kind.padEnd(18)}${kb(r.raw)}${kb(r.gzip)}${kb(r.brotli)}`);
  const wasm = rows.find((r) => r.kind === "wasm");
  if (maxWasmKb !== null) {
    const size = (wasm.brotli / 1024).toFixed(1);
    if (wasm.brotli / 1024 > maxWasmKb) {
      console.error(`${dist}: wasm is ${size} KiB brotli, over the budget of ${maxWasmKb} KiB`);
      over = true;
    } else {
      console.log(`${dist}: wasm ${size} KiB brotli, budget ${maxWasmKb} KiB`);
    }
  }
  console.log();
}
if (over) process.exit(1);
