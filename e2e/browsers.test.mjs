// Browsers that cannot keep work safe say so before anyone starts (issue 15): a link opened in
// WeChat gets "open this in the phone's browser" with the link to copy, not a sign-in form whose
// work WeChat would later delete; an iPhone's Safari tab works but asks to be added to the home
// screen, and asks louder while unsent work is on the phone.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { badge, launch, PHONE, Server, signIn } from "./harness.mjs";

const WECHAT =
  "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN";
const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

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

test("a link opened in WeChat asks for the phone's browser and offers the link; no sign-in form", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN", userAgent: WECHAT });
  const page = await context.newPage();
  await page.goto(server.url + "/work-orders/abc");
  await page.waitForSelector("[data-testid=unsupported]");
  assert.match(await page.textContent("[data-testid=unsupported] h1"), /请在手机浏览器中打开/);
  assert.match(await page.textContent("[data-testid=unsupported]"), /Open this in the phone's browser/, "the other language is under it");
  assert.equal(await page.inputValue(".copy-link"), server.url + "/work-orders/abc", "the link to copy is the one opened");
  assert.equal(await page.locator("input[type=password]").count(), 0, "no sign-in form");
  const registrations = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
  assert.equal(registrations, 0, "nothing is installed in WeChat's web view");
  await context.close();
});

test("an iPhone's Safari tab is asked onto the home screen, louder while work is unsent", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN", userAgent: IPHONE_SAFARI });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(page, "allsent");
  const hint = page.locator("[data-testid=home-screen-hint]");
  assert.match(await hint.textContent(), /添加到主屏幕/);
  assert.equal(await hint.evaluate((el) => el.classList.contains("attention")), false);

  await context.setOffline(true);
  await page.click("[data-testid=area-card] >> nth=0");
  await page.locator("[data-testid=check-item] [data-testid=tick]").first().click();
  await badge(page, "savedhere");
  await page.waitForSelector("[data-testid=home-screen-hint].attention");
  assert.match(await hint.textContent(), /本机有未发送的记录/);

  await context.setOffline(false);
  await badge(page, "allsent");
  await page.waitForSelector("[data-testid=home-screen-hint]:not(.attention)");
  await context.close();
});

test("Chrome on Android gets neither the page nor the hint", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  assert.equal(await page.locator("[data-testid=home-screen-hint], [data-testid=unsupported]").count(), 0);
  await context.close();
});
