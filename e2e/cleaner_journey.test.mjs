// The cleaners' issue: cleaner1 works today's checklist for two areas with the server stopped,
// reports a problem on one item with a photo, fills one vacant-unit record (start, four items,
// unit photo, end); a reload in between loses nothing. When the server returns, everything goes
// up by itself, and the supervisor sees the finished areas, the finding with its photo and the
// record with its times.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, launch, makeJpegs, PHONE, Server, serviceWorkerReady, shoot, signIn, TABLET, tapsToCamera } from "./harness.mjs";

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

/** Tick every unticked item of the open area, except the ones labelled in `skip`. */
async function tickAll(page, skip = []) {
  const items = page.locator("[data-testid=check-item]");
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    const label = await item.getAttribute("data-item");
    if (skip.includes(label)) continue;
    if ((await item.getAttribute("class")).includes("done")) continue;
    await item.locator("[data-testid=tick]").click();
    await page.waitForSelector(`[data-testid=check-item][data-item="${label}"].done`);
  }
}

test("a cleaner's offline day reaches the supervisor whole", { timeout: 300_000 }, async () => {
  const fixtures = await makeJpegs(browser, ["leak", "unit", "walls", "fixed"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  await page.waitForSelector("[data-testid=unit-card]");
  await shoot(page, "cleaner-today-phone.png", { en: true });
  // Only cleaner1's own areas: cleaner2's stairway is not on this phone.
  const areaNames = await page.locator("[data-testid=area-card]").evaluateAll((els) => els.map((e) => e.dataset.area));
  assert.ok(areaNames.includes("大堂") && areaNames.includes("A座 电梯"), areaNames.join());
  assert.ok(!areaNames.includes("A座 步梯"), areaNames.join());

  // No signal from here on.
  await server.kill();

  // Lobby: every item ticked but one, which has a problem (photo + one tap + note).
  await page.click("[data-testid=area-card][data-area=大堂]");
  await page.waitForSelector("[data-testid=checklist]");
  const problemItem = await page.locator("[data-testid=check-item]").first().getAttribute("data-item");
  await tickAll(page, [problemItem]);
  // Finishing is not possible while an item is unmarked.
  assert.equal(await page.locator("[data-testid=finish-area]").isDisabled(), true);
  await page.locator(`[data-testid=check-item][data-item="${problemItem}"] [data-testid=problem]`).click();
  await page.waitForSelector("[data-testid=problem-form]");
  // Saving without a photo says what is missing.
  await page.click("[data-testid=save-finding]");
  await page.waitForSelector("[data-testid=photo-required]");
  await page.setInputFiles("[data-testid=problem-form] [data-testid=camera-input]", fixtures.leak);
  await page.waitForSelector("[data-testid=problem-form] .thumb img", { timeout: 30_000 });
  await page.click("[data-testid=problem-kind][data-kind=Leak]");
  await page.fill("[data-testid=finding-note]", "大堂东侧地面渗水");
  await shoot(page, "cleaner-problem-phone.png", { en: true });
  await page.click("[data-testid=save-finding]");
  await page.waitForSelector(`[data-testid=check-item][data-item="${problemItem}"].problem`);
  await page.click("[data-testid=finish-area]");
  await page.waitForSelector("[data-testid=finished-at]");
  await shoot(page, "cleaner-area-phone.png");

  // The lift, all ticked.
  await page.click("a.back");
  await page.click("[data-testid=area-card][data-area='A座 电梯']");
  await page.waitForSelector("[data-testid=checklist]");
  await tickAll(page);
  await page.click("[data-testid=finish-area]");
  await page.waitForSelector("[data-testid=finished-at]");

  // A vacant unit's monthly record, with a reload in the middle of it.
  await page.click("a.back");
  const unitDue = "[data-testid=unit-card][data-unit='3栋 1204'] [data-testid=unit-due]";
  assert.match(await page.getAttribute(unitDue, "class"), /overdue/, "the demo's unit is overdue");
  await page.click("[data-testid=unit-card][data-unit='3栋 1204']");
  await page.click("[data-testid=start-cleaning]");
  await page.waitForSelector("[data-testid=record-form]");
  for (const slot of ["floor", "equipment", "doors_windows"]) {
    await page.click(`[data-testid=standard-item][data-item=${slot}] [data-testid=pass]`);
  }
  await page.click("[data-testid=standard-item][data-item=walls] [data-testid=fail]");
  await page.setInputFiles("[data-testid=standard-item][data-item=walls] [data-testid=camera-input]", fixtures.walls);
  await page.waitForSelector("[data-testid=standard-item][data-item=walls] .thumb img", { timeout: 30_000 });
  await page.reload();
  await page.waitForSelector("[data-testid=record-form]");
  // The draft survived: the walls photo and the three passes are still there.
  await page.waitForSelector("[data-testid=standard-item][data-item=walls] .thumb img");
  assert.equal(await page.locator(".seg.pass.selected").count(), 3);
  // Saving now lists what the standard still asks for.
  await page.click("[data-testid=save-record]");
  await page.waitForSelector("[data-testid=record-missing]");
  const missing = await page.locator("[data-testid=record-missing] li").allInnerTexts();
  assert.equal(missing.length, 2, missing.join(" | "));
  await page.fill("[data-testid=standard-item][data-item=walls] [data-testid=problem-note]", "墙角有蜘蛛网，已清除");
  await page.locator("[data-testid=standard-item][data-item=walls] [data-testid=problem-note]").blur();
  await page.setInputFiles("[data-testid=unit-photo] [data-testid=camera-input]", fixtures.unit);
  await page.waitForSelector(".unit-photo .thumb img", { timeout: 30_000 });
  await shoot(page, "cleaner-vacant-record-phone.png", { at: "[data-testid=record-form]", en: true });
  await page.click("[data-testid=save-record]");
  await page.waitForSelector("[data-testid=record-card]");
  await badge(page, "savedhere");
  // Saved with no signal, the unit is no longer overdue on her list (issue 16: it invited a
  // second record).
  await page.click("a.back");
  await page.waitForSelector(unitDue);
  assert.doesNotMatch(await page.getAttribute(unitDue, "class"), /overdue/, await page.textContent(unitDue));
  await page.click("[data-testid=unit-card][data-unit='3栋 1204']");
  await page.waitForSelector("[data-testid=record-card]");

  // Damage seen on the way, somewhere that is not one of her areas: two taps from her home to the
  // camera, as promised (issue 16).
  await page.click("a.back");
  await page.waitForSelector("[data-testid=area-card]");
  assert.equal(await tapsToCamera(page, fixtures.leak), 2);
  await page.click("[data-testid=problem-kind][data-kind=Damaged]");
  await page.click("[data-testid=save-finding]");
  // Where it is must be said.
  await page.waitForSelector("[data-testid=place-required]");
  await page.fill("[data-testid=report-place]", "B座 地下车库入口");
  await page.click("[data-testid=save-finding]");
  await page.waitForSelector("[data-testid=report-list] [data-testid=finding-card] >> nth=1");

  // The sync screen says it as she would (issue 16): area · item · mark · time, each photo as its
  // thumbnail with what it belongs to; never an id or a slot's key. The uploader has knocked on a
  // closed door all this while: none of that was a try, so no "已尝试 N 次" has climbed.
  await page.goto(`${server.url}/sync`);
  await page.waitForSelector("[data-testid=queue-photo] .thumb img");
  await page.click("[data-testid=send-now]");
  await badge(page, "savedhere");
  const said = async () => ({
    entries: await page.locator("[data-testid=entry-what]").allTextContents(),
    photos: await page.locator("[data-testid=photo-of]").allTextContents(),
    page: await page.textContent("ul.queue"),
  });
  const zh = await said();
  const all = [...zh.entries, ...zh.photos].join(" | ");
  assert.ok(zh.entries.some((t) => /^大堂 · .+ ✓ · \d\d:\d\d$/.test(t)), all);
  assert.ok(zh.entries.some((t) => t.startsWith(`大堂 · ${problemItem} · 清洁项有问题 · `)), all);
  assert.ok(zh.entries.some((t) => t.startsWith("大堂 · 漏水积水 · 问题上报 · ")), all);
  assert.ok(zh.entries.some((t) => t.startsWith("3栋 1204 · 空置单元清洁记录 · ")), all);
  // The unit's problem went with its record, as a finding (issue 16).
  assert.ok(zh.entries.some((t) => t.startsWith("3栋 1204 · 脏污未清 · 问题上报 · ")), all);
  assert.ok(zh.entries.some((t) => t.startsWith("B座 地下车库入口 · 设施损坏 · ")), all);
  assert.deepEqual(
    [...zh.photos].sort(),
    ["3栋 1204 · 单元整体照片", "3栋 1204 · 墙面无污染、无蜘蛛网", "B座 地下车库入口 · 设施损坏", "大堂 · 漏水积水"].sort(),
    all,
  );
  assert.doesNotMatch(zh.page, /[0-9a-f]{8}-[0-9a-f]{4}|\b(walls|unit|floor|nameplate)\b/i, "no id or slot key");
  assert.doesNotMatch(zh.page, /已尝试 [1-9]/, "no tries while simply offline");
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=queue-photo] .thumb img")].every((i) => i.naturalWidth > 0));
  await shoot(page, "cleaner-sync-phone.png");
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("[data-testid=photo-of]:has-text('Photo of the unit')");
  const en = await said();
  assert.ok(en.entries.some((t) => t.startsWith(`大堂 · ${problemItem} · Item flagged · `)), en.entries.join(" | "));
  assert.ok(en.photos.includes("大堂 · Leak / water"), en.photos.join(" | "));
  await shoot(page, "cleaner-sync-phone-en.png");
  await page.setViewportSize(TABLET.viewport);
  await shoot(page, "cleaner-sync-tablet-en.png");
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("[data-testid=photo-of]:has-text('单元整体照片')");
  await shoot(page, "cleaner-sync-tablet.png");
  await page.setViewportSize(PHONE.viewport);

  // The server returns: everything goes up by itself.
  await server.start();
  await badge(page, "allsent", 90_000);
  await page.goto(server.url);
  await page.waitForSelector("[data-testid=area-card]");
  await shoot(page, "cleaner-today-done-phone.png");
  await context.close();

  // What the server holds, as the supervisor sees it.
  const sup = await server.client("supervisor1");
  const field = (await sup.get("/api/sync?cursor=0")).body.field;
  const areaId = (name) => field.reference.areas.find((a) => a.name === name).id;
  const day = (name) => field.area_days.find((d) => d.area_id === areaId(name));
  for (const name of ["大堂", "A座 电梯"]) {
    assert.ok(day(name)?.finished_at, `${name} finished: ${JSON.stringify(day(name))}`);
    assert.equal(day(name).finished_by, "cleaner1");
  }
  const marks = Object.values(day("大堂").marks);
  assert.equal(marks.filter((m) => m.mark === "problem").length, 1);
  const spotted = field.findings.find((f) => f.source === "spotted");
  assert.equal(spotted?.place, "B座 地下车库入口", JSON.stringify(field.findings));
  assert.equal(spotted.problem, "damaged");
  const finding = field.findings.find((f) => f.reported_by === "cleaner1" && f.source.checklist);
  assert.ok(finding, JSON.stringify(field.findings));
  assert.equal(finding.problem, "leak");
  assert.equal(finding.place, "大堂");
  assert.ok(finding.source.checklist, JSON.stringify(finding.source));
  assert.equal(finding.photos.length, 1);
  const photo = await fetch(`${server.url}/api/photos/${finding.photos[0].photo_id}`, { headers: { cookie: sup.cookie } });
  assert.equal(photo.status, 200);
  assert.equal(photo.headers.get("content-type"), "image/jpeg");
  const records = field.vacant_records;
  assert.equal(records.length, 1);
  const record = records[0];
  assert.equal(record.cleaner, "cleaner1");
  assert.ok(new Date(record.ended_at) > new Date(record.started_at));
  assert.deepEqual(record.checks.filter((c) => !c.pass).map((c) => c.item), ["walls_clean"]);
  assert.equal(record.photos.length, 2);
  for (const p of record.photos) {
    const r = await fetch(`${server.url}/api/photos/${p.photo_id}`, { headers: { cookie: sup.cookie } });
    assert.equal(r.status, 200, `record photo ${p.slot}`);
  }
  const unit = field.reference.units.find((u) => u.name === "3栋 1204");
  assert.ok(unit.last_cleaned, "the unit's last cleaning moved");
  // The walls' problem is a finding of its own (issue 16), showing the record's walls photo.
  const wallsPhoto = record.photos.find((p) => p.slot === "walls");
  const unitProblem = field.findings.find((f) => f.source.vacant_unit === record.id);
  assert.ok(unitProblem, JSON.stringify(field.findings.map((f) => f.source)));
  assert.deepEqual(
    [unitProblem.place, unitProblem.note, unitProblem.state, unitProblem.photos.map((p) => p.photo_id)],
    ["3栋 1204", "墙角有蜘蛛网，已清除", "open", [wallsPhoto.photo_id]],
  );

  // The supervisor's tablet: the finished lobby with its problem, the finding with its photo.
  const tablet = await browser.newContext({ ...TABLET });
  const sp = await tablet.newPage();
  await signIn(sp, server.url, "supervisor1", "[data-testid=sync-badge]");
  await badge(sp, "allsent");
  await sp.goto(`${server.url}/areas/${areaId("大堂")}`);
  await sp.waitForSelector("[data-testid=finished-at]");
  await sp.waitForSelector("[data-testid=check-item].problem");
  await sp.goto(`${server.url}/findings/${finding.id}`);
  await sp.waitForSelector("[data-testid=before-photos] img");
  await sp.waitForFunction(() => document.querySelector("[data-testid=before-photos] img")?.naturalWidth > 0);
  await shoot(sp, "supervisor-finding-tablet.png");

  // The unit's problem is a task like any finding (issue 16): assigned with no signal, fixed by
  // the engineer, who sees the record's photo, and confirmed.
  await sp.goto(server.url);
  await sp.waitForSelector(`[data-testid=sv-finding][data-id="${unitProblem.id}"]`);
  await sp.click(`[data-testid=sv-finding][data-id="${unitProblem.id}"]`);
  await sp.waitForSelector("[data-testid=sv-detail] [data-testid=finding-detail]:has-text('墙角有蜘蛛网')");
  await sp.waitForFunction(() => document.querySelector("[data-testid=sv-detail] [data-testid=before-photos] img")?.naturalWidth > 0);
  await shoot(sp, "supervisor-unit-problem-tablet.png", { here: true, en: true });
  await server.kill();
  await sp.click("[data-testid=quick-due] >> nth=1");
  await sp.click("[data-testid=assignee][data-to=engineer1]");
  await sp.click("[data-testid=assign]");
  await sp.waitForSelector(`[data-testid=sv-finding][data-id="${unitProblem.id}"][data-state=Assigned]`);
  await badge(sp, "savedhere");
  await server.start();
  await badge(sp, "allsent", 90_000);
  const phone = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const ep = await phone.newPage();
  await signIn(ep, server.url, "engineer1");
  await ep.click("[data-testid=task-list] [data-testid=finding-card]:has-text('3栋 1204')");
  await ep.waitForFunction(() => document.querySelector("[data-testid=before-photos] img")?.naturalWidth > 0);
  await ep.setInputFiles("[data-testid=after-photo] [data-testid=camera-input]", fixtures.fixed);
  await ep.waitForSelector("[data-testid=close-form] .thumb img", { timeout: 30_000 });
  await ep.click("[data-testid=close-task]");
  await ep.waitForSelector("[data-testid=after-photos] img");
  await badge(ep, "allsent", 60_000);
  await phone.close();
  await sp.reload();
  await badge(sp, "allsent");
  await sp.click(`[data-testid=sv-finding][data-id="${unitProblem.id}"][data-state=Fixed]`);
  await sp.click("[data-testid=confirm-fix]");
  await sp.waitForSelector(`[data-testid=sv-finding][data-id="${unitProblem.id}"][data-state=Confirmed]`);
  await badge(sp, "allsent", 60_000);
  await tablet.close();
});
