// The queue under the faults field staff meet: the server dying mid-upload, a reload mid-upload,
// and a shared device. In every case the server ends with every saved item exactly once, and the
// screen tells the truth. (A full phone is in queue_storage.test.mjs.)
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { addExtra, badge, launch, makeJpegs, PHONE, Server, serviceWorkerReady, shoot, signIn, openOrder, depart } from "./harness.mjs";

let server;
let browser;
let jpegs;

before(async () => {
  server = await Server.start();
  browser = await launch();
  const labels = Array.from({ length: 10 }, (_, i) => `queue-${i + 1}`);
  jpegs = await makeJpegs(browser, labels, mkdtempSync(join(tmpdir(), "fieldbook-queue-")));
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

function storedFiles(dir) {
  const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(join(dir, "photos")).filter((f) => f.endsWith(".jpg"));
}

test("the server dies while photo 5 of 10 uploads, the tab reloads mid-upload: every photo arrives once", { timeout: 300_000 }, async () => {
  const engineer = await server.client("engineer1");
  const orders = (await engineer.get("/api/sync?cursor=0")).body.work_orders;
  const order = orders.find((o) => o.service_type === "fault_repair" && !o.machine_down) ?? orders[1];
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await serviceWorkerReady(page);
  await openOrder(page, order);

  await server.kill();
  for (const file of Object.values(jpegs)) await addExtra(page, file);
  await badge(page, "savedhere", 10_000);

  // A slow uplink, so the uploads take long enough to be cut.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 40, downloadThroughput: 4_000_000, uploadThroughput: 250_000,
  });
  await server.start();
  const office = await server.client("dispatcher1");
  const uploaded = async () => (await office.get(`/api/work-orders/${order.id}`)).body.photos.filter((p) => p.uploaded).length;
  const deadline = Date.now() + 90_000;
  while ((await uploaded()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok((await uploaded()) >= 4, "uploads began");
  await server.kill();
  const atKill = await uploaded().catch(() => null);
  assert.equal(atKill, null, "the server is down");

  // Reload while the queue is half sent.
  await page.reload();
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  await server.start();
  await badge(page, "allsent", 120_000);

  const read = (await (await server.client("dispatcher1")).get(`/api/work-orders/${order.id}`)).body;
  const extras = read.photos.filter((p) => p.slot === "extra");
  assert.equal(extras.length, 10, "ten photos, not eleven, not nine");
  assert.ok(extras.every((p) => p.uploaded));
  assert.equal(new Set(extras.map((p) => p.sha256)).size, 10);
  assert.equal(new Set(extras.map((p) => p.name)).size, 10, "each named once: extra, extra-2, … extra-10");
  // Objects are keyed by the server's ids (wo-<order id>/<seq>-<sha256>.jpg), not by names.
  assert.equal(storedFiles(server.dataDir).filter((f) => f.includes(`wo-${order.id}`)).length, 10, "ten objects in the store");
  await page.goto(`${server.url}/sync`);
  await page.waitForSelector("[data-testid=queue-empty]");
  await context.close();
});

test("a shared phone: unsent work is kept for its owner and only ever sent under their session", { timeout: 180_000 }, async () => {
  const first = await server.client("engineer1");
  const mine = (await first.get("/api/sync?cursor=0")).body.work_orders;
  const order = mine.find((o) => o.status === "dispatched");
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await serviceWorkerReady(page);
  await openOrder(page, order);
  await server.kill();
  await depart(page);
  await badge(page, "savedhere", 10_000);
  await page.goto(`${server.url}/sync`);
  await page.waitForSelector("[data-testid=queue-entry]");
  await page.waitForSelector("[data-testid=storage]:has-text('MB')");
  await shoot(page, "phone-sync-screen.png");

  await page.click("[data-testid=sign-out]");
  await page.waitForSelector("[data-testid=notice] [data-testid=keep-for-later]");
  await shoot(page, "phone-sign-out-unsent.png");
  await page.click("[data-testid=keep-for-later]");
  await page.waitForSelector("form.form input[name=username]");

  await server.start();
  await page.fill("input[name=username]", "engineer2");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=who]:has-text('李强')");
  await page.goto(server.url);
  await page.waitForSelector("[data-testid=work-order-card]");
  const tickets = await page.locator("[data-testid=work-order-card]").evaluateAll((els) => els.map((e) => e.dataset.ticket));
  assert.ok(!tickets.includes(order.ticket), "engineer1's orders are not shown to engineer2");
  await badge(page, "allsent");
  const office = await server.client("dispatcher1");
  assert.deepEqual((await office.get(`/api/work-orders/${order.id}`)).body.history, [], "not sent under engineer2");

  await page.click("[data-testid=sign-out]");
  await page.waitForSelector("form.form input[name=username]");
  await page.fill("input[name=username]", "engineer1");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=who]:has-text('张伟')");
  await badge(page, "allsent", 30_000);
  const history = (await office.get(`/api/work-orders/${order.id}`)).body.history;
  assert.deepEqual(history.map((h) => h.node), ["departed"]);
  assert.equal(history[0].by, "engineer1");
  await context.close();
});
