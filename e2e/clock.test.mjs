// A phone whose clock is a year ahead (issue 15: clocks are data, never truth). The page's clock
// is moved, as the phone's would be: every `Date` in the page runs a year ahead of the server's.
// The phone is told to fix its clock; the countdown counts from the corrected time (not "已超时
// 8729 小时"); the photo is named with the server's date; the server judges the arrival at the
// corrected time and the office sees the device's clock was off.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, depart, launch, makeJpegs, PHONE, Server, signIn, takePhoto } from "./harness.mjs";

const YEAR_MS = 365 * 24 * 3600 * 1000;

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

/** The date in photo names: China Standard Time, as the company works. */
function chinaDate(ms) {
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10).replaceAll("-", "");
}

test("a phone a year ahead is told so, counts down truly, names photos and arrives at the server's time", { timeout: 240_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  await context.addInitScript((ahead) => {
    const RealDate = Date;
    class AheadDate extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(RealDate.now() + ahead);
        else super(...args);
      }
      static now() {
        return RealDate.now() + ahead;
      }
    }
    globalThis.Date = AheadDate;
  }, YEAR_MS);
  const page = await context.newPage();
  assert.ok((await page.evaluate(() => Date.now())) > Date.now() + YEAR_MS - 60_000, "the page's clock is a year ahead");

  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  // Told to fix the clock, with how far off it is.
  await page.waitForSelector("[data-testid=clock-off]");
  // The orders' countdowns come from the corrected time: none is "late" by thousands of hours.
  const deadlines = await page.locator("[data-testid=work-order-card] .deadline").allTextContents();
  assert.ok(deadlines.length > 0);
  for (const d of deadlines) assert.doesNotMatch(d, /\d{4,} 小时/, `a countdown from the wrong clock: ${d}`);

  const engineer = await server.client("engineer1");
  const orders = (await engineer.get("/api/sync?cursor=0")).body.work_orders;
  const order = orders.find((o) => o.status === "dispatched" && o.slots.some((s) => s.key === "nameplate"));
  assert.ok(order, "an order with a nameplate photo");
  await page.click(`[data-testid=work-order-card][data-ticket="${order.ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  await depart(page);
  await page.waitForSelector(".step.reached[data-node=departed]");
  await page.click("[data-testid=next-node][data-node=arrived]");
  await page.waitForSelector(".step.reached[data-node=arrived]");
  const dir = mkdtempSync(join(tmpdir(), "fieldbook-clock-"));
  const photos = await makeJpegs(browser, ["nameplate"], dir);
  await takePhoto(page, "nameplate", photos.nameplate);
  await badge(page, "allsent", 60_000);

  const office = await server.client("dispatcher1");
  const now = Date.now();
  const read = (await office.get(`/api/work-orders/${order.id}`)).body;
  const arrived = read.history.find((h) => h.node === "arrived");
  assert.ok(Math.abs(new Date(arrived.at).getTime() - now) < 10 * 60_000, `arrival judged at the server's time, not ${arrived.at}`);
  const named = read.photos.find((p) => p.slot === "nameplate");
  assert.ok(named.name.includes(`-${chinaDate(now)}-`), `named with the server's date: ${named.name}`);
  assert.ok(!named.name.includes(`-${chinaDate(now + YEAR_MS)}-`));
  // The office sees that the device's clock was off, on the step and on the photo.
  const minutes = read.clock_off.map((c) => c.minutes);
  assert.ok(minutes.length >= 2 && minutes.every((m) => Math.abs(m - YEAR_MS / 60_000) < 10), JSON.stringify(read.clock_off));
  await context.close();
});
