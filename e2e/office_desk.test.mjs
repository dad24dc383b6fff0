// The dispatch desk's first part: the office is its own app under /office/. A dispatcher who signs
// in on the field app (with its service worker in control) is sent there and the field app keeps
// nothing of them; the office opens signed in by the same cookie, signs out, and signs in again
// with its own form; a field role that signs in at the office is sent back to the field app.
// The signature waiver (免签, issue 16): the engineer asks on the phone, offline; the station head
// answers in the office app on their own phone; the engineer's phone shows the answer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { badge, engineerPhone, launch, openOrder, PHONE, phoneSync, Server, serviceWorkerReady, shoot, signIn, signPad } from "./harness.mjs";

const DESK = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

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

const firstRow = "[data-testid=office-card]";

test("a dispatcher signing in on the field app works in the office app", { timeout: 120_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await page.goto(server.url);
  // The field app's worker controls the origin: it must leave /office/ to the server.
  await serviceWorkerReady(page);
  await page.reload();
  await signIn(page, server.url, "dispatcher1", firstRow);
  assert.equal(new URL(page.url()).pathname, "/office/");
  assert.equal(await page.title(), "Fieldbook 办公室");
  assert.equal(await page.textContent("[data-testid=who]"), "陈静");
  const orders = (await (await server.client("dispatcher1")).get("/api/work-orders")).body;
  assert.equal(await page.locator(firstRow).count(), orders.length, "every work order is a row");
  await shoot(page, "desk-office-list.png");

  // An order's page, by its own address, and back to the table.
  const order = orders[0];
  await page.click(`${firstRow}[data-ticket="${order.ticket}"]`);
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  assert.equal(new URL(page.url()).pathname, `/office/work-orders/${order.id}`);
  await page.reload();
  await page.waitForSelector(`[data-testid=ticket]:has-text('${order.ticket}')`);
  await page.click("a.back");
  await page.waitForSelector(firstRow);

  // The language switch, kept for the next visit.
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("h1:has-text('All work orders')");
  await page.reload();
  await page.waitForSelector("h1:has-text('All work orders')");
  await page.click("[data-testid=lang-switch]");

  // The field app kept no dispatcher: it opens at its own sign-in.
  const field = await context.newPage();
  await field.goto(server.url);
  await field.waitForSelector("input[name=username]");
  assert.equal(await field.locator("[data-testid=to-office]").count(), 0);
  await field.close();

  // Sign out: the server's session ends, and the office asks for a sign-in, also after a reload.
  await page.click("[data-testid=sign-out]");
  await page.waitForSelector("input[name=username]");
  await page.reload();
  await page.waitForSelector("input[name=username]");
  await page.click("button[type=submit]");
  assert.equal(await page.textContent("[data-testid=username-error]"), "请输入用户名");
  await page.fill("input[name=username]", "dispatcher1");
  await page.fill("input[name=password]", "wrong");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=sign-in-error]:has-text('用户名或密码不正确')");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector(firstRow);
  await context.close();
});

test("an engineer who signs in at the office is sent to the field app", { timeout: 60_000 }, async () => {
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "engineer1", "[data-testid=not-office]");
  assert.equal(await page.getAttribute("[data-testid=not-office] a", "href"), "/");
  await page.click("[data-testid=not-office] a");
  await page.waitForSelector("input[name=username]");
  assert.equal(new URL(page.url()).pathname, "/");
  await context.close();
});

test("the engineer asks for a waiver offline, the station head refuses or approves it on their phone, the phone shows it", { timeout: 240_000 }, async () => {
  const engineer = await server.client("engineer1");
  const mine = (await engineer.get("/api/sync?cursor=0")).body.work_orders
    .filter((o) => o.station === "济南站" && o.status === "dispatched" && !o.closure);
  assert.ok(mine.length >= 2, "two of engineer1's orders at head1's station");
  const [refused, approved] = mine;
  // Both walked to "repaired and left" with their photos and report, as the phone would send them.
  for (const order of [refused, approved]) {
    const op = (kind) => ({
      id: crypto.randomUUID(), user: "engineer1", device_id: "00000000-0000-4000-8000-000000000003",
      device_time: new Date().toISOString(), kind: { work_order_id: order.id, ...kind },
    });
    const ops = [
      op({ type: "depart", expected_arrival: new Date(Date.now() + 3600_000).toISOString(), companions: [] }),
      op({ type: "set_status", node: "arrived" }),
      op({ type: "set_status", node: "repaired_left" }),
      ...order.slots.filter((s) => s.required).map((s, i) => op({
        type: "add_photo", photo_id: crypto.randomUUID(), slot: s.key, sha256: String(i + 1).padStart(2, "0").repeat(32),
        bytes: 1000, width: 40, height: 30, content_type: "image/jpeg",
      })),
      op({ type: "save_report", fault_cause: "油管老化", work_done: "更换油管", parts: [], companions: [] }),
    ];
    // The second as a phone queued it before requests: with the supervisor's name typed.
    if (order === approved) ops.push(op({ type: "waive_signature", by: "周主管", reason: "设备在无人值守场地" }));
    const sent = await engineer.post("/api/ops", { ops });
    assert.deepEqual(sent.body.results.map((r) => r.outcome), ops.map(() => "applied"), JSON.stringify(sent.body));
  }

  // In a basement: the engineer asks with one tap on a common reason, and submits all the same.
  const { context: phoneContext, page: phone } = await engineerPhone(browser, server.url);
  await openOrder(phone, refused);
  await phoneContext.setOffline(true);
  await phone.click("text=客户无法签名？申请主管免签");
  await phone.click("[data-testid=waiver-reason]:has-text('客户不在现场')");
  assert.equal(await phone.inputValue("textarea[name=waive_reason]"), "客户不在现场");
  await phone.click("form.waiver button[type=submit]");
  await phone.waitForSelector("[data-testid=waiver-state]:has-text('等待主管批准')");
  assert.equal(await phone.locator("input[name=signer]").count(), 0, "no pad while the request waits");
  await phone.click("[data-testid=submit-report]");
  await phone.waitForSelector("[data-testid=submitted]");
  await badge(phone, "savedhere", 10_000);
  await shoot(phone, "phone-waiver-pending.png", { at: "[data-testid=signature]", en: true });
  await phoneContext.setOffline(false);
  await phone.evaluate(() => window.dispatchEvent(new Event("online")));
  await badge(phone, "allsent", 90_000);
  const office = await server.client("dispatcher1");
  let held = (await office.get(`/api/work-orders/${refused.id}`)).body;
  assert.equal(held.report.waiver.reason, "客户不在现场");
  assert.equal(held.report.waiver.decision ?? null, null);
  assert.ok(held.report.submitted_at, "submitted with the request pending");

  // The station head, on their own phone: both requests waiting, with their count.
  const headContext = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const head = await headContext.newPage();
  await signIn(head, `${server.url}/office/`, "head1", "[data-testid=waivers]");
  await head.waitForSelector("[data-testid=waivers-count]:has-text('2')");
  await shoot(head, "phone-office-waivers.png", { at: "[data-testid=waivers]", en: true });
  // Each a link to its order's page, where it is answered; a refusal needs its reason.
  await head.click(`[data-testid=waiver-row]:has-text('${refused.ticket} · 张伟 · 客户不在现场')`);
  await head.waitForSelector("[data-testid=waiver-state]:has-text('等待主管批准')");
  await head.click("[data-testid=waiver-refuse]");
  await head.waitForSelector("[data-testid=waiver-outcome]:has-text('拒绝原因')");
  await head.fill("input[name=waiver_refuse_reason]", "客户在场，请让客户签字");
  await head.click("[data-testid=waiver-refuse]");
  await head.waitForSelector("[data-testid=waiver-state]:has-text('被拒绝：客户在场，请让客户签字 · 周站长')");
  held = (await office.get(`/api/work-orders/${refused.id}`)).body;
  assert.equal(held.report.waiver.decision.approved, false);
  assert.equal(held.report.waiver.decision.by.username, "head1");
  await head.click("a.back");
  await head.waitForSelector("[data-testid=waivers-count]:has-text('1')");

  // The other (asked as an old phone asked), approved in one tap.
  await head.click(`[data-testid=waiver-row]:has-text('${approved.ticket}')`);
  await head.waitForSelector("[data-testid=waiver-state]:has-text('等待主管批准')");
  await head.click("[data-testid=waiver] [data-testid=waiver-approve]");
  await head.waitForSelector("[data-testid=waiver-state]:has-text('已批准 · 周站长')");
  assert.equal(await head.locator("[data-testid=waiver-approve]").count(), 0, "answered once");

  // The engineer's phone, after a pull: refused, so the customer signs after all; approved.
  await phoneSync(phone, server.url, refused.ticket);
  await openOrder(phone, refused);
  await phone.waitForSelector("[data-testid=waiver-state]:has-text('被拒绝：客户在场，请让客户签字')", { timeout: 30_000 });
  await shoot(phone, "phone-waiver-refused.png", { at: "[data-testid=signature]", en: true });
  await signPad(phone, "王经理");
  await badge(phone, "allsent", 60_000);
  held = (await office.get(`/api/work-orders/${refused.id}`)).body;
  assert.equal(held.report.signature.signer, "王经理");
  await phoneSync(phone, server.url, approved.ticket);
  await openOrder(phone, approved);
  await phone.waitForSelector("[data-testid=waiver-state]:has-text('已批准 · 周站长 ·')", { timeout: 30_000 });
  await headContext.close();
  await phoneContext.close();
});
