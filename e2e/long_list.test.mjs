// Loading and long lists. A first visit shows a loading screen until the app is there. A phone
// with 1,200 more work orders than the demo's: the first sync comes in pages (the server sends at
// most 500 orders an answer) and the phone stores all of them; the list keeps only the cards near
// the screen in the page, yet every order can be scrolled to and opened, on a phone (one column)
// and on a tablet (two).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, launch, PHONE, SERVER_BIN, Server, shoot, signIn, TABLET } from "./harness.mjs";

const EXTRA = 1200;
let server;
let browser;
let expected;

before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "fieldbook-e2e-long-"));
  execFileSync(SERVER_BIN, ["demo", "--data-dir", dataDir, "--generate", String(EXTRA)], { stdio: "pipe" });
  server = await Server.start({ dataDir, demo: false });
  browser = await launch();
  // engineer1's orders in the list's order (`WorkOrder::list_key`: most urgent first), read from
  // the server page by page the way the phone does.
  const engineer = await server.client("engineer1");
  const orders = [];
  let cursor = 0;
  for (;;) {
    const { body } = await engineer.get(`/api/sync?cursor=${cursor}`);
    orders.push(...body.work_orders);
    cursor = body.cursor;
    if (!body.more) break;
  }
  orders.sort((a, b) => {
    const [ka, kb] = [listKey(a), listKey(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || (ka[2] < kb[2] ? -1 : ka[2] > kb[2] ? 1 : 0);
  });
  expected = orders.map((o) => o.ticket);
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

/** `WorkOrder::list_key` (model/src/work_order.rs), read from the server's JSON. */
function listKey(o) {
  const reached = (node) => o.history.some((h) => h.node === node);
  const responded = reached("arrived") || reached("resolved_by_phone");
  const called = Date.parse(o.called_at);
  const responseDue = called + 36 * 3600_000;
  const final = o.status === "repaired_left" || o.status === "resolved_by_phone";
  const left = o.history.find((h) => h.node === "repaired_left");
  if (o.closure) return [5, -called, o.ticket];
  if (o.machine_down && !final) return [0, responseDue, o.ticket];
  if (!responded) return [1, responseDue, o.ticket];
  if (!final) return [2, called, o.ticket];
  if (left && o.status === "repaired_left" && !o.report?.submitted_at) return [3, Date.parse(left.at) + 3 * 24 * 3600_000, o.ticket];
  return [4, -called, o.ticket];
}

const cards = (page) => page.locator("[data-testid=work-order-card]");
const tickets = (page) => cards(page).evaluateAll((els) => els.map((e) => e.dataset.ticket));

/** Scroll the page so that the list's item `i` would be at the top, and let the list follow. */
async function scrollToItem(page, i) {
  await page.evaluate((i) => {
    const first = document.querySelector("[data-testid=work-order-card]").getBoundingClientRect();
    const list = document.querySelector("[data-testid=work-order-list]");
    const cols = getComputedStyle(list).gridTemplateColumns.split(" ").length || 1;
    const items = list.children;
    const step = items.length > cols ? items[cols].getBoundingClientRect().top - items[0].getBoundingClientRect().top : first.height;
    window.scrollTo(0, list.getBoundingClientRect().top + window.scrollY + Math.floor(i / cols) * step);
  }, i);
  await page.waitForTimeout(150);
}

for (const [device, size] of [["phone", PHONE], ["tablet", TABLET]]) {
  test(`${device}: ${EXTRA} more orders arrive in pages, and the list scrolls to every one`, { timeout: 180_000 }, async () => {
    assert.equal(expected.length, EXTRA + 6);
    const context = await browser.newContext({ ...size, locale: "zh-CN" });
    const page = await context.newPage();
    const pulls = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/sync")) pulls.push(r.status());
    });
    // The list shows the first page's orders as soon as they are stored; the pull goes on
    // behind it, page after page, until every order is on the device.
    await signIn(page, server.url, "engineer1");
    await badge(page, "allsent", 90_000);
    const storedCount = () =>
      page.evaluate(
        () =>
          new Promise((ok, fail) => {
            const r = indexedDB.open("fieldbook");
            r.onsuccess = () => {
              const c = r.result.transaction("work_orders").objectStore("work_orders").count();
              c.onsuccess = () => ok(c.result);
              c.onerror = () => fail(c.error);
            };
            r.onerror = () => fail(r.error);
          }),
      );
    const deadline = Date.now() + 90_000;
    let stored = await storedCount();
    while (stored < expected.length && Date.now() < deadline) {
      await page.waitForTimeout(200);
      stored = await storedCount();
    }
    assert.equal(stored, expected.length, "every order is on the device");
    assert.ok(pulls.length >= 3, `the first sync came in pages: ${pulls.length} answers`);

    // Only the first screens' cards are in the page, in the list's order.
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=work-order-card]").length < n, 80);
    const first = await tickets(page);
    assert.ok(first.length < 80, `${first.length} cards in the page`);
    assert.deepEqual(first, expected.slice(0, first.length));

    // The middle of the list: the cards there, in order, and one of them opens.
    const middle = Math.floor(expected.length / 2);
    await scrollToItem(page, middle);
    const there = await tickets(page);
    assert.ok(there.includes(expected[middle]), `${expected[middle]} in ${there.slice(0, 3)}…`);
    const at = expected.indexOf(there[0]);
    assert.deepEqual(there, expected.slice(at, at + there.length), "the cards are consecutive");
    await shoot(page, `${device}-long-list.png`, { here: true });
    await page.click(`[data-ticket="${expected[middle]}"]`);
    await page.waitForSelector(`h1:has-text("${expected[middle]}")`);
    await page.goBack();
    await page.waitForSelector("[data-testid=work-order-card]");

    // The very end: the last order is there.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForSelector(`[data-ticket="${expected.at(-1)}"]`);
    await context.close();
  });
}

test("a first visit on a slow network shows a loading screen until the app is there", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN", serviceWorkers: "block" });
  const page = await context.newPage();
  let release;
  const held = new Promise((ok) => (release = ok));
  // The app's code arrives only when the test lets it.
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(server.url, { waitUntil: "domcontentloaded" });
  await page.waitForSelector("#splash:has-text('正在加载')");
  assert.ok(await page.locator("#splash").isVisible());
  await shoot(page, "phone-loading.png", { here: true });
  release();
  await page.waitForSelector("form.form");
  assert.equal(await page.locator("#splash").count(), 0, "gone once the app is mounted");
  await context.close();
});
