// Two phones of one cleaner, one item (issue 15, "Two people, one thing"): both phones go
// offline; one ticks the item, the other reports a problem on it (a finding with a photo). They
// reconnect one after the other, in either order: both phones show the item in conflict with both
// marks, the supervisor's tablet keeps the tick with one tap, and every device shows the tick.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { badge, launch, makeJpegs, PHONE, reconnect, Server, serviceWorkerReady, shoot, signIn, TABLET } from "./harness.mjs";

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

async function phone() {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(page, "allsent");
  await serviceWorkerReady(page);
  return { context, page };
}

/** The area's page, freshly pulled. */
async function openArea(page, areaId) {
  await page.goto(`${server.url}/areas/${areaId}`);
  await page.waitForSelector("[data-testid=checklist]");
  await badge(page, "allsent", 90_000);
}

const conflictOf = (item) => `[data-testid=conflict][data-item="${item}"]`;

test("two phones marking one item apart show the conflict until the supervisor settles it", { timeout: 400_000 }, async () => {
  const fixtures = await makeJpegs(browser, ["leak1", "leak2"], mkdtempSync(join(tmpdir(), "fieldbook-jpegs-")));
  const sup = await server.client("supervisor1");
  const areas = (await sup.get("/api/sync?cursor=0")).body.field.reference.areas;
  const areaId = (name) => areas.find((a) => a.name === name).id;
  const one = await phone();
  const two = await phone();
  const tablet = await browser.newContext({ ...TABLET });
  const sp = await tablet.newPage();
  await signIn(sp, server.url, "supervisor1", "[data-testid=sync-badge]");
  await badge(sp, "allsent");

  // Round 1: the lobby, phone one reconnects first; round 2: the lift, phone two first.
  for (const [round, name, oneFirst] of [[1, "大堂", true], [2, "A座 电梯", false]]) {
    const id = areaId(name);
    for (const p of [one, two]) await openArea(p.page, id);
    const item = await one.page.locator("[data-testid=check-item]").first().getAttribute("data-item");
    for (const p of [one, two]) await p.context.setOffline(true);

    // Phone one ticks it; a little later phone two reports a problem on it.
    await one.page.locator(`[data-testid=check-item][data-item="${item}"] [data-testid=tick]`).click();
    await one.page.waitForSelector(`[data-testid=check-item][data-item="${item}"].done`);
    await two.page.locator(`[data-testid=check-item][data-item="${item}"] [data-testid=problem]`).click();
    await two.page.waitForSelector("[data-testid=problem-form]");
    await two.page.setInputFiles("[data-testid=problem-form] [data-testid=camera-input]", fixtures[`leak${round}`]);
    await two.page.waitForSelector("[data-testid=problem-form] .thumb img", { timeout: 30_000 });
    await two.page.click("[data-testid=problem-kind][data-kind=Leak]");
    await two.page.click("[data-testid=save-finding]");
    await two.page.waitForSelector(`[data-testid=check-item][data-item="${item}"].problem`);

    const order = oneFirst ? [one, two] : [two, one];
    for (const p of order) {
      await reconnect(p.context, p.page);
      await badge(p.page, "allsent", 90_000);
    }
    // Both phones show the conflict with both marks; the later action (the problem) shows.
    for (const p of [one, two]) {
      await openArea(p.page, id);
      await p.page.waitForSelector(conflictOf(item), { timeout: 30_000 });
      assert.equal(await p.page.locator(`${conflictOf(item)} [data-testid=conflict-side]`).count(), 2);
      await p.page.waitForSelector(`${conflictOf(item)} [data-testid=conflict-side][data-mark=done]`);
      await p.page.waitForSelector(`${conflictOf(item)} [data-testid=conflict-side][data-mark=problem]`);
      await p.page.waitForSelector(`[data-testid=check-item][data-item="${item}"].problem`);
      // A cleaner sees it; only the supervisor settles.
      assert.equal(await p.page.locator(`${conflictOf(item)} [data-testid=keep-side]`).count(), 0);
    }
    if (round === 1) await shoot(one.page, "cleaner-conflict-phone.png");

    // The supervisor keeps the tick with one tap.
    await openArea(sp, id);
    await sp.waitForSelector(conflictOf(item), { timeout: 30_000 });
    if (round === 1) await shoot(sp, "supervisor-conflict-tablet.png");
    await sp.locator(`${conflictOf(item)} [data-testid=conflict-side][data-mark=done] [data-testid=keep-side]`).click();
    await badge(sp, "allsent", 90_000);
    for (const p of [sp, one.page, two.page]) {
      await openArea(p, id);
      await p.waitForSelector(`[data-testid=check-item][data-item="${item}"].done`, { timeout: 30_000 });
      assert.equal(await p.locator(conflictOf(item)).count(), 0, `${name}: settled everywhere`);
    }
  }

  // What the server holds: no conflict left, each item ticked, and both findings kept.
  const field = (await sup.get("/api/sync?cursor=0")).body.field;
  for (const day of field.area_days) assert.deepEqual(day.conflicts ?? {}, {}, JSON.stringify(day));
  assert.equal(field.findings.filter((f) => f.reported_by === "cleaner1").length, 2);
  await tablet.close();
  await one.context.close();
  await two.context.close();
});
