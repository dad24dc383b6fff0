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
import { addExtra, badge, launch, launchPersistent, makeJpegs, PHONE, Server, serviceWorkerReady, shoot, signIn, openOrder } from "./harness.mjs";

let server;
let browser;
let jpegs;

before(async () => {
  server = await Server.start();
  browser = await launch();
  const labels = ["full-1", "full-2", "full-3", "low-1"];
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

test("a full phone: the photo that did not fit is reported, the ones before are kept and sent", { timeout: 240_000 }, async (t) => {
  const disk = mountSmallDisk();
  if (!disk) {
    t.skip("cannot mount a small tmpfs here (needs root): a full disk cannot be made without it");
    return;
  }
  const order = (await orders()).find((o) => o.status === "dispatched");
  const profile = join(disk, "profile");
  mkdirSync(profile);
  const context = await launchPersistent(profile, PHONE);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await signIn(page, server.url, "engineer1");
    await serviceWorkerReady(page);
    await openOrder(page, order);
    await context.setOffline(true);
    await addExtra(page, jpegs["full-1"]);
    await addExtra(page, jpegs["full-2"]);
    await badge(page, "savedhere", 10_000);

    // Something else fills the phone: another site's data, here a database of 1 MB blobs
    // written until the browser refuses.
    const refused = await page.evaluate(async () => {
      const db = await new Promise((ok, fail) => {
        const r = indexedDB.open("ballast", 1);
        r.onupgradeneeded = () => r.result.createObjectStore("b");
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      // 1 MB blobs, then 64 KB ones into what is left: how much is left after the big ones
      // depends on everything else in the profile (the app's own size among it), and a photo
      // could still fit in it.
      let refused = null;
      let key = 0;
      for (const size of [1 << 20, 1 << 16]) {
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
    assert.equal(refused, "QuotaExceededError", "the browser refuses writes on a full disk");

    await page.setInputFiles("li[data-slot=extra] [data-testid=gallery-input]", jpegs["full-3"]);
    const problem = page.locator("[data-testid=problem]");
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
    await page.evaluate(() => new Promise((ok) => {
      const r = indexedDB.deleteDatabase("ballast");
      r.onsuccess = r.onerror = r.onblocked = () => ok();
    }));
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await badge(page, "allsent", 60_000);
    const office = await server.client("dispatcher1");
    const extras = (await office.get(`/api/work-orders/${order.id}`)).body.photos.filter((p) => p.slot === "extra");
    assert.equal(extras.length, 2);
    assert.ok(extras.every((p) => p.uploaded));
  } finally {
    await context.close();
    execFileSync("umount", [disk]);
  }
});
