// Warranty claims and old parts at the office (issue 19), against the real server. A fault repair
// that expects a claim is taken, done and reported by its engineer with labour hours, a replaced
// part and its photo (through the API, as their phone would), and closed by the desk. The station
// head confirms receipt of the tagged part on a 360 px phone. Claims support signs in and lands on
// the queue (the order with its 14-day clock), builds the claim, sees what is missing (the claim
// number) and is refused when marking it submitted anyway; a wrong amount gets its message under
// the field and changes nothing; with the claim number it is submitted, refused by the
// manufacturer with a reason, resubmitted, accepted and paid with a credit note that differs, the
// difference flagged in red; the ZIP of the claim's files carries the folder named by model,
// serial and claim number. Screens shot at 1280 (and 1920) and at 360.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launch, PHONE, readZip, Server, SERVER_BIN, shoot, shootDesk, signIn, until } from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const CLAIMS = "claims-e2e";
const MANAGER = "manager-e2e";

let server;
let browser;

before(async () => {
  // Claims support's account, made with the server's own command before it serves.
  const dataDir = mkdtempSync(join(tmpdir(), "fieldbook-e2e-claims-"));
  for (const [username, role, name] of [[CLAIMS, "claims", "孙索赔"], [MANAGER, "manager", "钱经理"]]) {
    execFileSync(SERVER_BIN, ["add-user", "--data-dir", dataDir, "--username", username, "--role", role, "--name", name], {
      env: { ...process.env, FIELDBOOK_PASSWORD: "demo1234" }, stdio: "ignore",
    });
  }
  server = await Server.start({ dataDir });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

/** A fault repair that expects a claim, done by engineer1 with one replaced part, and closed. */
async function claimableOrder({ daysAgo = 0, serial = "EC480D-30117" } = {}) {
  const dispatcher = await server.client("dispatcher1");
  const engineer = await server.client("engineer1");
  const now = Date.now() - daysAgo * 86400_000;
  const made = await dispatcher.post("/api/work-orders", {
    customer: "山东高速路桥", contact_name: "孙工", contact_phone: "13900001111", site: "济南绕城高速 K12",
    equipment_model: "EC480D", serial, engine_hours: 2860, working_condition: "石方破碎",
    fault_description: "动臂油缸漏油", service_type: "fault_repair", machine_down: true,
    called_at: new Date(now - 6 * 3600_000).toISOString(), planned_at: new Date(now - 5 * 3600_000).toISOString(),
    assignee: "engineer1", companions: [], claim_expected: true,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.claim_expected, true, "the desk's 预计索赔 is stored");
  const id = made.body.id;
  const op = (kind) => ({
    id: crypto.randomUUID(), user: "engineer1", device_id: "00000000-0000-4000-8000-0000000000c9",
    device_time: new Date(now + 3600_000).toISOString(), kind: { work_order_id: id, ...kind },
  });
  const photo = (slot, n) => op({
    type: "add_photo", photo_id: crypto.randomUUID(), slot, sha256: String(n).padStart(2, "0").repeat(32),
    bytes: 1000, width: 40, height: 30, content_type: "image/jpeg",
  });
  const slots = made.body.slots.filter((s) => s.required).map((s) => s.key);
  const ops = [
    op({ type: "depart", expected_arrival: new Date(now).toISOString(), companions: [] }),
    op({ type: "set_status", node: "arrived" }),
    op({ type: "set_status", node: "repaired_left" }),
    ...slots.map((s, i) => photo(s, i + 1)),
    photo("old_part", 40),
    op({
      type: "save_report", fault_cause: "动臂油缸密封老化", work_done: "更换动臂油缸密封组件并试机",
      parts: [{ part_no: "VOE14589130", name: "油缸密封组件", qty: 1, replaced: true }], companions: [],
      warranty: { service_code: "FR-2101", fault_info: "动臂油缸杆端渗油，密封件开裂", labour: [{ person: "engineer1", tenths: 35 }] },
    }),
    op({ type: "waive_signature", by: "周站长", reason: "客户不在现场" }),
    op({ type: "submit_report" }),
  ];
  const sent = await engineer.post("/api/ops", { ops });
  assert.deepEqual(sent.body.results.map((r) => r.outcome), ops.map(() => "applied"), JSON.stringify(sent.body));
  const closed = await dispatcher.post(`/api/work-orders/${id}/review`, { decision: "close" });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  return { id, ticket: made.body.ticket };
}

test("a claim built from a closed order: missing items, refused, resubmitted, paid with a difference; the station head receives the part on a phone", { timeout: 300_000 }, async () => {
  const order = await claimableOrder();
  const tag = `${order.ticket}-R1`;
  // One the engineer left 20 days ago: its claim is late.
  const old = await claimableOrder({ daysAgo: 20, serial: "EC480D-29001" });

  // The station head confirms receipt of the tagged part on their phone.
  const phone = await browser.newContext(PHONE);
  const head = await phone.newPage();
  await signIn(head, `${server.url}/office/`, "head1", "[data-testid=nav-old-parts]");
  await head.click("[data-testid=nav-old-parts]");
  const part = head.locator(`[data-testid=part][data-tag="${tag}"]`);
  await part.waitFor();
  assert.equal(await part.getAttribute("data-state"), "with_engineer");
  assert.equal(await part.locator("[data-testid=part-state]").textContent(), "在工程师处");
  const width = await head.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the old-part list fits a 360 px phone (${width})`);
  await shoot(head, "old-parts-phone.png");
  await part.getByRole("button", { name: "确认收到" }).click();
  await head.waitForSelector(`[data-testid=part][data-tag="${tag}"][data-state=with_station_head]`);
  assert.equal(await head.textContent(`[data-testid=part][data-tag="${tag}"] [data-testid=part-holder]`), "head1");
  await shoot(head, "old-part-received-phone.png");
  // The station head reads claims but does not see claims support's queue.
  assert.equal(await head.locator("[data-testid=nav-claims]").count(), 0);
  assert.equal(await head.locator("[data-testid=nav-commercial]").count(), 1);
  await phone.close();

  // Claims support lands on the queue: the order, its 14-day clock, no claim yet.
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, CLAIMS, "[data-testid=claim-queue]");
  assert.match(page.url(), /\/office\/claims$/);
  const row = page.locator(`[data-testid=queue-row][data-ticket="${order.ticket}"]`);
  await row.waitFor();
  assert.match(await row.locator("[data-testid=claim-due]").textContent(), /^\d{4}-\d\d-\d\d 24:00$/, "due at the end of the 14th day, China time");
  assert.equal(await row.getAttribute("data-late"), "false");
  const late = page.locator(`[data-testid=queue-row][data-ticket="${old.ticket}"]`);
  assert.equal(await late.getAttribute("data-late"), "true");
  assert.match(await late.locator("[data-testid=claim-due]").textContent(), /24:00 · 已超时$/);
  assert.equal(await late.locator("[data-testid=claim-due]").getAttribute("class"), "deadline late");
  await shootDesk(page, "desk-claims-queue");

  // Built from the row (a fault claim): everything the report holds is on its page.
  assert.equal(await row.locator("select[name=claim_kind]").inputValue(), "fault");
  await row.getByRole("button", { name: "建索赔" }).click();
  await page.waitForURL(/\/office\/claims\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop();
  await page.waitForSelector("[data-testid=claim-state][data-state=draft]");
  assert.equal(await page.textContent("[data-testid=f-serial]"), "EC480D-30117");
  assert.equal(await page.textContent("[data-testid=f-condition]"), "石方破碎");
  assert.match(await page.textContent("[data-testid=f-parts]"), new RegExp(`VOE14589130 油缸密封组件 ×1 · ${tag}`));
  assert.equal(await page.inputValue("input[name=labour_hours_0]"), "3.5");
  assert.equal(await page.inputValue("input[name=labour_code_0]"), "FR-2101");
  assert.equal(await page.textContent("[data-testid=material-tag]"), tag);
  assert.equal(await page.locator("[data-testid=claim-zip]").count(), 0, "no files before the claim has its number");

  // What is missing, in words; marking it submitted anyway is refused with the same list.
  await page.waitForSelector("[data-testid=missing-item][data-missing=claim_number]");
  assert.equal(await page.textContent("[data-testid=missing-item][data-missing=claim_number]"), "缺索赔单号");
  await shootDesk(page, "desk-claim-missing");
  await page.getByRole("button", { name: "标记已提交" }).click();
  await page.waitForSelector("[data-testid=submit-outcome]:has-text('资料不全，不能标记已提交')");
  const claims = await server.client(CLAIMS);
  assert.equal((await claims.get(`/api/claims/${id}`)).body.claim.state, "draft", "a refused submission changes nothing");

  // A wrong amount: its message under the field, nothing sent.
  await page.getByLabel("索赔金额（元）", { exact: true }).fill("12.345");
  await page.getByRole("button", { name: "保存索赔" }).click();
  await page.waitForSelector("[data-field=claimed]:has-text('金额不正确（元，最多两位小数，不超过 1000 万）')");
  await page.waitForSelector("[data-testid=save-outcome]:has-text('请先改正标出的栏目')");
  assert.equal((await claims.get(`/api/claims/${id}`)).body.claim.claimed_fen, 0);

  // The number and the amount: saved, nothing missing any more; submitted.
  await page.getByLabel("索赔金额（元）", { exact: true }).fill("1,280.50");
  assert.equal(await page.textContent("[data-field=claimed]"), "");
  await page.getByLabel("索赔单号", { exact: true }).fill("VCE-2026-04417");
  await page.getByRole("button", { name: "保存索赔" }).click();
  await page.waitForSelector("[data-testid=nothing-missing]");
  let stored = (await claims.get(`/api/claims/${id}`)).body.claim;
  assert.equal(stored.claim_number, "VCE-2026-04417");
  assert.equal(stored.claimed_fen, 128050);
  await page.waitForSelector("[data-testid=claim-zip]");
  await page.getByRole("button", { name: "标记已提交" }).click();
  await page.waitForSelector("[data-testid=claim-state][data-state=submitted]");

  // The manufacturer refuses: a reason is needed, then recorded and shown.
  await page.getByRole("button", { name: "厂家拒绝" }).click();
  await page.waitForSelector("[data-testid=answer-outcome]:has-text('请写原因')");
  assert.equal((await claims.get(`/api/claims/${id}`)).body.claim.state, "submitted");
  await page.getByLabel("拒绝原因", { exact: true }).fill("缺少油缸铭牌照片");
  await page.getByRole("button", { name: "厂家拒绝" }).click();
  await page.waitForSelector("[data-testid=claim-state][data-state=refused]");
  assert.match(await page.textContent("[data-testid=ev-refused]"), /缺少油缸铭牌照片/);
  assert.match(await page.textContent("[data-testid=ev-refused]"), new RegExp(CLAIMS));

  // Resubmitted, accepted, paid with a credit note 80.50 short: the difference in red.
  await page.getByRole("button", { name: "重新提交" }).click();
  await page.waitForSelector("[data-testid=claim-state][data-state=resubmitted]");
  await page.getByRole("button", { name: "厂家已接受" }).click();
  await page.waitForSelector("[data-testid=claim-state][data-state=accepted]");
  await page.getByLabel("通知单号", { exact: true }).fill("CN-778120");
  await page.getByLabel("金额（元）", { exact: true }).fill("1200");
  await page.getByRole("button", { name: "记录付款" }).click();
  await page.waitForSelector("[data-testid=claim-state][data-state=paid]");
  const difference = page.locator("[data-testid=difference]");
  assert.equal(await difference.getAttribute("data-differs"), "true");
  assert.match(await difference.textContent(), /^-80\.50 · 与索赔金额不符$/);
  const red = await page.evaluate(() => {
    const probe = document.createElement("span");
    probe.style.color = "var(--bad)";
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  assert.equal(await difference.evaluate((el) => getComputedStyle(el).color), red, "the difference is red");
  stored = (await claims.get(`/api/claims/${id}`)).body.claim;
  assert.equal(stored.credit_note.fen, 120000);
  assert.deepEqual(stored.history.map((s) => Object.keys(typeof s.event === "string" ? { [s.event]: 1 } : s.event)[0]),
    ["drafted", "submitted", "refused", "resubmitted", "accepted", "paid"]);
  assert.equal(await page.locator("[data-testid=claim-history] li").count(), 6);
  await shootDesk(page, "desk-claim-paid");

  // The claim's files: one folder named by model, serial and claim number.
  const zip = await fetch(`${server.url}/api/claims/${id}/files.zip`, { headers: { cookie: claims.cookie } });
  assert.equal(zip.status, 200);
  const entries = Object.keys(readZip(Buffer.from(await zip.arrayBuffer())));
  assert.ok(entries.length > 0 && entries.every((n) => n.startsWith("EC480D-EC480D-30117-VCE-2026-04417/")), entries.join(", "));
  assert.ok(entries.includes("EC480D-EC480D-30117-VCE-2026-04417/service-report.pdf"), entries.join(", "));

  // Paid: off the queue; the order's page links its claim.
  await page.click("[data-testid=nav-claims]");
  await page.waitForSelector("[data-testid=claim-queue]");
  await until("the paid claim leaves the queue", async () =>
    (await page.locator(`[data-testid=queue-row][data-ticket="${order.ticket}"]`).count()) === 0);
  await page.goto(`${server.url}/office/work-orders/${order.id}`);
  await page.waitForSelector(`[data-testid=order-claim-link][data-state=paid]`);

  // The part goes on: into the company store as a large part, asked for by the manufacturer,
  // shipped; the month's ledger lists it.
  await page.click("[data-testid=nav-old-parts]");
  const card = page.locator(`[data-testid=part][data-tag="${tag}"]`);
  await card.waitFor();
  assert.equal(await card.getAttribute("data-state"), "with_station_head");
  await card.getByLabel("大件").check();
  await card.getByRole("button", { name: "入库" }).click();
  await page.waitForSelector(`[data-testid=part][data-tag="${tag}"][data-state=in_store]`);
  await card.getByRole("button", { name: "厂家要求寄回" }).click();
  await page.waitForSelector(`[data-testid=part][data-tag="${tag}"] [data-testid=ship-requested]`);
  await shootDesk(page, "desk-old-parts");
  await card.getByRole("button", { name: "寄回厂家" }).click();
  await page.waitForSelector(`[data-testid=part][data-tag="${tag}"][data-state=shipped_to_manufacturer]`);
  const moved = (await claims.get(`/api/old-parts?month=${await page.inputValue("input[name=month]")}`)).body.find((p) => p.tag === tag);
  assert.equal(moved.size, "large");
  assert.deepEqual(moved.moves.map((m) => m.to), ["with_station_head", "in_store", "shipped_to_manufacturer"]);
  const csv = await fetch(server.url + await page.getAttribute("[data-testid=parts-ledger-csv]", "href"), { headers: { cookie: claims.cookie } });
  assert.equal(csv.status, 200);
  assert.match(await csv.text(), new RegExp(tag));
  await context.close();
});

test("the call form offers 预计索赔 only for claimable services", { timeout: 120_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", "[data-testid=office-card]");
  await page.click("[data-testid=nav-call]");
  await page.waitForSelector("select[name=service_type]");
  await page.selectOption("select[name=service_type]", "fault_repair");
  await page.waitForSelector("input[name=claim_expected]");
  await page.check("input[name=claim_expected]");
  await page.selectOption("select[name=service_type]", "customer_visit");
  assert.equal(await page.locator("input[name=claim_expected]").count(), 0);
  await page.selectOption("select[name=service_type]", "periodic_maintenance");
  assert.equal(await page.locator("input[name=claim_expected]").isChecked(), true, "the tick is kept in the draft");
  await context.close();
});

/** A JSON PUT as a signed-in client. */
async function put(client, path, body) {
  const res = await fetch(server.url + path, {
    method: "PUT", headers: { cookie: client.cookie, "content-type": "application/json" }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test("a commercial claim requested by the station head, signed in order by the titles' holders, refused with a reason", { timeout: 180_000 }, async () => {
  const claims = await server.client(CLAIMS);
  const chain = [
    { key: "bu", label_zh: "事业部经理", label_en: "Business-unit manager", title: "bu_manager" },
    { key: "service", label_zh: "服务总监", label_en: "Service director", title: "service_director" },
  ];
  assert.equal((await put(claims, "/api/settings/sign-off-chain", chain)).status, 200);
  // The manager's title given on the people page: a wrong one is refused with its message.
  const pctx = await browser.newContext(DESK);
  const people = await pctx.newPage();
  await signIn(people, `${server.url}/office/`, CLAIMS, "[data-testid=claim-queue]");
  await people.click("[data-testid=nav-people]");
  await people.waitForSelector("[data-testid=chain]:has-text('事业部经理 (bu_manager) → 服务总监 (service_director)')");
  const row = people.locator(`[data-testid=person][data-username="${MANAGER}"]`);
  await row.getByLabel("审批职务", { exact: true }).fill("BU Manager");
  await row.getByRole("button", { name: "保存" }).click();
  await row.locator(".form-error:has-text('职务代码只能含小写字母、数字和 _')").waitFor();
  await row.getByLabel("审批职务", { exact: true }).fill("bu_manager");
  await row.getByRole("button", { name: "保存" }).click();
  await row.locator(".saved").waitFor();
  const manager1 = (await claims.get("/api/people")).body.find((p) => p.username === MANAGER);
  assert.equal(manager1.title, "bu_manager");
  await shootDesk(people, "desk-people");
  await pctx.close();
  assert.equal((await put(claims, `/api/people/${CLAIMS}`, { grade: null, title: "service_director" })).status, 200);

  // The station head's request: a wrong amount is named under its field, then it goes.
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "head1", "[data-testid=nav-commercial]");
  await page.click("[data-testid=nav-commercial]");
  await page.waitForSelector("[data-testid=commercial-form]");
  await page.getByLabel("金额（元）", { exact: true }).fill("三千五");
  await page.getByLabel("理由", { exact: true }).fill("老客户设备超保 2 个月，液压泵故障，维护客户关系");
  await page.getByRole("button", { name: "提交申请" }).click();
  await page.waitForSelector("[data-field=cc_amount]:has-text('金额不正确')");
  assert.equal((await claims.get("/api/commercial-claims")).body.length, 0, "nothing was requested");
  await page.getByLabel("金额（元）", { exact: true }).fill("3500");
  await page.getByRole("button", { name: "提交申请" }).click();
  const card = page.locator("[data-testid=commercial]").first();
  await card.waitFor();
  assert.equal(await card.locator("[data-testid=cc-state]").textContent(), "审批中");
  assert.equal(await card.locator("[data-testid=cc-step]").count(), 2);
  assert.equal(await card.locator("[data-testid=cc-sign]").count(), 0, "the station head signs no step");
  await context.close();

  // The business-unit manager signs the first step (the manager reads claims, with no queue actions).
  const mctx = await browser.newContext(DESK);
  const manager = await mctx.newPage();
  await signIn(manager, `${server.url}/office/`, MANAGER, "[data-testid=nav-commercial]");
  assert.equal(await manager.locator("[data-testid=nav-claims]").count(), 1);
  assert.equal(await manager.locator("[data-testid=nav-call]").count(), 0);
  await manager.click("[data-testid=nav-commercial]");
  const mine = manager.locator("[data-testid=commercial]").first();
  await mine.locator("[data-testid=cc-sign]").waitFor();
  await mine.getByRole("button", { name: "同意" }).click();
  await manager.waitForSelector(`[data-testid=cc-step][data-step=bu].done`);
  assert.match(await manager.textContent("[data-testid=cc-step][data-step=bu]"), new RegExp(`同意 · ${MANAGER} · \\d{4}-`));
  await mctx.close();

  // The service director refuses: a reason is needed; the claim ends refused, the chain shown.
  const cctx = await browser.newContext(DESK);
  const director = await cctx.newPage();
  await signIn(director, `${server.url}/office/`, CLAIMS, "[data-testid=claim-queue]");
  await director.click("[data-testid=nav-commercial]");
  const waiting = director.locator("[data-testid=commercial]").first();
  await waiting.locator("[data-testid=cc-sign]").waitFor();
  await waiting.getByRole("button", { name: "拒绝" }).click();
  await director.waitForSelector("[data-testid=commercial] .form-error:has-text('请写原因')");
  await waiting.getByLabel("原因", { exact: true }).fill("超保时间过长，按政策不予支持");
  await waiting.getByRole("button", { name: "拒绝" }).click();
  await director.waitForSelector("[data-testid=commercial] [data-testid=cc-state]:has-text('已拒绝')");
  assert.match(await director.textContent("[data-testid=cc-step][data-step=service]"), /拒绝[\s\S]*超保时间过长/);
  const stored = (await claims.get("/api/commercial-claims")).body[0];
  assert.equal(stored.state, "refused");
  assert.deepEqual(stored.sign_offs.map((s) => [s.step, s.by, s.approved]), [["bu", MANAGER, true], ["service", CLAIMS, false]]);
  await shootDesk(director, "desk-commercial-claims");
  await cctx.close();
});
