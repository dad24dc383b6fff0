// Reports and scorecards (issue 18), on the demo's last month (`--demo-last-month`: engineer2's
// three closed orders, one a second visit to the first's machine, one reached late with a late,
// unsigned report sent back once). The manager opens last month's engineer scorecards at 1280x800
// (their home), reads engineer2's parts and total, and clicks a deduction through to its order
// (no edit forms for them); the desk excuses the second visit from its order page and the
// scorecard gains the 5 points back; engineer2 sees their own scorecard on the phone; the
// cleaning tab shows team-a's and cleaner1's figures as the server counts them, and cleaner1 sees
// their own on the phone.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, PHONE, Server, shoot, shootDesk, signIn } from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const TABLE = "[data-testid=scorecards-table]";
const E2 = `${TABLE} [data-testid=scorecard-row][data-engineer=engineer2]`;

let server;
let browser;

before(async () => {
  server = await Server.start({ demoLastMonth: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

/** Last month in China time, as YYYY-MM. */
function lastMonth() {
  const china = new Date(Date.now() + 8 * 3600_000);
  const y = china.getUTCFullYear();
  const m = china.getUTCMonth(); // 0-based: this is last month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, "0")}`;
}

test("the manager reads last month's scorecards and clicks a deduction through to its order", { timeout: 180_000 }, async () => {
  const month = lastMonth();
  const manager = await server.client("manager1");
  const api = (await manager.get(`/api/scorecards/engineers?month=${month}`)).body;
  const e2 = api.cards.find((c) => c.engineer === "engineer2");
  assert.equal(e2.total, 74);
  const second = e2.deductions.find((d) => d.kind === "second_visit");

  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  // The manager's home is the scorecards, last month's.
  await signIn(page, `${server.url}/office/`, "manager1", E2);
  assert.match(page.url(), /\/office\/scorecards$/);
  assert.equal(await page.inputValue("input[name=month]"), month);
  const nav = await page.getByRole("navigation").getByRole("link").allTextContents();
  assert.ok(nav.includes("考核") && !nav.includes("接报"), `the manager's entries: ${nav}`);
  const cells = await page.locator(`${E2} td`).allTextContents();
  assert.deepEqual(cells.slice(2), ["3", "15", "15", "44", "0", "74"]);
  assert.equal(await page.textContent(`${TABLE} [data-engineer=engineer1] [data-testid=scorecard-total]`), "100");
  // The exports are the server's, for the same month.
  assert.equal(
    await page.getAttribute("[data-testid=scorecards-xlsx]", "href"),
    `/api/scorecards/engineers?month=${month}&format=xlsx`,
  );
  const deductions = page.locator("[data-testid=deduction]");
  assert.equal(await deductions.count(), e2.deductions.length);
  await shootDesk(page, "desk-scorecards");

  // A click on engineer2's row draws their trend under the table: 12 monthly points, the last
  // (last month's) the card's total; 周 shows the weeks of those 12 months.
  await page.click(`${E2} td:nth-child(2)`);
  await page.waitForSelector("[data-testid=trend-data][data-who=engineer2][data-by=month]");
  const points = "[data-testid=trend-chart] [data-testid=trend-point]";
  assert.equal(await page.locator(points).count(), 12);
  const monthly = await page.locator(points).evaluateAll((ps) => ps.map((p) => [p.dataset.period, p.dataset.value]));
  assert.deepEqual(monthly.at(-1), [`${month}-01`, String(e2.total)]);
  assert.equal(await page.getAttribute("[data-testid=trend-latest]", "data-value"), "74");
  assert.equal(await page.textContent("[data-testid=trend-latest]"), "74");
  await shootDesk(page, "desk-scorecards-trend", { at: "[data-testid=trend]" });
  await page.click("[data-testid=trend-by-week]");
  await page.waitForSelector("[data-testid=trend-data][data-who=engineer2][data-by=week]");
  assert.ok((await page.locator(points).count()) >= 52);
  const weekly = await page.locator(points).evaluateAll((ps) => ps.map((p) => p.dataset.period));
  assert.ok(weekly.length <= 54, `${weekly.length} weeks`);
  // Each point a Friday-to-Thursday week.
  assert.ok(weekly.every((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 5), weekly.join());
  await page.click("[data-testid=trend-by-month]");
  await page.waitForSelector("[data-testid=trend-data][data-who=engineer2][data-by=month]");
  assert.equal(await page.locator(points).count(), 12);

  // A deduction links to its order.
  await page.locator(`[data-testid=deduction][href="/office/work-orders/${second.work_order_id}"]`).click();
  await page.waitForURL(new RegExp(`/office/work-orders/${second.work_order_id}$`));
  await page.waitForSelector(`[data-testid=ticket]:has-text('${second.ticket}')`);
  await page.waitForSelector("[data-testid=excuse-state]:has-text('未豁免')");
  assert.equal(await page.locator("input[name=excuse_reason]").count(), 0, "the manager cannot excuse");
  assert.equal(await page.locator("input[name=unrepaired_reason]").count(), 0);
  await context.close();

  // The desk excuses the second visit, with a reason; the manager's scorecard gains 5 points.
  const desk = await browser.newContext(DESK);
  const dp = await desk.newPage();
  await signIn(dp, `${server.url}/office/`, "dispatcher1", "[data-testid=office-card]");
  await dp.goto(`${server.url}/office/work-orders/${second.work_order_id}`);
  await dp.waitForSelector("[data-testid=excuse-state]:has-text('未豁免')");
  await dp.getByRole("button", { name: "豁免", exact: true }).click();
  await dp.waitForSelector("[data-testid=excuse-outcome]:has-text('请填写豁免原因')");
  await dp.fill("input[name=excuse_reason]", "客户违规操作导致复发，非维修质量问题");
  await dp.getByRole("button", { name: "豁免", exact: true }).click();
  await dp.waitForSelector("[data-testid=excuse-state]:has-text('已豁免')");
  await desk.close();
  const after = (await manager.get(`/api/scorecards/engineers?month=${month}`)).body;
  assert.equal(after.cards.find((c) => c.engineer === "engineer2").total, 79);
});

test("an engineer sees their own scorecard on the phone", { timeout: 180_000 }, async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signIn(page, server.url, "engineer2");
  await page.click("[data-testid=my-scorecard-link]");
  await page.waitForURL(/\/scorecard$/);
  assert.equal(await page.textContent("[data-testid=month]"), lastMonth());
  await page.waitForSelector("[data-testid=my-total]");
  // After the other test's excuse, 79; on its own, 74.
  assert.match(await page.textContent("[data-testid=my-total]"), /总分 (74|79)/);
  assert.ok((await page.locator("[data-testid=my-deduction]").count()) >= 5);
  assert.ok(await page.locator("[data-testid=my-deduction]:has-text('报告被退回')").count());
  await shoot(page, "phone-my-scorecard.png");
  // The month before: nothing counted, full marks.
  await page.click("[data-testid=month-back]");
  await page.waitForSelector("[data-testid=my-total]:has-text('100')");
  await context.close();
});

test("the manager opens the 400 agents' and the cleaning supervisors' scorecards", { timeout: 180_000 }, async () => {
  const month = lastMonth();
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "manager1", E2);
  // dispatcher1 took last month's three calls: the maintenance missed its first response, its
  // 36 hours and its report's 3 days; no order was called back in time.
  await page.click("[data-testid=sc-tab-agents]");
  const agent = "[data-testid=agent-scorecards] [data-testid=agent-row][data-agent=dispatcher1]";
  await page.waitForSelector(agent);
  const cells = await page.locator(`${agent} td`).allTextContents();
  assert.deepEqual(cells.slice(1), ["3", "2/3 · 67%", "2/3 · 67%", "2/3 · 67%", "0/3 · 0%"]);
  assert.equal(
    await page.getAttribute("[data-testid=agents-xlsx]", "href"),
    `/api/scorecards/agents?month=${month}&format=xlsx`,
  );
  await shootDesk(page, "desk-scorecards-agents");
  // supervisor1 made the morning and the last round of every day last month (the demo's), not
  // the afternoon one nor the outlet check: two of three rounds of every day.
  await page.click("[data-testid=sc-tab-supervisors]");
  const sup = "[data-testid=supervisor-scorecards] [data-testid=supervisor-row][data-supervisor=supervisor1]";
  await page.waitForSelector(sup);
  const row = await page.locator(`${sup} td`).allTextContents();
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  assert.equal(row[2], `${days * 2}/${days * 3} · 67%`);
  assert.equal(row[3], "0/1 · 0%");
  await shootDesk(page, "desk-scorecards-supervisors");
  // The cleaning tab: team-a's own row, then its cleaners', with the server's figures.
  const cleaning = (await (await server.client("manager1")).get(`/api/scorecards/cleaning?month=${month}`)).body;
  const team = cleaning.teams.find((t) => t.team === "team-a");
  await page.click("[data-testid=sc-tab-cleaning]");
  const rowOf = (who) => `[data-testid=cleaning-scorecards] [data-testid=cleaning-row][data-team=team-a][data-cleaner="${who}"]`;
  await page.waitForSelector(rowOf("cleaner1"));
  for (const card of [team.total, team.cleaners.find((c) => c.cleaner === "cleaner1")]) {
    const cells = await page.locator(`${rowOf(card.cleaner)} td`).allTextContents();
    assert.deepEqual(
      cells.slice(2),
      [card.checklist, card.spot_checks, card.vacant_units, card.findings_on_time].map(rate),
      card.cleaner || "the team",
    );
  }
  assert.equal((await page.locator(`${rowOf("")} td`).allTextContents())[1], "全组");
  assert.equal(
    await page.getAttribute("[data-testid=cleaning-xlsx]", "href"),
    `/api/scorecards/cleaning?month=${month}&format=xlsx`,
  );
  // A click on cleaner1's row draws their trend; its last month is the card's checklist rate.
  await page.click(`${rowOf("cleaner1")} td:nth-child(2)`);
  await page.waitForSelector("[data-testid=trend-data][data-who=cleaner1][data-by=month]");
  const c1 = team.cleaners.find((c) => c.cleaner === "cleaner1");
  const c1Points = await page.locator("[data-testid=trend-chart] [data-testid=trend-point]").evaluateAll((ps) => ps.map((p) => [p.dataset.period, p.dataset.value]));
  assert.deepEqual(c1Points.at(-1), [`${month}-01`, rate(c1.checklist).split(" · ")[1].replace("%", "")]);
  await shootDesk(page, "desk-scorecards-cleaning");
  await context.close();
});

/** A rate as the pages write it: met/of and its percent rounded half up, or a dash. */
function rate({ met, of }) {
  return of === 0 ? "—" : `${met}/${of} · ${Math.floor((met * 200 + of) / (of * 2))}%`;
}

test("a cleaner sees their own scorecard on the phone", { timeout: 180_000 }, async () => {
  const month = lastMonth();
  const own = (await (await server.client("cleaner1")).get(`/api/scorecards/cleaning/me?month=${month}`)).body;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=my-scorecard-link]");
  await page.click("[data-testid=my-scorecard-link]");
  await page.waitForURL(/\/scorecard$/);
  assert.equal(await page.textContent("[data-testid=month]"), month);
  await page.waitForSelector("[data-testid=my-checklist]");
  assert.equal(await page.textContent("[data-testid=my-checklist] strong"), rate(own.checklist));
  assert.equal(await page.textContent("[data-testid=my-vacant-units] strong"), rate(own.vacant_units));
  assert.equal(await page.locator("[data-testid=my-miss]").count(), own.misses.length);
  await shoot(page, "phone-my-cleaning-scorecard.png");
  await context.close();
});

/** Yesterday in China time, as YYYY-MM-DD. */
function yesterday() {
  return new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
}

test("the manager opens yesterday's 400 daily and the cleaning daily and sees the demo's figures", { timeout: 180_000 }, async (t) => {
  // A server of its own with the demo's yesterday: in a month's first days yesterday belongs to
  // last month, and the scorecards above count only the demo's last month.
  const daily = await Server.start({ demoYesterday: true });
  t.after(() => daily.kill());
  const day = yesterday();
  const manager = await daily.client("manager1");
  const desk = (await manager.get(`/api/reports/desk?period=day&date=${day}`)).body;
  const cleaning = (await manager.get(`/api/reports/cleaning?period=day&date=${day}`)).body;
  // The demo's yesterday: one order out, on site and repaired; two reports in, one late.
  assert.equal(desk.total.dispatches, 1);
  assert.equal(desk.total.reports_submitted, 2);
  assert.equal(desk.total.reports_late, 1);

  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${daily.url}/office/`, "manager1", E2);
  await page.click("[data-testid=nav-reports]");
  await page.waitForURL(/\/office\/reports$/);
  // The 400 desk's daily opens first, on yesterday.
  await page.waitForSelector("[data-testid=report-total]");
  assert.equal(await page.textContent("[data-testid=report-shown]"), day);
  const total = "[data-testid=report-total]";
  for (const [key, value] of Object.entries(desk.total)) {
    assert.equal(await page.textContent(`${total} [data-figure=${key}]`), String(value), key);
  }
  assert.equal(await page.textContent(`${total} [data-figure=reports_late]`), "1");
  assert.equal(
    await page.getAttribute("[data-testid=report-xlsx]", "href"),
    `/api/reports/desk?period=day&date=${day}&format=xlsx`,
  );
  assert.ok(await page.locator("[data-testid=report-ledger]").count(), "the complaints ledger is linked");
  await shootDesk(page, "desk-report-400-daily");

  // The cleaning daily: two rounds of three, the lobby's four items, one vacant unit cleaned.
  await page.click("[data-testid=report-cleaning]");
  const team = "[data-testid=cleaning-team][data-team=team-a]";
  await page.waitForSelector(team);
  const f = cleaning.teams[0].figures;
  for (const key of ["rounds_done", "rounds_missed", "findings_closed", "vacant_cleaned", "vacant_overdue", "items_done"]) {
    assert.equal(await page.textContent(`${team} [data-figure=${key}]`), String(f[key]), key);
  }
  assert.equal(await page.textContent(`${team} [data-figure=rounds_done]`), "2");
  assert.equal(await page.textContent(`${team} [data-figure=rounds_missed]`), "1");
  assert.equal(await page.textContent(`${team} [data-testid=cleaning-area][data-area=大堂] [data-figure=done]`), "4");
  await shootDesk(page, "desk-report-cleaning-daily");

  // The day before: nothing was ticked then.
  await page.click("[data-testid=report-prev]");
  await page.waitForSelector(`${team} [data-figure=rounds_done]:has-text('0')`);
  await context.close();
});
