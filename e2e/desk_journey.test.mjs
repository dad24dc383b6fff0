// The dispatch desk's journeys as the issue shows them (issue 14), a desk at 1280x800 beside the
// engineer's 360x740 phone (its service worker and IndexedDB):
// 1. The agent takes a call in 接报 (a missing field refused first) and dispatches engineer1 with a
//    companion; the station head records the first response; the phone gets the order; with the
//    server down the engineer departs (expected arrival, companion), arrives, photographs, reports,
//    gets a signature, leaves and submits; the server returns and all of it arrives; the office
//    sends one photo back (a reason refused missing first); the engineer, offline, retakes it and
//    submits again; the office closes the order: locked on the desk and on the phone; the
//    register (设备档案) finds the machine and its service history lists the order, closed.
// 2. A phone fix: the station head's first response says a call fixes it and closes the order
//    with its 《解决详情》, no signature, no photos; the phone shows it closed after its sync.
// The desk's main screens are shot on the way at 1280x800 and 1920x1080 (desk-*-1280/1920.png).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  badge, createCall, depart, engineerPhone, heldOrder, launch, makeJpegs, openOrder, phoneSync, reconnect, Server, shootDesk,
  signIn, signPad, takePhoto, typeCall,
} from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: "zh-CN" };
const ROW = "[data-testid=office-card]";

let server;
let browser;

const held = (id) => heldOrder(server, id);

before(async () => {
  server = await Server.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

/** "2026-12-07T14:15" in the page's time zone, `hours` from now: what the phone's time input holds. */
function localInput(page, hours) {
  return page.evaluate((h) => {
    const t = new Date(Date.now() + h * 3600_000);
    const p = (n) => String(n).padStart(2, "0");
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
  }, hours);
}

/** The station head's desk on an order. */
async function headDesk(id, ticket) {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "head1", ROW);
  assert.equal(await page.textContent("[data-testid=role]"), "服务站长");
  await page.click(`${ROW}[data-ticket="${ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${ticket}')`);
  assert.equal(new URL(page.url()).pathname, `/office/work-orders/${id}`);
  return { context, page };
}

test("a call taken, dispatched, worked offline, sent back once, retaken, closed and locked everywhere", { timeout: 300_000 }, async () => {
  const dispatcher = await server.client("dispatcher1");
  const serial = "VCEC210DJ00420";
  const call = {
    customer: "山东高速路桥集团", contact: "王建国", phone: "138 6400 1123", site: "济青高速改扩建 K42 标段",
    serial, model: "EC210D", hours: 4120, condition: "土方", fault: "回转无力，液压油温偏高", down: true,
  };
  const eng = await engineerPhone(browser, server.url);
  const desk = await browser.newContext(DESK);
  const page = await desk.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await shootDesk(page, "desk-orders");

  // 接报: the call typed (the serial is new to the register: nothing to pick).
  const before = (await dispatcher.get("/api/work-orders")).body.length;
  await typeCall(page, call);
  await page.waitForSelector("[data-testid=machine-suggestions]", { state: "detached" });
  await shootDesk(page, "desk-call");
  // The customer left out is refused at its field, and nothing is created.
  await page.getByLabel("客户", { exact: true }).fill("");
  await page.getByRole("button", { name: "建单并派工" }).click();
  await page.waitForSelector("[data-testid=call-error]:has-text('请先改正标出的栏目')");
  assert.equal(await page.locator("[data-field=customer]").first().textContent(), "必填");
  assert.equal((await dispatcher.get("/api/work-orders")).body.length, before, "a refused call creates nothing");
  await page.getByLabel("客户", { exact: true }).fill(call.customer);
  assert.equal(await page.locator("[data-field=customer]").first().textContent(), "");
  const id = await createCall(page);
  const ticket = (await page.textContent("[data-testid=ticket]")).trim();
  let order = await held(id);
  assert.equal(order.ticket, ticket);
  assert.equal(order.assignee, "engineer1");
  assert.deepEqual(order.companions.map((c) => c.username), ["engineer2"]);
  assert.equal(order.contact_phone, call.phone);
  assert.equal(order.serial, serial);
  assert.equal(order.station, "济南站");
  assert.equal(order.machine_down, true);
  assert.equal(order.first_response ?? null, null);
  const required = order.slots.filter((s) => s.required).map((s) => s.key);
  assert.ok(required.includes("nameplate"), JSON.stringify(order.slots));
  const jpegs = await makeJpegs(browser, [...required, "retake"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));

  // The follow-ups list it: a machine down, waiting for its first response.
  await page.getByRole("navigation").getByRole("link", { name: "跟进" }).click();
  await page.waitForSelector(`[data-testid=follow-up-row][data-ticket="${ticket}"]`);
  await shootDesk(page, "desk-followups");

  // The station head records the first response: an outcome is required; no phone fix.
  const head = await headDesk(id, ticket);
  await head.page.getByRole("button", { name: "记录首次响应" }).click();
  await head.page.waitForSelector("[data-testid=first-response] .field-error:has-text('请写沟通结果')");
  assert.equal((await held(id)).first_response ?? null, null, "a refused response records nothing");
  await head.page.getByLabel("沟通结果").fill("已电话联系王建国，约定今天下午到场");
  await head.page.getByLabel("已确认工地位置").check();
  await head.page.getByRole("button", { name: "记录首次响应" }).click();
  await head.page.waitForSelector("[data-testid=first-response]:has-text('已确认工地位置')");
  assert.equal(await head.page.locator("[data-testid=phone-fix]").count(), 0, "no phone fix offered");
  order = await held(id);
  assert.equal(order.first_response?.response?.phone_fix, false, JSON.stringify(order.first_response));
  assert.equal(order.first_response.by.username, "head1");
  await head.context.close();

  // The phone syncs and has the order, with its contact and the dispatched companion.
  const p = eng.page;
  await phoneSync(p, server.url, ticket);
  await openOrder(p, { ticket });
  await p.waitForSelector("[data-testid=contact]:has-text('王建国')");

  // The server goes away: departure, arrival, photos, report, signature, leaving, submission.
  await server.kill();
  const arrival = await localInput(p, 2);
  await depart(p, { arrival });
  await p.waitForSelector(".step.reached.pending[data-node=departed]");
  await p.waitForSelector("[data-testid=departure-companions]:has-text('李强')");
  await p.click("[data-testid=next-node][data-node=arrived]");
  await p.waitForSelector(".step.reached[data-node=arrived]");
  for (const slot of required) await takePhoto(p, slot, jpegs[slot]);
  await p.fill("textarea[name=fault_cause]", "油冷器堵塞，散热不良");
  await p.fill("textarea[name=work_done]", "清洗油冷器，更换液压油滤芯，试机正常");
  await p.click("[data-testid=save-report]");
  await p.click("[data-testid=next-node][data-node=repaired_left]");
  await p.waitForSelector(".step.reached[data-node=repaired_left]");
  await signPad(p, "王建国");
  await p.click("[data-testid=submit-report]");
  await p.waitForSelector("[data-testid=submitted]");
  await badge(p, "savedhere", 10_000);

  // The server returns (same port, same data): everything arrives by itself.
  await server.start();
  await badge(p, "allsent", 90_000);
  order = await held(id);
  assert.deepEqual(order.history.map((h) => h.node), ["departed", "arrived", "repaired_left"]);
  assert.deepEqual(order.departure?.companions, ["李强"], JSON.stringify(order.departure));
  assert.equal(new Date(order.departure.expected_arrival).getTime(), new Date(arrival).getTime());
  assert.ok(order.report?.submitted_at, "submitted on the server");
  assert.equal(order.report.signature?.signer, "王建国");
  assert.equal(order.report.fault_cause, "油冷器堵塞，散热不良");
  for (const slot of required) assert.ok(order.photos.some((x) => x.slot === slot && x.uploaded), `${slot} uploaded`);
  const nameplate = order.photos.find((x) => x.slot === "nameplate");

  // The office reviews: a photo ticked without a reason is refused, then sent back with one.
  await page.getByRole("navigation").getByRole("link", { name: "工单" }).click();
  await page.click(`${ROW}[data-ticket="${ticket}"]`);
  await page.waitForSelector("[data-testid=review] .submitted", { timeout: 10_000 });
  await page.getByLabel(`退回 ${nameplate.name}`, { exact: true }).check();
  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.waitForSelector("[data-testid=review-outcome]:has-text('每项退回都要写原因')");
  assert.equal((await held(id)).reviews?.length ?? 0, 0, "a refused send-back records nothing");
  await page.getByLabel(`退回原因 ${nameplate.name}`, { exact: true }).fill("铭牌反光看不清，请重拍");
  await shootDesk(page, "desk-review", { at: "[data-testid=review]" });
  await page.getByRole("button", { name: "退回", exact: true }).click();
  await page.waitForSelector("[data-testid=round]");
  await page.waitForSelector("[data-testid=not-submitted]");
  order = await held(id);
  assert.equal(order.reviews.length, 1);
  assert.deepEqual(order.reviews[0].decision.items.map((i) => [i.item.photo_id, i.reason]), [[nameplate.id, "铭牌反光看不清，请重拍"]]);
  assert.equal(order.report.submitted_at ?? null, null, "sent back: no longer submitted");

  // The phone learns it at its sync; then, offline, the engineer retakes the photo and resubmits.
  await phoneSync(p, server.url, ticket);
  await openOrder(p, { ticket });
  await p.waitForSelector("[data-testid=send-back]:has-text('办公室退回：需修改')", { timeout: 30_000 });
  await eng.context.setOffline(true);
  await p.waitForSelector("[data-testid=send-back-item]:has-text('铭牌反光看不清，请重拍')");
  await p.waitForSelector("li[data-slot=nameplate] [data-testid=slot-state]:has-text('请重新拍照')");
  await takePhoto(p, "nameplate", jpegs.retake);
  await p.waitForSelector("li[data-slot=nameplate].done");
  await p.click("[data-testid=submit-report]");
  await p.waitForSelector("[data-testid=submitted]");
  await p.waitForSelector("[data-testid=send-back]", { state: "detached" });
  await badge(p, "savedhere", 10_000);
  await reconnect(eng.context, p);
  await badge(p, "allsent", 60_000);
  order = await held(id);
  assert.ok(order.report.submitted_at, "submitted again");
  const nameplates = order.photos.filter((x) => x.slot === "nameplate");
  assert.equal(nameplates.length, 2, "the photo sent back stays on record beside the new one");
  assert.ok(nameplates.every((x) => x.uploaded));

  // The desk sees the resubmission without a reload and closes the order: locked.
  await page.waitForSelector("[data-testid=review] .submitted", { timeout: 15_000 });
  await page.getByRole("button", { name: "关单" }).click();
  await page.waitForSelector("[data-testid=closed]");
  assert.equal(await page.locator("[data-testid=round]").count(), 2);
  for (const gone of ["input[name=plan_at]", "[data-testid=reassign]", "[data-testid=first-response] button"]) {
    assert.equal(await page.locator(gone).count(), 0, `${gone} on a closed order`);
  }
  assert.equal(await page.getByRole("button", { name: "关单" }).count(), 0);
  order = await held(id);
  assert.equal(order.closure?.by?.username, "dispatcher1", JSON.stringify(order.closure));
  const refused = await dispatcher.post(`/api/work-orders/${id}/review`, { decision: "close" });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error, "order_closed");

  // The phone shows it closed and read-only after its sync.
  await phoneSync(p, server.url, ticket);
  await p.waitForSelector(`[data-testid=work-order-card][data-ticket="${ticket}"] [data-testid=closed]`);
  await openOrder(p, { ticket });
  await p.waitForSelector("[data-testid=closed-banner]:has-text('已关单')");
  for (const gone of ["[data-testid=next-node]", "[data-testid=camera-input]", "[data-testid=submit-report]"]) {
    assert.equal(await p.locator(`${gone}:visible`).count(), 0, `${gone} on a closed order`);
  }
  await eng.context.close();

  // The register (设备档案): found by part of its serial, the machine's service history holds the
  // order, closed.
  const history = await dispatcher.get(`/api/machines/${encodeURIComponent(serial)}`);
  assert.equal(history.status, 200, JSON.stringify(history.body));
  assert.ok(history.body.orders.some((o) => o.id === id && o.closure), JSON.stringify(history.body.orders?.map((o) => o.ticket)));
  await page.click("[data-testid=nav-register]");
  await page.fill("[data-testid=machine-search]", serial.slice(-7).toLowerCase());
  const found = page.locator(`[data-testid=machine-results] tr[data-serial="${serial}"]`);
  await found.waitFor();
  await shootDesk(page, "desk-register");
  await found.locator("a").first().click();
  await page.waitForSelector(`[data-testid=machine-serial]:has-text('${serial}')`);
  await page.waitForSelector(`[data-testid=machine-orders] tr[data-ticket="${ticket}"]`);
  await shootDesk(page, "desk-machine");
  await desk.close();
});

test("a phone fix: the station head's first response closes the order, no signature, no photos", { timeout: 180_000 }, async () => {
  // The server up whatever the first journey left.
  if (server.child.exitCode !== null || server.child.signalCode !== null) await server.start();
  const eng = await engineerPhone(browser, server.url);
  const desk = await browser.newContext(DESK);
  const page = await desk.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", ROW);
  await typeCall(page, {
    customer: "济南城建集团", contact: "李经理", phone: "0531-8888 6601", site: "济南新东站片区",
    serial: "VCEC250DK00777", model: "EC250D", hours: 2310, condition: "装车", fault: "仪表报警灯常亮", down: false,
  }, { companion: false });
  const id = await createCall(page);
  const ticket = (await page.textContent("[data-testid=ticket]")).trim();
  await desk.close();

  // The engineer's phone has the open order.
  await phoneSync(eng.page, server.url, ticket);
  assert.equal(await eng.page.locator(`[data-testid=work-order-card][data-ticket="${ticket}"] [data-testid=closed]`).count(), 0);

  // The station head: fixed on the phone; closing needs the 《解决详情》.
  const head = await headDesk(id, ticket);
  const h = head.page;
  await h.getByLabel("沟通结果").fill("电话指导客户复位报警");
  await h.getByLabel("已确认工地位置").check();
  await h.getByLabel("电话可解决").check();
  await h.getByRole("button", { name: "记录首次响应" }).click();
  await h.waitForSelector("[data-testid=phone-fix]");
  assert.equal((await held(id)).first_response?.response?.phone_fix, true);
  await h.getByRole("button", { name: "电话解决并关单" }).click();
  await h.waitForSelector("[data-testid=phone-fix-outcome]:has-text('请写解决详情')");
  assert.equal((await held(id)).closure ?? null, null, "a refused phone fix closes nothing");
  await h.getByLabel("解决详情").fill("传感器插头松动，客户按指导插紧后报警消失，试机正常");
  await h.getByRole("button", { name: "电话解决并关单" }).click();
  await h.waitForSelector("[data-testid=closed]");
  await h.waitForSelector("[data-testid=closure]:has-text('传感器插头松动')");
  const order = await held(id);
  assert.equal(order.status, "resolved_by_phone");
  assert.equal(order.closure.by.username, "head1");
  assert.equal(order.closure.resolution, "传感器插头松动，客户按指导插紧后报警消失，试机正常");
  assert.equal(order.photos.length, 0, "closed without photos");
  assert.equal(order.report?.signature ?? null, null, "closed without a signature");
  assert.equal(order.report?.submitted_at ?? null, null, "closed without a report");
  await head.context.close();

  // The phone, after its sync: closed, read-only.
  await phoneSync(eng.page, server.url, ticket);
  await eng.page.waitForSelector(`[data-testid=work-order-card][data-ticket="${ticket}"] [data-testid=closed]`);
  await openOrder(eng.page, { ticket });
  await eng.page.waitForSelector("[data-testid=closed-banner]:has-text('已关单')");
  assert.equal(await eng.page.locator("[data-testid=next-node]:visible").count(), 0, "no step on a closed order");
  await eng.context.close();
});
