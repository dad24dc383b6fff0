// Size report of a release build: raw, gzip and brotli for the wasm, the JS glue and the CSS.
// Usage: node tools/size-report.mjs [dist] [--max-wasm-brotli-kb N]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const dist = args.find((a) => !a.startsWith("--")) ?? "dist";
const maxIdx = args.indexOf("--max-wasm-brotli-kb");
const maxWasmKb = maxIdx >= 0 ? Number(args[maxIdx + 1]) : null;

const kinds = [
  ["wasm", (f) => f.endsWith(".wasm")],
  ["js", (f) => f.endsWith(".js") && f !== "sw.js"],
  ["css", (f) => f.endsWith(".css")],
  ["html+sw+manifest", (f) => ["index.html", "sw.js", "manifest.webmanifest"].includes(f)],
];
const kb = (n) => (n / 1024).toFixed(1).padStart(8);
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
if (maxWasmKb !== null && wasm.brotli / 1024 > maxWasmKb) {
  console.error(`wasm is ${(wasm.brotli / 1024).toFixed(1)} KiB brotli, over the budget of ${maxWasmKb} KiB`);
  process.exit(1);
}
