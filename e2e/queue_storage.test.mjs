// A phone running out of room: the warning before a photo is taken, and a write the browser
// refuses (QuotaExceededError) telling the person what was and was not saved, with everything
// saved before intact and sent later.
//
// Chromium 156 ignores the DevTools protocol's Storage.overrideQuotaForOrigin, and its
// navigator.storage.estimate() reports at least 1 GiB of quota even on a tiny disk. What it does
// do is refuse IndexedDB writes when the disk under its profile is nearly full: so the full phone
// is a real browser profile on a small tmpfs (mounting one needs root; without it the test is
// skipped and says so), and the low-space warning is shown against a stubbed estimate.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  addExtra, badge, fillProblemReport, launch, launchPersistent, makeJpegs, openOrder, PHONE, queueCounts, reconnect, Server,
  serviceWorkerReady, shoot, signIn, TABLET,
} from "./harness.mjs";

let server;
let browser;
let jpegs;

before(async () => {
  server = await Server.start();
  browser = await launch();
  const labels = ["full-1", "full-2", "full-3", "low-1", "cleaner-1", "cleaner-2", "patrol-1", "patrol-2"];
  jpegs = await makeJpegs(browser, labels, mkdtempSync(join(tmpdir(), "fieldbook-storage-")));
});

after(async () => {
  await browser?.close();
  await server?.kill();
});

const thumbs = (page) => page.locator("li[data-slot=extra] .thumb").count();

async function orders() {
  const engineer = await server.client("engineer1");
  return (await engineer.get("/api/sync?cursor=0")).body.work_orders;
}

test("with little room left the person is warned before taking a photo", { timeout: 120_000 }, async () => {
  const [order] = await orders();
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  await signIn(page, server.url, "engineer1");
  await openOrder(page, order);
  await page.waitForSelector("[data-testid=photos]");
  assert.equal(await page.locator("[data-testid=low-space]").count(), 0, "no warning with room to spare");

  // The browser's own figure, stubbed: 30 MB left.
  await context.addInitScript(() => {
    const real = StorageManager.prototype.estimate;
    StorageManager.prototype.estimate = async function () {
      const e = await real.call(this);
      return { ...e, quota: e.usage + 30 * 1024 * 1024 };
    };
  });
  await page.reload();
  await page.waitForSelector("[data-testid=low-space]");
  assert.match(await page.locator("[data-testid=low-space]").textContent(), /不足 50 MB/);
  await shoot(page, "phone-low-space.png");
  await context.close();
});

function mountSmallDisk() {
  const dir = mkdtempSync(join(tmpdir(), "fieldbook-small-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=100m", "tmpfs", dir], { stdio: "pipe" });
    return dir;
  } catch (e) {
    return null;
  }
}

/**
 * A device whose browser profile is on a small disk of its own: `body(context, page)` runs with it,
 * then the disk goes. Without root (no tmpfs) the test is skipped and says so.
 */
async function onSmallDisk(t, device, body) {
  const disk = mountSmallDisk();
  if (!disk) {
    t.skip("cannot mount a small tmpfs here (needs root): a full disk cannot be made without it");
    return;
  }
  const profile = join(disk, "profile");
  mkdirSync(profile);
  const context = await launchPersistent(profile, device);
  try {
    await body(context, context.pages()[0] ?? (await context.newPage()));
  } finally {
    await context.close();
    execFileSync("umount", [disk]);
  }
}

/**
 * Something else fills the phone: another site's data, here a database of 1 MB blobs written
 * until the browser refuses. Returns the name of the browser's refusal.
 */
async function fillDisk(page) {
  return page.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open("ballast", 1);
      r.onupgradeneeded = () => r.result.createObjectStore("b");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    // 1 MB blobs, then 64 KB ones into what is left: how much is left after the big ones
    // depends on everything else in the profile (the app's own size among it), and a photo
    // could still fit in it. Then 4 KB and 256 B ones: a record without a photo (a tick, a
    // round) is a few hundred bytes, and still fitted after the 64 KB ones.
    let refused = null;
    let key = 0;
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 8]) {
      const chunk = new Uint8Array(size);
      for (let i = 0; i < 2000; i++) {
        crypto.getRandomValues(chunk.subarray(0, Math.min(size, 65536)));
        const error = await new Promise((ok) => {
          const tx = db.transaction("b", "readwrite");
          tx.objectStore("b").put(new Blob([chunk]), key++);
          tx.oncomplete = () => ok(null);
          tx.onabort = () => ok(tx.error?.name ?? "aborted");
        });
        if (error) {
          refused = error;
          break;
        }
      }
    }
    db.close();
    return refused;
  });
}

/** Room again: the other data went. */
async function freeDisk(page) {
  await page.evaluate(() => new Promise((ok) => {
    const r = indexedDB.deleteDatabase("ballast");
    r.onsuccess = r.onerror = r.onblocked = () => ok();
  }));
}

/**
 * The field screens' toast says, in Chinese, that the phone is full and what was not saved; none
 * of the browser's or the store's own English is on the screen.
 */
async function storageFullToast(page, expected) {
  const alert = page.locator(".toast.failed[role=alert]");
  // An earlier message may still be showing: wait for this one, then judge what is there.
  await alert.filter({ hasText: expected }).waitFor({ timeout: 30_000 }).catch(() => {});
  const text = await alert.innerText({ timeout: 1000 });
  assert.match(text, /^手机存储已满：/, text);
  assert.match(text, expected, text);
  assert.doesNotMatch(text, /[A-Za-z]{3,}/, `no English in the message: ${text}`);
  const screen = await page.locator("body").innerText();
  for (const raw of ["QuotaExceeded", "storage refused", "storage is full", "Error", "Failed"]) {
    assert.ok(!screen.includes(raw), `"${raw}" on the screen:\n${screen}`);
  }
}

test("a full phone: the photo that did not fit is reported, the ones before are kept and sent", { timeout: 240_000 }, async (t) => {
  const order = (await orders()).find((o) => o.status === "dispatched");
  await onSmallDisk(t, PHONE, async (context, page) => {
    await signIn(page, server.url, "engineer1");
    await serviceWorkerReady(page);
    await openOrder(page, order);
    await context.setOffline(true);
    await addExtra(page, jpegs["full-1"]);
    await addExtra(page, jpegs["full-2"]);
    await badge(page, "savedhere", 10_000);

    assert.equal(await fillDisk(page), "QuotaExceededError", "the browser refuses writes on a full disk");

    await page.setInputFiles("li[data-slot=extra] [data-testid=gallery-input]", jpegs["full-3"]);
    const problem = page.locator("[data-testid=failed-toast]");
    await problem.waitFor({ timeout: 30_000 });
    const text = await problem.textContent();
    assert.match(text, /这张照片没有保存/, text);
    assert.match(text, /之前保存的照片和记录都还在/, text);
    await shoot(page, "phone-storage-full.png");
    assert.equal(await thumbs(page), 2, "the two photos before are still on the order");

    await page.goto(`${server.url}/sync`);
    await page.waitForSelector("[data-testid=queue-photo]");
    assert.equal(await page.locator("[data-testid=queue-photo]").count(), 2);
    assert.equal(await page.locator("[data-testid=queue-entry]").count(), 2, "two photo records, not three");

    // Room again (the other data went), and a connection: the two saved photos go, once each.
    await freeDisk(page);
    await reconnect(context, page);
    await badge(page, "allsent", 60_000);
    const office = await server.client("dispatcher1");
    const extras = (await office.get(`/api/work-orders/${order.id}`)).body.photos.filter((p) => p.slot === "extra");
    assert.equal(extras.length, 2);
    assert.ok(extras.every((p) => p.uploaded));
  });
});

test("a cleaner's full phone: the problem report and the tick that did not fit say so in Chinese, what was saved before is sent", { timeout: 240_000 }, async (t) => {
  await onSmallDisk(t, PHONE, async (context, page) => {
    await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
    await badge(page, "allsent");
    await serviceWorkerReady(page);
    await context.setOffline(true);

    // Saved before: a tick in the lobby, and a problem reported with its photo.
    await page.click("[data-testid=area-card][data-area=大堂]");
    const items = page.locator("[data-testid=check-item]");
    await items.nth(1).waitFor();
    const [ticked, later] = await items.evaluateAll((els) => els.slice(0, 2).map((e) => e.dataset.item));
    await page.click(`[data-testid=check-item][data-item="${ticked}"] [data-testid=tick]`);
    await page.waitForSelector(`[data-testid=check-item][data-item="${ticked}"].done`);
    await page.click("a.back");
    await fillProblemReport(page, jpegs["cleaner-1"], "B座 地下车库入口");
    await page.click("[data-testid=save-finding]");
    await page.waitForSelector("[data-testid=report-list] [data-testid=finding-card]");
    await badge(page, "savedhere", 10_000);
    const before = await queueCounts(page);
    assert.equal(before.photos, 1, "the report's photo waits");
    await page.click("a.brand");
    await page.waitForSelector("[data-testid=area-card]");

    assert.equal(await fillDisk(page), "QuotaExceededError", "the browser refuses writes on a full disk");

    // "上报问题" with a photo: the photo was not saved.
    await fillProblemReport(page, jpegs["cleaner-2"], "C座 楼梯间");
    await page.click("[data-testid=save-finding]");
    await storageFullToast(page, /这张照片没有保存.*之前保存的照片和记录都还在/s);
    assert.equal(await page.locator("[data-testid=save-finding]").count(), 1, "the form stays open");
    // A tick without a photo: this one was not saved.
    await page.click("a.back");
    await page.click("[data-testid=area-card][data-area=大堂]");
    await page.click(`[data-testid=check-item][data-item="${later}"] [data-testid=tick]`);
    await storageFullToast(page, /这一条没有保存，之前保存的都还在/);
    await page.waitForSelector(`[data-testid=check-item][data-item="${ticked}"].done`);
    assert.equal(await page.locator(`[data-testid=check-item][data-item="${later}"].done`).count(), 0);
    assert.deepEqual(await queueCounts(page), before, "what was saved before waits, nothing more");

    // Room again, and a connection: what was saved goes; what was refused never existed.
    await freeDisk(page);
    await reconnect(context, page);
    await badge(page, "allsent", 60_000);
    const field = (await (await server.client("supervisor1")).get("/api/sync?cursor=0")).body.field;
    const lobby = field.reference.areas.find((a) => a.name === "大堂").id;
    const itemId = (label) => field.reference.items.find((i) => i.area_id === lobby && i.label === label).id;
    const marks = field.area_days.find((d) => d.area_id === lobby)?.marks ?? {};
    assert.equal(marks[itemId(ticked)]?.mark, "done", JSON.stringify(marks));
    assert.equal(marks[itemId(later)], undefined, JSON.stringify(marks));
    const spotted = field.findings.filter((f) => f.reported_by === "cleaner1");
    assert.deepEqual(spotted.map((f) => f.place), ["B座 地下车库入口"]);
    assert.equal(spotted[0].photos.length, 1);
    const photo = await fetch(`${server.url}/api/photos/${spotted[0].photos[0].photo_id}`, {
      headers: { cookie: (await server.client("supervisor1")).cookie },
    });
    assert.equal(photo.status, 200, "the report's photo arrived");
  });
});

test("a supervisor's full tablet: the patrol finding and the round that did not fit say so in Chinese, the finding before is sent", { timeout: 240_000 }, async (t) => {
  const area = (name) => `[data-testid=patrol-area][data-area="${name}"]`;
  await onSmallDisk(t, TABLET, async (context, page) => {
    await signIn(page, server.url, "supervisor1", "[data-testid=board-rounds]");
    await badge(page, "allsent");
    await serviceWorkerReady(page);
    await context.setOffline(true);

    // Saved before: a finding in the morning round, with its photo.
    await page.click("[data-testid=start-round]");
    await page.click("[data-testid=round-kind][data-kind=Morning]");
    await page.click("[data-testid=begin-round]");
    await page.click(`${area("大堂")} [data-testid=area-pass]`);
    await patrolFinding(page, area("外围"), jpegs["patrol-1"], "东侧路灯灯罩破损");
    await page.waitForSelector(`${area("外围")}[data-result=finding]`);
    await badge(page, "savedhere", 10_000);

    assert.equal(await fillDisk(page), "QuotaExceededError", "the browser refuses writes on a full disk");

    // Another finding with a photo: not saved, and the area is not marked with it.
    await patrolFinding(page, area("垃圾房"), jpegs["patrol-2"], "垃圾桶盖损坏");
    await storageFullToast(page, /这张照片没有保存.*之前保存的照片和记录都还在/s);
    await page.click("[data-testid=problem-form] button.secondary");
    assert.equal(await page.locator(`${area("垃圾房")}[data-result=finding]`).count(), 0);
    // Finishing the round (no photo): this one was not saved; the round stays open.
    await page.click(`${area("垃圾房")} [data-testid=area-pass]`);
    await page.click("[data-testid=finish-round]");
    await page.click("[data-testid=finish-anyway]");
    await storageFullToast(page, /这一条没有保存，之前保存的都还在/);
    await page.waitForSelector("[data-testid=round-head][data-kind=Morning]");

    // Room again: the round is finished, and everything goes.
    await freeDisk(page);
    await page.click("[data-testid=finish-round]");
    await page.click("[data-testid=finish-anyway]");
    await page.waitForSelector("[data-testid=round-state][data-kind=Morning][data-state=Done]");
    await reconnect(context, page);
    await badge(page, "allsent", 60_000);
    const sup = await server.client("supervisor1");
    const field = (await sup.get("/api/sync?cursor=0")).body.field;
    const rounds = field.rounds.filter((r) => r.kind === "morning");
    assert.equal(rounds.length, 1, JSON.stringify(field.rounds));
    const findings = field.findings.filter((f) => f.source.patrol?.round_id === rounds[0].id);
    assert.deepEqual(findings.map((f) => f.note), ["东侧路灯灯罩破损"]);
    const photo = await fetch(`${server.url}/api/photos/${findings[0].photos[0].photo_id}`, { headers: { cookie: sup.cookie } });
    assert.equal(photo.status, 200, "the finding's photo arrived");
  });
});

/** A finding on a patrol area: a photo, "damaged", a note. */
async function patrolFinding(page, row, photo, note) {
  await page.click(`${row} [data-testid=area-finding]`);
  await page.waitForSelector("[data-testid=problem-form]");
  await page.setInputFiles("[data-testid=problem-form] [data-testid=camera-input]", photo);
  await page.waitForSelector("[data-testid=problem-form] .thumb img", { timeout: 30_000 });
  await page.click("[data-testid=problem-kind][data-kind=Damaged]");
  await page.fill("[data-testid=finding-note]", note);
  await page.click("[data-testid=save-finding]");
}
