// Issue 17 on the field side: a major complaint taken at the desk (through the office API, as the
// dispatcher) and given to cleaner1; cleaner1 sees it on the phone as a complaint task with its
// working-day deadline and fixes it with an after photo while the server is down; supervisor1
// confirms the fix on the tablet (the board counts the complaint and its call-back due, each
// figure opening its list) and calls back on a visit, the customer signing on the tablet; the
// server holds the closed complaint and the signature's bytes. Then cleaner1 takes a complaint on
// the phone with the server down (every field checked as typed, the draft kept across a reload),
// the screen says it is saved on the phone only, and it reaches the office when the server is back.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, launch, makeJpegs, PHONE, Server, serviceWorkerReady, shoot, signIn, TABLET } from "./harness.mjs";

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

/** A figure on the board, as a number. */
async function figure(page, testid) {
  return Number(await page.locator(`[data-testid=${testid}] .figure-value`).innerText());
}

/** The customer signs the pad with a finger (the mouse here). */
async function sign(page) {
  const padSel = "[data-testid=call-back-form] [data-testid=signature-pad]";
  await page.locator(padSel).scrollIntoViewIfNeeded();
  const pad = await page.locator(padSel).boundingBox();
  await page.mouse.move(pad.x + 20, pad.y + pad.height / 2);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) {
    await page.mouse.move(pad.x + 20 + (k * (pad.width - 40)) / 20, pad.y + pad.height / 2 + Math.sin(k) * 30);
  }
  await page.mouse.up();
}

test("a major complaint fixed offline, confirmed, called back on a visit; one taken offline on a phone", { timeout: 600_000 }, async () => {
  const fixtures = await makeJpegs(browser, ["floor", "mopped", "stairs"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));
  const desk = await server.client("dispatcher1");

  // The desk takes a major complaint for team-a and gives it to cleaner1 at once.
  const complaintId = randomUUID();
  const taken = await desk.post("/api/complaints", {
    id: complaintId,
    finding_id: randomUUID(),
    team: "team-a",
    severity: "major",
    customer: "王女士",
    contact_phone: "138 0531 0000",
    place: "3号楼大堂",
    what: "大堂地面有积水，三天没人拖",
    assignee: { person: { username: "cleaner1" } },
  });
  assert.equal(taken.status, 201, JSON.stringify(taken.body));
  const fixDue = new Date(taken.body.fix_due);
  assert.ok(fixDue > new Date(), "a major complaint is due at the end of the next working day");

  // cleaner1's phone: the task is in the list, tagged as a complaint, with its deadline.
  const phone = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const cp = await phone.newPage();
  await signIn(cp, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(cp, "allsent");
  await serviceWorkerReady(cp);
  const task = cp.locator("[data-testid=task-list] [data-testid=finding-card][data-complaint=true]");
  await task.waitFor();
  assert.match(await task.innerText(), /投诉/);
  assert.match(await task.innerText(), /3号楼大堂/);
  await task.locator("[data-testid=task-due]").waitFor();
  // Tasks come first on the cleaner's home, above the day's areas (issue 16).
  const above = await cp.evaluate(() => {
    const tasks = document.querySelector("[data-testid=task-list]");
    const areas = document.querySelector("[data-testid=area-list]");
    return !!(tasks.compareDocumentPosition(areas) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.ok(above, "the task list is above the areas");
  await shoot(cp, "complaint-task-phone.png", { at: "[data-testid=task-list]" });

  // No signal: the cleaner fixes it and closes the task with an after photo.
  await server.kill();
  await task.click();
  await cp.waitForSelector("[data-testid=task-complaint] [data-testid=complaint-card]");
  await cp.setInputFiles("[data-testid=close-form] [data-testid=camera-input]", fixtures.mopped);
  await cp.waitForSelector("[data-testid=close-form] .thumb img", { timeout: 30_000 });
  await cp.fill("[data-testid=close-note]", "已拖干并放置防滑标志");
  await cp.click("[data-testid=close-task]");
  await cp.waitForSelector("[data-testid=finding-state]:has-text('待确认')");
  await badge(cp, "savedhere");
  await shoot(cp, "complaint-task-fixed-phone.png");
  await server.start();
  await badge(cp, "allsent", 90_000);

  // supervisor1's tablet: the board counts it; the fix is confirmed as any finding's.
  const tablet = await browser.newContext({ ...TABLET, locale: "zh-CN" });
  const sp = await tablet.newPage();
  await signIn(sp, server.url, "supervisor1", "[data-testid=board-rounds]");
  await badge(sp, "allsent");
  await serviceWorkerReady(sp);
  await sp.waitForSelector("[data-testid=tile-complaints]");
  // The board counts what the server gives the supervisor (the demo's complaints too).
  const sup = await server.client("supervisor1");
  const seen = (await sup.get("/api/sync?cursor=0")).body.field.complaints ?? [];
  assert.ok(seen.some((c) => c.id === complaintId), "the team's supervisor pulls the complaint");
  assert.equal(await figure(sp, "complaints-open"), seen.filter((c) => c.state !== "closed").length);
  const callBacksBefore = await figure(sp, "complaints-call-back");
  assert.equal(callBacksBefore, seen.filter((c) => c.state === "call_back_due").length);
  const svTask = sp.locator("[data-testid=sv-finding]", { has: sp.locator("[data-testid=complaint-tag]") });
  await svTask.click();
  await sp.waitForSelector("[data-testid=sv-detail] [data-testid=confirm-form]");
  await sp.waitForSelector("[data-testid=sv-detail] [data-testid=after-photos] img");
  await sp.click("[data-testid=sv-detail] [data-testid=confirm-fix]");
  await sp.waitForSelector("[data-testid=sv-detail] [data-testid=finding-state]:has-text('已关闭')");
  await sp.locator("[data-testid=tile-complaints]").scrollIntoViewIfNeeded();
  await sp.waitForFunction((n) => document.querySelector("[data-testid=complaints-call-back] .figure-value")?.textContent === String(n), callBacksBefore + 1);
  await shoot(sp, "complaints-board-tablet.png", { at: "[data-testid=tile-complaints]" });

  // The figure opens its list; the complaint opens its page with the 《回访记录表》.
  await sp.click("[data-testid=complaints-call-back]");
  await sp.waitForSelector("[data-testid=complaint-list] [data-testid=complaint-card]");
  assert.equal(await sp.locator("[data-testid=complaint-card]").count(), callBacksBefore + 1);
  await sp.click(`[data-testid=complaint-card][data-id='${complaintId}']`);
  await sp.waitForSelector("[data-testid=call-back-form]");
  assert.equal(await sp.locator("[data-testid=complaint-state]").innerText(), "待回访");
  // Nothing chosen, nothing signed: each says so, nothing is recorded.
  await sp.click("[data-testid=save-call-back]");
  await sp.waitForSelector("[data-testid=call-back-error]:has-text('请选择满意或不满意')");
  await sp.click("[data-testid=satisfied]");
  await sp.click("[data-testid=save-call-back]");
  await sp.waitForSelector("[data-testid=call-back-error]:has-text('请客户在框内签名')");
  await sp.fill("[data-testid=customer-words]", "处理及时，很满意");
  await sign(sp);
  await shoot(sp, "complaint-call-back-tablet.png", { here: true });
  await sp.click("[data-testid=save-call-back]");
  await sp.waitForSelector("[data-testid=complaint-state]:has-text('已结案')");
  await sp.waitForSelector("[data-testid=call-back][data-satisfied=true] .thumb img");
  await badge(sp, "allsent", 90_000);
  await shoot(sp, "complaint-closed-tablet.png");

  // What the office holds: closed, a visit signed by the customer, the signature's bytes.
  const held = await desk.get(`/api/complaints/${complaintId}`);
  assert.equal(held.status, 200);
  assert.equal(held.body.complaint.state, "closed");
  const cb = held.body.complaint.call_backs[0];
  assert.equal(cb.method, "visit");
  assert.equal(cb.by, "supervisor1");
  assert.ok(cb.satisfied);
  assert.equal(cb.signature.slot, "signature");
  const bytes = await fetch(`${server.url}/api/photos/${cb.signature.photo_id}`, { headers: { cookie: sup.cookie } });
  assert.equal(bytes.status, 200);
  assert.equal(held.body.task.state, "confirmed");

  // cleaner1 takes a complaint for a customer who stopped them, with the server down.
  await cp.goto(server.url + "/");
  await cp.waitForSelector("[data-testid=area-card]");
  await server.kill();
  await cp.click("[data-testid=take-complaint]");
  await cp.waitForSelector("[data-testid=complaint-form]");
  await cp.click("[data-testid=severity-ordinary]");
  await cp.fill("[data-testid=complaint-customer]", "李先生");
  // Checked as typed: a phone number of letters says so at once.
  await cp.fill("[data-testid=complaint-phone]", "call me");
  await cp.waitForSelector("[data-testid=field-error][data-field='contact phone']");
  await cp.fill("[data-testid=complaint-phone]", "0531-8888 6666");
  await cp.waitForSelector("[data-testid=field-error][data-field='contact phone']", { state: "detached" });
  await cp.fill("[data-testid=complaint-place]", "5号楼 2 单元楼道");
  await cp.fill("[data-testid=complaint-what]", "楼道垃圾两天没清");
  await cp.setInputFiles("[data-testid=complaint-photo] [data-testid=camera-input]", fixtures.stairs);
  await cp.waitForSelector("[data-testid=complaint-photos] .thumb img", { timeout: 30_000 });
  // A reload mid-form (served by the service worker) keeps the draft, photo included.
  await cp.reload();
  await cp.waitForSelector("[data-testid=complaint-form]");
  assert.equal(await cp.inputValue("[data-testid=complaint-customer]"), "李先生");
  assert.equal(await cp.inputValue("[data-testid=complaint-what]"), "楼道垃圾两天没清");
  await cp.waitForSelector("[data-testid=complaint-photos] .thumb img");
  await shoot(cp, "complaint-take-phone.png");
  await cp.click("[data-testid=save-complaint]");
  await cp.waitForSelector("[data-testid=complaint-detail]");
  await cp.waitForSelector("[data-testid=complaint-unsent]");
  await badge(cp, "savedhere");
  await shoot(cp, "complaint-unsent-phone.png");
  // Home: it is in "我受理的投诉" until it is closed.
  await cp.click("a.back");
  await cp.waitForSelector("[data-testid=my-complaints] [data-testid=complaint-card]");
  assert.match(await cp.locator("[data-testid=my-complaints]").innerText(), /李先生/);
  await shoot(cp, "complaints-mine-phone.png", { at: "[data-testid=my-complaints]" });

  // The server returns: the complaint reaches the office by itself, photo and all.
  await server.start();
  await badge(cp, "allsent", 90_000);
  const list = await desk.get("/api/complaints?since=0");
  assert.equal(list.status, 200);
  const mine = list.body.complaints.find((c) => c.customer === "李先生");
  assert.ok(mine, JSON.stringify(list.body));
  assert.equal(mine.taken_by, "cleaner1");
  assert.equal(mine.severity, "ordinary");
  assert.equal(mine.contact_phone, "0531-8888 6666");
  assert.equal(mine.photos.length, 1);
  const photo = await fetch(`${server.url}/api/photos/${mine.photos[0].photo_id}`, { headers: { cookie: sup.cookie } });
  assert.equal(photo.status, 200);
  await cp.click(`[data-testid=my-complaints] [data-testid=complaint-card][data-id='${mine.id}']`);
  await cp.waitForSelector("[data-testid=complaint-detail]");
  await cp.waitForSelector("[data-testid=complaint-unsent]", { state: "detached" });

  await phone.close();
  await tablet.close();
});
