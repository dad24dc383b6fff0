// The spine's journey: an engineer signs in on a phone, taps status nodes, loses the server,
// reloads, keeps working, and everything reaches the server exactly once when it comes back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { badge, launch, launchPersistent, PHONE, Server, serviceWorkerReady, shoot, TABLET, signIn, depart } from "./harness.mjs";

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

/** The work order's history as the server holds it, read by the dispatcher. */
async function serverHistory(id) {
  const office = await server.client("dispatcher1");
  const { status, body } = await office.get(`/api/work-orders/${id}`);
  assert.equal(status, 200);
  return body.history.map((h) => h.node);
}

test("engineer works a ticket through a server outage, and every node arrives exactly once", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  const opsBodies = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/ops") && r.method() === "POST") opsBodies.push(r.postData());
  });

  await page.goto(server.url);
  await page.waitForSelector("form.form");
  await shoot(page, "phone-sign-in.png", { en: true });

  // Empty fields and a wrong password get clear messages, and no session.
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=username-error]:has-text('请输入用户名')");
  await page.waitForSelector("[data-testid=password-error]:has-text('请输入密码')");
  await page.fill("input[name=username]", "engineer1");
  await page.fill("input[name=password]", "wrong-password");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=sign-in-error]:has-text('用户名或密码不正确')");

  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=work-order-card]");
  await badge(page, "allsent");
  const cards = page.locator("[data-testid=work-order-card]");
  const engineerOrders = (await (await server.client("engineer1")).get("/api/sync?cursor=0")).body.work_orders;
  assert.equal(await cards.count(), engineerOrders.length, "every assigned order, and only those");
  assert.ok(engineerOrders.length >= 4);
  assert.equal(await page.locator(".badge.down").count(), 1, "one machine-down ticket");
  // The machine that is down comes first.
  await assert.doesNotReject(cards.first().locator(".badge.down").waitFor({ timeout: 2000 }));
  await serviceWorkerReady(page);
  await shoot(page, "phone-work-orders.png", { en: true });

  // Open a dispatched order and report departure, online.
  const ticket = await cards.first().getAttribute("data-ticket");
  const order = engineerOrders.find((o) => o.ticket === ticket);
  await cards.first().click();
  await page.waitForSelector(`[data-testid=ticket]:has-text('${ticket}')`);
  // The site opens in the phone's map app (Android's geo: intent), the contact's number dials.
  assert.equal(await page.getAttribute("[data-testid=site-map]", "href"), `geo:0,0?q=${encodeURIComponent(order.site)}`);
  if (order.contact_phone) {
    assert.match(await page.getAttribute("[data-testid=contact-phone]", "href"), /^tel:\+?\d+$/);
  }
  await depart(page);
  await page.waitForSelector(".step.reached[data-node=departed] [data-testid=step-time]:not(:empty)");
  await badge(page, "allsent");
  assert.deepEqual(await serverHistory(order.id), ["departed"]);

  // The server goes away. The page reloads from the service worker, still signed in, with the node.
  await server.kill();
  await page.reload();
  await page.waitForSelector(`[data-testid=ticket]:has-text('${ticket}')`);
  await page.waitForSelector(".step.reached[data-node=departed]");
  assert.ok(await page.isVisible("[data-testid=who]"), "still signed in");

  // Tap the next node with no server: saved here, at once.
  await page.click("[data-testid=next-node][data-node=arrived]");
  await page.waitForSelector(".step.reached.pending[data-node=arrived]");
  await page.waitForSelector("[data-testid=saved-toast]");
  await badge(page, "savedhere", 10_000);
  await shoot(page, "phone-offline-saved-here.png", { en: true });

  // A second reload while offline still shows the queued node.
  await page.reload();
  await page.waitForSelector(".step.reached.pending[data-node=arrived]");
  await badge(page, "savedhere", 10_000);

  // The server comes back: with no action, the queue drains and the badge says all sent.
  await server.start();
  await badge(page, "allsent", 60_000);
  await page.waitForSelector(".step.reached[data-node=arrived]:not(.pending)");
  assert.deepEqual(await serverHistory(order.id), ["departed", "arrived"]);

  // Repaired and left, online; the report deadline appears.
  await page.click("[data-testid=next-node][data-node=repaired_left]");
  await badge(page, "allsent");
  await page.waitForSelector(".step.reached[data-node=repaired_left]");
  assert.deepEqual(await serverHistory(order.id), ["departed", "arrived", "repaired_left"]);
  assert.equal(await page.locator("[data-testid=next-node]").count(), 0, "no step after leaving site");
  await shoot(page, "phone-work-order-done.png", { en: true });

  // The same batch sent twice: one effect, and the same answer.
  assert.ok(opsBodies.length >= 3);
  const replay = await page.evaluate(async (body) => {
    const r = await fetch("/api/ops", { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: r.status, body: await r.json() };
  }, opsBodies[0]);
  assert.equal(replay.status, 200);
  const sent = JSON.parse(opsBodies[0]).ops.map((o) => o.id);
  assert.deepEqual(replay.body.results.map((r) => r.id), sent);
  assert.ok(replay.body.results.every((r) => r.outcome === "duplicate"), JSON.stringify(replay.body));
  assert.deepEqual(await serverHistory(order.id), ["departed", "arrived", "repaired_left"]);

  await context.close();
});

test("a session that ends keeps the queue, asks to sign in again, then sends everything", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  // Pick an order nobody touched yet.
  const engineer = await server.client("engineer1");
  const orders = (await engineer.get("/api/sync?cursor=0")).body.work_orders;
  const fresh = orders.find((o) => o.status === "dispatched" && !o.machine_down);
  await page.click(`[data-testid=work-order-card][data-ticket="${fresh.ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${fresh.ticket}')`);

  // The server forgets the session (expired, or ended elsewhere).
  const ended = await page.evaluate(async () => (await fetch("/api/session", { method: "DELETE" })).status);
  assert.equal(ended, 200);

  await depart(page);
  await page.waitForSelector("[data-testid=sign-in-again]");
  await badge(page, "attention", 20_000);
  assert.deepEqual(await serverHistory(fresh.id), [], "nothing was sent without a session");
  assert.equal(await page.locator(".step.reached.pending[data-node=departed]").count(), 1, "the tap is kept");

  // Signing in again sends what waited.
  await page.fill("[data-testid=sign-in-again] input[name=password]", "demo1234");
  await page.click("[data-testid=sign-in-again] button[type=submit]");
  await badge(page, "allsent", 30_000);
  assert.equal(await page.locator("[data-testid=sign-in-again]").count(), 0);
  assert.deepEqual(await serverHistory(fresh.id), ["departed"]);
  await context.close();
});

test("English is one tap away, and stays chosen after a reload", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("h1:has-text('My work orders')");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.reload();
  await page.waitForSelector("h1:has-text('My work orders')");
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("h1:has-text('我的工单')");
  await context.close();
});

test("the app is installable: manifest, icons, standalone, theme colour", { timeout: 180_000 }, async () => {
  // Chromium never offers to install from an incognito context: use a real profile.
  const profile = mkdtempSync(join(tmpdir(), "fieldbook-profile-"));
  const context = await launchPersistent(profile, PHONE);
  const page = await context.newPage();
  await page.goto(server.url);
  await serviceWorkerReady(page);
  const manifest = await (await fetch(`${server.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, "standalone");
  assert.equal(manifest.theme_color, "#0b5cab");
  for (const size of ["192x192", "512x512"]) {
    const icon = manifest.icons.find((i) => i.sizes === size);
    assert.ok(icon, size);
    const r = await fetch(server.url + icon.src);
    assert.equal(r.headers.get("content-type"), "image/png");
  }
  // Chromium's own verdict on installability.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors, []);
  await context.close();
});

test("tablet layout of the work-order list", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ ...TABLET });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  await shoot(page, "tablet-work-orders.png", { en: true });
  await context.close();
});
