// Moving between screens stays in one document: the app's links become history entries of the
// page that is already loaded (the router's document click listener prevents the browser's own
// navigation), so an upload in flight and whatever the page holds in memory survive a tap on a
// link. A whole new document per link would look the same on screen (the service worker serves it
// at once); what tells them apart is a mark left on the window, and the document's start time.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { badge, launch, makeJpegs, PHONE, Server, signIn, takePhoto } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await Server.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

/** Leave a mark on this document's window; returns its start time. */
async function markDocument(page) {
  return page.evaluate(() => {
    window.__fieldbookDoc = 1;
    return performance.timeOrigin;
  });
}

/** After a move: still the marked document (not a new one), on `path`, showing `selector`. */
async function sameDocument(page, origin, path, selector, move) {
  await page.waitForSelector(selector);
  assert.equal(new URL(page.url()).pathname.replace(/\/$/, "") || "/", path, `${move}: the address`);
  const now = await page.evaluate(() => ({ mark: window.__fieldbookDoc, origin: performance.timeOrigin }));
  assert.equal(now.mark, 1, `${move}: a new document was loaded (the mark on the window is gone)`);
  assert.equal(now.origin, origin, `${move}: a new document was loaded (its start time changed)`);
}

test("an engineer's taps on links stay in one document: an order and back, the sync screen and home", { timeout: 120_000 }, async () => {
  const engineer = await server.client("engineer1");
  const [order] = (await engineer.get("/api/sync?cursor=0")).body.work_orders;
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  const origin = await markDocument(page);

  await page.click(`[data-testid=work-order-card][data-ticket="${order.ticket}"]`);
  await sameDocument(page, origin, `/work-orders/${order.id}`, `[data-testid=ticket]:has-text('${order.ticket}')`, "opening an order from the list");

  await page.click("a.back");
  await sameDocument(page, origin, "/", `[data-testid=work-order-card][data-ticket="${order.ticket}"]`, "the order's back link");

  // The badge is the link to the sync screen (a tap also sends now), no button inside a link.
  await page.click("[data-testid=sync-badge]");
  await sameDocument(page, origin, "/sync", "[data-testid=storage]", "tapping the sync badge");

  await page.click("a.brand");
  await sameDocument(page, origin, "/", "[data-testid=work-order-card]", "the app's name, home");

  // The browser's own back and forward move through the same entries.
  await page.goBack();
  await sameDocument(page, origin, "/sync", "[data-testid=storage]", "the browser's back button");
  await page.goForward();
  await sameDocument(page, origin, "/", "[data-testid=work-order-card]", "the browser's forward button");
  await context.close();
});

test("a cleaner's taps on links stay in one document: an area and back, a unit and back, the report form and back", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(page, "allsent");
  await page.waitForSelector("[data-testid=unit-card]");
  const origin = await markDocument(page);

  const lobby = "[data-testid=area-card][data-area=大堂]";
  const lobbyPath = await page.getAttribute(lobby, "href");
  assert.match(lobbyPath, /^\/areas\//);
  await page.click(lobby);
  await sameDocument(page, origin, lobbyPath, "[data-testid=area-title]:has-text('大堂')", "opening an area from today's list");
  await page.click("a.back");
  await sameDocument(page, origin, "/", "[data-testid=area-card][data-area=大堂]", "the area's back link");

  const unit = "[data-testid=unit-card][data-unit='3栋 1204']";
  const unitPath = await page.getAttribute(unit, "href");
  assert.match(unitPath, /^\/units\//);
  await page.click(unit);
  await sameDocument(page, origin, unitPath, "[data-testid=unit-title]:has-text('3栋 1204')", "opening a vacant unit");
  await page.click("a.back");
  await sameDocument(page, origin, "/", "[data-testid=unit-card]", "the unit's back link");

  await page.click("[data-testid=report-problem]");
  await sameDocument(page, origin, "/report", "[data-testid=report-place]", "上报问题");
  await page.click("a.back");
  await sameDocument(page, origin, "/", "[data-testid=area-card]", "the report form's back link");
  await context.close();
});

test("a photo upload in progress survives moving between screens: one PUT, never aborted", { timeout: 180_000 }, async () => {
  const engineer = await server.client("engineer1");
  const orders = (await engineer.get("/api/sync?cursor=0")).body.work_orders;
  const order = orders.find((o) => o.slots.some((s) => s.key === "nameplate"));
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  const puts = [];
  const failed = [];
  page.on("request", (r) => r.method() === "PUT" && r.url().includes("/api/photos/") && puts.push(r.url()));
  page.on("requestfailed", (r) => r.url().includes("/api/photos/") && failed.push(r.failure()?.errorText));
  let finishedAt = null;
  page.on("requestfinished", (r) => r.method() === "PUT" && r.url().includes("/api/photos/") && (finishedAt = Date.now()));
  await page.click(`[data-testid=work-order-card][data-ticket="${order.ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  const origin = await markDocument(page);

  // A slow uplink: the photo takes seconds to go up.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 50, downloadThroughput: -1, uploadThroughput: 40 * 1024 });
  const photos = await makeJpegs(context.browser(), ["nameplate"], mkdtempSync(join(tmpdir(), "fieldbook-nav-")));
  await takePhoto(page, "nameplate", photos.nameplate);
  await badge(page, "sending", 30_000);
  // The PUT has started before anyone moves.
  for (let i = 0; i < 300 && puts.length === 0; i++) await page.waitForTimeout(100);
  assert.equal(puts.length, 1, "the upload started");
  // While it goes up: the sync screen, where its percent shows, then back to the order.
  await page.click("[data-testid=sync-badge]");
  await sameDocument(page, origin, "/sync", "[data-testid=storage]", "the sync screen during an upload");
  await page.click("a.brand");
  await sameDocument(page, origin, "/", "[data-testid=work-order-card]", "home during an upload");
  await page.click(`[data-testid=work-order-card][data-ticket="${order.ticket}"]`);
  await sameDocument(page, origin, `/work-orders/${order.id}`, "[data-testid=ticket]", "the order again");
  const movedAt = Date.now();
  await badge(page, "allsent", 120_000);
  assert.ok(finishedAt > movedAt, "the upload was still going while the screens changed");
  assert.equal(puts.length, 1, `one PUT for the photo: ${puts.join(", ")}`);
  assert.deepEqual(failed, [], "no upload was aborted");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await context.close();
});
