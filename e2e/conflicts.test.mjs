// Two phones, one thing (issue 15, "Two people, one thing"). Two phones of one cleaner go offline;
// one ticks a checklist item, the other reports a problem on it (a finding with a photo). They
// reconnect one after the other, in either order: both phones show the item in conflict with both
// marks, the supervisor's tablet keeps the tick with one tap, and every device shows the tick.
// The same for a vacant unit recorded on both phones the same day (the supervisor keeps one
// record, the other is set aside), and for a report whose text two of an engineer's phones saved
// differently (both phones show both texts; the office keeps one on the order's page). And for a
// finding the supervisor confirms on the tablet while their phone, offline, reopens it: every
// device shows it 有冲突 with both steps, the supervisor's list counts it once, one tap keeps one.
// And for the month's outlet check done on the supervisor's tablet and phone apart with other
// results: the board shows both rounds, one tap keeps one, the other is set aside.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, engineerPhone, launch, makeJpegs, openOrder, PHONE, reconnect, Server, serviceWorkerReady, shoot, signIn, TABLET, until } from "./harness.mjs";

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

async function phone() {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  return { context, page };
}

/** A signed-in device of `username`, everything sent, ready to work offline. */
async function device(options, username) {
  const context = await browser.newContext({ ...options });
  const page = await context.newPage();
  await signIn(page, server.url, username, "[data-testid=sync-badge]");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  return { context, page };
}

/** The area's page, freshly pulled. */
async function openArea(page, areaId) {
  await page.goto(`${server.url}/areas/${areaId}`);
  await page.waitForSelector("[data-testid=checklist]");
  await badge(page, "allsent", 90_000);
}

const conflictOf = (item) => `[data-testid=conflict][data-item="${item}"]`;

test("two phones marking one item apart show the conflict until the supervisor settles it", { timeout: 400_000 }, async () => {
  const fixtures = await makeJpegs(browser, ["leak1", "leak2"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));
  const sup = await server.client("supervisor1");
  const areas = (await sup.get("/api/sync?cursor=0")).body.field.reference.areas;
  const areaId = (name) => areas.find((a) => a.name === name).id;
  const one = await phone();
  const two = await phone();
  const tablet = await browser.newContext({ ...TABLET });
  const sp = await tablet.newPage();
  await signIn(sp, server.url, "supervisor1", "[data-testid=sync-badge]");
  await badge(sp, "allsent");

  // Round 1: the lobby, phone one reconnects first; round 2: the lift, phone two first.
  for (const [round, name, oneFirst] of [[1, "大堂", true], [2, "A座 电梯", false]]) {
    const id = areaId(name);
    for (const p of [one, two]) await openArea(p.page, id);
    const item = await one.page.locator("[data-testid=check-item]").first().getAttribute("data-item");
    for (const p of [one, two]) await p.context.setOffline(true);

    // Phone one ticks it; a little later phone two reports a problem on it.
    await one.page.locator(`[data-testid=check-item][data-item="${item}"] [data-testid=tick]`).click();
    await one.page.waitForSelector(`[data-testid=check-item][data-item="${item}"].done`);
    await two.page.locator(`[data-testid=check-item][data-item="${item}"] [data-testid=problem]`).click();
    await two.page.waitForSelector("[data-testid=problem-form]");
    await two.page.setInputFiles("[data-testid=problem-form] [data-testid=camera-input]", fixtures[`leak${round}`]);
    await two.page.waitForSelector("[data-testid=problem-form] .thumb img", { timeout: 30_000 });
    await two.page.click("[data-testid=problem-kind][data-kind=Leak]");
    await two.page.click("[data-testid=save-finding]");
    await two.page.waitForSelector(`[data-testid=check-item][data-item="${item}"].problem`);

    const order = oneFirst ? [one, two] : [two, one];
    for (const p of order) {
      await reconnect(p.context, p.page);
      await badge(p.page, "allsent", 90_000);
    }
    // Both phones show the conflict with both marks; the later action (the problem) shows.
    for (const p of [one, two]) {
      await openArea(p.page, id);
      await p.page.waitForSelector(conflictOf(item), { timeout: 30_000 });
      assert.equal(await p.page.locator(`${conflictOf(item)} [data-testid=conflict-side]`).count(), 2);
      await p.page.waitForSelector(`${conflictOf(item)} [data-testid=conflict-side][data-mark=done]`);
      await p.page.waitForSelector(`${conflictOf(item)} [data-testid=conflict-side][data-mark=problem]`);
      await p.page.waitForSelector(`[data-testid=check-item][data-item="${item}"].problem`);
      // A cleaner sees it; only the supervisor settles.
      assert.equal(await p.page.locator(`${conflictOf(item)} [data-testid=keep-side]`).count(), 0);
    }
    if (round === 1) await shoot(one.page, "cleaner-conflict-phone.png");

    // The supervisor keeps the tick with one tap.
    await openArea(sp, id);
    await sp.waitForSelector(conflictOf(item), { timeout: 30_000 });
    if (round === 1) await shoot(sp, "supervisor-conflict-tablet.png");
    await sp.locator(`${conflictOf(item)} [data-testid=conflict-side][data-mark=done] [data-testid=keep-side]`).click();
    await sp.waitForSelector(conflictOf(item), { state: "detached" });
    // The badge may still say "all sent" from before the tap was queued: the server is asked.
    await until(`${name}: the supervisor's choice reached the server`, async () => {
      const days = (await sup.get("/api/sync?cursor=0")).body.field.area_days;
      return days.every((d) => Object.keys(d.conflicts ?? {}).length === 0);
    }, 60_000);
    for (const p of [sp, one.page, two.page]) {
      await openArea(p, id);
      await p.waitForSelector(`[data-testid=check-item][data-item="${item}"].done`, { timeout: 30_000 });
      assert.equal(await p.locator(conflictOf(item)).count(), 0, `${name}: settled everywhere`);
    }
  }

  // What the server holds: no conflict left, each item ticked, and both findings kept.
  const field = (await sup.get("/api/sync?cursor=0")).body.field;
  for (const day of field.area_days) assert.deepEqual(day.conflicts ?? {}, {}, JSON.stringify(day));
  assert.equal(field.findings.filter((f) => f.reported_by === "cleaner1").length, 2);
  await tablet.close();
  await one.context.close();
  await two.context.close();
});

test("two phones recording one vacant unit apart show both records until the supervisor keeps one", { timeout: 400_000 }, async () => {
  const fixtures = await makeJpegs(browser, ["unit1", "unit2", "floor"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));
  const sup = await server.client("supervisor1");
  const units = (await sup.get("/api/sync?cursor=0")).body.field.reference.units;
  const unitId = units.find((u) => u.name === "5栋 0801").id;
  const one = await phone();
  const two = await phone();
  const openUnit = async (page) => {
    await page.goto(`${server.url}/units/${unitId}`);
    await page.waitForSelector("[data-testid=unit-title]");
    await badge(page, "allsent", 90_000);
  };
  for (const p of [one, two]) await openUnit(p.page);
  for (const p of [one, two]) await p.context.setOffline(true);

  // Phone one finds everything in order; a little later phone two finds water on the floor.
  for (const [p, floorOk, unitPhoto] of [[one, true, fixtures.unit1], [two, false, fixtures.unit2]]) {
    const page = p.page;
    await page.click("[data-testid=start-cleaning]");
    await page.waitForSelector("[data-testid=record-form]");
    for (const slot of ["walls", "equipment", "doors_windows"]) {
      await page.click(`[data-testid=standard-item][data-item=${slot}] [data-testid=pass]`);
    }
    if (floorOk) {
      await page.click("[data-testid=standard-item][data-item=floor] [data-testid=pass]");
    } else {
      await page.click("[data-testid=standard-item][data-item=floor] [data-testid=fail]");
      await page.setInputFiles("[data-testid=standard-item][data-item=floor] [data-testid=camera-input]", fixtures.floor);
      await page.waitForSelector("[data-testid=standard-item][data-item=floor] .thumb img", { timeout: 30_000 });
      await page.fill("[data-testid=standard-item][data-item=floor] [data-testid=problem-note]", "地面有积水");
      await page.locator("[data-testid=standard-item][data-item=floor] [data-testid=problem-note]").blur();
    }
    await page.setInputFiles("[data-testid=unit-photo] [data-testid=camera-input]", unitPhoto);
    await page.waitForSelector(".unit-photo .thumb img", { timeout: 30_000 });
    await page.click("[data-testid=save-record]");
    await page.waitForSelector("[data-testid=record-card]");
  }
  // Phone two finds signal first.
  for (const p of [two, one]) {
    await reconnect(p.context, p.page);
    await badge(p.page, "allsent", 90_000);
  }
  const records = async () => (await sup.get("/api/sync?cursor=0")).body.field.vacant_records.filter((r) => r.unit_id === unitId);
  const held = await records();
  assert.equal(held.length, 2, "both records kept");
  const passed = held.find((r) => r.checks.every((c) => c.pass));
  const wet = held.find((r) => r.id !== passed.id);
  assert.equal(passed.conflict_with, wet.id);
  assert.equal(wet.conflict_with, passed.id);

  // Both phones list both records in conflict, and each record shows both sides; only the
  // supervisor keeps one.
  for (const p of [one, two]) {
    await openUnit(p.page);
    await p.page.waitForFunction(() => document.querySelectorAll("[data-testid=record-conflict]").length === 2, null, { timeout: 30_000 });
    await p.page.goto(`${server.url}/records/${wet.id}`);
    await p.page.waitForSelector("[data-testid=conflict]", { timeout: 30_000 });
    assert.equal(await p.page.locator("[data-testid=conflict-side]").count(), 2);
    // The later record (phone two's) first.
    assert.equal(await p.page.locator("[data-testid=conflict-side]").first().getAttribute("data-mark"), "problem");
    await p.page.waitForSelector("[data-testid=conflict-side][data-mark=pass]");
    assert.equal(await p.page.locator("[data-testid=keep-side]").count(), 0);
  }
  await shoot(one.page, "cleaner-vacant-conflict-phone.png");

  // The supervisor keeps phone one's record with one tap.
  const tablet = await browser.newContext({ ...TABLET });
  const sp = await tablet.newPage();
  await signIn(sp, server.url, "supervisor1", "[data-testid=sync-badge]");
  await badge(sp, "allsent");
  await sp.goto(`${server.url}/records/${wet.id}`);
  await sp.waitForSelector("[data-testid=conflict]", { timeout: 30_000 });
  await shoot(sp, "supervisor-vacant-conflict-tablet.png");
  await sp.locator("[data-testid=conflict-side][data-mark=pass] [data-testid=keep-side]").click();
  await sp.waitForSelector("[data-testid=record-set-aside]", { timeout: 30_000 });
  // The badge may still say "all sent" from before the tap was queued: the server is asked.
  await until("the supervisor's choice reached the server", async () => (await records()).every((r) => !r.conflict_with), 60_000);
  for (const p of [one, two]) {
    await openUnit(p.page);
    await p.page.waitForSelector("[data-testid=record-set-aside]", { timeout: 30_000 });
    assert.equal(await p.page.locator("[data-testid=record-conflict]").count(), 0, "settled everywhere");
  }
  const after = await records();
  assert.deepEqual(after.map((r) => [r.id === passed.id, r.conflict_with ?? null, r.set_aside ?? false]).sort(), [[false, null, true], [true, null, false]]);
  await tablet.close();
  await one.context.close();
  await two.context.close();
});

test("two of an engineer's phones saving different report texts show both until the office keeps one", { timeout: 400_000 }, async () => {
  const office = await server.client("dispatcher1");
  const me = await server.client("engineer1");
  const orders = (await me.get("/api/sync?cursor=0")).body.work_orders;
  const order = orders.find((o) => !o.report.submitted_at && !o.closure);
  const one = await engineerPhone(browser, server.url);
  const two = await engineerPhone(browser, server.url);
  for (const p of [one, two]) await openOrder(p.page, order);
  for (const p of [one, two]) await p.context.setOffline(true);
  for (const [p, work] of [[one, "更换油管"], [two, "更换油管和回油滤芯"]]) {
    await p.page.fill("textarea[name=fault_cause]", "油管破裂");
    await p.page.fill("textarea[name=work_done]", work);
    await p.page.click("[data-testid=save-report]");
    await badge(p.page, "savedhere");
  }
  // Phone one finds signal first.
  for (const p of [one, two]) {
    await reconnect(p.context, p.page);
    await badge(p.page, "allsent", 90_000);
  }
  const held = (await office.get(`/api/work-orders/${order.id}`)).body;
  assert.equal(held.report.work_done, "更换油管和回油滤芯", "the later save shows");
  assert.equal(held.report.conflict.work_done, "更换油管", "and the other is kept");

  for (const p of [one, two]) {
    await p.page.goto(server.url);
    await openOrder(p.page, order);
    await badge(p.page, "allsent", 90_000);
    await p.page.waitForSelector("[data-testid=conflict]", { timeout: 30_000 });
    assert.equal(await p.page.locator("[data-testid=conflict] [data-testid=conflict-side]").count(), 2);
    await p.page.waitForSelector("[data-testid=conflict-side]:has-text('更换油管和回油滤芯')");
    assert.equal(await p.page.locator("[data-testid=keep-side]").count(), 0, "the office settles a report");
  }
  await shoot(two.page, "engineer-report-conflict-phone.png");

  // The office keeps phone one's text with one click; closing waited for it.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: "zh-CN" });
  const dp = await desk.newPage();
  await signIn(dp, `${server.url}/office/`, "dispatcher1", "[data-testid=office-card]");
  await dp.goto(`${server.url}/office/work-orders/${order.id}`);
  await dp.waitForSelector("[data-testid=report-conflict]", { timeout: 30_000 });
  assert.equal(await dp.locator("[data-testid=report-conflict] [data-testid=conflict-side]").count(), 2);
  await shoot(dp, "office-report-conflict.png");
  await dp.locator("[data-testid=report-conflict] [data-testid=conflict-side]").filter({ hasNotText: "回油滤芯" }).locator("[data-testid=keep-side]").click();
  await dp.waitForSelector("[data-testid=report-conflict]", { state: "detached", timeout: 30_000 });
  const kept = (await office.get(`/api/work-orders/${order.id}`)).body;
  assert.equal(kept.report.work_done, "更换油管");
  assert.equal(kept.report.conflict ?? null, null);
  for (const p of [one, two]) {
    await p.page.goto(server.url);
    await openOrder(p.page, order);
    await badge(p.page, "allsent", 90_000);
    await p.page.waitForFunction(() => document.querySelector("textarea[name=work_done]")?.value === "更换油管", null, { timeout: 30_000 });
    assert.equal(await p.page.locator("[data-testid=conflict]").count(), 0, "settled on every phone");
  }
  await desk.close();
  await one.context.close();
  await two.context.close();
});

test("a confirmation on the tablet and a reopening on the phone apart show the finding in conflict until the supervisor keeps one", { timeout: 400_000 }, async () => {
  const c1 = await server.client("cleaner1");
  const sup = await server.client("supervisor1");
  const photo = (slot, n) => ({
    photo_id: crypto.randomUUID(), slot, sha256: n.repeat(64), bytes: 2000, width: 400, height: 300, content_type: "image/jpeg",
  });
  const op = (user, kind) => ({
    id: crypto.randomUUID(), user, device_id: "00000000-0000-4000-8000-0000000000c1", device_time: new Date().toISOString(), kind,
  });
  const id = crypto.randomUUID();
  const steps = [
    [c1, op("cleaner1", { type: "report_finding", finding_id: id, area_id: null, place: "B座 地下车库 入口", source: "spotted", problem: "leak", note: "顶棚滴水", photos: [photo("before", "a")] })],
    [sup, op("supervisor1", { type: "assign_finding", finding_id: id, assignee: { person: { username: "cleaner1" } }, due: new Date(Date.now() + 86_400_000).toISOString() })],
    [c1, op("cleaner1", { type: "close_finding", finding_id: id, note: "已擦干", photos: [photo("after", "b")] })],
  ];
  for (const [client, o] of steps) {
    const r = await client.post("/api/ops", { ops: [o] });
    assert.equal(r.body.results[0].outcome, "applied", JSON.stringify(r.body));
  }
  const held = async () => (await sup.get("/api/sync?cursor=0")).body.field.findings.find((f) => f.id === id);

  const openFinding = async (page) => {
    await page.goto(`${server.url}/findings/${id}`);
    await page.waitForSelector("[data-testid=finding-detail]");
    await badge(page, "allsent", 90_000);
  };
  const tablet = await device(TABLET, "supervisor1");
  const phone = await device(PHONE, "supervisor1");
  for (const d of [tablet, phone]) {
    await openFinding(d.page);
    await d.page.waitForSelector("[data-testid=confirm-form]", { timeout: 30_000 });
  }
  for (const d of [tablet, phone]) await d.context.setOffline(true);
  // The tablet confirms; a little later the phone reopens with a reason.
  await tablet.page.click("[data-testid=confirm-fix]");
  await badge(tablet.page, "savedhere");
  await phone.page.fill("[data-testid=reopen-reason]", "还在滴水");
  await phone.page.click("[data-testid=reopen]");
  await badge(phone.page, "savedhere");
  // The phone finds signal first.
  for (const d of [phone, tablet]) {
    await reconnect(d.context, d.page);
    await badge(d.page, "allsent", 90_000);
  }
  await until("the server holds both steps", async () => (await held())?.conflict != null, 30_000);
  const both = await held();
  assert.equal(both.state, "assigned", "the later step (the reopening) shows");
  assert.equal(both.conflict.state, "confirmed", "and the confirmation is kept");
  assert.equal(both.before ?? null, null, "phones are not sent the finding before");

  // Every device that shows the finding shows it in conflict with both steps: the supervisor's
  // two and the cleaner's phone (who sees, but does not settle, and cannot close it meanwhile).
  const cleaner = await device(PHONE, "cleaner1");
  for (const [d, settles] of [[tablet, true], [phone, true], [cleaner, false]]) {
    await openFinding(d.page);
    await d.page.waitForSelector("[data-testid=conflict]", { timeout: 30_000 });
    assert.equal(await d.page.locator("[data-testid=conflict-side]").count(), 2);
    assert.equal(await d.page.locator("[data-testid=conflict-side]").first().getAttribute("data-mark"), "assigned", "the later step first");
    await d.page.waitForSelector("[data-testid=conflict-side][data-mark=confirmed]");
    assert.equal(await d.page.locator("[data-testid=finding-state]").textContent(), "有冲突");
    assert.equal(await d.page.locator("[data-testid=keep-side]").count(), settles ? 2 : 0);
    assert.equal(await d.page.locator("[data-testid=close-form], [data-testid=finding-actions]").count(), 0);
    // Its photos were never uploaded (references only, as when another phone's bytes are still
    // on their way): each says so instead of a broken picture.
    await d.page.waitForFunction(() => document.querySelectorAll("[data-testid=photo-not-here]").length === 2, null, { timeout: 30_000 });
  }
  // The supervisor's list counts it once, as 有冲突.
  await tablet.page.goto(server.url);
  await tablet.page.waitForSelector(`[data-testid=sv-finding][data-id="${id}"]`, { timeout: 30_000 });
  assert.equal(await tablet.page.locator(`[data-testid=sv-finding][data-id="${id}"]`).count(), 1);
  assert.equal(await tablet.page.locator(`[data-testid=sv-finding][data-id="${id}"] .status`).textContent(), "有冲突");

  // The supervisor keeps the confirmation with one tap.
  await openFinding(tablet.page);
  await tablet.page.waitForSelector("[data-testid=conflict]", { timeout: 30_000 });
  await tablet.page.locator("[data-testid=conflict-side][data-mark=confirmed] [data-testid=keep-side]").click();
  await until("the server holds the kept step", async () => {
    const f = await held();
    return f.conflict == null && f.state === "confirmed";
  }, 60_000);
  for (const d of [tablet, phone, cleaner]) {
    await openFinding(d.page);
    await d.page.waitForFunction(() => document.querySelector("[data-testid=finding-state]")?.textContent === "已关闭", null, { timeout: 60_000 });
    assert.equal(await d.page.locator("[data-testid=conflict]").count(), 0, "settled on every device");
  }
  for (const d of [tablet, phone, cleaner]) await d.context.close();
});

test("two of a supervisor's devices submitting the month's outlet check apart show both rounds until one is kept", { timeout: 400_000 }, async () => {
  const sup = await server.client("supervisor1");
  const outlets = async () => (await sup.get("/api/sync?cursor=0")).body.field.rounds.filter((r) => r.kind === "monthly_outlets");
  const shop = (name) => `[data-testid=patrol-area][data-area="${name}"]`;
  const tablet = await device(TABLET, "supervisor1");
  const phone = await device(PHONE, "supervisor1");
  for (const d of [tablet, phone]) await d.context.setOffline(true);
  // Both check the outlets: the tablet passes both shops, the phone passes one and leaves the
  // other unchecked (skipped).
  for (const [d, both] of [[tablet, true], [phone, false]]) {
    await d.page.click("[data-testid=start-round]");
    await d.page.click("[data-testid=round-kind][data-kind=MonthlyOutlets]");
    await d.page.click("[data-testid=begin-round]");
    await d.page.click(`${shop("商铺 101 便利店")} [data-testid=area-pass]`);
    if (both) await d.page.click(`${shop("商铺 102 茶饮店")} [data-testid=area-pass]`);
    await d.page.click("[data-testid=finish-round]");
    if (!both) await d.page.click("[data-testid=finish-anyway]");
    await d.page.waitForSelector("[data-testid=round-state][data-kind=MonthlyOutlets][data-state=Done]");
    await badge(d.page, "savedhere");
  }
  // The phone finds signal first.
  for (const d of [phone, tablet]) {
    await reconnect(d.context, d.page);
    await badge(d.page, "allsent", 90_000);
  }
  await until("the server holds both rounds in conflict", async () => (await outlets()).filter((r) => r.conflict_with).length === 2, 30_000);

  // Both devices show the round in conflict with both tallies, and keep buttons.
  const pill = "[data-testid=round-state][data-kind=MonthlyOutlets]";
  for (const d of [tablet, phone]) {
    await d.page.goto(server.url);
    await d.page.waitForSelector("[data-testid=board-rounds] [data-testid=conflict]", { timeout: 60_000 });
    assert.equal(await d.page.locator(`${pill} .round-state`).textContent(), "有冲突");
    const sides = d.page.locator("[data-testid=board-rounds] [data-testid=conflict-side]");
    assert.equal(await sides.count(), 2);
    const texts = (await sides.allTextContents()).join(" | ");
    assert.ok(texts.includes("通过 2 · 问题 0 · 跳过 0") && texts.includes("通过 1 · 问题 0 · 跳过 1"), texts);
    assert.equal(await d.page.locator("[data-testid=board-rounds] [data-testid=keep-side]").count(), 2);
    // Each device names its own side 本机, the other by the start of its id.
    // (The card reads this device's id from its store after it shows: wait for the names.)
    const deviceOf = (hasText) => sides.filter({ hasText }).locator("[data-testid=conflict-device]");
    const [own, other] = d === tablet ? ["跳过 0", "跳过 1"] : ["跳过 1", "跳过 0"];
    await deviceOf(own).filter({ hasText: /^本机$/ }).waitFor({ timeout: 10_000 });
    await deviceOf(other).filter({ hasText: /^设备 [0-9a-f]{6}$/ }).waitFor({ timeout: 10_000 });
  }
  await shoot(tablet.page, "supervisor-round-conflict-tablet.png");
  await shoot(phone.page, "supervisor-round-conflict-phone.png", { en: true });
  // The card follows the page's language, its sides' words too.
  await phone.page.click("[data-testid=lang-switch]");
  await phone.page.waitForSelector("[data-testid=board-rounds] [data-testid=conflict-side]:has-text('1 passed · 0 with a problem · 1 skipped · 刘洋')");
  assert.match(await phone.page.locator("[data-testid=board-rounds] [data-testid=conflict] p").textContent(), /^In conflict: Monthly outlet check$/);
  await phone.page.click("[data-testid=lang-switch]");
  await phone.page.waitForSelector("[data-testid=board-rounds] [data-testid=conflict-side]:has-text('通过 1 · 问题 0 · 跳过 1')");

  // The supervisor keeps the tablet's round, with both shops checked.
  await tablet.page.locator("[data-testid=conflict-side]", { hasText: "跳过 0" }).locator("[data-testid=keep-side]").click();
  await until("the server keeps one round and sets the other aside", async () => {
    const rs = await outlets();
    return rs.length === 2 && rs.every((r) => !r.conflict_with) && rs.filter((r) => r.set_aside).length === 1;
  }, 60_000);
  const kept = (await outlets()).find((r) => !r.set_aside);
  assert.deepEqual(kept.areas.map((a) => a.result), ["pass", "pass"]);
  for (const d of [tablet, phone]) {
    await d.page.goto(server.url);
    await badge(d.page, "allsent", 90_000);
    await d.page.waitForFunction(() => !document.querySelector("[data-testid=board-rounds] [data-testid=conflict]"), null, { timeout: 60_000 });
    assert.equal(await d.page.locator(pill).getAttribute("data-state"), "Done");
    assert.equal(await d.page.locator(`${pill} .round-state`).textContent(), "已完成");
  }
  for (const d of [tablet, phone]) await d.context.close();
});
