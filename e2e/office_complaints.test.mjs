// The desk's complaints and call-backs (issue 17) at 1280x800 (each screen shot at 1920x1080 too):
// an ordinary complaint taken with a wrong phone first (its message under the field; a reload
// keeps the draft), then taken and given to a cleaner from its page; the cleaner fixes it with an
// after photo and the supervisor confirms it (through the API, as their phones would); the desk's
// phone call-back says "not satisfied" and the complaint is reopened with the customer's words
// shown. Then a closed order's call-back from the 回访 list (and the call-back days setting); the
// working-day calendar marks a day and a new complaint's deadline moves; the month's ledger is on
// screen and its CSV downloads.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { launch, Server, shootDesk, signIn, until } from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const ROW = "[data-testid=office-card]";
const DRAFT = "fieldbook-office-complaint-draft";

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

const fieldError = (page, field) => page.locator(`[data-field=${field}]`).first();
const nav = (page, name) => page.getByRole("navigation").getByRole("link", { name, exact: true }).click();

/** An operation as a phone sends it. */
const op = (user, kind) => ({
  id: crypto.randomUUID(), user, device_id: "00000000-0000-4000-8000-0000000000c1",
  device_time: new Date().toISOString(), kind,
});

/** A small real JPEG (made by Chromium's encoder) as a photo reference and its bytes. */
async function smallJpeg(label) {
  const page = await browser.newPage();
  const base64 = await page.evaluate(async (label) => {
    const c = new OffscreenCanvas(400, 300);
    const g = c.getContext("2d");
    g.fillStyle = "#2f7d4f";
    g.fillRect(0, 0, 400, 300);
    g.fillStyle = "#fff";
    g.font = "bold 48px sans-serif";
    g.fillText(label, 30, 170);
    const blob = await c.convertToBlob({ type: "image/jpeg", quality: 0.9 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, label);
  await page.close();
  const bytes = Buffer.from(base64, "base64");
  const sha = createHash("sha256").update(bytes).digest();
  return {
    bytes,
    digest: `sha-256=:${sha.toString("base64")}:`,
    ref: {
      photo_id: crypto.randomUUID(), slot: "after", sha256: sha.toString("hex"), bytes: bytes.length,
      width: 400, height: 300, content_type: "image/jpeg",
    },
  };
}

test("a complaint taken at the desk, assigned, fixed, called back not satisfied and reopened", { timeout: 240_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await nav(page, "投诉");
  await page.waitForSelector("[data-testid=complaint-table]");
  await page.getByRole("link", { name: "受理投诉" }).click();
  await page.waitForSelector("h1:has-text('受理投诉')");

  // A wrong phone: its message under the field as it is typed; sending is refused until fixed.
  await page.getByLabel("客户", { exact: true }).fill("华府小区 3 栋 502 刘女士");
  await page.getByLabel("联系电话", { exact: true }).fill("call me");
  await page.getByLabel("单元 / 地点", { exact: true }).fill("3 栋 1 单元 电梯厅");
  await page.getByLabel("投诉内容", { exact: true }).fill("电梯厅地面拖完很滑，老人差点滑倒");
  assert.match(await fieldError(page, "contact_phone").textContent(), /电话号码不正确/);
  assert.equal(await fieldError(page, "customer").textContent(), "", "a good field has no message");
  await page.getByRole("button", { name: "受理投诉" }).click();
  await page.waitForSelector("[data-testid=complaint-error]:has-text('请先改正标出的栏目')");
  assert.equal(await fieldError(page, "team").textContent(), "必填");
  await shootDesk(page, "desk-complaint-errors");

  // A reload keeps the half-typed complaint.
  await page.reload();
  await page.waitForSelector("h1:has-text('受理投诉')");
  assert.equal(await page.inputValue("input[name=customer]"), "华府小区 3 栋 502 刘女士");
  assert.equal(await page.inputValue("input[name=contact_phone]"), "call me");
  const kept = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), DRAFT));

  // The server's refusal at its field: a team nobody has.
  await page.getByLabel("联系电话", { exact: true }).fill("138 0013 8000");
  assert.equal(await fieldError(page, "contact_phone").textContent(), "");
  await page.getByLabel("班组 / 服务站", { exact: true }).fill("team-zz");
  await page.getByRole("button", { name: "受理投诉" }).click();
  await page.waitForSelector("[data-field=team]:has-text('没有这个班组或服务站')");
  await page.getByLabel("班组 / 服务站", { exact: true }).fill("team-a");
  assert.equal(await fieldError(page, "team").textContent(), "");
  await page.getByRole("button", { name: "受理投诉" }).click();

  // Taken: its page, owned by the desk agent, the draft gone.
  await page.waitForURL(/\/office\/complaints\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop();
  assert.equal(id, kept.id, "the id made with the draft: a retry never takes it twice");
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), DRAFT), null);
  await page.waitForSelector("[data-testid=c-taken-by]:has-text('dispatcher1')");
  assert.equal(await page.textContent("[data-testid=complaint-state]"), "整改中");
  const dispatcher = await server.client("dispatcher1");
  const stored = (await dispatcher.get(`/api/complaints/${id}`)).body;
  assert.equal(stored.complaint.contact_phone, "138 0013 8000");
  assert.equal(stored.complaint.severity, "ordinary");
  assert.equal(stored.task.state, "open");

  // Given to a cleaner of the team.
  await page.selectOption("select[name=task_assignee]", "other");
  await page.getByLabel("账号", { exact: true }).fill("cleaner1");
  await page.getByRole("button", { name: "指派" }).click();
  await page.waitForSelector("[data-testid=task-assignee]:has-text('cleaner1')");
  assert.equal((await dispatcher.get(`/api/complaints/${id}`)).body.task.state, "assigned");

  // In the list, with its deadline.
  await nav(page, "投诉");
  const row = page.locator(`[data-testid=complaint-row][data-customer="华府小区 3 栋 502 刘女士"]`);
  await row.waitFor();
  assert.match(await row.locator("[data-testid=fix-due]").textContent(), /^\d{4}-\d\d-\d\d 24:00$/, "due at the end of a working day");
  await shootDesk(page, "desk-complaints");
  await page.getByRole("searchbox").fill("电梯厅");
  assert.equal(await page.locator("[data-testid=complaint-row]").count(), 1);

  // The cleaner fixes it with an after photo; the supervisor confirms (their phones' operations).
  const finding = stored.complaint.finding_id;
  const cleaner = await server.client("cleaner1");
  const photo = await smallJpeg("after");
  const fixed = await cleaner.post("/api/ops", {
    ops: [op("cleaner1", { type: "close_finding", finding_id: finding, note: "已擦干并放置防滑垫", photos: [photo.ref] })],
  });
  assert.equal(fixed.body.results[0].outcome, "applied", JSON.stringify(fixed.body));
  const put = await fetch(`${server.url}/api/photos/${photo.ref.photo_id}`, {
    method: "PUT",
    headers: { cookie: cleaner.cookie, "content-type": "image/jpeg", "content-digest": photo.digest },
    body: photo.bytes,
  });
  assert.ok(put.status < 300, `the after photo uploads: ${put.status} ${await put.text()}`);
  const supervisor = await server.client("supervisor1");
  const confirmed = await supervisor.post("/api/ops", { ops: [op("supervisor1", { type: "confirm_finding", finding_id: finding })] });
  assert.equal(confirmed.body.results[0].outcome, "applied", JSON.stringify(confirmed.body));

  // The desk's page follows: the after photo, the call-back due.
  await row.locator("a").first().click();
  await page.waitForSelector("[data-testid=complaint-state]:has-text('待回访')", { timeout: 10_000 });
  await page.waitForSelector("[data-testid=after-photos] img");
  assert.ok(await page.locator("[data-testid=c-call-back-due]").count());
  await page.waitForSelector("[data-testid=timeline] [data-testid=ev-fixed]:has-text('已擦干并放置防滑垫')");

  // The phone call-back: not satisfied needs the customer's words, then reopens it with them.
  await page.getByLabel("接听人", { exact: true }).fill("刘女士");
  await page.getByLabel("不满意").check();
  await page.getByRole("button", { name: "记录回访" }).click();
  await page.waitForSelector("[data-field=cb_words]:has-text('不满意时请写下客户原话')");
  await page.getByLabel("客户原话", { exact: true }).fill("防滑垫放了一天就收走了，地面还是滑");
  await page.getByRole("button", { name: "记录回访" }).click();
  await page.waitForSelector("[data-testid=call-back-notice]:has-text('防滑垫放了一天就收走了')");
  await page.waitForSelector("[data-testid=complaint-state]:has-text('整改中')");
  await page.waitForSelector("[data-testid=timeline] [data-testid=ev-reopened]:has-text('防滑垫放了一天就收走了')");
  await page.waitForSelector("[data-testid=call-back-history] [data-testid=call-back][data-satisfied=false]");
  const after = (await dispatcher.get(`/api/complaints/${id}`)).body;
  assert.equal(after.complaint.state, "fixing");
  assert.equal(after.complaint.call_backs.length, 1);
  assert.equal(after.complaint.call_backs[0].satisfied, false);
  assert.equal(after.task.state, "assigned", "the task goes back to the cleaner");
  await shootDesk(page, "desk-complaint");
  await context.close();
});

test("a closed order's call-back from the 回访 list, and the call-back days setting", { timeout: 180_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const now = Date.now();
  const made = await dispatcher.post("/api/work-orders", {
    customer: "济南城建集团", contact_name: "李经理", contact_phone: "13900001111", site: "新东站",
    equipment_model: "EC210D", serial: "EC210D-55502", engine_hours: 800, working_condition: "土方",
    fault_description: "报警灯亮", service_type: "fault_repair", machine_down: false,
    called_at: new Date(now - 600_000).toISOString(), planned_at: new Date(now + 3600_000).toISOString(),
    assignee: "engineer1", companions: [],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.id;
  const ticket = made.body.ticket;
  const responded = await dispatcher.post(`/api/work-orders/${id}/first-response`, {
    at: new Date().toISOString(), outcome: "电话指导复位", site_confirmed: true, phone_fix: true,
  });
  assert.ok(responded.status < 300, JSON.stringify(responded.body));
  const closed = await dispatcher.post(`/api/work-orders/${id}/phone-fix`, { resolution: "复位后正常" });
  assert.ok(closed.status < 300, JSON.stringify(closed.body));

  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);

  // The call-back days, where the desk's settings are.
  await nav(page, "照片规则");
  await page.waitForSelector("[data-testid=call-back-days] input");
  await until("the settings load", async () => (await page.inputValue("input[name=call_back_days]")) !== "");
  assert.equal(await page.inputValue("input[name=call_back_days]"), "3");
  await page.fill("input[name=call_back_days]", "0");
  await page.click("[data-testid=save-call-back-days]");
  await page.waitForSelector("[data-testid=call-back-days] .field-error:has-text('1–60 天')");
  await page.fill("input[name=call_back_days]", "2");
  await page.click("[data-testid=save-call-back-days]");
  await page.waitForSelector("[data-testid=call-back-days] .saved");
  assert.equal((await dispatcher.get("/api/settings")).body.call_back_days, 2);

  await nav(page, "回访");
  await page.waitForSelector("[data-testid=call-backs-table]");
  await page.getByRole("tab", { name: /全部/ }).click();
  const due = page.locator(`[data-testid=call-back-due][data-kind=work_order][data-title="${ticket}"]`);
  await due.waitFor();
  await shootDesk(page, "desk-call-backs");
  await due.getByRole("button", { name: "记录回访" }).click();
  const form = page.locator("[data-testid=call-back-form]");
  await form.getByLabel("接听人", { exact: true }).fill("李经理");
  await form.getByLabel("满意", { exact: true }).check();
  await form.getByLabel("客户原话", { exact: true }).fill("师傅电话里讲得很清楚");
  await form.getByRole("button", { name: "记录回访" }).click();
  await due.waitFor({ state: "detached", timeout: 10_000 });
  const order = (await dispatcher.get(`/api/work-orders/${id}`)).body;
  assert.equal(order.call_backs.length, 1);
  assert.equal(order.call_backs[0].answered_by, "李经理");
  assert.equal(order.call_backs[0].satisfied, true);

  // The order's page says so, and owes no more.
  await page.goto(`${server.url}/office/work-orders/${id}`);
  await page.waitForSelector("[data-testid=order-call-back] [data-testid=call-back]:has-text('李经理')");
  assert.equal(await page.locator("[data-testid=order-call-back] [data-testid=call-back-form]").count(), 0);
  await context.close();
});

/** The China date (YYYY-MM-DD) of the last instant before `iso`. */
function chinaDay(iso) {
  return new Date(new Date(iso).getTime() - 1000 + 8 * 3600_000).toISOString().slice(0, 10);
}

test("the working-day calendar marks a day and a new complaint's deadline moves", { timeout: 180_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const take = async (customer) => {
    const r = await dispatcher.post("/api/complaints", {
      id: crypto.randomUUID(), finding_id: crypto.randomUUID(), team: "team-a", severity: "major",
      customer, contact_phone: "", place: "2 栋大堂", what: "垃圾桶满了没人清",
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const first = await take("2 栋 101 王先生");
  const day = chinaDay(first.fix_due);
  const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await nav(page, "工作日历");
  await page.waitForSelector("[data-testid=year-grid]");
  while (Number(await page.textContent("[data-testid=year]")) < Number(day.slice(0, 4))) await page.click("[data-testid=next-year]");

  // A holiday on a weekend means nothing: refused at once.
  const year = await page.textContent("[data-testid=year]");
  await page.click("[data-mark=holiday]");
  await page.click(`button[data-date="${firstSaturday(year)}"]`);
  await page.waitForSelector("[data-testid=calendar-note] .form-error:has-text('周末本来就休息')");

  // The day the first complaint's fix is due becomes a day off (a holiday, or a make-up Saturday
  // back to a normal weekend day), and is saved.
  if (weekend) await page.click("[data-mark=normal]");
  await page.click(`button[data-date="${day}"]`);
  await page.waitForSelector(`button[data-date="${day}"]${weekend ? ".weekend" : ".holiday"}`);
  await page.click("[data-testid=save-calendar]");
  await page.waitForSelector("[data-testid=calendar-note] .saved");
  const calendar = (await dispatcher.get("/api/calendar")).body;
  assert.equal(weekend ? !calendar.make_up_days.includes(day) : calendar.holidays.includes(day), true);
  await shootDesk(page, "desk-calendar");

  const second = await take("2 栋 102 周女士");
  assert.ok(new Date(second.fix_due) > new Date(first.fix_due), `${second.fix_due} after ${first.fix_due}`);
  assert.notEqual(chinaDay(second.fix_due), day);
  await context.close();
});

/** The first Saturday of `year`, as YYYY-MM-DD. */
function firstSaturday(year) {
  for (let d = 1; d <= 7; d++) {
    if (new Date(Date.UTC(Number(year), 0, d)).getUTCDay() === 6) return `${year}-01-0${d}`;
  }
  throw new Error("no Saturday in a week");
}

test("the month's complaint ledger on screen, its CSV downloaded", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...DESK, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await nav(page, "投诉台账");
  await page.waitForSelector("[data-testid=ledger-row]");
  assert.ok(await page.locator("[data-testid=ledger-row][data-customer='华府小区 3 栋 502 刘女士']").count());
  assert.match(await page.getAttribute("[data-testid=ledger-xlsx]", "href"), /format=xlsx/);
  await shootDesk(page, "desk-ledger");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=ledger-csv]")]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const csv = Buffer.concat(chunks);
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], "a BOM first");
  assert.ok(csv.subarray(3).toString("utf8").includes("华府小区 3 栋 502 刘女士"));
  await context.close();
});
