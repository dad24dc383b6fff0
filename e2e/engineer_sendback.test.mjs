// The engineer's side of the office's desk (issue 14), on a 360x740 phone: 出发 with an expected
// arrival and a companion while the server is down; the report worked and submitted; the office
// sends one photo back; the engineer, offline, sees why, retakes it and submits again; the office
// closes the order and the phone shows it read-only.
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

/** "2026-12-07T14:15" in the page's time zone, `hours` from now: what the time input holds. */
function localInput(page, hours) {
  return page.evaluate((h) => {
    const t = new Date(Date.now() + h * 3600_000);
    const p = (n) => String(n).padStart(2, "0");
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
  }, hours);
}

test("an engineer departs offline, is sent back one photo, retakes it offline, and the closed order is read-only", { timeout: 300_000 }, async () => {
  // The desk takes the call and dispatches engineer1 with engineer2 (李强) along.
  const office = await server.client("dispatcher1");
  const now = Date.now();
  const call = await office.post("/api/work-orders", {
    customer: "山东高速路桥",
    contact_name: "王建国",
    contact_phone: "138 6400 1123",
    site: "济青高速改扩建 K42",
    equipment_model: "EC210D",
    serial: "VCEC210DT00099001",
    engine_hours: 4120,
    working_condition: "土方",
    fault_description: "回转无力",
    service_type: "fault_repair",
    machine_down: false,
    called_at: new Date(now - 3600_000).toISOString(),
    planned_at: new Date(now + 3600_000).toISOString(),
    assignee: "engineer1",
    companions: ["engineer2"],
  });
  assert.equal(call.status, 201, JSON.stringify(call.body));
  const order = call.body;
  const required = order.slots.filter((s) => s.required).map((s) => s.key);
  assert.ok(required.includes("nameplate"), JSON.stringify(order.slots));
  const fixtures = await makeJpegs(browser, [...required, "retake"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));

  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  const sent = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/ops") && r.method() === "POST") sent.push(...JSON.parse(r.postData()).ops);
  });
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  await openOrder(page, order);
  await page.waitForSelector("[data-testid=contact]:has-text('王建国')");
  assert.equal(await page.getAttribute("[data-testid=contact-phone]", "href"), "tel:13864001123");

  // 出发 with no server: a time before now is refused with a clear message, then a real one.
  await server.kill();
  await page.click("[data-testid=next-node][data-node=departed]");
  await page.fill("input[name=expected_arrival]", await localInput(page, -2));
  await page.click("[data-testid=confirm-depart]");
  await page.waitForSelector("[data-testid=depart-error]:has-text('预计到达时间不能早于现在')");
  await page.click("[data-testid=cancel-depart]");
  // The dispatched companion is offered ticked; one more goes by name.
  await page.click("[data-testid=next-node][data-node=departed]");
  assert.ok(await page.isChecked("input[name=companion][value=李强]"));
  await page.click("[data-testid=cancel-depart]");
  const arrival = await localInput(page, 2);
  await depart(page, { arrival, more: "赵六" });
  await page.waitForSelector(".step.reached.pending[data-node=departed]");
  await page.waitForSelector("[data-testid=departure-companions]:has-text('李强、赵六')");
  const shownArrival = await page.locator("[data-testid=expected-arrival]").textContent();
  assert.equal(shownArrival, arrival.replace("T", " "));
  await badge(page, "savedhere", 10_000);
  await shoot(page, "phone-departed-offline.png", { at: "[data-testid=stepper]" });

  // Back online: the departure reaches the server, with its details.
  await server.start();
  await badge(page, "allsent", 60_000);
  await page.waitForSelector(".step.reached[data-node=departed]:not(.pending)");
  const departOp = sent.find((o) => o.kind.type === "depart");
  assert.ok(departOp, JSON.stringify(sent.map((o) => o.kind.type)));
  assert.deepEqual(departOp.kind.companions, ["李强", "赵六"]);
  assert.equal(new Date(departOp.kind.expected_arrival).getTime(), new Date(arrival).getTime());
  let held = await officeOrder(order.id);
  assert.deepEqual(held.history.map((h) => h.node), ["departed"]);
  assert.deepEqual(held.departure?.companions, ["李强", "赵六"], JSON.stringify(held.departure));
  assert.equal(new Date(held.departure.expected_arrival).getTime(), new Date(arrival).getTime());

  // On site: every required photo, the report, leaving, a supervisor's waiver, submitted.
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
  await page.fill("textarea[name=fault_cause]", "油冷器堵塞");
  await page.fill("textarea[name=work_done]", "清洗油冷器，试机正常");
  await page.click("[data-testid=save-report]");
  await page.click("[data-testid=next-node][data-node=repaired_left]");
  await page.waitForSelector(".step.reached[data-node=repaired_left]");
  await page.click("text=客户无法签名？申请主管免签");
  await page.fill("textarea[name=waive_reason]", "客户不在现场");
  await page.click("form.waiver button[type=submit]");
  await page.waitForSelector("[data-testid=waiver-state]:has-text('等待主管批准')");
  await page.click("[data-testid=submit-report]");
  await page.waitForSelector("[data-testid=submitted]");
  await badge(page, "allsent", 60_000);
  held = await officeOrder(order.id);
  assert.ok(held.report.submitted_at, "submitted on the server");
  const nameplate = held.photos.find((p) => p.slot === "nameplate");

  // The office sends the nameplate photo back.
  const review = await office.post(`/api/work-orders/${order.id}/review`, {
    decision: "send_back",
    items: [{ item: { what: "photo", photo_id: nameplate.id }, reason: "铭牌看不清，请重拍" }],
  });
  assert.equal(review.status, 200, JSON.stringify(review.body));

  // The phone learns it at its next sync; then the signal goes.
  await page.reload();
  await page.waitForSelector("[data-testid=send-back]:has-text('办公室退回：需修改')", { timeout: 30_000 });
  await badge(page, "allsent");
  await context.setOffline(true);
  await page.waitForSelector("[data-testid=send-back-item]:has-text('铭牌看不清，请重拍')");
  await page.waitForSelector(`[data-photo="${nameplate.id}"] [data-testid=photo-sent-back]:has-text('已退回：铭牌看不清，请重拍')`);
  await page.waitForSelector("li[data-slot=nameplate] [data-testid=slot-state]:has-text('请重新拍照')");
  await page.waitForSelector("[data-testid=review-history]");
  await shoot(page, "phone-sent-back.png", { at: "[data-testid=send-back]" });

  // The list says so too.
  await page.click(".back");
  await page.waitForSelector(`[data-testid=work-order-card][data-ticket="${order.ticket}"] [data-testid=sent-back]:has-text('办公室退回：需修改')`);
  await openOrder(page, order);

  // Retaken and submitted again, offline.
  await take("nameplate", fixtures.retake);
  await page.waitForSelector("li[data-slot=nameplate].done");
  await page.click("[data-testid=submit-report]");
  await page.waitForSelector("[data-testid=submitted]");
  await page.waitForSelector("[data-testid=send-back]", { state: "detached" });
  await badge(page, "savedhere", 10_000);

  await context.setOffline(false);
  await badge(page, "allsent", 60_000);
  held = await officeOrder(order.id);
  assert.ok(held.report.submitted_at, "submitted again");
  assert.equal(held.reviews.length, 1);
  const nameplates = held.photos.filter((p) => p.slot === "nameplate");
  assert.equal(nameplates.length, 2, "the photo sent back stays on record beside the new one");
  assert.notEqual(nameplates[0].name, nameplates[1].name);

  // Closed by the office: read-only on the phone.
  const close = await office.post(`/api/work-orders/${order.id}/review`, { decision: "close" });
  assert.equal(close.status, 200, JSON.stringify(close.body));
  await page.reload();
  await page.waitForSelector("[data-testid=closed-banner]:has-text('已关单')", { timeout: 30_000 });
  for (const gone of ["[data-testid=next-node]", "[data-testid=camera-input]", "[data-testid=save-report]", "[data-testid=submit-report]", "input[name=hours]"]) {
    assert.equal(await page.locator(`${gone}:visible`).count(), 0, `${gone} on a closed order`);
  }
  await page.click("[data-testid=review-history] summary");
  assert.equal(await page.locator("[data-testid=review-round]").count(), 2);
  await shoot(page, "phone-closed.png");
  await page.click(".back");
  await page.waitForSelector(`[data-testid=work-order-card][data-ticket="${order.ticket}"] [data-testid=closed]`);
  await context.close();
});
