// Signing in says what the server said (issue 16): a locked account is told to wait, with how
// long, never "no signal"; only a lost connection says "no signal". A shared phone opens on the
// new person's home, not on the last person's page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { badge, launch, PHONE, Server, signIn } from "./harness.mjs";

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

async function trySignIn(page, username, password) {
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForFunction(() => {
    const el = document.querySelector("[data-testid=sign-in-error]");
    const button = document.querySelector("button[type=submit]");
    return el && el.textContent.trim() !== "" && !button.disabled;
  });
  return page.textContent("[data-testid=sign-in-error]");
}

test("a locked account is told to wait and for how long; only a lost connection is 'no signal'", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector("form.form");
  const said = [];
  for (let i = 0; i < 6; i++) {
    said.push(await trySignIn(page, "engineer2", `wrong-${i}`));
  }
  assert.match(said[0], /用户名或密码不正确/);
  const locked = said.at(-1);
  assert.match(locked, /暂时锁定/, `the sixth try: ${locked}`);
  assert.match(locked, /请 \d+ (秒|分钟)后再试/, "says how long");
  assert.doesNotMatch(locked, /连不上|信号/, "not 'no signal'");
  // The right password is refused too while it is locked, with the same words.
  assert.match(await trySignIn(page, "engineer2", "demo1234"), /暂时锁定/);

  // A real lost connection is the one that says "no signal".
  await context.setOffline(true);
  assert.match(await trySignIn(page, "engineer1", "demo1234"), /连不上服务器|Cannot reach the server/);
  await context.setOffline(false);
  await context.close();
});

test("a shared phone opens on the new person's home, not on the last person's page", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const page = await context.newPage();
  await signIn(page, server.url, "cleaner1", "[data-testid=area-card]");
  await badge(page, "allsent");
  await page.click("[data-testid=area-card] >> nth=0");
  await page.waitForSelector("[data-testid=checklist]");
  assert.notEqual(new URL(page.url()).pathname, "/");

  await page.click("[data-testid=sign-out]");
  await page.waitForSelector("form.form input[name=username]");
  await page.fill("input[name=username]", "engineer1");
  await page.fill("input[name=password]", "demo1234");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=work-order-card]");
  assert.equal(new URL(page.url()).pathname, "/", "the address is the new person's home");
  await context.close();
});
