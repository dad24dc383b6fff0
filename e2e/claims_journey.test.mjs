// A warranty claim's whole journey (issue 19, "How it is shown"), one person after another, each on
// their own screen: the desk (1280x800) takes a fault call with 预计索赔; the engineer (360x740
// phone) works it with the server down: status nodes, photos, the claim details (service code,
// fault information, their own hours), a replaced part with its part number and the old part's
// photo, the customer's signature, submitted; the server comes back and all of it arrives. The
// station head confirms receipt of the tagged part on a phone. Claims support (1280x800) opens the
// queue, builds the claim and sees what is missing (the order not closed, the claim number). The
// office sends the report back (the old-part photo is unclear); the engineer, offline, retakes it
// and submits again; the office closes the order. Claims support sees the item gone, fills the
// claim number and the amount, submits; the manufacturer's refusal is recorded with its reason,
// the claim resubmitted, accepted and paid with a credit note that differs: the difference flagged.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  badge, createCall, depart, engineerPhone, heldOrder, launch, makeJpegs, openOrder, PHONE, phoneSync, reconnect, Server,
  shoot, signIn, signPad, takePhoto, typeCall,
} from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: "zh-CN" };
const ROW = "[data-testid=office-card]";
// The demo's claims support (role claims, 孙倩).
const CLAIMS = "claims1";
const PART = { no: "VOE14533496", name: "主泵调节器" };
const CODE = "FR-3302";
const FAULT_INFO = "主泵调节器卡滞，故障码 E-212，动作缓慢";
const UNCLEAR = "旧件照片模糊，看不清零件号，请重拍";

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

const held = (id) => heldOrder(server, id);

test("a warranty fault call worked offline becomes a claim: part received, report sent back and fixed, claim refused, resubmitted, paid with a difference", { timeout: 600_000 }, async () => {
  const claims = await server.client(CLAIMS);
  const eng = await engineerPhone(browser, server.url);
  const p = eng.page;

  // The desk takes the call: a fault repair, 预计索赔 ticked, engineer1 alone.
  const deskContext = await browser.newContext(DESK);
  const desk = await deskContext.newPage();
  await signIn(desk, `${server.url}/office/`, "dispatcher1", ROW);
  await typeCall(desk, {
    customer: "济南城建集团", contact: "刘志强", phone: "139 5310 7788", site: "济南东站片区 3 号地块",
    model: "EC250D", serial: "VCEC250DK01919", hours: 3315, condition: "装车", fault: "动臂提升缓慢，主泵异响",
    service: "fault_repair", claimExpected: true,
  }, { companion: false });
  const id = await createCall(desk);
  const ticket = (await desk.textContent("[data-testid=ticket]")).trim();
  const tag = `${ticket}-R1`;
  assert.equal(await desk.isChecked("[data-testid=order-claim] input[name=order_claim_expected]"), true, "the order page shows 预计索赔");
  await desk.waitForSelector("[data-testid=order-claim]:has-text('未建索赔')");
  let order = await held(id);
  assert.equal(order.claim_expected, true);
  assert.equal(order.service_type, "fault_repair");
  const required = order.slots.filter((s) => s.required).map((s) => s.key);
  const jpegs = await makeJpegs(browser, [...required, "old_part", "old_part_retake"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));

  // The phone has it, marked 索赔; then the server goes away.
  await phoneSync(p, server.url, ticket);
  await p.waitForSelector(`[data-testid=work-order-card][data-ticket="${ticket}"] [data-testid=claim-chip]:has-text('索赔')`);
  await openOrder(p, { ticket });
  await server.kill();

  // Offline: departed, arrived, the photos, the report with its claim details and the part.
  await depart(p);
  await p.waitForSelector(".step.reached.pending[data-node=departed]");
  await p.click("[data-testid=next-node][data-node=arrived]");
  await p.waitForSelector(".step.reached[data-node=arrived]");
  for (const slot of required) await takePhoto(p, slot, jpegs[slot]);
  await p.waitForSelector("[data-testid=claim-details]:has-text('索赔信息')");
  await p.fill("textarea[name=fault_cause]", "主泵调节器阀芯磨损卡滞");
  await p.fill("textarea[name=work_done]", "更换主泵调节器，调整压力，试机正常");
  await p.click("#report button.secondary");
  const part = p.locator("[data-testid=part-row]").last();
  await part.locator("input[name=part_no]").fill(PART.no);
  await part.locator("input[name=part_name]").fill(PART.name);
  await part.locator("input[name=qty]").fill("1");
  await part.locator("input[name=replaced]").check();
  await p.fill("input[name=service_code]", CODE);
  await p.fill("textarea[name=fault_info]", FAULT_INFO);
  const hours = p.locator("input[name=hours_worked]");
  assert.equal(await hours.count(), 1, "hours for the engineer alone: nobody went along");
  await hours.fill("3.5");
  await p.click("[data-testid=save-report]");
  await p.waitForSelector("[data-testid=draft-note]", { state: "hidden" });
  // The replaced part's photo is asked for, in words, and by its slot's count.
  await p.waitForSelector("[data-testid=missing-list]:has-text('旧件照片')");
  await p.waitForSelector("li[data-slot=old_part] [data-testid=slot-state]:has-text('0 / 1')");
  await takePhoto(p, "old_part", jpegs.old_part);
  await p.waitForSelector("li[data-slot=old_part] [data-testid=slot-state]:has-text('1 / 1')");
  await p.waitForSelector("[data-testid=old-part-photos]:has-text('1 / 1')");
  await p.click("[data-testid=next-node][data-node=repaired_left]");
  await p.waitForSelector(".step.reached[data-node=repaired_left]");
  await signPad(p, "刘志强");
  await p.click("[data-testid=submit-report]");
  await p.waitForSelector("[data-testid=submitted]");
  await badge(p, "savedhere", 10_000);
  await shoot(p, "claims-journey-phone-offline.png", { at: "[data-testid=claim-details]" });

  // The server returns (same port, same data): everything typed and taken offline arrives.
  await server.start();
  await badge(p, "allsent", 90_000);
  order = await held(id);
  assert.deepEqual(order.history.map((h) => h.node), ["departed", "arrived", "repaired_left"]);
  assert.ok(order.report.submitted_at, "submitted on the server");
  assert.equal(order.report.signature?.signer, "刘志强");
  assert.equal(order.report.fault_cause, "主泵调节器阀芯磨损卡滞");
  assert.equal(order.report.work_done, "更换主泵调节器，调整压力，试机正常");
  assert.deepEqual(order.report.warranty, { service_code: CODE, fault_info: FAULT_INFO, labour: [{ person: "engineer1", tenths: 35 }] });
  assert.deepEqual(order.report.parts.map((x) => [x.part_no, x.name, x.qty, x.replaced, x.return_tag]), [[PART.no, PART.name, 1, true, tag]]);
  for (const slot of [...required, "old_part"]) {
    assert.equal(order.photos.filter((x) => x.slot === slot && x.uploaded).length, 1, `${slot}: its photo uploaded`);
  }
  const oldPhoto = order.photos.find((x) => x.slot === "old_part");
  // The phone, opened again, shows the part's return tag and the report submitted.
  await phoneSync(p, server.url, ticket);
  await openOrder(p, { ticket });
  await p.waitForSelector(`[data-testid=return-tags]:has-text('${tag}')`);
  await p.waitForSelector("[data-testid=submitted]");

  // The station head takes the tagged part from the engineer and confirms it on their phone.
  const headContext = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const head = await headContext.newPage();
  await signIn(head, `${server.url}/office/`, "head1", "[data-testid=nav-old-parts]");
  await head.click("[data-testid=nav-old-parts]");
  const card = head.locator(`[data-testid=part][data-tag="${tag}"]`);
  await card.waitFor();
  assert.equal(await card.locator("[data-testid=part-state]").textContent(), "在工程师处");
  assert.match(await card.textContent(), new RegExp(`${PART.no} ${PART.name} ×1`));
  const width = await head.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the old-part list fits a 360 px phone (${width})`);
  await card.getByRole("button", { name: "确认收到" }).click();
  await head.waitForSelector(`[data-testid=part][data-tag="${tag}"][data-state=with_station_head]`);
  assert.equal(await card.locator("[data-testid=part-state]").textContent(), "在站长处");
  assert.equal(await card.locator("[data-testid=part-holder]").textContent(), "head1");
  await shoot(head, "claims-journey-part-received.png", { at: `[data-testid=part][data-tag="${tag}"]` });

  // Claims support opens the queue: the order, its report submitted, its 14-day clock, no claim.
  const officeContext = await browser.newContext(DESK);
  const office = await officeContext.newPage();
  await signIn(office, `${server.url}/office/`, CLAIMS, "[data-testid=claim-queue]");
  const queued = office.locator(`[data-testid=queue-row][data-ticket="${ticket}"]`);
  await queued.waitFor();
  assert.match(await queued.textContent(), /EC250D \/ VCEC250DK01919/);
  assert.match(await queued.textContent(), /报告已提交/);
  assert.match(await queued.locator("[data-testid=claim-due]").textContent(), /^\d{4}-\d\d-\d\d 24:00$/);
  assert.equal(await queued.getAttribute("data-late"), "false");
  assert.equal(await queued.locator("select[name=claim_kind]").inputValue(), "fault");

  // The claim built from the row holds what the engineer wrote offline.
  await queued.getByRole("button", { name: "建索赔" }).click();
  await office.waitForURL(/\/office\/claims\/[0-9a-f-]{36}$/);
  const claimId = office.url().split("/").pop();
  await office.waitForSelector("[data-testid=claim-state][data-state=draft]");
  assert.equal(await office.textContent("[data-testid=f-serial]"), "VCEC250DK01919");
  assert.equal(await office.textContent("[data-testid=f-service-code]"), CODE);
  assert.match(await office.textContent("[data-testid=claim-facts]"), new RegExp(FAULT_INFO));
  assert.match(await office.textContent("[data-testid=f-parts]"), new RegExp(`${PART.no} ${PART.name} ×1 · ${tag}`));
  assert.equal(await office.inputValue("input[name=labour_hours_0]"), "3.5");
  assert.equal(await office.inputValue("input[name=labour_code_0]"), CODE);
  assert.equal(await office.textContent("[data-testid=material-tag]"), tag);
  // Every photo the order holds, the old part's and the signature's too.
  assert.equal(await office.locator("[data-testid=claim-photos] .thumb").count(), order.photos.length);
  await office.waitForSelector(`[data-testid=claim-photos] img[alt="${oldPhoto.name}"]`, { state: "attached" });

  // What is missing, in words: the order is not closed, the claim has no number. Marking it
  // submitted anyway is refused and changes nothing.
  await office.waitForSelector("[data-testid=missing-item][data-missing=order_not_closed]");
  assert.equal(await office.textContent("[data-testid=missing-item][data-missing=order_not_closed]"), "工单尚未关单");
  assert.equal(await office.textContent("[data-testid=missing-item][data-missing=claim_number]"), "缺索赔单号");
  await shoot(office, "claims-journey-missing.png", { at: "[data-testid=claim-missing-card]" });
  await office.getByRole("button", { name: "标记已提交" }).click();
  await office.waitForSelector("[data-testid=submit-outcome]:has-text('资料不全，不能标记已提交')");
  assert.equal((await claims.get(`/api/claims/${claimId}`)).body.claim.state, "draft", "a refused submission changes nothing");

  // The office sends the report back: the old-part photo is unclear.
  await desk.waitForSelector("[data-testid=review] .submitted", { timeout: 15_000 });
  // The old-part photos are listed with the configured slots (`WorkOrder::shown_slots`), each
  // with its 退回 tick (this journey found them missing).
  await desk.getByLabel(`退回 ${oldPhoto.name}`, { exact: true }).check({ timeout: 10_000 });
  await desk.getByLabel(`退回原因 ${oldPhoto.name}`, { exact: true }).fill(UNCLEAR);
  await desk.getByRole("button", { name: "退回", exact: true }).click();
  await desk.waitForSelector("[data-testid=round]");
  await desk.waitForSelector("[data-testid=not-submitted]");
  order = await held(id);
  assert.deepEqual(order.reviews[0].decision.items.map((i) => [i.item.photo_id, i.reason]), [[oldPhoto.id, UNCLEAR]]);

  // The engineer's phone learns it at its sync; offline, the old part is photographed again.
  await phoneSync(p, server.url, ticket);
  await openOrder(p, { ticket });
  await p.waitForSelector("[data-testid=send-back]:has-text('办公室退回：需修改')", { timeout: 30_000 });
  await eng.context.setOffline(true);
  await p.waitForSelector(`[data-testid=send-back-item]:has-text('${UNCLEAR}')`);
  await p.waitForSelector(`[data-photo="${oldPhoto.id}"] [data-testid=photo-sent-back]:has-text('已退回：${UNCLEAR}')`);
  await p.waitForSelector("li[data-slot=old_part] [data-testid=slot-state]:has-text('0 / 1')");
  // A sent-back photo no longer counts (`WorkOrder::photos_kept`): 0 / 1 and missing again
  // until it is retaken (this journey found it counted).
  await p.waitForSelector("[data-testid=old-part-photos]:has-text('0 / 1')", { timeout: 5_000 });
  await p.waitForSelector("[data-testid=missing-list]:has-text('旧件照片')", { timeout: 5_000 });
  await takePhoto(p, "old_part", jpegs.old_part_retake);
  await p.waitForSelector("li[data-slot=old_part] [data-testid=slot-state]:has-text('1 / 1')");
  await p.click("[data-testid=submit-report]");
  await p.waitForSelector("[data-testid=submitted]");
  await p.waitForSelector("[data-testid=send-back]", { state: "detached" });
  await badge(p, "savedhere", 10_000);
  await reconnect(eng.context, p);
  await badge(p, "allsent", 60_000);
  order = await held(id);
  assert.ok(order.report.submitted_at, "submitted again");
  const oldPhotos = order.photos.filter((x) => x.slot === "old_part");
  assert.equal(oldPhotos.length, 2, "the photo sent back stays on record beside the new one");
  assert.ok(oldPhotos.every((x) => x.uploaded));
  assert.deepEqual(order.report.parts.map((x) => x.return_tag), [tag], "the part keeps its one tag");

  // The desk sees the resubmission and closes the order.
  await desk.waitForSelector("[data-testid=review] .submitted", { timeout: 15_000 });
  await desk.getByRole("button", { name: "关单" }).click();
  await desk.waitForSelector("[data-testid=closed]");
  await deskContext.close();

  // Claims support's page (still open) drops the item by itself: only the claim number is left.
  await office.waitForSelector("[data-testid=missing-item][data-missing=order_not_closed]", { state: "detached", timeout: 15_000 });
  assert.deepEqual(await office.locator("[data-testid=missing-item]").allTextContents(), ["缺索赔单号"]);
  await office.getByLabel("索赔单号", { exact: true }).fill("VCE-2026-05121");
  await office.getByLabel("索赔金额（元）", { exact: true }).fill("2460");
  await office.getByRole("button", { name: "保存索赔" }).click();
  await office.waitForSelector("[data-testid=nothing-missing]:has-text('资料齐全，可以提交。')");
  await office.waitForSelector("[data-testid=claim-zip]");
  await office.getByRole("button", { name: "标记已提交" }).click();
  await office.waitForSelector("[data-testid=claim-state][data-state=submitted]");
  assert.equal(await office.textContent("[data-testid=claim-state]"), "已提交");

  // The manufacturer refuses: recorded with its reason, shown in the history.
  await office.getByLabel("拒绝原因", { exact: true }).fill("工时超出标准工时，请按标准工时重报");
  await office.getByRole("button", { name: "厂家拒绝" }).click();
  await office.waitForSelector("[data-testid=claim-state][data-state=refused]");
  assert.match(await office.textContent("[data-testid=ev-refused]"), /工时超出标准工时，请按标准工时重报/);

  // Resubmitted, accepted, paid with a credit note 150 yuan short: the difference flagged.
  await office.getByRole("button", { name: "重新提交" }).click();
  await office.waitForSelector("[data-testid=claim-state][data-state=resubmitted]");
  await office.getByRole("button", { name: "厂家已接受" }).click();
  await office.waitForSelector("[data-testid=claim-state][data-state=accepted]");
  await office.getByLabel("通知单号", { exact: true }).fill("CN-880412");
  await office.getByLabel("金额（元）", { exact: true }).fill("2310");
  await office.getByRole("button", { name: "记录付款" }).click();
  await office.waitForSelector("[data-testid=claim-state][data-state=paid]");
  const difference = office.locator("[data-testid=difference]");
  assert.equal(await difference.getAttribute("data-differs"), "true");
  assert.equal(await difference.textContent(), "-150.00 · 与索赔金额不符");
  assert.equal(await difference.getAttribute("class"), "late", "flagged in red");
  assert.equal(await office.textContent("[data-testid=credit-number]"), "CN-880412");
  await shoot(office, "claims-journey-paid.png");
  const stored = (await claims.get(`/api/claims/${claimId}`)).body.claim;
  assert.equal(stored.claim_number, "VCE-2026-05121");
  assert.equal(stored.claimed_fen, 246000);
  assert.equal(stored.credit_note.fen, 231000);
  assert.deepEqual(stored.history.map((s) => (typeof s.event === "string" ? s.event : Object.keys(s.event)[0])),
    ["drafted", "submitted", "refused", "resubmitted", "accepted", "paid"]);

  // Paid: off the queue; the order's page links the paid claim.
  await office.click("[data-testid=nav-claims]");
  await office.waitForSelector("[data-testid=claim-queue], .empty");
  await office.waitForSelector(`[data-testid=queue-row][data-ticket="${ticket}"]`, { state: "detached", timeout: 10_000 });
  await office.goto(`${server.url}/office/work-orders/${id}`);
  await office.waitForSelector("[data-testid=order-claim-link][data-state=paid]:has-text('VCE-2026-05121')");
  await officeContext.close();

  // The part is still one, with the station head: nothing was lost or doubled by the second round.
  await head.reload();
  await head.waitForSelector(`[data-testid=part][data-tag="${tag}"][data-state=with_station_head]`);
  assert.equal(await head.locator(`[data-testid=part][data-tag^="${ticket}-"]`).count(), 1);
  await headContext.close();
  await eng.context.close();
});
