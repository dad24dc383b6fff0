// What the sync screen lets a person do with their queue: watch a photo's percent while it goes,
// and put right or discard what the server refused, after a dialog that says what will be lost.
// Nothing still on its way can be discarded.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { addExtra, badge, launch, makeJpegs, PHONE, Server, shoot, signIn, openOrder, depart } from "./harness.mjs";

let server;
let browser;
let jpegs;

before(async () => {
  server = await Server.start();
  browser = await launch();
  jpegs = await makeJpegs(browser, ["slow-1", "refused-1"], mkdtempSync(join(tmpdir(), "fieldbook-refused-")));
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

async function dispatchedOrders() {
  const engineer = await server.client("engineer1");
  return (await engineer.get("/api/sync?cursor=0")).body.work_orders.filter((o) => o.status === "dispatched");
}

test("a photo on a slow uplink shows its percent on the sync screen, and arrives once", { timeout: 180_000 }, async () => {
  const [order] = await dispatchedOrders();
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await openOrder(page, order);
  await context.setOffline(true);
  await addExtra(page, jpegs["slow-1"]);
  await badge(page, "savedhere", 10_000);
  await page.goto(`${server.url}/sync`).catch(() => {});
  // Offline, the app is served by its service worker; the photo is listed as waiting.
  await page.waitForSelector("[data-testid=queue-photo] [data-testid=photo-state]");

  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  // ~400 KB at 100 KB/s: about four seconds of upload to watch.
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 40, downloadThroughput: 1_000_000, uploadThroughput: 100_000,
  });
  await context.setOffline(false);
  await page.click("[data-testid=send-now]");
  const seen = new Set();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = await page.locator("[data-testid=queue-photo] [data-testid=photo-state]").first().textContent().catch(() => null);
    const percent = text?.match(/(\d+)%/)?.[1];
    if (percent !== undefined) seen.add(Number(percent));
    if (seen.size >= 3 && (await page.locator("[data-testid=upload-progress]").count()) > 0) {
      await shoot(page, "phone-sync-upload-percent.png");
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const between = [...seen].filter((p) => p > 0 && p < 100);
  assert.ok(between.length >= 2, `percents seen while sending: ${[...seen].sort((a, b) => a - b).join(", ")}`);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await badge(page, "allsent", 60_000);
  await page.waitForSelector("[data-testid=queue-empty]");

  const office = await server.client("dispatcher1");
  const photos = (await office.get(`/api/work-orders/${order.id}`)).body.photos.filter((p) => p.slot === "extra");
  assert.equal(photos.length, 1);
  assert.ok(photos[0].uploaded, "the server holds the bytes");
  await context.close();
});

test("a step the server refused can be reopened or discarded, after a dialog naming what is lost", { timeout: 180_000 }, async () => {
  const [, order] = await dispatchedOrders();
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await openOrder(page, order);
  await context.setOffline(true);
  await depart(page);
  await badge(page, "savedhere", 10_000);

  // Meanwhile the order was resolved by phone from elsewhere: "departed" no longer applies.
  const engineer = await server.client("engineer1");
  const answer = await engineer.post("/api/ops", {
    ops: [{
      id: crypto.randomUUID(),
      user: "engineer1",
      device_id: crypto.randomUUID(),
      device_time: new Date().toISOString(),
      kind: { type: "set_status", work_order_id: order.id, node: "resolved_by_phone" },
    }],
  });
  assert.equal(answer.body.results[0].outcome, "applied");

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await badge(page, "attention", 30_000);
  await page.goto(`${server.url}/sync`);
  const entry = page.locator("[data-testid=queue-entry].refused");
  await entry.waitFor();
  assert.match(await entry.locator("[data-testid=reason]").textContent(), /状态已变化/);
  assert.equal(await page.locator("[data-testid=queue-entry]").count(), 1);

  // Fixing: the record it belongs to opens, to do the step that applies now.
  assert.equal(await entry.locator("[data-testid=fix]").getAttribute("href"), `/work-orders/${order.id}`);
  await entry.locator("[data-testid=fix]").click();
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  await page.goBack();
  await entry.waitFor();

  // Discarding: the dialog says exactly what goes; cancelling keeps it.
  await entry.locator("[data-testid=discard]").click();
  const lost = await page.locator("[data-testid=discard-lost]").textContent();
  assert.ok(lost.includes(order.ticket) && lost.includes("出发") && lost.includes("删除"), lost);
  await shoot(page, "phone-sync-discard-dialog.png");
  await page.click("[data-testid=cancel-discard]");
  await entry.waitFor();
  await entry.locator("[data-testid=discard]").click();
  await page.click("[data-testid=confirm-discard]");
  await page.waitForSelector("[data-testid=queue-empty]");
  await badge(page, "allsent", 30_000);

  const office = await server.client("dispatcher1");
  const history = (await office.get(`/api/work-orders/${order.id}`)).body.history;
  assert.deepEqual(history.map((h) => h.node), ["resolved_by_phone"], "the refused step never reached the server");
  await context.close();
});

test("photo bytes the server refused can be retaken or discarded; waiting ones cannot", { timeout: 180_000 }, async () => {
  const [, , order] = await dispatchedOrders();
  // No service worker: the test's stand-in for a broken uplink must see the upload.
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  // The bytes arrive damaged: the server checks them against their digest and refuses them.
  await context.route("**/api/photos/*", (route) =>
    route.request().method() === "PUT" ? route.continue({ postData: Buffer.from("damaged on the way") }) : route.continue(),
  );
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await openOrder(page, order);
  await addExtra(page, jpegs["refused-1"]);
  await badge(page, "attention", 30_000);
  const name = await page.locator("li[data-slot=extra] [data-testid=photo-name]").first().textContent();

  await page.goto(`${server.url}/sync`);
  const item = page.locator("[data-testid=queue-photo].refused");
  await item.waitFor();
  assert.equal(await page.locator("[data-testid=queue-photo]").count(), 1);
  assert.equal(await item.locator("[data-testid=fix]").getAttribute("href"), `/work-orders/${order.id}`);
  await item.locator("[data-testid=discard]").click();
  const lost = await page.locator("[data-testid=discard-lost]").textContent();
  assert.ok(lost.includes(`照片 ${name}`) && /\d+ KB|\d\.\d MB/.test(lost), lost);
  await page.click("[data-testid=confirm-discard]");
  await page.waitForSelector("[data-testid=queue-empty]");
  await badge(page, "allsent", 30_000);
  const left = await page.evaluate(
    () =>
      new Promise((ok) => {
        const open = indexedDB.open("fieldbook");
        open.onsuccess = () => {
          const req = open.result.transaction("photos").objectStore("photos").count();
          req.onsuccess = () => ok(req.result);
        };
      }),
  );
  assert.equal(left, 0, "the refused bytes are gone from the phone");

  const office = await server.client("dispatcher1");
  const photos = (await office.get(`/api/work-orders/${order.id}`)).body.photos.filter((p) => p.slot === "extra");
  assert.ok(photos.every((p) => !p.uploaded), "nothing damaged was stored");
  await context.close();
});
