// A double tap on a save button (a glove, a hurried thumb, a phone slow to answer) records the
// thing once: one operation waits in the outbox, one reaches the server, and the badge never
// says something needs attention (a second copy the server refuses would).
//
// Each double tap is Playwright's dblclick: two real clicks a few milliseconds apart, while the
// first save is still being written. The phone is offline while the test taps, so what waits in
// the outbox can be counted on the sync screen before anything is sent.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  badge, fillProblemReport, launch, makeJpegs, PHONE, queueCounts, reconnect, Server, serviceWorkerReady, signIn, TABLET,
  watchBadge,
} from "./harness.mjs";

let server;
let browser;
let jpegs;

before(async () => {
  server = await Server.start();
  browser = await launch();
  jpegs = await makeJpegs(browser, ["report", "unit"], mkdtempSync(join(tmpdir(), "fieldbook-double-")));
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

/** A signed-in device, online long enough to pull and cache the app, then offline. */
async function offlineDevice(device, username, list) {
  const context = await browser.newContext({ ...device, locale: "zh-CN" });
  const page = await context.newPage();
  const seen = await watchBadge(page);
  await signIn(page, server.url, username, list);
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  // The first pull is whole before the signal goes (on a loaded machine "all sent" can come
  // before the areas have arrived, and a round then has no areas to cover).
  await page.waitForSelector("[data-testid=freshness]:has-text('上次同步')");
  await page.waitForLoadState("networkidle");
  await context.setOffline(true);
  return { context, page, seen };
}

/**
 * After the double tap: let a second save, if one was started, finish writing (a missed second
 * copy would let the test pass wrongly; it never makes it fail wrongly), then count the outbox.
 */
async function outboxAfterDoubleTap(page) {
  await page.waitForTimeout(1000);
  return queueCounts(page);
}

/** Online again: everything goes, and the badge never asked for attention on the way. */
async function sendAll(context, page, seen) {
  await reconnect(context, page);
  const settled = ["allsent", "attention"].map((s) => `[data-testid=sync-badge][data-state=${s}]`).join(", ");
  await page.waitForSelector(settled, { timeout: 60_000 });
  // A refusal would come with an answer; give it the time of one more round.
  await page.waitForTimeout(1000);
  assert.ok(!seen().includes("attention"), `the badge said: ${seen().join(", ")}`);
  await badge(page, "allsent", 1000);
}

const fieldOnServer = async () => (await (await server.client("supervisor1")).get("/api/sync?cursor=0")).body.field;

test("double tap: a cleaner's 上报问题 saved twice in a row is one finding", { timeout: 180_000 }, async () => {
  const place = "B座 电梯厅 双击";
  const { context, page, seen } = await offlineDevice(PHONE, "cleaner1", "[data-testid=area-card]");
  await fillProblemReport(page, jpegs.report, place);
  await page.dblclick("[data-testid=save-finding]");
  await page.waitForSelector("[data-testid=report-list] [data-testid=finding-card]");
  assert.deepEqual(await outboxAfterDoubleTap(page), { entries: 1, photos: 1 }, "one report and its photo wait");
  await sendAll(context, page, seen);
  const findings = (await fieldOnServer()).findings.filter((f) => f.place === place);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  assert.equal(findings[0].photos.length, 1);
  await context.close();
});

test("double tap: a cleaner's vacant-unit record saved twice in a row is one record", { timeout: 180_000 }, async () => {
  const { context, page, seen } = await offlineDevice(PHONE, "cleaner1", "[data-testid=area-card]");
  await page.click("[data-testid=unit-card][data-unit='3栋 1204']");
  await page.click("[data-testid=start-cleaning]");
  for (const slot of ["floor", "walls", "equipment", "doors_windows"]) {
    await page.click(`[data-testid=standard-item][data-item=${slot}] [data-testid=pass]`);
  }
  await page.setInputFiles("[data-testid=unit-photo] [data-testid=camera-input]", jpegs.unit);
  await page.waitForSelector(".unit-photo .thumb img", { timeout: 30_000 });
  await page.dblclick("[data-testid=save-record]");
  await page.waitForSelector("[data-testid=record-card]");
  assert.deepEqual(await outboxAfterDoubleTap(page), { entries: 1, photos: 1 }, "one record and its unit photo wait");
  await sendAll(context, page, seen);
  const field = await fieldOnServer();
  const unit = field.reference.units.find((u) => u.name === "3栋 1204");
  const records = field.vacant_records.filter((r) => r.unit_id === unit.id);
  assert.equal(records.length, 1, JSON.stringify(records));
  await context.close();
});

test("double tap: a supervisor's patrol round finished twice in a row is one round", { timeout: 180_000 }, async () => {
  const { context, page, seen } = await offlineDevice(TABLET, "supervisor1", "[data-testid=board-rounds]");
  await page.click("[data-testid=start-round]");
  await page.click("[data-testid=round-kind][data-kind=Morning]");
  await page.click("[data-testid=begin-round]");
  const rows = page.locator("[data-testid=patrol-area]");
  await rows.first().waitFor();
  for (const name of await rows.evaluateAll((els) => els.map((e) => e.dataset.area))) {
    await page.click(`[data-testid=patrol-area][data-area="${name}"] [data-testid=area-pass]`);
    await page.waitForSelector(`[data-testid=patrol-area][data-area="${name}"][data-result=pass]`);
  }
  // Every area marked: finishing saves at once, without asking.
  await page.dblclick("[data-testid=finish-round]");
  await page.waitForSelector("[data-testid=round-state][data-kind=Morning][data-state=Done]");
  assert.deepEqual(await outboxAfterDoubleTap(page), { entries: 1, photos: 0 }, "one round waits");
  await sendAll(context, page, seen);
  const rounds = (await fieldOnServer()).rounds.filter((r) => r.kind === "morning");
  assert.equal(rounds.length, 1, JSON.stringify(rounds));
  await context.close();
});
