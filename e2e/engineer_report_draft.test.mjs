// The engineer's report on a 360x740 phone: what is typed is never lost (issue 16: the report was
// typed, "‹ 返回" tapped before "保存报告", and everything was gone), and on an order the desk marked
// "预计索赔" the report takes the claim's details and a photo of the part taken off, offline, and
// reaches the server when it comes back (issue 19).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, depart, launch, makeJpegs, openOrder, PHONE, Server, serviceWorkerReady, shoot, signIn } from "./harness.mjs";

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

/** The order as the office reads it. */
async function officeOrder(id) {
  const office = await server.client("dispatcher1");
  const { status, body } = await office.get(`/api/work-orders/${id}`);
  assert.equal(status, 200);
  return body;
}

/** The desk takes a fault-repair call for engineer1 with engineer2 (李强) along. */
async function takeCall(extra = {}) {
  const office = await server.client("dispatcher1");
  const now = Date.now();
  const call = await office.post("/api/work-orders", {
    customer: "山东高速路桥",
    contact_name: "王建国",
    contact_phone: "138 6400 1123",
    site: "济青高速改扩建 K42",
    equipment_model: "EC210D",
    serial: `VCEC210DT000${Math.floor(now % 100000)}`,
    engine_hours: 4120,
    working_condition: "土方",
    fault_description: "液压油温高",
    service_type: "fault_repair",
    machine_down: false,
    called_at: new Date(now - 3600_000).toISOString(),
    planned_at: new Date(now + 3600_000).toISOString(),
    assignee: "engineer1",
    companions: ["engineer2"],
    ...extra,
  });
  assert.equal(call.status, 201, JSON.stringify(call.body));
  return call.body;
}

const value = (page, selector) => page.locator(selector).inputValue();

test("a report typed and left before saving is all there on coming back, after a reload too, until saved", { timeout: 240_000 }, async () => {
  const order = await takeCall();
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  await openOrder(page, order);

  await page.fill("textarea[name=fault_cause]", "油冷器堵塞，散热不良");
  await page.fill("textarea[name=work_done]", "清洗油冷器，更换回油滤芯，试机正常");
  for (const [no, name, qty] of [["VOE14524170", "回油滤芯", "2"], ["VOE11110683", "O 形圈", "4"]]) {
    await page.click("#report button.secondary");
    const row = page.locator("[data-testid=part-row]").last();
    await row.locator("input[name=part_no]").fill(no);
    await row.locator("input[name=part_name]").fill(name);
    await row.locator("input[name=qty]").fill(qty);
  }
  await page.fill("input[name=companions]", "李强、赵六");
  await page.waitForSelector("[data-testid=draft-note]:has-text('草稿已保存在本机')");

  // "‹ 返回" before "保存报告", then back to the order: everything is there, and it says so.
  await page.click(".back");
  await page.waitForSelector(`[data-testid=work-order-card][data-ticket="${order.ticket}"]`);
  await openOrder(page, order);
  await page.waitForSelector("[data-testid=draft-note]:has-text('草稿已保存在本机')");
  assert.equal(await value(page, "textarea[name=fault_cause]"), "油冷器堵塞，散热不良");
  assert.equal(await value(page, "textarea[name=work_done]"), "清洗油冷器，更换回油滤芯，试机正常");
  const parts = page.locator("[data-testid=part-row]");
  assert.equal(await parts.count(), 2);
  assert.equal(await parts.nth(1).locator("input[name=part_name]").inputValue(), "O 形圈");
  assert.equal(await parts.nth(1).locator("input[name=qty]").inputValue(), "4");
  assert.equal(await value(page, "input[name=companions]"), "李强、赵六");
  await shoot(page, "phone-report-draft.png", { at: "#report", en: true });

  // A reload (and the sync that follows it) loses nothing.
  await page.reload();
  await page.waitForSelector("[data-testid=draft-note]");
  await badge(page, "allsent");
  assert.equal(await value(page, "textarea[name=work_done]"), "清洗油冷器，更换回油滤芯，试机正常");
  assert.equal(await parts.count(), 2);
  assert.equal((await officeOrder(order.id)).report.fault_cause, "", "a draft is not sent");

  // Saved on purpose: it reaches the server, and the draft is gone.
  await page.click("[data-testid=save-report]");
  await page.waitForSelector("[data-testid=draft-note]", { state: "hidden" });
  await badge(page, "allsent", 60_000);
  const held = await officeOrder(order.id);
  assert.equal(held.report.fault_cause, "油冷器堵塞，散热不良");
  assert.deepEqual(held.report.parts.map((p) => [p.part_no, p.qty]), [["VOE14524170", 2], ["VOE11110683", 4]]);
  assert.deepEqual(held.report.companions, ["李强", "赵六"]);
  await page.reload();
  await page.waitForSelector("[data-testid=report-form]");
  assert.equal(await page.locator("[data-testid=draft-note]:visible").count(), 0);

  // Typed again and discarded on purpose (asked first): back to what was saved.
  await page.fill("textarea[name=fault_cause]", "写错了");
  await page.waitForSelector("[data-testid=draft-note]");
  page.once("dialog", (d) => d.accept());
  await page.click("[data-testid=discard-draft]");
  await page.waitForSelector("[data-testid=draft-note]", { state: "hidden" });
  assert.equal(await value(page, "textarea[name=fault_cause]"), "油冷器堵塞，散热不良");
  await page.reload();
  await page.waitForSelector("[data-testid=report-form]");
  assert.equal(await value(page, "textarea[name=fault_cause]"), "油冷器堵塞，散热不良");
  await context.close();
});

// Needs the server to store `claim_expected` (branch claims-server, migration 0009).
test("on an order that expects a claim the engineer fills the claim details and the old-part photo offline, and the report reaches the server", { timeout: 300_000 }, async () => {
  const order = await takeCall({ claim_expected: true });
  assert.equal(order.claim_expected, true, "the server keeps 预计索赔");
  const required = order.slots.filter((s) => s.required).map((s) => s.key);
  const fixtures = await makeJpegs(browser, [...required, "old_part"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));

  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  await page.waitForSelector(`[data-testid=work-order-card][data-ticket="${order.ticket}"] [data-testid=claim-chip]:has-text('索赔')`);
  await openOrder(page, order);
  await page.waitForSelector("[data-testid=claim-chip]");

  // No signal from here on.
  await context.setOffline(true);
  await depart(page);
  await page.waitForSelector(".step.reached.pending[data-node=departed]");
  await page.click("[data-testid=next-node][data-node=arrived]");
  await page.waitForSelector(".step.reached[data-node=arrived]");
  const take = async (slot, file) => {
    const before = await page.locator(`li[data-slot=${slot}] .thumb`).count();
    await page.setInputFiles(`li[data-slot=${slot}] [data-testid=camera-input]`, file);
    await page.waitForFunction(
      ([s, n]) => document.querySelectorAll(`li[data-slot=${s}] .thumb`).length > n,
      [slot, before],
      { timeout: 30_000 },
    );
  };
  for (const slot of required) await take(slot, fixtures[slot]);

  // The claim's details, with a message for each wrong value.
  await page.waitForSelector("[data-testid=claim-details]:has-text('索赔信息')");
  await page.fill("textarea[name=fault_cause]", "油冷器内漏");
  await page.fill("textarea[name=work_done]", "更换油冷器，试机正常");
  await page.click("#report button.secondary");
  await page.fill("input[name=part_name]", "油冷器");
  await page.check("input[name=replaced]");
  await page.fill("input[name=service_code]", "SC-2107");
  await page.fill("textarea[name=fault_info]", "液压油温 95℃，故障码 E-101，油冷器内漏");
  const hours = page.locator("input[name=hours_worked]");
  assert.equal(await hours.count(), 2, "the main engineer and 李强");
  await hours.nth(0).fill("1.55");
  await hours.nth(1).fill("两小时");
  await page.click("[data-testid=save-report]");
  await page.waitForSelector("[data-testid=parts-error]:has-text('必须填写配件号')");
  await page.waitForSelector("[data-testid=claim-error]:has-text('张伟: 工时最多一位小数')");
  await page.waitForSelector("[data-testid=claim-error]:has-text('李强: 工时请填写数字')");
  await page.fill("input[name=part_no]", "VOE11110683");
  await hours.nth(0).fill("2.5");
  await hours.nth(1).fill("2");
  await page.click("[data-testid=save-report]");
  await page.waitForSelector("[data-testid=draft-note]", { state: "hidden" });
  await page.waitForSelector("[data-testid=missing-list]:has-text('旧件照片')");
  await page.waitForSelector("li[data-slot=old_part] [data-testid=slot-state]:has-text('0 / 1')");
  await shoot(page, "phone-claim-details.png", { at: "[data-testid=claim-details]" });

  // The old part's photo, leaving, a waiver, submitted: all on the phone.
  await take("old_part", fixtures.old_part);
  await page.waitForSelector("li[data-slot=old_part] [data-testid=slot-state]:has-text('1 / 1')");
  await page.click("[data-testid=next-node][data-node=repaired_left]");
  await page.waitForSelector(".step.reached[data-node=repaired_left]");
  await page.click("text=客户无法签名？申请主管免签");
  await page.fill("textarea[name=waive_reason]", "客户不在现场");
  await page.click("form.waiver button[type=submit]");
  await page.waitForSelector("[data-testid=waiver-state]:has-text('等待主管批准')");
  await page.click("[data-testid=submit-report]");
  await page.waitForSelector("[data-testid=submitted]");
  await badge(page, "savedhere", 10_000);
  assert.equal((await officeOrder(order.id)).report.submitted_at ?? null, null, "nothing reached the server yet");

  // The signal comes back: the report, its claim details and the old part's photo arrive.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await badge(page, "allsent", 90_000);
  const held = await officeOrder(order.id);
  assert.ok(held.report.submitted_at, "submitted on the server");
  assert.equal(held.claim_expected, true);
  assert.deepEqual(held.report.warranty, {
    service_code: "SC-2107",
    fault_info: "液压油温 95℃，故障码 E-101，油冷器内漏",
    labour: [
      { person: "engineer1", tenths: 25 },
      { person: "engineer2", tenths: 20 },
    ],
  });
  assert.equal(held.report.parts[0].part_no, "VOE11110683");
  assert.equal(held.report.parts[0].return_tag, `${order.ticket}-R1`);
  const old = held.photos.filter((p) => p.slot === "old_part");
  assert.equal(old.length, 1);
  assert.ok(old[0].uploaded, "the photo's bytes are on the server");
  await context.close();
});
