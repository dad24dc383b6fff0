// Nothing tappable is under 44 px (issue 16): a gloved finger on a phone, a tablet on a round.
// Every visible link, button, field and select on each role's main screens is measured; a
// checkbox or radio inside a label counts as its label, and the hidden camera inputs (opened by
// their labels) are left out.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { badge, launch, PHONE, Server, signIn, TABLET } from "./harness.mjs";

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

/** What is tappable on the page and smaller than 44 px either way. */
async function tooSmall(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("a[href], button, input, select, textarea, [role=button]")]
      .filter((el) => !el.classList.contains("visually-hidden") && el.type !== "hidden")
      // A box inside a label is tapped through its label.
      .map((el) => (el.matches("input[type=checkbox], input[type=radio]") && el.closest("label")) || el)
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
      })
      .map((el) => {
        const r = el.getBoundingClientRect();
        const name = el.dataset.testid || el.className || el.tagName;
        return { name, text: (el.textContent || el.value || "").trim().slice(0, 24), w: Math.round(r.width), h: Math.round(r.height) };
      })
      .filter((t) => t.w < 44 || t.h < 44),
  );
}

async function check(page, screen) {
  const small = await tooSmall(page);
  assert.deepEqual(small, [], `${screen}: tap targets under 44 px`);
}

test("an engineer's screens have no tap target under 44 px", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await badge(page, "allsent");
  await check(page, "the engineer's list");
  await page.click("[data-testid=work-order-card] >> nth=0");
  await page.waitForSelector("[data-testid=ticket]");
  await check(page, "a work order");
  // A part number is shown whole in its field as it is typed.
  await page.click("#report button.secondary");
  const partNo = page.locator("[data-testid=part-row] input[name=part_no]").last();
  await partNo.fill("VOE14532687-0001");
  const fits = await partNo.evaluate((el) => el.scrollWidth <= el.clientWidth);
  assert.ok(fits, "the part number is shown whole");
  await check(page, "the report with a part");
  await page.click("[data-testid=sync-badge]");
  await page.waitForSelector("[data-testid=storage]");
  await check(page, "the sync screen");
  await context.close();
});

test("a cleaner's screens have no tap target under 44 px", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await check(page, "the cleaner's today");
  await page.click("[data-testid=area-card] >> nth=0");
  await page.waitForSelector("[data-testid=checklist]");
  await check(page, "an area's checklist");
  await page.click("a.back");
  await page.click("[data-testid=report-problem]");
  await page.waitForSelector("[data-testid=report-place]");
  await check(page, "reporting a problem");
  await context.close();
});

test("a supervisor's tablet has no tap target under 44 px", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...TABLET, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "supervisor1", "[data-testid=board]");
  await check(page, "the board");
  await context.close();
});
