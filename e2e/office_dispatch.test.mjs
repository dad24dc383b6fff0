// The desk's dispatch at 1280x800: a call taken with a wrong phone and a planned time before the
// call shows both messages under their fields; a reload keeps the half-typed call (a draft in
// local storage), so does a dropped connection; a ticket already taken is refused at the ticket
// field; the call is created and dispatched, the draft goes, the order is in the list; its plan
// changes; and what another desk changes shows up here within seconds, without a reload (the desk
// polls `GET /api/work-orders?since=N`). Then, each on an order of its own: the follow-up lists
// (1920x1080) with the unrepaired reason typed in the row and the CSV export; a phone fix that
// closes and locks the order (its unknown serial filled in first); a report sent back item by
// item, resubmitted and closed; a reassignment with the previous engineer's held work settled; a
// station head's desk; a repeat visit linked to the earlier order.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, Server, shoot, signIn } from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const ROW = "[data-testid=office-card]";
const DRAFT = "fieldbook-office-call-draft";

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

/** A `datetime-local` value moved by `minutes`. */
function shift(value, minutes) {
  const t = new Date(`${value}:00Z`).getTime() + minutes * 60_000;
  return new Date(t).toISOString().slice(0, 16);
}

/** The text under a field of the call form. */
const fieldError = (page, field) => page.locator(`[data-field=${field}]`).first();

test("a call is taken, kept across a reload, dispatched, planned, and others' changes show up live", { timeout: 180_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  assert.equal(await page.textContent("[data-testid=role]"), "客服专员");

  await page.getByRole("navigation").getByRole("link", { name: "接报" }).click();
  await page.waitForSelector("h1:has-text('接报 / 派工')");
  assert.match(await page.textContent("[data-testid=next-ticket]"), /BX-\d{8}-\d{3}/);

  await page.getByLabel("客户", { exact: true }).fill("山东高速路桥");
  await page.getByLabel("联系人", { exact: true }).fill("王工");
  await page.getByLabel("联系电话", { exact: true }).fill("call me");
  await page.getByLabel("工地位置", { exact: true }).fill("济南绕城高速二期");
  await page.getByLabel("机型", { exact: true }).fill("EC210D");
  await page.getByLabel("小时数", { exact: true }).fill("3520");
  await page.getByLabel("故障描述", { exact: true }).fill("液压油温高，动作慢");
  await page.check("input[name=machine_down]");
  const called = await page.inputValue("input[name=called_at]");
  assert.match(called, /^\d{4}-\d\d-\d\dT\d\d:\d\d$/, "the call time defaults to now");
  await page.fill("input[name=planned_at]", shift(called, -60));

  assert.match(await fieldError(page, "contact_phone").textContent(), /电话号码不正确/);
  assert.equal(await fieldError(page, "planned_at").textContent(), "计划时间不能早于报修时间");
  assert.equal(await fieldError(page, "customer").textContent(), "", "a good field has no message");
  await page.getByRole("button", { name: "建单并派工" }).click();
  await page.waitForSelector("[data-testid=call-error]:has-text('请先改正标出的栏目')");
  assert.equal(await fieldError(page, "assignee").textContent(), "必填");
  await shoot(page, "desk-call-errors.png");

  // A reload (or a lost connection) keeps the half-typed call.
  await page.reload();
  await page.waitForSelector("h1:has-text('接报 / 派工')");
  assert.equal(await page.inputValue("input[name=customer]"), "山东高速路桥");
  assert.equal(await page.inputValue("input[name=contact_phone]"), "call me");
  assert.equal(await page.inputValue("input[name=called_at]"), called);
  assert.equal(await page.isChecked("input[name=machine_down]"), true);

  await page.getByLabel("联系电话", { exact: true }).fill("138 0013 8000");
  assert.equal(await fieldError(page, "contact_phone").textContent(), "");
  await page.fill("input[name=planned_at]", shift(called, 120));
  assert.equal(await fieldError(page, "planned_at").textContent(), "");
  await page.waitForSelector("select[name=assignee] option[value=engineer1]", { state: "attached" });
  await page.selectOption("select[name=assignee]", "engineer1");
  await page.check("input[name=companion][value=engineer2]");
  await shoot(page, "desk-call.png");

  // The server's refusal shows at the field it concerns: a ticket already taken.
  const taken = (await (await server.client("dispatcher1")).get("/api/work-orders")).body[0].ticket;
  await page.getByLabel("报修单号", { exact: true }).fill(taken);
  await page.getByRole("button", { name: "建单并派工" }).click();
  await page.waitForSelector("[data-field=ticket]:has-text('这个报修单号已经有了')");
  assert.equal(await page.inputValue("input[name=customer]"), "山东高速路桥", "a refused call keeps what was typed");
  await page.getByLabel("报修单号", { exact: true }).fill("");
  assert.equal(await fieldError(page, "ticket").textContent(), "");

  // A dropped connection: nothing is created, the draft stays.
  await context.setOffline(true);
  await page.getByRole("button", { name: "建单并派工" }).click();
  await page.waitForSelector("[data-testid=call-error]:has-text('草稿仍保存在本机')");
  assert.match(await page.evaluate((k) => localStorage.getItem(k), DRAFT), /山东高速路桥/);
  await context.setOffline(false);
  await page.getByRole("button", { name: "建单并派工" }).click();

  // Created: the order's page, the draft gone.
  await page.waitForURL(/\/office\/work-orders\/[0-9a-f-]{36}$/);
  const ticket = (await page.textContent("[data-testid=ticket]")).trim();
  assert.match(ticket, /^BX-\d{8}-\d{3}$/);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), DRAFT), null);
  const id = page.url().split("/").pop();
  const dispatcher = await server.client("dispatcher1");
  const stored = (await dispatcher.get(`/api/work-orders/${id}`)).body;
  assert.equal(stored.contact_phone, "138 0013 8000");
  assert.equal(stored.serial, "", "an unknown serial waits to be filled in");
  assert.deepEqual(stored.companions.map((c) => c.username), ["engineer2"]);
  assert.equal(await page.textContent("[data-testid=f-serial]"), "待补");
  await shoot(page, "desk-order.png");

  // In the list.
  await page.getByRole("navigation").getByRole("link", { name: "工单" }).click();
  await page.waitForSelector(`${ROW}[data-ticket="${ticket}"]`);

  // The plan changes.
  await page.click(`${ROW}[data-ticket="${ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${ticket}')`);
  const later = shift(called, 24 * 60);
  await page.fill("input[name=plan_at]", later);
  await page.getByRole("button", { name: "保存计划" }).click();
  await page.waitForSelector("[data-testid=plan-outcome]:has-text('已保存')");
  assert.equal(await page.textContent("[data-testid=planned-at]"), later.replace("T", " "));
  assert.equal(
    (await dispatcher.get(`/api/work-orders/${id}`)).body.planned_at,
    new Date(new Date(`${later}:00Z`).getTime() - 8 * 3600_000).toISOString().replace(".000Z", "Z"),
    "the desk's times are China time",
  );

  // A second desk: its list and this order's page follow what others change, without a reload.
  const other = await browser.newContext(DESK);
  const second = await other.newPage();
  await signIn(second, `${server.url}/office/`, "dispatcher1", ROW);
  const fresh = await dispatcher.post("/api/work-orders", {
    customer: "济南城建集团", contact_name: "李经理", contact_phone: "0531-8888 0000", site: "新东站",
    equipment_model: "EC480D", serial: "EC480D-77001", engine_hours: 1200, working_condition: "破碎",
    fault_description: "回转无力", service_type: "fault_repair", machine_down: false,
    called_at: new Date().toISOString(), planned_at: new Date(Date.now() + 3600_000).toISOString(),
    assignee: "engineer2", companions: [],
  });
  assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
  await second.waitForSelector(`${ROW}[data-ticket="${fresh.body.ticket}"]`, { timeout: 10_000 });

  await second.goto(`${server.url}/office/work-orders/${id}`);
  await second.waitForSelector(`[data-testid=ticket]:has-text('${ticket}')`);
  const again = shift(called, 48 * 60);
  await page.fill("input[name=plan_at]", again);
  await page.getByRole("button", { name: "保存计划" }).click();
  await second.waitForSelector(`[data-testid=planned-at]:has-text('${again.replace("T", " ")}')`, { timeout: 10_000 });
  await shoot(second, "desk-order-live.png");
  await other.close();
  await context.close();
});

test("a desk screen at 1920x1080 and the follow-up lists", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await page.getByRole("navigation").getByRole("link", { name: "跟进" }).click();
  await page.waitForSelector("[data-testid=follow-up-table]");
  const tab = page.getByRole("tab", { name: /未修复/ });
  await tab.click();
  const rows = page.locator("[data-testid=follow-up-row]");
  await rows.first().waitFor();
  const ticket = await rows.first().getAttribute("data-ticket");
  await page.getByLabel(`未修复原因 ${ticket}`).fill("等配件");
  await page.getByLabel(`未修复原因 ${ticket}`).press("Tab");
  const dispatcher = await server.client("dispatcher1");
  const deadline = Date.now() + 10_000;
  for (;;) {
    const list = (await dispatcher.get("/api/work-orders")).body;
    if (list.find((o) => o.ticket === ticket)?.unrepaired_reason?.text === "等配件") break;
    assert.ok(Date.now() < deadline, "the reason reaches the server");
    await new Promise((r) => setTimeout(r, 200));
  }
  // The search narrows the list; the export is UTF-8 with a BOM.
  await page.getByRole("searchbox").fill(ticket);
  assert.equal(await rows.count(), 1);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "导出 CSV" }).click()]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const csv = Buffer.concat(chunks);
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], "a BOM first");
  const text = csv.subarray(3).toString("utf8");
  assert.match(text, /^报修单号,客户,/);
  assert.ok(text.includes(ticket) && text.includes("等配件"));
  await shoot(page, "desk-follow-ups-1920.png");
  await context.close();
});

test("a first response that a phone fix will do closes the order, locked from then on", { timeout: 120_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const now = Date.now();
  const made = await dispatcher.post("/api/work-orders", {
    customer: "济南城建集团", contact_name: "李经理", contact_phone: "13900001111", site: "新东站",
    equipment_model: "EC210D", serial: "", engine_hours: 800, working_condition: "土方",
    fault_description: "报警灯亮", service_type: "fault_repair", machine_down: false,
    called_at: new Date(now).toISOString(), planned_at: new Date(now + 3600_000).toISOString(),
    assignee: "engineer1", companions: [],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await page.goto(`${server.url}/office/work-orders/${made.body.id}`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${made.body.ticket}')`);

  // A "99" order's serial, filled in by the desk.
  assert.equal(await page.textContent("[data-testid=f-serial]"), "待补");
  await page.getByLabel("序列号", { exact: true }).fill("EC210D-55501");
  await page.getByRole("button", { name: "保存序列号" }).click();
  await page.waitForSelector("[data-testid=f-serial]:has-text('EC210D-55501')");
  assert.equal(await page.locator("[data-testid=machine-fix]").count(), 0);

  await page.getByRole("button", { name: "记录首次响应" }).click();
  await page.waitForSelector("[data-testid=first-response] .field-error:has-text('请写沟通结果')");
  await page.getByLabel("沟通结果").fill("电话指导客户复位报警");
  await page.getByLabel("已确认工地位置").check();
  await page.getByLabel("电话可解决").check();
  await page.getByRole("button", { name: "记录首次响应" }).click();
  await page.waitForSelector("[data-testid=phone-fix]");
  await page.getByRole("button", { name: "电话解决并关单" }).click();
  await page.waitForSelector("[data-testid=phone-fix-outcome]:has-text('请写解决详情')");
  await page.getByLabel("解决详情").fill("复位后报警消失，客户确认正常");
  await page.getByRole("button", { name: "电话解决并关单" }).click();
  await page.waitForSelector("[data-testid=closed]");
  assert.match(await page.textContent("[data-testid=closure]"), /复位后报警消失/);
  assert.equal(await page.locator("input[name=plan_at]").count(), 0, "a closed order offers no edits");
  assert.equal(await page.locator("[data-testid=reassign]").count(), 0);
  const stored = (await dispatcher.get(`/api/work-orders/${made.body.id}`)).body;
  assert.equal(stored.status, "resolved_by_phone");
  assert.equal(stored.closure.resolution, "复位后报警消失，客户确认正常");
  await shoot(page, "desk-order-phone-fix.png");
  await context.close();
});

test("a submitted report is sent back item by item, resubmitted, and closed; every round is listed", { timeout: 120_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const engineer = await server.client("engineer1");
  const now = Date.now();
  const made = await dispatcher.post("/api/work-orders", {
    customer: "中建八局", contact_name: "赵工", contact_phone: "13700002222", site: "章丘工地",
    equipment_model: "EC210D", serial: "EC210D-99120", engine_hours: 4100, working_condition: "土方",
    fault_description: "液压泵异响", service_type: "fault_repair", machine_down: true,
    called_at: new Date(now - 3600_000).toISOString(), planned_at: new Date(now).toISOString(),
    assignee: "engineer1", companions: [],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.id;
  const op = (kind) => ({
    id: crypto.randomUUID(), user: "engineer1", device_id: "00000000-0000-4000-8000-000000000001",
    device_time: new Date().toISOString(), kind: { work_order_id: id, ...kind },
  });
  const photo = (slot, n) => op({
    type: "add_photo", photo_id: crypto.randomUUID(), slot, sha256: String(n).padStart(2, "0").repeat(32),
    bytes: 1000, width: 40, height: 30, content_type: "image/jpeg",
  });
  const slots = made.body.slots.filter((s) => s.required).map((s) => s.key);
  const ops = [
    op({ type: "depart", expected_arrival: new Date(now + 3600_000).toISOString(), companions: [] }),
    op({ type: "set_status", node: "arrived" }),
    op({ type: "set_status", node: "repaired_left" }),
    ...slots.map((s, i) => photo(s, i + 1)),
    op({ type: "save_report", fault_cause: "油管老化", work_done: "更换油管", parts: [], companions: [] }),
    op({ type: "waive_signature", by: "刘洋", reason: "客户不在现场" }),
    op({ type: "submit_report" }),
  ];
  const sent = await engineer.post("/api/ops", { ops });
  assert.deepEqual(sent.body.results.map((r) => r.outcome), ops.map(() => "applied"), JSON.stringify(sent.body));

  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await page.goto(`${server.url}/office/work-orders/${id}`);
  await page.waitForSelector("[data-testid=review] .submitted");
  const names = await page.locator("[data-testid=review] [data-testid=photo-name]").allTextContents();
  assert.equal(names.length, slots.length);
  const first = names[0];

  // Send back: one photo (ticked, a reason) and the fault cause.
  await page.getByLabel(`退回 ${first}`, { exact: true }).check();
  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.waitForSelector("[data-testid=review-outcome]:has-text('每项退回都要写原因')");
  await page.getByLabel(`退回原因 ${first}`, { exact: true }).fill("铭牌看不清");
  await page.getByLabel("退回 故障原因", { exact: true }).check();
  await page.getByLabel("退回原因 故障原因", { exact: true }).fill("写明油管位置");
  await shoot(page, "desk-review.png", { at: "[data-testid=review]" });
  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.waitForSelector("[data-testid=round]");
  assert.match(await page.textContent("[data-testid=round]"), /铭牌看不清[\s\S]*写明油管位置|写明油管位置[\s\S]*铭牌看不清/);
  await page.waitForSelector("[data-testid=not-submitted]");
  const stored = (await dispatcher.get(`/api/work-orders/${id}`)).body;
  assert.equal(stored.reviews.length, 1);
  assert.equal(stored.reviews[0].decision.items.length, 2);

  // The engineer retakes the photo and submits again: the desk sees it without a reload, and closes.
  const again = [photo(stored.photos[0].slot, 77), op({ type: "submit_report" })];
  const resent = await engineer.post("/api/ops", { ops: again });
  assert.deepEqual(resent.body.results.map((r) => r.outcome), ["applied", "applied"], JSON.stringify(resent.body));
  await page.waitForSelector("[data-testid=review] .submitted", { timeout: 10_000 });
  await page.getByRole("button", { name: "关单" }).click();
  await page.waitForSelector("[data-testid=closed]");
  assert.equal(await page.locator("[data-testid=round]").count(), 2);
  assert.equal(await page.getByRole("button", { name: "关单" }).count(), 0, "a closed order offers no edits");
  assert.equal((await dispatcher.get(`/api/work-orders/${id}`)).body.closure.by.username, "dispatcher1");
  await context.close();
});

test("a reassignment from the desk, and the previous engineer's held work settled", { timeout: 120_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const engineer = await server.client("engineer1");
  const now = Date.now();
  const made = await dispatcher.post("/api/work-orders", {
    customer: "济南城建集团", contact_name: "李经理", contact_phone: "13900003333", site: "西客站",
    equipment_model: "EC250D", serial: "EC250D-10001", engine_hours: 2100, working_condition: "装车",
    fault_description: "行走跑偏", service_type: "fault_repair", machine_down: false,
    called_at: new Date(now - 600_000).toISOString(), planned_at: new Date(now).toISOString(),
    assignee: "engineer1", companions: [],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.id;
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await page.goto(`${server.url}/office/work-orders/${id}`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${made.body.ticket}')`);
  await page.waitForSelector("select[name=reassign_to] option[value=engineer2]", { state: "attached" });
  await page.selectOption("select[name=reassign_to]", "engineer2");
  await page.getByRole("button", { name: "改派", exact: true }).click();
  await page.waitForSelector("[data-testid=f-assignee]:has-text('李强')");

  // engineer1's phone, not synced yet, departs: held for the desk to settle.
  const op = (n) => ({
    id: crypto.randomUUID(), user: "engineer1", device_id: "00000000-0000-4000-8000-000000000002",
    device_time: new Date().toISOString(),
    kind: { type: "correct_hours", work_order_id: id, hours: 2100 + n },
  });
  const sent = await engineer.post("/api/ops", { ops: [op(5), op(9)] });
  assert.ok(sent.body.results.every((r) => r.outcome !== "applied"), JSON.stringify(sent.body));
  await page.waitForSelector("[data-testid=held] .held-row", { timeout: 10_000 });
  assert.equal(await page.locator("[data-testid=held] .held-row").count(), 2);
  const rows = page.locator("[data-testid=held] .held-row");
  await rows.nth(0).getByRole("button", { name: "驳回" }).click();
  await page.waitForSelector("[data-testid=held-outcome]:has-text('请写原因')");
  await rows.nth(0).getByLabel("驳回原因").fill("已改派，读数以李强为准");
  await rows.nth(0).getByRole("button", { name: "驳回" }).click();
  await page.waitForSelector("[data-testid=held-settled]:has-text('已驳回')");
  await rows.nth(1).getByRole("button", { name: "应用" }).click();
  await page.waitForSelector("[data-testid=held-settled]:has-text('已应用')");
  await page.waitForSelector("[data-testid=f-hours]:has-text('2109 h')");
  await shoot(page, "desk-held.png", { at: "[data-testid=reassign]" });
  await context.close();
});

test("a station head works at the desk too, without the call screen (with the old parts and commercial claims, issue 19, their station's scorecards and reports, issue 18)", { timeout: 60_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "head1", ROW);
  assert.equal(await page.textContent("[data-testid=role]"), "服务站长");
  const nav = page.getByRole("navigation");
  assert.deepEqual(await nav.getByRole("link").allTextContents(), ["工单", "考核", "报表", "跟进", "投诉", "回访", "投诉台账", "旧件", "商务索赔", "设备档案"]);
  await context.close();
});

test("a second call on the same machine within 30 days links to the earlier order", { timeout: 60_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const call = (hoursAgo) => ({
    customer: "山东临工", contact_name: "孙工", contact_phone: "13600004444", site: "临沂",
    equipment_model: "EC300D", serial: "EC300D-31415", engine_hours: 5000 + hoursAgo, working_condition: "矿山",
    fault_description: "发动机冒黑烟", service_type: "fault_repair", machine_down: true,
    called_at: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
    planned_at: new Date(Date.now() - hoursAgo * 3600_000 + 3600_000).toISOString(),
    assignee: "engineer1", companions: [],
  });
  const earlier = await dispatcher.post("/api/work-orders", call(72));
  const later = await dispatcher.post("/api/work-orders", call(1));
  assert.equal(later.status, 201, JSON.stringify(later.body));
  assert.equal(later.body.repeat_of, earlier.body.ticket);
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await page.goto(`${server.url}/office/work-orders/${later.body.id}`);
  await page.waitForSelector("[data-testid=repeat-of]");
  await page.click(`[data-testid=repeat-of] a:has-text('${earlier.body.ticket}')`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${earlier.body.ticket}')`);
  assert.equal(new URL(page.url()).pathname, `/office/work-orders/${earlier.body.id}`);
  await context.close();
});
