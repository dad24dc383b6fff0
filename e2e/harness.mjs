// What every end-to-end journey needs: the real server as a child process, and Debian's Chromium.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..");
export const SERVER_BIN = process.env.FIELDBOOK_SERVER_BIN ?? join(root, "target/debug/fieldbook-server");
export const DIST = process.env.FIELDBOOK_DIST ?? join(root, "dist");
export const OFFICE_DIST = process.env.FIELDBOOK_OFFICE_DIST ?? join(root, "dist-office");
// Every run's screenshots go under target/ (ignored by git): a test run never rewrites tracked
// files. The docs' copies are refreshed on purpose: FIELDBOOK_SCREENSHOTS=docs/screenshots (npm run
// screenshots), a path taken from the repository's root.
export const SHOTS = resolve(root, process.env.FIELDBOOK_SCREENSHOTS ?? "target/e2e-screenshots");
mkdirSync(SHOTS, { recursive: true });

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const TABLET = { viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** The real server on a port of its own, with its own SQLite file and photo folder. */
export class Server {
  constructor({ port, dataDir, demo = true, demoLastMonth = false, demoYesterday = false, dist = DIST, officeDist = OFFICE_DIST }) {
    this.port = port;
    this.dist = dist;
    this.officeDist = officeDist;
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), "fieldbook-e2e-"));
    this.demo = demo;
    // The demo's last month too (closed orders for the reports and scorecards).
    this.demoLastMonth = demoLastMonth;
    this.demoYesterday = demoYesterday;
    this.url = `http://127.0.0.1:${port}`;
    this.log = "";
  }

  static async start(opts = {}) {
    const server = new Server({ port: opts.port ?? (await freePort()), ...opts });
    await server.start();
    return server;
  }

  async start() {
    const args = [
      "serve", "--addr", `127.0.0.1:${this.port}`, "--data-dir", this.dataDir,
      "--dist", this.dist, "--office-dist", this.officeDist,
    ];
    if (this.demo) args.push("--demo");
    if (this.demoLastMonth) args.push("--demo-last-month");
    if (this.demoYesterday) args.push("--demo-yesterday");
    this.child = spawn(SERVER_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout.on("data", (d) => (this.log += d));
    this.child.stderr.on("data", (d) => (this.log += d));
    const exited = new Promise((_, fail) =>
      this.child.once("exit", (code) => fail(new Error(`server exited (${code}):\n${this.log}`))),
    );
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const r = await Promise.race([fetch(`${this.url}/api/health`), exited]);
        if (r.ok) return;
      } catch (e) {
        if (String(e.message).startsWith("server exited")) throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not answer on ${this.url}:\n${this.log}`);
  }

  /** Stop the way a crash or a pulled cable does: no goodbye. */
  async kill() {
    // A child ended by a signal has exitCode null and signalCode set: both mean it is gone.
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((ok) => this.child.once("exit", ok));
    this.child.kill("SIGKILL");
    await gone;
  }

  /** A signed-in HTTP client for checking what the server really holds. */
  async client(username, password = "demo1234") {
    const r = await fetch(`${this.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (r.status !== 200) throw new Error(`sign-in ${username}: ${r.status} ${await r.text()}`);
    const cookie = r.headers.get("set-cookie").split(";")[0];
    const url = this.url;
    return {
      cookie,
      async get(path) {
        const res = await fetch(url + path, { headers: { cookie } });
        return { status: res.status, body: await res.json() };
      },
      async post(path, body) {
        const res = await fetch(url + path, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
    };
  }
}

const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // No background traffic: this machine's network is closed, and the tests talk only to localhost.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export async function launch() {
  return chromium.launch(CHROMIUM);
}

/** A browser with a real profile folder (what a phone has), as one context. */
export async function launchPersistent(dir, device) {
  return chromium.launchPersistentContext(dir, { ...CHROMIUM, ...device });
}

/** Wait until the page's sync badge is in a state (savedhere, sending, allsent, attention). */
/** Poll `check` until it holds; fail with `what` after `ms`. */
export async function until(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function badge(page, state, timeout = 45_000) {
  await page.waitForSelector(`[data-testid=sync-badge][data-state=${state}]`, { timeout });
}

/** Wait until the service worker controls the page and has its cache. */
export async function serviceWorkerReady(page) {
  await page.waitForFunction(
    async () => {
      if (!navigator.serviceWorker.controller) return false;
      const keys = await caches.keys();
      return keys.some((k) => k.startsWith("fieldbook-shell-"));
    },
    null,
    { timeout: 30_000, polling: 200 },
  );
}

/**
 * A screenshot of what the screen shows (the viewport: a phone's or a tablet's screen, never the
 * whole page), into SHOTS. By default from the top of the page; `at` scrolls an element to just
 * under the sticky header first; `here: true` keeps the screen as it is (e.g. a detail beside a
 * list, scrolled by the test).
 */
export async function shoot(page, name, { at = null, here = false, en = false } = {}) {
  if (!here) {
    await page.evaluate((at) => {
      const el = at && document.querySelector(at);
      if (at && !el) throw new Error(`shoot: nothing matches ${at}`);
      const header = document.querySelector(".topbar")?.getBoundingClientRect().height ?? 0;
      window.scrollTo(0, el ? el.getBoundingClientRect().top + window.scrollY - header - 8 : 0);
    }, at);
  }
  await page.screenshot({ path: join(SHOTS, name) });
  // `en`: the same screen in English too (`name-en.png`), switched with the header's button and
  // back: the language is a setting of the page, so nothing on it changes but the words. (The
  // button is clicked from script: a dialog open for the picture covers the header.)
  if (en) {
    const lang = () => page.evaluate(() => document.documentElement.lang);
    const toggle = () => page.evaluate(() => document.querySelector("[data-testid=lang-switch]").click());
    const before = await lang();
    await toggle();
    await page.waitForFunction((b) => document.documentElement.lang !== b, before);
    await page.screenshot({ path: join(SHOTS, name.replace(/\.png$/, "-en.png")) });
    await toggle();
    await page.waitForFunction((b) => document.documentElement.lang === b, before);
  }
}

/**
 * Phone-camera-sized JPEGs (4000x3000, 12 MP), made by Chromium's own encoder, one per label,
 * each different, written to a folder: what `<input type=file capture>` hands the app on a phone.
 */
export async function makeJpegs(browser, labels, dir) {
  const page = await browser.newPage();
  const files = {};
  for (const [i, label] of labels.entries()) {
    const base64 = await page.evaluate(async ({ label, i }) => {
      const c = new OffscreenCanvas(4000, 3000);
      const g = c.getContext("2d");
      const grad = g.createLinearGradient(0, 0, 4000, 3000);
      grad.addColorStop(0, `hsl(${(i * 47) % 360}, 60%, 45%)`);
      grad.addColorStop(1, `hsl(${(i * 47 + 120) % 360}, 60%, 30%)`);
      g.fillStyle = grad;
      g.fillRect(0, 0, 4000, 3000);
      // Detail, so the JPEG is the size of a real photo rather than a flat colour.
      for (let k = 0; k < 4000; k++) {
        g.fillStyle = `rgba(${(k * 13) % 255}, ${(k * 7) % 255}, ${(k * 3) % 255}, 0.35)`;
        g.fillRect((k * 997) % 4000, (k * 613) % 3000, 40 + (k % 90), 30 + (k % 70));
      }
      g.fillStyle = "#fff";
      g.font = "bold 220px sans-serif";
      g.fillText(label, 200, 1600);
      const blob = await c.convertToBlob({ type: "image/jpeg", quality: 0.92 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = "";
      for (let j = 0; j < bytes.length; j += 0x8000) s += String.fromCharCode(...bytes.subarray(j, j + 0x8000));
      return btoa(s);
    }, { label, i });
    const path = join(dir, `${label}.jpg`);
    writeFileSync(path, Buffer.from(base64, "base64"));
    files[label] = path;
  }
  await page.close();
  return files;
}

/** The entries of a ZIP archive (stored or deflated), by name: enough to check what the office gets. */
export function readZip(buf) {
  const entries = {};
  // End of central directory: the last 22+ bytes, signature 0x06054b50.
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip archive");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory");
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + size);
    entries[name] = method === 0 ? raw : inflateRawSync(raw);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** 出发 on the open order: the departure form asks for the expected arrival and the companions;
 * confirmed as offered (an hour from now rounded, the dispatched companions ticked) unless told. */
export async function depart(page, { arrival, more } = {}) {
  await page.click("[data-testid=next-node][data-node=departed]");
  await page.waitForSelector("[data-testid=depart-form]");
  if (arrival) await page.fill("input[name=expected_arrival]", arrival);
  if (more) await page.fill("input[name=more_companions]", more);
  await page.click("[data-testid=confirm-depart]");
}

/** Open the app (the field app at `url`, or the office at `${url}/office/`) and sign in through its
 * form; waits until the first list is on screen. */
export async function signIn(page, url, username, list = "[data-testid=work-order-card]") {
  await page.goto(url);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector(list);
}

/** Open a work order from the list by its ticket. */
export async function openOrder(page, order) {
  await page.click(`[data-testid=work-order-card][data-ticket="${order.ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
}

/** Add a photo from the gallery to the open order's extra slot; waits for its thumbnail. */
export async function addExtra(page, file) {
  const before = await page.locator("li[data-slot=extra] .thumb").count();
  await page.setInputFiles("li[data-slot=extra] [data-testid=gallery-input]", file);
  await page.waitForFunction((n) => document.querySelectorAll("li[data-slot=extra] .thumb").length > n, before, {
    timeout: 30_000,
  });
}

/**
 * Every state the page's sync badge shows from now on, reloads included: the returned function
 * gives them (savedhere, sending, allsent, attention). Call it before the page opens the app.
 */
export async function watchBadge(page) {
  const seen = new Set();
  await page.exposeFunction("__fieldbookBadgeSeen", (state) => void seen.add(state));
  const watch = () => {
    const badge = "[data-testid=sync-badge]";
    const report = (state) => state && window.__fieldbookBadgeSeen(state);
    new MutationObserver((records) => {
      // Each change's old value too: a state that lasted less than a task is still seen.
      for (const r of records) if (r.type === "attributes" && r.target.matches(badge)) report(r.oldValue);
      report(document.querySelector(badge)?.dataset.state);
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"], attributeOldValue: true });
  };
  await page.addInitScript(watch);
  await page.evaluate(watch);
  return () => [...seen];
}

/** Open the sync screen through the badge (as a person does) and count what waits there. */
export async function queueCounts(page) {
  await page.click("[data-testid=sync-badge]");
  await page.waitForSelector("[data-testid=queue-entry], [data-testid=queue-photo], [data-testid=queue-empty]");
  return {
    entries: await page.locator("[data-testid=queue-entry]").count(),
    photos: await page.locator("[data-testid=queue-photo]").count(),
  };
}

/** Back online after `context.setOffline(true)`: the queue goes by itself. */
export async function reconnect(context, page) {
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
}

/** Reporting damage from a role's home screen, tap by tap as a person would: each tap is counted
 * until the camera opens (the file chooser), which takes `photo`. The camera must be in view
 * without scrolling once the form is open. Returns the taps (issue 16 promises two). */
export async function tapsToCamera(page, photo) {
  const chooser = page.waitForEvent("filechooser", { timeout: 15_000 });
  let taps = 0;
  await page.click("[data-testid=report-problem]");
  taps += 1;
  const camera = page.locator("[data-testid=finding-photo] label.capture.primary");
  await camera.waitFor();
  const box = await camera.boundingBox();
  const height = page.viewportSize().height;
  if (box.y < 0 || box.y + box.height > height) throw new Error(`the camera is out of view: ${JSON.stringify(box)} of ${height}`);
  await camera.click();
  taps += 1;
  await (await chooser).setFiles(photo);
  await page.waitForSelector("[data-testid=finding-photo] ~ * .thumb img, .thumbs .thumb img", { timeout: 30_000 });
  return taps;
}

/** "上报问题" from a cleaner's today screen, filled in (a photo, "damaged", where) but not saved. */
export async function fillProblemReport(page, photo, place) {
  await page.click("[data-testid=report-problem]");
  await page.setInputFiles("[data-testid=finding-photo] [data-testid=camera-input]", photo);
  await page.waitForSelector(".thumbs .thumb img", { timeout: 30_000 });
  await page.click("[data-testid=problem-kind][data-kind=Damaged]");
  await page.fill("[data-testid=report-place]", place);
}

/** The customer signs the open order's pad with a finger (the mouse here) and it is confirmed;
 * waits until the order shows it signed by `signer`. */
export async function signPad(page, signer) {
  await page.fill("input[name=signer]", signer);
  await page.locator("[data-testid=signature-pad]").scrollIntoViewIfNeeded();
  const pad = await page.locator("[data-testid=signature-pad]").boundingBox();
  await page.mouse.move(pad.x + 20, pad.y + pad.height / 2);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) {
    await page.mouse.move(pad.x + 20 + (k * (pad.width - 40)) / 20, pad.y + pad.height / 2 + Math.sin(k) * 30);
  }
  await page.mouse.up();
  await page.click("[data-testid=confirm-signature]");
  await page.waitForSelector(`[data-testid=signed]:has-text('${signer}')`);
}

/** A desk screen shot at the size it is (e.g. desk-call-1280.png) and again at 1920x1080
 * (desk-call-1920.png), then back: `base` is the name without the width; `at`/`here` as shoot. */
export async function shootDesk(page, base, opts = {}) {
  const size = page.viewportSize();
  await shoot(page, `${base}-${size.width}.png`, opts);
  await page.setViewportSize({ width: 1920, height: 1080 });
  // Laid out again at the new size before the picture.
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  await shoot(page, `${base}-1920.png`, opts);
  await page.setViewportSize(size);
}

/** A photo taken with the camera into a slot of the open order; waits for its thumbnail. */
export async function takePhoto(page, slot, file) {
  const before = await page.locator(`li[data-slot=${slot}] .thumb`).count();
  await page.setInputFiles(`li[data-slot=${slot}] [data-testid=camera-input]`, file);
  await page.waitForFunction(([s, n]) => document.querySelectorAll(`li[data-slot=${s}] .thumb`).length > n, [slot, before], {
    timeout: 30_000,
  });
}

/** The work order as the server holds it, read by the dispatcher. */
export async function heldOrder(server, id) {
  const { status, body } = await (await server.client("dispatcher1")).get(`/api/work-orders/${id}`);
  if (status !== 200) throw new Error(`work order ${id}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** An engineer's 360x740 phone, signed in, its service worker in charge, everything sent. */
export async function engineerPhone(browser, url, username = "engineer1") {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, url, username);
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  return { context, page };
}

/** The phone syncs (as on opening the app) and lists the order. */
export async function phoneSync(page, url, ticket) {
  await page.goto(url);
  await page.waitForSelector(`[data-testid=work-order-card][data-ticket="${ticket}"]`, { timeout: 30_000 });
  await badge(page, "allsent", 60_000);
}

/** A `datetime-local` value moved by `minutes`. */
function shiftInput(value, minutes) {
  const t = new Date(`${value}:00Z`).getTime() + minutes * 60_000;
  return new Date(t).toISOString().slice(0, 16);
}

/** 接报 at the office desk: the call typed into the form (the customer left out when `customer` is
 * empty; the service type chosen and 预计索赔 ticked when given), dispatched to engineer1 with
 * engineer2 along when `companion`. Not yet created: see `createCall`. */
export async function typeCall(page, call, { companion = true } = {}) {
  await page.getByRole("navigation").getByRole("link", { name: "接报" }).click();
  await page.waitForSelector("h1:has-text('接报 / 派工')");
  const label = (name) => page.getByLabel(name, { exact: true });
  if (call.customer) await label("客户").fill(call.customer);
  await label("联系人").fill(call.contact);
  await label("联系电话").fill(call.phone);
  await label("工地位置").fill(call.site);
  // The model first: both search the register as they are typed, and the last one typed wins.
  await label("机型").fill(call.model);
  await label("序列号").fill(call.serial);
  await label("小时数").fill(String(call.hours));
  await label("工况").fill(call.condition);
  await label("故障描述").fill(call.fault);
  if (call.service) await page.selectOption("select[name=service_type]", call.service);
  if (call.down) await page.check("input[name=machine_down]");
  if (call.claimExpected) await page.check("input[name=claim_expected]");
  const called = await page.inputValue("input[name=called_at]");
  await page.fill("input[name=planned_at]", shiftInput(called, 90));
  await page.waitForSelector("select[name=assignee] option[value=engineer1]", { state: "attached" });
  await page.selectOption("select[name=assignee]", "engineer1");
  if (companion) await page.check("input[name=companion][value=engineer2]");
}

/** 建单并派工 on the typed call: the order's page opens; its id. */
export async function createCall(page) {
  await page.getByRole("button", { name: "建单并派工" }).click();
  await page.waitForURL(/\/office\/work-orders\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop();
}
