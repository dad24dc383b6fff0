// The office's equipment register, imports and photo rules at a 1280x800 desk: the dispatcher
// imports a CSV of machines (one line refused, with its reason), finds a machine by its serial,
// opens its page (the entry, the hours, the order on it), then changes the photo rules of that
// order's service type (a renamed slot, a new one with an example picture) and sees them on the
// order. Screenshots go to the harness's folder (target/e2e-screenshots), never docs/.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, Server, shoot, signIn } from "./harness.mjs";

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

/** A small real JPEG made by Chromium's encoder. */
async function smallJpeg(page) {
  const base64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(320, 240);
    const g = c.getContext("2d");
    g.fillStyle = "#2a6";
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = "#fff";
    g.font = "bold 40px sans-serif";
    g.fillText("示例", 100, 130);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: "image/jpeg" })).arrayBuffer());
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  return Buffer.from(base64, "base64");
}

test("the register, an import and a photo rule at the desk", { timeout: 180_000 }, async () => {
  const api = await server.client("dispatcher1");
  const orders = (await api.get("/api/work-orders")).body;
  const order = orders.find((o) => o.service_type === "fault_repair");
  assert.ok(order, "a demo fault-repair order");

  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, `${server.url}/office/`, "dispatcher1", "[data-testid=office-card]");

  // 导入: machines from a CSV, the order's machine among them; line 4 has no model.
  await page.click("[data-testid=nav-imports]");
  const box = page.locator("[data-testid=import-machines]");
  const csv = [
    "序列号,机型,客户,交机日期,质保到期,小时数,读数日期",
    `${order.serial},${order.equipment_model},${order.customer},2025-03-01,2027-03-01,900,2026-06-01`,
    "E2E-REG-0002,SY215C,华润置地,2025-05-01,2027-05-01,,",
    "E2E-REG-0003,,徐工,,,,",
  ].join("\n");
  await box.locator("[data-testid=import-file]").setInputFiles({
    name: "machines.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf8"),
  });
  await box.locator("[data-testid=import-send]").click();
  await box.locator("[data-testid=import-accepted]").waitFor();
  assert.equal(await box.locator("[data-testid=import-accepted]").textContent(), "2");
  const refused = box.locator("[data-testid=import-refused] tbody tr");
  assert.equal(await refused.count(), 1);
  assert.equal(await refused.first().getAttribute("data-line"), "4");
  assert.match(await refused.first().textContent(), /equipment_model is empty/);
  await shoot(page, "desk-register-import.png");

  // 设备档案: found by part of its serial, any case; its page by its own address.
  await page.click("[data-testid=nav-register]");
  await page.fill("[data-testid=machine-search]", order.serial.slice(-6).toLowerCase());
  // The page opened with the whole register listed: wait for the search's own answer.
  await page.waitForFunction(
    () => document.querySelectorAll("[data-testid=machine-results] tbody tr").length === 1,
  );
  const row = page.locator(`[data-testid=machine-results] tr[data-serial="${order.serial}"]`);
  assert.equal(await row.count(), 1);
  await shoot(page, "desk-register-search.png");
  await row.locator("a").click();
  await page.waitForSelector(`[data-testid=machine-serial]:has-text('${order.serial}')`);
  assert.equal(new URL(page.url()).pathname, `/office/machines/${order.serial}`);
  assert.equal(await page.textContent("[data-testid=machine-model]"), order.equipment_model);
  assert.equal(await page.textContent("[data-testid=machine-customer]"), order.customer);
  // Hours: the import's reading and the order's at the call.
  const hours = page.locator("[data-testid=machine-hours] tbody tr");
  assert.equal(await hours.count(), 2);
  const orderRow = page.locator(`[data-testid=machine-orders] tr[data-ticket="${order.ticket}"]`);
  await orderRow.waitFor();
  // The entry changed on its page: a warranty before the delivery is refused before sending.
  await page.click(".edit-entry summary");
  const form = page.locator("[data-testid=machine-edit]");
  await form.locator("input[type=date]").nth(1).fill("2024-01-01");
  await form.locator("button[type=submit]").click();
  await form.locator(".field-error:has-text('质保到期不能早于交机日期')").waitFor();
  await form.locator("input[type=date]").nth(1).fill("2028-03-01");
  await form.locator("input").nth(1).fill("中铁十四局（二分部）");
  await form.locator("button[type=submit]").click();
  await form.locator("[role=status]").waitFor();
  await page.reload();
  await page.waitForSelector(`[data-testid=machine-serial]:has-text('${order.serial}')`);
  assert.equal(await page.textContent("[data-testid=machine-customer]"), "中铁十四局（二分部）");
  await shoot(page, "desk-register-machine.png");
  // English second: the same page after the language switch.
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("h2:has-text('Service history')");
  await page.click("[data-testid=lang-switch]");
  await page.waitForSelector("h2:has-text('服务记录')");

  // 照片规则: the order's service type gets a renamed first slot and a new one with an example.
  await page.click("[data-testid=nav-photo-rules]");
  await page.click(`[data-testid=service-tabs] [data-service=${order.service_type}]`);
  const table = page.locator("[data-testid=slot-table]");
  await table.locator("tbody tr").first().waitFor();
  const before = await table.locator("tbody tr").count();
  const first = table.locator("tbody tr").first();
  await first.locator("[data-testid=slot-label-zh]").fill("铭牌（含出厂编号）");
  await first.locator("[data-testid=slot-label-zh]").dispatchEvent("change");
  await page.click("[data-testid=slot-add]");
  // A key that cannot go into file names is refused before anything is sent.
  const bad = table.locator("tbody tr").nth(before);
  await bad.locator("[data-testid=slot-key]").fill("Oil Leak");
  await bad.locator("[data-testid=slot-key]").dispatchEvent("change");
  await page.click("[data-testid=slots-save]");
  await page.waitForSelector(`[data-testid=slots-error]:has-text('第 ${before + 1} 项')`);
  const added = table.locator("tbody tr").nth(before);
  await added.locator("[data-testid=slot-key]").fill("oil_leak");
  await added.locator("[data-testid=slot-key]").dispatchEvent("change");
  await added.locator("[data-testid=slot-label-zh]").fill("漏油部位");
  await added.locator("[data-testid=slot-label-zh]").dispatchEvent("change");
  await added.locator("[data-testid=slot-label-en]").fill("Oil leak");
  await added.locator("[data-testid=slot-label-en]").dispatchEvent("change");
  await added.locator("[data-testid=slot-required]").check();
  await added.locator("[data-testid=slot-example]").setInputFiles({
    name: "example.jpg",
    mimeType: "image/jpeg",
    buffer: await smallJpeg(page),
  });
  await table.locator("tr[data-slot=oil_leak] img.example-thumb").waitFor();
  await page.click("[data-testid=slots-save]");
  await page.waitForSelector("[data-testid=slots-saved]");
  await shoot(page, "desk-photo-rules.png");
  const rules = (await api.get("/api/settings/photo-slots")).body[order.service_type];
  assert.equal(rules.length, before + 1);
  assert.equal(rules[0].label_zh, "铭牌（含出厂编号）");
  const leak = rules.find((r) => r.key === "oil_leak");
  assert.ok(leak.required && leak.example, "required, with its example picture");
  assert.equal((await fetch(`${server.url}/api/settings/examples/${leak.example}`, { headers: { cookie: api.cookie } })).status, 200);

  // The order shows the new rules the next time it is read.
  await page.goto(`${server.url}/office/machines/${encodeURIComponent(order.serial)}`);
  await page.click(`[data-testid=machine-orders] tr[data-ticket="${order.ticket}"] a`);
  await page.waitForSelector("li[data-slot=oil_leak]");
  assert.match(await page.textContent("li[data-slot=oil_leak]"), /漏油部位/);
  assert.match(await page.textContent(`li[data-slot=${rules[0].key}]`), /铭牌（含出厂编号）/);
  const detail = (await api.get(`/api/work-orders/${order.id}`)).body;
  assert.ok(detail.slots.some((s) => s.key === "oil_leak" && s.required));
  await context.close();
});
