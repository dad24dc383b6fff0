// The app at scale (issue 8), each figure next to the browser's or the framework's floor in the
// same run: sizes, cold load under Slow 4G and 4x CPU slowdown against a minimal Leptos page,
// warm start from the service worker with 1,000 and 10,000 stored work orders against a plain
// getAll, 10,000 work orders written through src/db against plain JS in one transaction,
// scrolling 2,000 work orders, and a sync pull of 5,000 changes. Run by bench/run.mjs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COLD_RUNS = 5;
const WARM_RUNS = { 1000: 5, 10000: 3 };
const WRITE_RECORDS = 10_000;
const WRITE_RUNS = 5;
const SCROLL_ITEMS = 2_000;
const SCROLL_RUNS = 3;
const PULL_CHANGES = 5_000;
const PULL_RUNS = 3;
const TAP_RUNS = 5;
const TAP_ORDERS = 10_000;

// Chrome DevTools' "Slow 4G" preset (what was "Fast 3G"): 1.6 Mbps down, 750 kbps up, 150 ms RTT,
// with DevTools' own adjustment factors.
export const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};
export const CPU_SLOWDOWN = 4;

// ---------------------------------------------------------------- sizes

const KINDS = [
  ["wasm", (f) => f.endsWith(".wasm")],
  ["js", (f) => f.endsWith(".js") && f !== "sw.js"],
  ["css", (f) => f.endsWith(".css")],
  ["html", (f) => f.endsWith(".html")],
];

/** Raw, gzip (9) and brotli (11) bytes of what a first load fetches from a Trunk dist. */
export function sizes(dist) {
  const files = readdirSync(dist);
  const out = {};
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const [kind, match] of KINDS) {
    const row = { raw: 0, gzip: 0, brotli: 0 };
    for (const f of files.filter(match)) {
      const bytes = readFileSync(join(dist, f));
      row.raw += bytes.length;
      row.gzip += gzipSync(bytes, { level: 9 }).length;
      row.brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    }
    for (const k of Object.keys(total)) total[k] += row[k];
    out[kind] = row;
  }
  out.first_load = total;
  return out;
}

// ---------------------------------------------------------------- in-page instruments

/** Before any page script: when the first list item (or the floor's heading) appears, and every long task. */
function instruments() {
  window.__firstList = null;
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  const seen = () => document.querySelector("[data-testid=work-order-card], [data-testid=floor]");
  const mo = new MutationObserver(() => {
    if (window.__firstList === null && seen()) {
      window.__firstList = performance.now();
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true });
}

/** Wait until the page has had no long task for a second (the rest of the list rendered, the
 * start-up sync done), so a floor measured next is not measured against the app's own work. */
async function settled(page) {
  await page.waitForFunction(
    () => {
      const last = window.__longTasks.at(-1);
      return !last || performance.now() - (last[0] + last[1]) > 1000;
    },
    null,
    { timeout: 60_000, polling: 100 },
  );
}

async function firstList(page, timeout = 120_000) {
  await page.waitForFunction(() => window.__firstList !== null, null, { timeout, polling: 50 });
  return page.evaluate(() => window.__firstList);
}

/** The longest task (ms) that started between two performance.now() marks. */
async function longestTask(page, from, to) {
  return page.evaluate(
    ([from, to]) => Math.max(0, ...window.__longTasks.filter(([s]) => s >= from && s <= to).map(([, d]) => d)),
    [from, to],
  );
}

/** Copies of the first stored work order under new ids until the store holds `n`; plain JS. */
async function seedOrders(page, n) {
  return page.evaluate(async (n) => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open("fieldbook");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const all = await new Promise((ok) => {
      const r = db.transaction("work_orders").objectStore("work_orders").getAll();
      r.onsuccess = () => ok(r.result);
    });
    const template = all[0];
    const tx = db.transaction("work_orders", "readwrite");
    const store = tx.objectStore("work_orders");
    for (let i = all.length; i < n; i++) {
      const planned = new Date(Date.parse(template.planned_at) + i * 60_000).toISOString();
      store.put({ ...template, id: crypto.randomUUID(), ticket: `GX-${String(i).padStart(5, "0")}`, planned_at: planned, machine_down: false });
    }
    await new Promise((ok, fail) => {
      tx.oncomplete = ok;
      tx.onabort = () => fail(tx.error);
    });
    const count = await new Promise((ok) => {
      const r = db.transaction("work_orders").objectStore("work_orders").count();
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    return count;
  }, n);
}

/** Plain JS reading the app's own store with one getAll: the floor for a warm start. */
async function plainGetAll(page) {
  return page.evaluate(async () => {
    const t0 = performance.now();
    const db = await new Promise((ok) => {
      const r = indexedDB.open("fieldbook");
      r.onsuccess = () => ok(r.result);
    });
    const n = await new Promise((ok) => {
      const r = db.transaction("work_orders").objectStore("work_orders").getAll();
      r.onsuccess = () => ok(r.result.length);
    });
    const ms = performance.now() - t0;
    db.close();
    return [ms, n];
  });
}

async function signInFast(page, url) {
  await page.goto(url);
  await page.fill("input[name=username]", "engineer1");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=work-order-card]", { timeout: 120_000 });
}

// ---------------------------------------------------------------- the measures

async function coldLoad(browser, h, appServer, floorServer) {
  const app = [];
  const floor = [];
  const bytes = { app: [], floor: [] };
  for (let run = 0; run < COLD_RUNS; run++) {
    // Alternate which goes first, so neither always meets a warmer machine.
    const order = run % 2 ? ["floor", "app"] : ["app", "floor"];
    for (const which of order) {
      // No service worker and no HTTP cache: a first visit (the app's session and device data
      // are there, as on a phone that signed in before).
      const context = await browser.newContext({ ...h.PHONE, serviceWorkers: "block" });
      const page = await context.newPage();
      if (which === "app") await signInFast(page, appServer.url);
      await page.addInitScript(instruments);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
      let received = 0;
      cdp.on("Network.loadingFinished", (e) => (received += e.encodedDataLength));
      await page.goto(which === "app" ? appServer.url : floorServer.url, { waitUntil: "commit", timeout: 120_000 });
      const ms = await firstList(page);
      (which === "app" ? app : floor).push(ms);
      bytes[which].push(received);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      await context.close();
    }
  }
  return { app_ms: h.stats(app), floor_ms: h.stats(floor), bytes_received: { app: h.stats(bytes.app), floor: h.stats(bytes.floor) } };
}

async function warmStart(browser, h, server) {
  const out = {};
  for (const n of Object.keys(WARM_RUNS).map(Number)) {
    const context = await browser.newContext({ ...h.PHONE });
    const page = await context.newPage();
    await page.addInitScript(instruments);
    await signInFast(page, server.url);
    await h.serviceWorkerReady(page);
    await h.badge(page, "allsent");
    const stored = await seedOrders(page, n);
    const app = [];
    const floor = [];
    const tasks = [];
    let cards = 0;
    for (let run = 0; run < WARM_RUNS[n]; run++) {
      await page.reload({ waitUntil: "commit" });
      app.push(await firstList(page));
      await settled(page);
      tasks.push(await longestTask(page, 0, 1e9));
      cards = await page.locator("[data-testid=work-order-card]").count();
      const [ms] = await plainGetAll(page);
      floor.push(ms);
    }
    out[n] = { stored, cards_rendered: cards, app_ms: h.stats(app), floor_getall_ms: h.stats(floor), longest_task_ms: h.stats(tasks) };
    await context.close();
  }
  return out;
}

async function writeRecords(browser, h, server, template) {
  const context = await browser.newContext({ ...h.PHONE });
  const page = await context.newPage();
  await page.addInitScript(instruments);
  await page.goto(server.url);
  await page.waitForFunction(() => typeof window.wasmBindings?.bench_write_orders === "function", null, { timeout: 60_000 });
  await page.evaluate(
    ([template, n]) => {
      const orders = [];
      for (let i = 0; i < n; i++) orders.push({ ...template, id: crypto.randomUUID(), ticket: `GX-${String(i).padStart(5, "0")}` });
      window.__ordersJson = JSON.stringify(orders);
    },
    [template, WRITE_RECORDS],
  );
  const ours = [];
  const floor = [];
  // The same without parsing the JSON text: from records in memory to the committed write.
  const oursWrite = [];
  const floorWrite = [];
  const oursTask = [];
  const floorTask = [];
  for (let run = 0; run < WRITE_RUNS; run++) {
    for (const which of run % 2 ? ["floor", "ours"] : ["ours", "floor"]) {
      const [t0, t1, parseMs] = await page.evaluate(async ([which, run]) => {
        const name = `bench-write-${which}-${run}`;
        let parseMs;
        const t0 = performance.now();
        if (which === "ours") {
          parseMs = (await window.wasmBindings.bench_write_orders(name, window.__ordersJson))[0];
        } else {
          const db = await new Promise((ok, fail) => {
            const r = indexedDB.open(name, 1);
            r.onupgradeneeded = () => r.result.createObjectStore("work_orders", { keyPath: "id" });
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(r.error);
          });
          const p0 = performance.now();
          const orders = JSON.parse(window.__ordersJson);
          parseMs = performance.now() - p0;
          const tx = db.transaction("work_orders", "readwrite");
          const store = tx.objectStore("work_orders");
          for (const o of orders) store.put(o);
          await new Promise((ok, fail) => {
            tx.oncomplete = ok;
            tx.onabort = () => fail(tx.error);
          });
          db.close();
        }
        const t1 = performance.now();
        await new Promise((ok) => {
          const r = indexedDB.deleteDatabase(name);
          r.onsuccess = r.onerror = r.onblocked = ok;
        });
        return [t0, t1, parseMs];
      }, [which, run]);
      await page.waitForTimeout(200);
      (which === "ours" ? ours : floor).push(t1 - t0);
      (which === "ours" ? oursWrite : floorWrite).push(t1 - t0 - parseMs);
      (which === "ours" ? oursTask : floorTask).push(await longestTask(page, t0, t1));
    }
  }
  await context.close();
  return {
    records: WRITE_RECORDS,
    record_bytes: JSON.stringify(template).length,
    ours_ms: h.stats(ours),
    floor_ms: h.stats(floor),
    ratio_of_medians: h.median(ours) / h.median(floor),
    ours_write_only_ms: h.stats(oursWrite),
    floor_write_only_ms: h.stats(floorWrite),
    write_only_ratio_of_medians: h.median(oursWrite) / h.median(floorWrite),
    ours_longest_task_ms: h.stats(oursTask),
    floor_longest_task_ms: h.stats(floorTask),
  };
}

async function scrollList(browser, h, server) {
  const context = await browser.newContext({ ...h.PHONE });
  const page = await context.newPage();
  await page.addInitScript(instruments);
  await signInFast(page, server.url);
  await h.badge(page, "allsent");
  await seedOrders(page, SCROLL_ITEMS);
  const tasks = [];
  const dropped = [];
  const frames = [];
  let cards = 0;
  for (let run = 0; run < SCROLL_RUNS; run++) {
    await page.reload();
    await firstList(page);
    await page.waitForTimeout(1000);
    cards = await page.locator("[data-testid=work-order-card]").count();
    const cdp = await context.newCDPSession(page);
    const t0 = await page.evaluate(() => {
      window.__frames = [];
      const tick = (t) => {
        window.__frames.push(t);
        if (window.__frames.length < 100000 && !window.__stop) requestAnimationFrame(tick);
      };
      window.__stop = false;
      requestAnimationFrame(tick);
      return performance.now();
    });
    // A finger flicking down the list: 3 s at ~2,700 px/s, in a few gestures.
    for (let i = 0; i < 4; i++) {
      await cdp.send("Input.synthesizeScrollGesture", {
        x: 180, y: 600, yDistance: -2000, speed: 2700, gestureSourceType: "touch", repeatCount: 1,
      });
    }
    const [t1, intervals] = await page.evaluate(() => {
      window.__stop = true;
      const f = window.__frames;
      return [performance.now(), f.slice(1).map((t, i) => t - f[i])];
    });
    const frame = 1000 / 60;
    dropped.push(intervals.reduce((n, d) => n + Math.max(0, Math.round(d / frame) - 1), 0));
    frames.push(intervals.length);
    tasks.push(await longestTask(page, t0, t1));
    await cdp.detach();
  }
  await context.close();
  return { items: SCROLL_ITEMS, cards_rendered: cards, longest_task_ms: h.stats(tasks), dropped_frames: h.stats(dropped), frames: h.stats(frames) };
}

async function pullChanges(browser, h, server) {
  const context = await browser.newContext({ ...h.PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  await page.addInitScript(instruments);
  // Not signed in through the app: its uploader stays idle, and only the measured pull runs.
  await page.goto(server.url);
  await page.waitForFunction(() => typeof window.wasmBindings?.bench_pull === "function", null, { timeout: 60_000 });
  await page.evaluate(() =>
    fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "engineer1", password: "demo1234" }) }),
  );
  const fetched = [];
  const written = [];
  const tasks = [];
  let orders = 0;
  let pages = 0;
  for (let run = 0; run < PULL_RUNS; run++) {
    const [t0, [fetchMs, writeMs, n, p], t1] = await page.evaluate(async (run) => {
      const name = `bench-pull-${run}`;
      const t0 = performance.now();
      const r = await window.wasmBindings.bench_pull(name);
      const t1 = performance.now();
      await new Promise((ok) => {
        const d = indexedDB.deleteDatabase(name);
        d.onsuccess = d.onerror = d.onblocked = ok;
      });
      return [t0, Array.from(r), t1];
    }, run);
    await page.waitForTimeout(200);
    fetched.push(fetchMs);
    written.push(writeMs);
    orders = n;
    pages = p;
    tasks.push(await longestTask(page, t0, t1));
  }
  await context.close();
  return { changes: orders, pages, request_to_parsed_ms: h.stats(fetched), parsed_to_written_ms: h.stats(written), longest_task_ms: h.stats(tasks) };
}

// ---------------------------------------------------------------- all of it

/** `h`: the harness and statistics helpers from bench/run.mjs. */
// ---------------------------------------------------------------- taps (issue 20)

/** Copies of `template` under new ids until the store holds `n` (plain JS): any role's phone. */
async function seedCopies(page, template, n) {
  return page.evaluate(
    async ([template, n]) => {
      const db = await new Promise((ok, fail) => {
        const r = indexedDB.open("fieldbook");
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const count = () =>
        new Promise((ok) => {
          const r = db.transaction("work_orders").objectStore("work_orders").count();
          r.onsuccess = () => ok(r.result);
        });
      const start = await count();
      const tx = db.transaction("work_orders", "readwrite");
      const store = tx.objectStore("work_orders");
      for (let i = start; i < n; i++) {
        const planned = new Date(Date.parse(template.planned_at) + i * 60_000).toISOString();
        store.put({ ...template, id: crypto.randomUUID(), ticket: `GX-${String(i).padStart(5, "0")}`, planned_at: planned, machine_down: false });
      }
      await new Promise((ok, fail) => {
        tx.oncomplete = ok;
        tx.onabort = () => fail(tx.error);
      });
      const stored = await count();
      db.close();
      return stored;
    },
    [template, n],
  );
}

/**
 * One tap, timed in the page: from the click event's timestamp to the next paint (a frame after
 * the handlers ran: requestAnimationFrame, then a task after that frame), to the moment the DOM
 * first shows what `done` (a function's source, run in the page) waits for, and the longest task
 * from the tap until a second after that. Event Timing's duration for the click (what INP is made
 * of, 8 ms steps, only entries of 16 ms and more) is kept beside it.
 */
async function timedTap(page, selector, done) {
  await page.evaluate((done) => {
    const check = new Function(`return (${done})();`);
    const tap = { t0: null, paint: null, content: null, events: [] };
    window.__tap = tap;
    addEventListener(
      "click",
      (e) => {
        tap.t0 = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => (tap.paint = performance.now())));
        // A change made by the click's own handlers is seen by the observer below.
      },
      { capture: true, once: true },
    );
    const mo = new MutationObserver(() => {
      if (tap.t0 !== null && tap.content === null && check()) {
        tap.content = performance.now();
        mo.disconnect();
      }
    });
    mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.interactionId) tap.events.push([e.name, e.startTime, e.duration]);
    }).observe({ type: "event", durationThreshold: 16 });
  }, done.toString());
  await page.click(selector);
  await page.waitForFunction(() => window.__tap.content !== null && window.__tap.paint !== null, null, { timeout: 60_000, polling: 50 });
  await page.waitForTimeout(1000);
  return page.evaluate(() => {
    const t = window.__tap;
    const tasks = window.__longTasks.filter(([s, d]) => s + d >= t.t0 && s <= t.content + 1000).map(([, d]) => d);
    const inp = Math.max(0, ...t.events.filter(([, s]) => s >= t.t0 - 1).map(([, , d]) => d));
    return { paint: t.paint - t.t0, content: t.content - t.t0, longest_task: Math.max(0, ...tasks), event_duration: inp };
  });
}

/**
 * Taps on a phone with 10,000 stored orders, 4x CPU slowdown and no signal (what a tap does on
 * the phone, without a sync answering in the middle of it): opening a work order from the list,
 * recording a status node, and (as a cleaner) ticking a checklist item.
 */
async function taps(browser, h, server, template) {
  const runs = TAP_RUNS;
  const out = {};
  const keep = (name, r) => {
    out[name] ??= [];
    out[name].push(r);
  };
  // The engineer: open an order from the list, then record its next node.
  {
    const context = await browser.newContext({ ...h.PHONE });
    const page = await context.newPage();
    await page.addInitScript(instruments);
    await signInFast(page, server.url);
    await h.serviceWorkerReady(page);
    await h.badge(page, "allsent");
    out.stored = await seedCopies(page, template, TAP_ORDERS);
    await page.reload({ waitUntil: "commit" });
    await firstList(page);
    await settled(page);
    await context.setOffline(true);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    for (let run = 0; run < runs; run++) {
      // The run-th card from the top that has a next node (the demo's own orders come first).
      const cards = page.locator("[data-testid=work-order-card]");
      await cards.first().waitFor();
      const ticket = await cards.nth(run).getAttribute("data-ticket");
      const open = await timedTap(page, `[data-testid=work-order-card][data-ticket="${ticket}"]`, `() => document.querySelector("[data-testid=ticket]")?.textContent === ${JSON.stringify(ticket)} && document.querySelector("[data-testid=stepper] .step")`);
      keep("open_order", open);
      // Departing asks for the arrival time first (not timed); then the node after it is timed.
      if (await page.locator("[data-testid=next-node][data-node=departed]").count()) {
        await page.click("[data-testid=next-node][data-node=departed]");
        await page.click("[data-testid=confirm-depart]");
        await page.waitForSelector("[data-testid=stepper] .step.reached[data-node=departed]");
      }
      const next = page.locator("[data-testid=next-node]").first();
      if (await next.count()) {
        const node = await next.getAttribute("data-node");
        keep(
          "status_node",
          await timedTap(page, `[data-testid=next-node][data-node=${node}]`, `() => document.querySelector("[data-testid=stepper] .step.reached[data-node=${node}], [data-testid=stepper] .step.saving[data-node=${node}]")`),
        );
      }
      await page.goBack();
      await page.waitForSelector("[data-testid=work-order-card]");
      await settled(page);
    }
    await context.close();
  }
  // The cleaner: tick items of the lobby's checklist, one after another; the count is the content.
  {
    const context = await browser.newContext({ ...h.PHONE });
    const page = await context.newPage();
    await page.addInitScript(instruments);
    await page.goto(server.url);
    await page.fill("input[name=username]", "cleaner1");
    await page.fill("input[name=password]", "demo1234");
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=area-card]", { timeout: 120_000 });
    await h.serviceWorkerReady(page);
    await h.badge(page, "allsent");
    out.stored_cleaner = await seedCopies(page, template, TAP_ORDERS);
    await page.reload({ waitUntil: "commit" });
    await page.locator("[data-testid=area-card]").first().click();
    await page.waitForSelector("[data-testid=checklist]");
    await settled(page);
    await context.setOffline(true);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    const items = await page.locator("[data-testid=check-item]").count();
    for (let run = 0; run < runs; run++) {
      const before = await page.locator("[data-testid=area-progress]").textContent();
      keep(
        "tick",
        await timedTap(page, `[data-testid=check-item]:nth-child(${(run % items) + 1}) [data-testid=tick]`, `() => document.querySelector("[data-testid=area-progress]")?.textContent !== ${JSON.stringify(before)}`),
      );
      await settled(page);
    }
    await context.close();
  }
  const summary = { stored: out.stored, stored_cleaner: out.stored_cleaner };
  for (const name of ["tick", "open_order", "status_node"]) {
    const rs = out[name] ?? [];
    summary[name] = {
      paint_ms: h.stats(rs.map((r) => r.paint)),
      content_ms: h.stats(rs.map((r) => r.content)),
      longest_task_ms: h.stats(rs.map((r) => r.longest_task)),
      event_duration_ms: h.stats(rs.map((r) => r.event_duration)),
    };
  }
  return summary;
}

export async function appBench(browser, h) {
  // `--steps=cold,warm,write,scroll,pull` runs only some (while working on one of them).
  const wanted = process.argv.find((a) => a.startsWith("--steps="))?.slice("--steps=".length).split(",") ?? null;
  const step = async (name, label, fn) => {
    if (wanted && !wanted.includes(name)) return undefined;
    const t = Date.now();
    console.log(label);
    const r = await fn();
    console.log(`   (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    return r;
  };
  const floorDist = h.FLOOR_DIST;
  // Sizes and cold loads are of the shipped build (no `bench_*` exports); the rest calls them.
  const result = { sizes: { app: sizes(h.SHIPPED_DIST), floor: sizes(floorDist) } };
  const small = await h.Server.start();
  const shipped = await h.Server.start({ dist: h.SHIPPED_DIST });
  // A second data folder with PULL_CHANGES more orders for engineer1, made by the server's CLI.
  const bigDir = mkdtempSync(join(tmpdir(), "fieldbook-bench-big-"));
  execFileSync(h.SERVER_BIN, ["demo", "--data-dir", bigDir, "--generate", String(PULL_CHANGES)], { stdio: "pipe" });
  const floorServer = await h.Server.start({ demo: false, dist: floorDist });
  try {
    const engineer = await small.client("engineer1");
    const template = (await engineer.get("/api/sync?cursor=0")).body.work_orders[0];
    result.cold_load = await step("cold", `3a. cold load: ${COLD_RUNS} runs each, Slow 4G and ${CPU_SLOWDOWN}x CPU`, () =>
      coldLoad(browser, h, shipped, floorServer),
    );
    await shipped.kill();
    result.warm_start = await step("warm", "3b. warm start from the service worker", () => warmStart(browser, h, small));
    result.write = await step("write", `3c. ${WRITE_RECORDS} work orders written, ${WRITE_RUNS} runs each`, () =>
      writeRecords(browser, h, small, template),
    );
    result.scroll = await step("scroll", `3d. scrolling ${SCROLL_ITEMS} work orders, ${SCROLL_RUNS} runs`, () =>
      scrollList(browser, h, small),
    );
    result.taps = await step("taps", `3f. taps with ${TAP_ORDERS} stored orders, ${CPU_SLOWDOWN}x CPU, ${TAP_RUNS} runs each`, () =>
      taps(browser, h, small, template),
    );
    await small.kill();
    const big = await h.Server.start({ dataDir: bigDir, demo: false });
    try {
      result.pull = await step("pull", `3e. a sync pull of ${PULL_CHANGES} changes, ${PULL_RUNS} runs`, () =>
        pullChanges(browser, h, big),
      );
    } finally {
      await big.kill();
    }
  } finally {
    await small.kill();
    await shipped.kill();
    await floorServer.kill();
  }
  return result;
}

export function appRows(a, photo, h) {
  const { f, spread } = h;
  const kib = (b) => f(b / 1024, 1);
  const s = a.sizes.app;
  const fl = a.sizes.floor;
  const size = (k) => `${kib(s[k].raw)} / ${kib(s[k].gzip)} / ${kib(s[k].brotli)}`;
  const rows = [
    `| wasm, KiB raw / gzip / brotli | ${size("wasm")} | ${kib(fl.wasm.raw)} / ${kib(fl.wasm.gzip)} / ${kib(fl.wasm.brotli)} (minimal Leptos) | ${f(s.wasm.brotli / fl.wasm.brotli, 1)}x brotli (goal ≤ 150 KiB brotli) |`,
    `| JS glue, KiB raw / gzip / brotli | ${size("js")} | ${kib(fl.js.raw)} / ${kib(fl.js.gzip)} / ${kib(fl.js.brotli)} | |`,
    `| CSS, KiB raw / gzip / brotli | ${size("css")} | | |`,
    `| first load (wasm+JS+CSS+HTML), KiB raw / gzip / brotli | ${size("first_load")} | ${kib(fl.first_load.raw)} / ${kib(fl.first_load.gzip)} / ${kib(fl.first_load.brotli)} | |`,
  ];
  if (a.cold_load) rows.push(
    `| cold load to the signed-in list, Slow 4G + ${CPU_SLOWDOWN}x CPU, ms (n=${a.cold_load.app_ms.runs.length}) | ${spread(a.cold_load.app_ms)} | ${spread(a.cold_load.floor_ms)} (minimal Leptos page) | ${f(a.cold_load.app_ms.median / a.cold_load.floor_ms.median, 2)}x time (goal ≤ 1500 ms) |`,
  );
  for (const [n, w] of Object.entries(a.warm_start ?? {})) {
    rows.push(
      `| warm start (service worker) to first list, ${Number(n).toLocaleString("en")} stored orders, ms (n=${w.app_ms.runs.length}) | ${spread(w.app_ms)} | ${spread(w.floor_getall_ms, 1)} (plain getAll) | ${f(w.app_ms.median / w.floor_getall_ms.median, 1)}x${n === "1000" ? " (goal ≤ 600 ms)" : ""} |`,
    );
  }
  const w = a.write;
  if (w) rows.push(
    `| ${w.records.toLocaleString("en")} work orders written in one transaction, ms (n=${w.ours_ms.runs.length}) | ${spread(w.ours_ms)} | ${spread(w.floor_ms)} (plain JS) | ${f(w.ratio_of_medians, 2)}x time (goal ≤ 1.1x) |`,
    ...(w.ours_write_only_ms ? [`| the same, without parsing the JSON text (records in memory to committed), ms | ${spread(w.ours_write_only_ms)} | ${spread(w.floor_write_only_ms)} (plain JS) | ${f(w.write_only_ratio_of_medians, 2)}x time |`] : []),
    `| longest main-thread task during that write, ms | ${spread(w.ours_longest_task_ms)} | ${spread(w.floor_longest_task_ms)} | (goal ≤ 50 ms) |`,
  );
  if (a.scroll) rows.push(
    `| scrolling ${a.scroll.items.toLocaleString("en")} work orders: longest task, ms / dropped frames (n=${a.scroll.longest_task_ms.runs.length}) | ${spread(a.scroll.longest_task_ms)} / ${spread(a.scroll.dropped_frames)} of ${f(a.scroll.frames.median)} | | (goal ≤ 50 ms) |`,
  );
  if (a.pull) rows.push(
    `| sync pull of ${a.pull.changes.toLocaleString("en")} changes${a.pull.pages ? ` in ${a.pull.pages} pages` : ""}: requests → parsed, parsed → written, ms (n=${a.pull.parsed_to_written_ms.runs.length}) | ${spread(a.pull.request_to_parsed_ms)}, ${spread(a.pull.parsed_to_written_ms)} | | longest task ${spread(a.pull.longest_task_ms)} ms |`,
  );
  const tapNames = { tick: "ticking a checklist item (cleaner)", open_order: "opening a work order from the list", status_node: "recording a status node" };
  for (const [name, what] of Object.entries(tapNames)) {
    const t = a.taps?.[name];
    if (!t || !t.content_ms.runs.length) continue;
    rows.push(
      `| tap → next paint / → new content, ${what}, ${Number(a.taps.stored).toLocaleString("en")} stored orders, ${CPU_SLOWDOWN}x CPU, ms (n=${t.content_ms.runs.length}) | ${spread(t.paint_ms)} / ${spread(t.content_ms)} | | longest task ${spread(t.longest_task_ms)} ms (goal: content ≤ 100 ms, no task over 50 ms) |`,
    );
  }
  if (photo) {
    const hp = photo.heap;
    rows.push(`| JS heap after ${hp.photos} photos, MiB (after GC) | ${f(h.mib(hp.ours.after_gc), 1)} | ${f(h.mib(hp.floor.after_gc), 1)} (plain JS pipeline) | |`);
  }
  return rows;
}

export function appDetails(a) {
  const taps = a.taps
    ? `- Taps: ${a.taps.stored} stored orders (copies of a demo order written by plain JS; the cleaner's phone holds as many), the signal cut (\`context.setOffline\`: no sync answers in the middle) and \`Emulation.setCPUThrottlingRate\` ${CPU_SLOWDOWN}. Timed in the page from the click event's timestamp: the next paint is a task queued from the first requestAnimationFrame after the click; the new content is the first DOM mutation after which the page shows it (the order's ticket and stepper; the tapped node on the stepper, reached or being saved (.step.saving, from 2026-12-08); the area's count changed); the longest task runs from the tap until a second after the content. Opening an order is the n-th card from the top of the list; the status node is the one after 出发 (departing, not timed, asks for the arrival first). Event Timing durations (INP's parts, ≥ 16 ms only): open ${a.taps.open_order?.event_duration_ms?.median ?? "–"} ms, status ${a.taps.status_node?.event_duration_ms?.median ?? "–"} ms, tick ${a.taps.tick?.event_duration_ms?.median ?? "–"} ms (medians; 0 = under 16 ms).`
    : null;
  if (!(a.cold_load && a.warm_start && a.write && a.scroll && a.pull)) return ["- (only some of the app's figures were measured in this run)", taps].filter(Boolean).join("\n");
  const ws = Object.entries(a.warm_start).map(([n, w]) => `${n}: ${w.cards_rendered} cards rendered`).join(", ");
  const kb = (s) => `${(s.median / 1024).toFixed(0)} KiB`;
  return [
    `- Cold load: a fresh context with the service worker blocked and the HTTP cache disabled, the session cookie and device data of an earlier sign-in present; time from navigation to the first work-order card (the floor: to its one heading), measured in the page. Slow 4G is DevTools' preset (562.5 ms latency, 180 kB/s down) by \`Network.emulateNetworkConditions\`, with \`Emulation.setCPUThrottlingRate\` 4. Bytes received: app ${kb(a.cold_load.bytes_received.app)}, floor ${kb(a.cold_load.bytes_received.floor)} (the server sends the brotli copies made at build time by tools/precompress.mjs).`,
    `- Warm start: reload of a signed-in page controlled by the service worker, to the first card; the stored orders are copies of a demo order written by plain JS. The floor is a plain \`getAll\` of the same store in the same page, once the page has had no long task for a second. Cards in the page after load: ${ws} (the list is virtual: only the cards near the screen are in the page).`,
    `- Writes: ${a.write.records} work orders (~${a.write.record_bytes} bytes of JSON each) from JSON text to a committed transaction, through \`Db::apply_pull\` (bench_write_orders) against \`JSON.parse\` and one \`put\` per record in one transaction; each run into a new database; order alternated.`,
    `- Scrolling: ${a.scroll.items} stored orders, four synthesized touch flicks of 2,000 px (CDP \`Input.synthesizeScrollGesture\`); dropped frames counted from requestAnimationFrame gaps against 60 Hz.`,
    `- Pull: \`fieldbook-server demo --generate ${a.pull.changes - 6}\` gives engineer1 ${a.pull.changes} orders; \`bench_pull\` runs \`api::pull\` then \`Db::apply_pull\` for each page (at most 500 orders an answer) into a fresh database; the figures add up the pages.`,
    taps,
  ].filter(Boolean).join("\n");
}
