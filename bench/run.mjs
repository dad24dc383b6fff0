// Fieldbook's benchmarks: `npm run bench` (= `node bench/run.mjs --build`).
//
// Every figure next to a floor measured in the same run and the same browser:
//   1. the photo pipeline (12 MP JPEG -> stored photo) against the same steps in plain JS;
//   2. the outbox draining 100 queued ~300 KB photos against a plain `fetch` PUT loop of the
//      same bytes;
//   3. the app at scale (bench/app.mjs): sizes, cold load under Slow 4G and 4x CPU against a
//      minimal Leptos page (bench/floor-app), warm start, 10,000 writes, scrolling, a big pull,
//      and taps (a tick, opening an order, a status node) to the next paint and to the content.
// It prints median and spread (min-max) and writes target/bench/*.json and, after a full run,
// the table in BENCHMARKS.md. Nothing passes or fails: it exits 0 unless the harness breaks.
//
// `--build` first builds what it needs (the release PWA as shipped, the same with the benchmarks'
// entry points, the release server, the floor page); without it they must be built: `trunk build
// index.html --release`, `trunk build index.html --release --features bench --dist
// $CARGO_TARGET_DIR/bench/dist`, `cargo build --release -p fieldbook-server`, and bench/floor-app
// with `trunk build index.html --dist $CARGO_TARGET_DIR/bench/floor-dist --release` in its folder.
// The shipped build (dist/) is what sizes and cold loads are measured on; everything that calls a
// `bench_*` export (src/bench.rs, cargo feature `bench`) runs on the bench build. `--only=queue`
// runs 1 and 2, `--only=app` runs 3 (a partial run rewrites BENCHMARKS.md's table too, with the
// parts it skipped from their last JSON).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
// The harness reads these when it is imported: the release server, the release build.
process.env.FIELDBOOK_SERVER_BIN ??= join(targetDir, "release/fieldbook-server");
// The PWA with the `bench` feature: the shipped wasm has no `bench_*` exports (issue 20).
process.env.FIELDBOOK_DIST ??= join(targetDir, "bench/dist");
const SHIPPED_DIST = process.env.FIELDBOOK_SHIPPED_DIST ?? join(root, "dist");
const FLOOR_DIST = join(targetDir, "bench/floor-dist");
// --report: measure nothing, write the table from the last JSON of each part.
const only = process.argv.includes("--report")
  ? "none"
  : (process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length) ?? null);

if (process.argv.includes("--build")) {
  const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: "inherit" });
  run("trunk", ["build", "index.html", "--release"]);
  run("trunk", ["build", "index.html", "--release", "--features", "bench", "--dist", process.env.FIELDBOOK_DIST]);
  run("cargo", ["build", "--release", "-p", "fieldbook-server"]);
  run("trunk", ["build", "index.html", "--dist", FLOOR_DIST, "--release"], join(root, "bench/floor-app"));
}

const { badge, freePort, launch, makeJpegs, PHONE, Server, serviceWorkerReady } = await import("../e2e/harness.mjs");
const { appBench, appDetails, appRows } = await import("./app.mjs");

const PHOTO_RUNS = 7;
const HEAP_PHOTOS = 30;
const QUEUE_PHOTOS = 100;
const DRAIN_ROUNDS = 3;
const QUEUE_W = 1600;
const QUEUE_H = 1200;
const TARGET_BYTES = 300_000;
const OUT = join(root, "target/bench");

for (const [what, path] of [
  ["release server (cargo build --release -p fieldbook-server)", process.env.FIELDBOOK_SERVER_BIN],
  ["release PWA (trunk build index.html --release)", join(SHIPPED_DIST, "index.html")],
  ["release PWA with the bench feature (see above)", join(process.env.FIELDBOOK_DIST, "index.html")],
  ["floor page (bench/floor-app, see above)", join(FLOOR_DIST, "index.html")],
]) {
  if (!existsSync(path)) {
    console.error(`bench: missing the ${what}: ${path}`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------- statistics and printing

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });
const f = (x, d = 0) => x.toFixed(d);
const spread = (s, d = 0, unit = "") => `${f(s.median, d)}${unit} (${f(s.min, d)}–${f(s.max, d)})`;
const mib = (b) => b / (1024 * 1024);

function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? "unknown";
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {}
  return { nproc: Number(nproc), cpu: model.trim() };
}

// ---------------------------------------------------------------- in-page helpers

/** Wait until Trunk's loader has exposed the wasm's exports. */
async function wasmReady(page) {
  await page.waitForFunction(() => typeof window.wasmBindings?.bench_process_photo === "function", null, {
    timeout: 30_000,
  });
}

/** Put a file's bytes into the page as `window[name]`, a Blob. */
async function blobInPage(page, name, bytes, type) {
  await page.evaluate(
    ({ name, b64, type }) => {
      const s = atob(b64);
      const u = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
      window[name] = new Blob([u], { type });
    },
    { name, b64: Buffer.from(bytes).toString("base64"), type },
  );
}

async function heapUsed(cdp, collect) {
  if (collect) await cdp.send("HeapProfiler.collectGarbage");
  return (await cdp.send("Runtime.getHeapUsage")).usedSize;
}

async function signIn(page, url) {
  await page.goto(url);
  await page.fill("input[name=username]", "engineer1");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=work-order-card]");
  await badge(page, "allsent");
}

// ---------------------------------------------------------------- 1. photo pipeline

async function photoBench(browser) {
  const server = await Server.start();
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  try {
    const dir = mkdtempSync(join(tmpdir(), "fieldbook-bench-jpeg-"));
    const { camera } = await makeJpegs(browser, ["camera"], dir);
    const jpeg = readFileSync(camera);
    rmSync(dir, { recursive: true, force: true });

    // Trunk hands the wasm instance (and so its memory) only to this event.
    await page.addInitScript(() =>
      addEventListener("TrunkApplicationStarted", (e) => (window.benchWasm = e.detail?.wasm)),
    );
    await page.goto(server.url);
    await wasmReady(page);
    await blobInPage(page, "benchJpeg", jpeg, "image/jpeg");
    await page.evaluate(() => {
      // The floor: the same steps as src/photo.rs, by plain browser calls.
      window.benchFloor = async (blob) => {
        const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
        const long = Math.max(bitmap.width, bitmap.height);
        const scale = long > 2048 ? 2048 / long : 1;
        const w = Math.round(bitmap.width * scale);
        const h = Math.round(bitmap.height * scale);
        const canvas = new OffscreenCanvas(w, h);
        const g = canvas.getContext("2d");
        g.imageSmoothingQuality = "high";
        g.drawImage(bitmap, 0, 0, w, h);
        bitmap.close();
        const out = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.85 });
        canvas.width = 0;
        canvas.height = 0;
        const digest = await crypto.subtle.digest("SHA-256", await out.arrayBuffer());
        const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
        return [out.size, w, h, hex.length];
      };
      window.benchOurs = (blob) => window.wasmBindings.bench_process_photo(blob);
      window.benchTime = async (which) => {
        const fn = which === "ours" ? window.benchOurs : window.benchFloor;
        const t = performance.now();
        const r = await fn(window.benchJpeg);
        return { ms: performance.now() - t, out: Array.from(r) };
      };
    });

    // One of each first, not counted: the first decode pays for code and caches.
    const warmOurs = await page.evaluate(() => window.benchTime("ours"));
    const warmFloor = await page.evaluate(() => window.benchTime("floor"));
    const ours = [];
    const floor = [];
    for (let i = 0; i < PHOTO_RUNS; i++) {
      // Interleaved, and alternating which goes first, so drift and order hit both alike.
      const order = i % 2 === 0 ? ["ours", "floor"] : ["floor", "ours"];
      for (const which of order) {
        const r = await page.evaluate((w) => window.benchTime(w), which);
        (which === "ours" ? ours : floor).push(r.ms);
      }
      process.stdout.write(".");
    }

    // The heap after 30 photos in a row through our pipeline (what a cheap phone must survive).
    const cdp = await context.newCDPSession(page);
    const heapBefore = await heapUsed(cdp, true);
    const t30 = Date.now();
    await page.evaluate(async (n) => {
      for (let i = 0; i < n; i++) await window.benchOurs(window.benchJpeg);
    }, HEAP_PHOTOS);
    const seconds30 = (Date.now() - t30) / 1000;
    const heapAfter = await heapUsed(cdp, false);
    const heapAfterGc = await heapUsed(cdp, true);
    const wasmMemory = await page.evaluate(() => {
      // The wasm's linear memory never shrinks: its size is the pipeline's high-water mark.
      return window.benchWasm?.memory?.buffer?.byteLength ?? null;
    });
    // The same 30 through the floor, for scale.
    const floorBefore = await heapUsed(cdp, true);
    await page.evaluate(async (n) => {
      for (let i = 0; i < n; i++) await window.benchFloor(window.benchJpeg);
    }, HEAP_PHOTOS);
    const floorAfter = await heapUsed(cdp, false);
    const floorAfterGc = await heapUsed(cdp, true);
    process.stdout.write("\n");

    const o = stats(ours);
    const fl = stats(floor);
    return {
      input: { width: 4000, height: 3000, bytes: jpeg.length },
      output: { ours: warmOurs.out.slice(0, 3), floor: warmFloor.out.slice(0, 3) },
      runs: PHOTO_RUNS,
      ours_ms: o,
      floor_ms: fl,
      ratio_of_medians: o.median / fl.median,
      heap: {
        photos: HEAP_PHOTOS,
        seconds_for_30: seconds30,
        ours: { before_gc: heapBefore, after: heapAfter, after_gc: heapAfterGc },
        floor: { before_gc: floorBefore, after: floorAfter, after_gc: floorAfterGc },
        wasm_memory_bytes: wasmMemory,
      },
    };
  } finally {
    await context.close();
    await server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 2. outbox drain

/** 100 different JPEGs of about 300 KB, made in the page by Chromium's encoder: window.benchPhotos. */
async function makeQueuePhotos(page) {
  return page.evaluate(
    async ({ n, w, h, target }) => {
      const draw = (i) => {
        const c = new OffscreenCanvas(w, h);
        const g = c.getContext("2d");
        const grad = g.createLinearGradient(0, 0, w, h);
        grad.addColorStop(0, `hsl(${(i * 47) % 360}, 60%, 45%)`);
        grad.addColorStop(1, `hsl(${(i * 47 + 120) % 360}, 60%, 30%)`);
        g.fillStyle = grad;
        g.fillRect(0, 0, w, h);
        // Detail (seeded by the index), so each is a different photo of a real photo's size.
        let s = (i + 1) * 2654435761;
        const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
        for (let k = 0; k < 2500; k++) {
          g.fillStyle = `rgba(${(rnd() * 255) | 0}, ${(rnd() * 255) | 0}, ${(rnd() * 255) | 0}, 0.4)`;
          g.fillRect(rnd() * w, rnd() * h, 8 + rnd() * 60, 6 + rnd() * 40);
        }
        g.fillStyle = "#fff";
        g.font = "bold 300px sans-serif";
        g.fillText(`#${i}`, 100, 700);
        return c;
      };
      // One quality for all, tuned on the first few so the photos average near the target size.
      const probes = [0, 1, 2, 3, 4].map(draw);
      let best = { q: 0.85, d: Infinity };
      for (const q of [0.95, 0.93, 0.91, 0.89, 0.87, 0.85, 0.8, 0.75, 0.7]) {
        let sum = 0;
        for (const p of probes) sum += (await p.convertToBlob({ type: "image/jpeg", quality: q })).size;
        const d = Math.abs(sum / probes.length - target);
        if (d < best.d) best = { q, d };
      }
      const photos = [];
      for (let i = 0; i < n; i++) {
        photos.push(await draw(i).convertToBlob({ type: "image/jpeg", quality: best.q }));
      }
      window.benchPhotos = photos;
      const sizes = photos.map((p) => p.size);
      return { quality: best.q, total: sizes.reduce((a, b) => a + b, 0), min: Math.min(...sizes), max: Math.max(...sizes) };
    },
    { n: QUEUE_PHOTOS, w: QUEUE_W, h: QUEUE_H, target: TARGET_BYTES },
  );
}

/**
 * The floor: metadata for 100 fresh photo ids through `POST /api/ops` (timed apart), then a plain
 * sequential `fetch` PUT loop of the same 100 byte arrays (the timed part).
 */
async function floorRound(page, workOrderId) {
  return page.evaluate(
    async ({ workOrderId, w, h }) => {
      const photos = window.benchPhotos;
      const prepared = [];
      for (const blob of photos) {
        const buf = await blob.arrayBuffer();
        const d = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
        const hex = [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
        const b64 = btoa(String.fromCharCode(...d));
        prepared.push({ id: crypto.randomUUID(), blob, bytes: buf.byteLength, hex, b64 });
      }
      const device = crypto.randomUUID();
      const ops = prepared.map((p) => ({
        id: crypto.randomUUID(),
        user: "engineer1",
        device_id: device,
        device_time: new Date().toISOString(),
        kind: {
          type: "add_photo",
          work_order_id: workOrderId,
          photo_id: p.id,
          slot: "extra",
          sha256: p.hex,
          bytes: p.bytes,
          width: w,
          height: h,
          content_type: "image/jpeg",
        },
      }));
      const tOps = performance.now();
      const r = await fetch("/api/ops", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ ops }),
      });
      const answer = await r.json();
      const opsMs = performance.now() - tOps;
      const applied = answer.results?.filter((x) => x.outcome === "applied").length ?? 0;
      if (applied !== ops.length) throw new Error(`floor ops: ${r.status} ${JSON.stringify(answer).slice(0, 300)}`);

      const t = performance.now();
      let stored = 0;
      for (const p of prepared) {
        const res = await fetch(`/api/photos/${p.id}`, {
          method: "PUT",
          headers: { "content-type": "image/jpeg", "content-digest": `sha-256=:${p.b64}:`, accept: "application/json" },
          body: p.blob,
        });
        await res.json();
        if (res.status === 201) stored++;
      }
      const putMs = performance.now() - t;
      return { ops_ms: opsMs, put_ms: putMs, stored, bytes: prepared.reduce((a, p) => a + p.bytes, 0) };
    },
    { workOrderId, w: QUEUE_W, h: QUEUE_H },
  );
}

/** Queue 100 photos with the server down, start it again, and time the app's own drain. */
async function drainRound(page, server, workOrderId) {
  await server.kill();
  const queued = await page.evaluate(
    async ({ workOrderId, w, h }) => {
      const t = performance.now();
      const n = await window.wasmBindings.bench_queue_photos(workOrderId, "extra", w, h, window.benchPhotos);
      const ms = performance.now() - t;
      const counts = Array.from(await window.wasmBindings.bench_outbox_counts());
      // What one refresh of the counts costs with this queue on the device (the uploader does
      // one after every photo it sends).
      const c = [];
      for (let i = 0; i < 5; i++) {
        const t1 = performance.now();
        await window.wasmBindings.bench_outbox_counts();
        c.push(performance.now() - t1);
      }
      c.sort((a, b) => a - b);
      return { n, ms, counts, counts_read_ms: c[2] };
    },
    { workOrderId, w: QUEUE_W, h: QUEUE_H },
  );
  if (queued.counts[0] !== QUEUE_PHOTOS || queued.counts[2] !== QUEUE_PHOTOS) {
    throw new Error(`queued counts are not ${QUEUE_PHOTOS}: ${queued.counts}`);
  }
  // Watch the badge from before the server returns; note the wall clock when it says all sent.
  await page.evaluate(() => {
    // Also every change of the badge's unsent count: when the operations went, then each photo.
    window.benchSteps = [];
    window.benchDrained = new Promise((done) => {
      let last = null;
      const look = () => {
        const el = document.querySelector("[data-testid=sync-badge]");
        const count = el?.querySelector(".count")?.textContent ?? "";
        if (count !== last) {
          last = count;
          window.benchSteps.push({ count: Number(count.replace(/\D+/g, "")) || 0, at: Date.now() });
        }
        const s = el?.getAttribute("data-state");
        if (s === "allsent" || s === "attention") {
          observer.disconnect();
          done({ state: s, at: Date.now() });
        }
      };
      const observer = new MutationObserver(look);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-state"] });
    });
  });
  const spawned = Date.now();
  await server.start();
  const ready = Date.now();
  await page.evaluate(() => window.wasmBindings.bench_kick());
  let timer;
  const drained = await Promise.race([
    page.evaluate(() => window.benchDrained),
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error("the outbox did not drain within 180 s")), 180_000);
    }),
  ]).finally(() => clearTimeout(timer));
  const steps = (await page.evaluate(() => window.benchSteps)).filter((x) => x.at >= ready);
  // The unsent count is ops + photos (200): it falls to 100 when the operations' batch is
  // answered, then by one per photo the uploader confirms.
  const opsDone = steps.find((x) => x.count <= QUEUE_PHOTOS)?.at ?? null;
  const photoSteps = steps.filter((x) => x.count < QUEUE_PHOTOS).map((x) => x.at);
  const gaps = photoSteps.slice(1).map((t, i) => t - photoSteps[i]);
  const after = await page.evaluate(async () => {
    const counts = Array.from(await window.wasmBindings.bench_outbox_counts());
    const c = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      await window.wasmBindings.bench_outbox_counts();
      c.push(performance.now() - t1);
    }
    c.sort((a, b) => a - b);
    return { counts, counts_read_ms: c[2] };
  });
  return {
    badge: drained.state,
    queue_ms: queued.ms,
    counts_read_ms_queued: queued.counts_read_ms,
    counts_read_ms_after: after.counts_read_ms,
    counts_after: after.counts,
    server_start_ms: ready - spawned,
    drain_ms: drained.at - ready,
    ops_phase_ms: opsDone == null ? null : opsDone - ready,
    photo_phase_ms: opsDone == null ? null : drained.at - opsDone,
    ms_per_photo: gaps.length ? median(gaps) : null,
  };
}

async function outboxBench(browser) {
  const rounds = [];
  for (let r = 0; r < DRAIN_ROUNDS; r++) {
    const server = await Server.start({ port: await freePort() });
    const context = await browser.newContext({ ...PHONE });
    const page = await context.newPage();
    try {
      const engineer = await server.client("engineer1");
      const orders = (await engineer.get("/api/sync?cursor=0")).body.work_orders;
      const order = orders.find((o) => o.slots?.length > 0) ?? orders[0];
      await signIn(page, server.url);
      await wasmReady(page);
      const made = await makeQueuePhotos(page);
      // Alternate which goes first, so neither always meets the fuller database.
      let floor;
      let drain;
      if (r % 2 === 0) {
        drain = await drainRound(page, server, order.id);
        floor = await floorRound(page, order.id);
      } else {
        floor = await floorRound(page, order.id);
        drain = await drainRound(page, server, order.id);
      }
      // Check with the server itself: every photo of both is on the order and uploaded.
      const office = await server.client("dispatcher1");
      const read = (await office.get(`/api/work-orders/${order.id}`)).body;
      const extra = read.photos.filter((p) => p.slot === "extra");
      const confirmed = extra.filter((p) => p.uploaded).length;
      const bytes = made.total;
      const round = {
        work_order: order.ticket,
        photos: QUEUE_PHOTOS,
        bytes,
        photo_bytes: { min: made.min, max: made.max, quality: made.quality },
        drain: { ...drain, mb_s: bytes / 1e6 / (drain.drain_ms / 1000) },
        floor: { ...floor, mb_s: floor.bytes / 1e6 / (floor.put_ms / 1000) },
        server_confirmed: confirmed,
        server_expected: 2 * QUEUE_PHOTOS,
      };
      rounds.push(round);
      console.log(
        `  round ${r + 1}: outbox ${f(round.drain.drain_ms)} ms (${f(round.drain.mb_s, 1)} MB/s, badge ${drain.badge}), ` +
          `fetch loop ${f(floor.put_ms)} ms (${f(round.floor.mb_s, 1)} MB/s), server holds ${confirmed}/${2 * QUEUE_PHOTOS}`,
      );
    } finally {
      await context.close();
      await server.kill();
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  }
  const drainMs = stats(rounds.map((r) => r.drain.drain_ms));
  const drainMbs = stats(rounds.map((r) => r.drain.mb_s));
  const floorMs = stats(rounds.map((r) => r.floor.put_ms));
  const floorMbs = stats(rounds.map((r) => r.floor.mb_s));
  return {
    photos: QUEUE_PHOTOS,
    photo_size: { width: QUEUE_W, height: QUEUE_H },
    bytes_per_round: rounds.map((r) => r.bytes),
    rounds: rounds.length,
    outbox_ms: drainMs,
    outbox_mb_s: drainMbs,
    floor_put_ms: floorMs,
    floor_mb_s: floorMbs,
    floor_ops_ms: stats(rounds.map((r) => r.floor.ops_ms)),
    outbox_percent_of_floor: (100 * drainMbs.median) / floorMbs.median,
    queue_ms: stats(rounds.map((r) => r.drain.queue_ms)),
    counts_read_ms_with_100_queued: stats(rounds.map((r) => r.drain.counts_read_ms_queued)),
    counts_read_ms_after_drain: stats(rounds.map((r) => r.drain.counts_read_ms_after)),
    server_start_ms: stats(rounds.map((r) => r.drain.server_start_ms)),
    outbox_ops_phase_ms: stats(rounds.map((r) => r.drain.ops_phase_ms ?? NaN)),
    outbox_ms_per_photo: stats(rounds.map((r) => r.drain.ms_per_photo ?? NaN)),
    floor_ms_per_photo: stats(rounds.map((r) => r.floor.put_ms / QUEUE_PHOTOS)),
    detail: rounds,
  };
}

// ---------------------------------------------------------------- report

function table(photo, outbox, app) {
  const rows = ["| benchmark | ours | floor (same run) | ours vs floor |", "|---|---|---|---|"];
  if (photo) {
    const h = photo.heap;
    rows.push(
      `| 12 MP JPEG → stored photo, ms (median (min–max), n=${photo.runs}) | ${spread(photo.ours_ms)} | ${spread(photo.floor_ms)} | ${f(photo.ratio_of_medians, 2)}x time (goal ≤ 1.3x) |`,
      `| JS heap after ${h.photos} photos, MiB (before → after, after GC) | ${f(mib(h.ours.before_gc), 1)} → ${f(mib(h.ours.after), 1)}, ${f(mib(h.ours.after_gc), 1)} | ${f(mib(h.floor.before_gc), 1)} → ${f(mib(h.floor.after), 1)}, ${f(mib(h.floor.after_gc), 1)} | |`,
    );
  }
  if (outbox) {
    rows.push(
      `| outbox drain of ${outbox.photos} photos (${f(median(outbox.bytes_per_round) / 1e6, 1)} MB), ms (n=${outbox.rounds}) | ${spread(outbox.outbox_ms)} | ${spread(outbox.floor_put_ms)} (PUT loop only) | |`,
      `| outbox drain, MB/s (median (min–max)) | ${spread(outbox.outbox_mb_s, 1)} | ${spread(outbox.floor_mb_s, 1)} | ${f(outbox.outbox_percent_of_floor, 0)}% of floor throughput (goal ≥ 85%) |`,
    );
  }
  if (app) rows.push(...appRows(app, null, helpers));
  return rows.join("\n");
}

function details(photo, outbox, app) {
  const lines = [];
  if (photo) lines.push(
    `- Photo input: ${photo.input.width}x${photo.input.height} JPEG of ${f(photo.input.bytes / 1e6, 2)} MB (e2e/harness.mjs makeJpegs); ` +
      `output ours ${photo.output.ours.join(" / ")} vs floor ${photo.output.floor.join(" / ")} (bytes / width / height).`,
    `- ${photo.heap.photos} photos through our pipeline took ${f(photo.heap.seconds_for_30, 1)} s; ` +
      `wasm linear memory afterwards: ${photo.heap.wasm_memory_bytes == null ? "not exposed" : f(mib(photo.heap.wasm_memory_bytes), 1) + " MiB"}.`,
  );
  if (outbox) lines.push(
    `- Queued photos: ${QUEUE_W}x${QUEUE_H}, ${f(outbox.detail[0].photo_bytes.min / 1e3)}–${f(outbox.detail[0].photo_bytes.max / 1e3)} KB ` +
      `(JPEG quality ${outbox.detail[0].photo_bytes.quality}), each different.`,
    `- Outbox time runs from the restarted server answering /api/health (then \`sync::kick()\`) until the badge says all sent; ` +
      `the server's own start took ${spread(outbox.server_start_ms)} ms before that. ` +
      `The floor's metadata (\`POST /api/ops\`, 100 add_photo) took ${spread(outbox.floor_ops_ms)} ms and is not in its time; the outbox's own POST is in its time.`,
    `- Where the outbox's time goes: its operations' batch was answered ${spread(outbox.outbox_ops_phase_ms)} ms after the server was back; ` +
      `then one photo every ${spread(outbox.outbox_ms_per_photo, 1)} ms (median interval between badge count steps), against ${spread(outbox.floor_ms_per_photo, 1)} ms per PUT in the fetch loop.`,
    `- Queueing 100 photos through \`sync::record_all\` (server down): ${spread(outbox.queue_ms)} ms. ` +
      `One read of the outbox counts (what the uploader does after every photo): ${spread(outbox.counts_read_ms_with_100_queued, 1)} ms with 100 queued, ` +
      `${spread(outbox.counts_read_ms_after_drain, 1)} ms after the drain (the 100 sent photos stay on the device).`,
    `- Server check after each round: ${outbox.detail.map((r) => `${r.server_confirmed}/${r.server_expected}`).join(", ")} photos uploaded (outbox + floor).`,
  );
  if (app) lines.push(appDetails(app));
  return lines.join("\n");
}

// ---------------------------------------------------------------- main

const helpers = {
  PHONE, Server, badge, serviceWorkerReady, stats, median, f, spread, mib,
  DIST: process.env.FIELDBOOK_DIST, SHIPPED_DIST, FLOOR_DIST, SERVER_BIN: process.env.FIELDBOOK_SERVER_BIN,
};
const started = Date.now();
const browser = await launch();
const info = { ...machine(), chromium: browser.version(), date: new Date().toISOString(), command: "npm run bench" };
console.log(`Fieldbook benchmarks — ${info.nproc} cores, ${info.cpu}, Chromium ${info.chromium}`);
let photo;
let outbox;
let app;
try {
  if (only === null || only === "queue") {
    console.log(`1. photo pipeline: ${PHOTO_RUNS} runs each, interleaved, then ${HEAP_PHOTOS} in a row for the heap`);
    photo = await photoBench(browser);
    console.log(`2. outbox drain: ${DRAIN_ROUNDS} rounds of ${QUEUE_PHOTOS} photos, each with its fetch loop`);
    outbox = await outboxBench(browser);
  }
  if (only === null || only === "app") {
    console.log("3. the app at scale");
    app = await appBench(browser, helpers);
  }
} finally {
  await browser.close();
}

console.log("\n" + table(photo, outbox, app) + "\n\n" + details(photo, outbox, app));
console.log(`\n(${f((Date.now() - started) / 1000)} s in all; JSON in ${join("target/bench")}/)`);

mkdirSync(OUT, { recursive: true });
if (photo) writeFileSync(join(OUT, "photo_pipeline.json"), JSON.stringify({ machine: info, ...photo }, null, 2) + "\n");
if (outbox) writeFileSync(join(OUT, "outbox_drain.json"), JSON.stringify({ machine: info, ...outbox }, null, 2) + "\n");
if (app) writeFileSync(join(OUT, "app.json"), JSON.stringify({ machine: info, ...app }, null, 2) + "\n");
// A partial run still leaves a whole table: the parts it skipped come from their last JSON.
const earlier = [];
const last = (file) => {
  const path = join(OUT, file);
  if (!existsSync(path)) return undefined;
  const data = JSON.parse(readFileSync(path, "utf8"));
  earlier.push(`${file} of ${data.machine.date.slice(0, 16).replace("T", " ")} UTC`);
  return data;
};
photo ??= last("photo_pipeline.json");
outbox ??= last("outbox_drain.json");
app ??= last("app.json");

// The generated part of BENCHMARKS.md sits between two markers; what is written around it stays.
const BEGIN = "<!-- bench:begin (written by npm run bench) -->";
const END = "<!-- bench:end -->";
const generated = [
  BEGIN,
  (only === "none"
    ? `Figures of the last run of each part (table written by \`node bench/run.mjs --report\`): ${earlier.join(", ")}; `
    : `Last run: ${info.date.slice(0, 16).replace("T", " ")} UTC, \`${info.command}\`${only ? ` --only=${only}` : ""}` +
      (earlier.length ? ` (figures from earlier runs: ${earlier.join(", ")})` : "") + "; ") +
    `${info.nproc} cores (${info.cpu}), Chromium ${info.chromium}.`,
  "",
  table(photo, outbox, app),
  "",
  details(photo, outbox, app),
  END,
].join("\n");
const mdPath = join(root, "BENCHMARKS.md");
let md = existsSync(mdPath) ? readFileSync(mdPath, "utf8") : "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n";
if (!md.includes(BEGIN)) md += "\n" + BEGIN + "\n" + END + "\n";
md = md.slice(0, md.indexOf(BEGIN)) + generated + md.slice(md.indexOf(END) + END.length);
writeFileSync(mdPath, md);
