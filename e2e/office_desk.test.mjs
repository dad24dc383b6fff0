// The dispatch desk's first part: the office is its own app under /office/. A dispatcher who signs
// in on the field app (with its service worker in control) is sent there and the field app keeps
// nothing of them; the office opens signed in by the same cookie, signs out, and signs in again
// with its own form; a field role that signs in at the office is sent back to the field app.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, Server, serviceWorkerReady, shoot, signIn } from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

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

const firstRow = "[data-testid=office-card]";

test("a dispatcher signing in on the field app works in the office app", { timeout: 120_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await page.goto(server.url);
  // The field app's worker controls the origin: it must leave /office/ to the server.
  await serviceWorkerReady(page);
  await page.reload();
  await signIn(page, server.url, "dispatcher1", firstRow);
  assert.equal(new URL(page.url()).pathname, "/office/");
  assert.equal(await page.title(), "Fieldbook 办公室");
  assert.equal(await page.textContent("[data-testid=who]"), "陈静");
  const orders = (await (await server.client("dispatcher1")).get("/api/work-orders")).body;
  assert.equal(await page.locator(firstRow).count(), orders.length, "every work order is a row");
  await shoot(page, "desk-office-list.png");

  // An order's page, by its own address, and back to the table.
  const order = orders[0];
  await page.click(`${firstRow}[data-ticket="${order.ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  assert.equal(new URL(page.url()).pathname, `/office/work-orders/${order.id}`);
  await page.reload();
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  await page.click("a.back");
  await page.waitForSelector(firstRow);

  // The language switch, kept for the next visit.
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("h1:has-text('All work orders')");
  await page.reload();
  await page.waitForSelector("h1:has-text('All work orders')");
  await page.click("[data-testid=lang-switch]");

  // The field app kept no dispatcher: it opens at its own sign-in.
  const field = await context.newPage();
  await field.goto(server.url);
  await field.waitForSelector("input[name=username]");
  assert.equal(await field.locator("[data-testid=to-office]").count(), 0);
  await field.close();

  // Sign out: the server's session ends, and the office asks for a sign-in, also after a reload.
  await page.click("[data-testid=sign-out]");
  await page.waitForSelector("input[name=username]");
  await page.reload();
  await page.waitForSelector("input[name=username]");
  await page.click("button[type=submit]");
  assert.equal(await page.textContent("[data-testid=username-error]"), "请输入用户名");
  await page.fill("input[name=username]", "dispatcher1");
  await page.fill("input[name=password]", "wrong");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=sign-in-error]:has-text('用户名或密码不正确')");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector(firstRow);
  await context.close();
});

test("an engineer who signs in at the office is sent to the field app", { timeout: 60_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "engineer1", "[data-testid=not-office]");
  assert.equal(await page.getAttribute("[data-testid=not-office] a", "href"), "/");
  await page.click("[data-testid=not-office] a");
  await page.waitForSelector("input[name=username]");
  assert.equal(new URL(page.url()).pathname, "/");
  await context.close();
});
