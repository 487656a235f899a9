// The demo, end to end, in Chromium: the same stack `npm run demo` starts
// (devstore/stack.ts: the app's production build and its worker as their own
// processes, the fake Admin API, the dev store) on free ports and this test
// file's database. The story:
//   1. the merchant opens the admin, sets 10% / 10% with no hold and saves;
//   2. a shopper logs in on the storefront and gets her link;
//   3. a friend opens the link: the code is applied; the friend orders;
//   4. the orders/paid webhook reaches the app; the referrer sees her reward in the block;
//   5. the merchant sees the referral and its revenue on the dashboard;
//   6. a refund reverses it.
// Each step is asserted through the UI (and the database where the UI cannot
// show it) and screenshot to test-results/e2e/. With UPDATE_DOCS_SCREENSHOTS=1
// the admin and storefront shots are also copied to docs/screenshots/ for the
// README (a plain test run leaves the committed pictures alone).
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { formatMoney } from "~/i18n/format";
import { money, toDecimal } from "~/referrals/money";
import { startDemoStack, type DemoStack } from "../../devstore/stack";
import { DEMO_SHOPPER } from "../../devstore/demo-shop";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results/e2e");
const DOCS = path.join(PROJECT_ROOT, "docs/screenshots");

let stack: DemoStack;
let browser: Browser;
let userAgent: string;
let shop: string;
const errors: string[] = [];

async function newContext(): Promise<BrowserContext> {
  // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", userAgent });
  await context.route("**/*", (route) => {
    // Offline: only the demo's own servers answer (App Bridge comes from the dev store's admin).
    if (new URL(route.request().url()).hostname === "127.0.0.1") return route.continue();
    return route.fulfill({ status: 204, body: "" });
  });
  return context;
}

function watch(page: Page, name: string) {
  page.on("pageerror", (e) => errors.push(`${name} pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500) errors.push(`${name} http ${r.status()}: ${r.url()}`);
  });
  return page;
}

async function shot(page: Page, name: string, docs = false) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (docs && process.env.UPDATE_DOCS_SCREENSHOTS === "1") fs.copyFileSync(file, path.join(DOCS, `${name.replace(/^\d+-/, "")}.png`));
}

/** The app inside the admin page, once Remix has hydrated it. */
async function app(page: Page, appPath: string): Promise<FrameLocator> {
  await page.goto(`${stack.urls.admin}/apps/referrals${appPath}`);
  const frame = page.frameLocator('iframe[title="Referrals"]');
  await frame.locator(".Polaris-Page").first().waitFor({ timeout: 60_000 });
  const handle = page.frames().find((f) => f.url().startsWith(stack.urls.app))!;
  await handle.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext, null, { timeout: 30_000 });
  await page.waitForLoadState("networkidle");
  return frame;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(NO_BROWSER)("the demo, end to end", () => {
  let merchant: Page;
  let shopper: Page;
  let friend: Page;
  let code = "";
  let orderName = "";

  beforeAll(async () => {
    requireChromium();
    fs.mkdirSync(OUT, { recursive: true });
    fs.mkdirSync(DOCS, { recursive: true });
    stack = await startDemoStack({ logDir: path.join(OUT, "logs") });
    shop = stack.shop;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const probe = await browser.newPage();
    userAgent = (await probe.evaluate(() => navigator.userAgent)).replace("HeadlessChrome", "Chrome");
    await probe.close();
    merchant = watch(await (await newContext()).newPage(), "merchant");
    shopper = watch(await (await newContext()).newPage(), "shopper");
    friend = watch(await (await newContext()).newPage(), "friend");
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("1. the merchant sets 10% / 10% with no hold and saves", async () => {
    const frame = await app(merchant, "/settings");
    expect(merchant.url()).toBe(`${stack.urls.admin}/apps/referrals/settings`);
    // The app's nav menu, shown by the admin as the real admin shows it.
    await merchant.locator("#app-nav a", { hasText: "Dashboard" }).waitFor();
    await frame.getByLabel("Discount", { exact: true }).fill("10");
    await frame.getByLabel("Reward", { exact: true }).fill("10");
    await frame.getByLabel("Hold period (days)").fill("0");
    const saveBar = frame.locator("ui-save-bar[data-open]");
    await saveBar.waitFor();
    await shot(merchant, "1-admin-settings", true);
    await saveBar.getByRole("button", { name: "Save" }).click();
    // The toast is shown by the admin page (App Bridge posts it to its host).
    await merchant.locator("#toast", { hasText: "Settings saved" }).waitFor({ timeout: 30_000 });
    const program = await db.program.findUniqueOrThrow({ where: { shop } });
    expect({ friend: program.friendOfferValue.toString(), reward: program.rewardValue.toString(), kind: program.rewardKind, hold: program.holdDays }).toEqual({
      friend: "10",
      reward: "10",
      kind: "CODE_PERCENTAGE",
      hold: 0,
    });
    // The friend discount in Shopify, the app's discount function's, now gives 10%.
    const discount = stack.fake.discounts(shop).find((d) => d.id === program.discountId);
    expect(discount?.typename).toBe("DiscountCodeApp");
    const config = stack.fake.shop(shop).metafields.get(`${program.discountId}|$app:referral|friend-offer`);
    expect(JSON.parse(config!.value).offer).toEqual({ kind: "PERCENTAGE", value: "10" });
  }, 120_000);

  it("2. a shopper logs in on the storefront and gets her link", async () => {
    await shopper.goto(`${stack.urls.storefront}/account/login`);
    await shopper.getByRole("button", { name: `Log in as ${DEMO_SHOPPER.firstName} (${DEMO_SHOPPER.email})` }).click();
    await shopper.waitForURL(`${stack.urls.storefront}/`);
    await shopper.getByText(`Hello, ${DEMO_SHOPPER.firstName}`).waitFor();
    await shopper.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await shopper.getByLabel("I agree to the referral program terms").check();
    await shopper.getByRole("button", { name: "Get my link" }).click();
    const link = shopper.locator("[data-rfl-link]");
    const value = await until(() => link.inputValue(), (v) => /\?ref=FRIEND-[A-Z0-9]{8}&ch=copy$/.test(v), "the shopper's link");
    code = new URL(value).searchParams.get("ref")!;
    expect(value).toBe(`${stack.urls.storefront}/?ref=${code}&ch=copy`);
    // Enrolled as the logged-in customer (the proxy's logged_in_customer_id), not as a guest email.
    const ana = stack.fake.shop(shop).customerByEmail(DEMO_SHOPPER.email)!;
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop, code } });
    expect(referrer.customerId).toBe(ana.id);
    await shopper.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await shot(shopper, "2-storefront-link");
    // Her code is on the friend discount in Shopify before any friend arrives.
    await until(async () => stack.fake.codes(shop).some((c) => c.code === code), Boolean, "the code on the friend discount");
  }, 60_000);

  it("3. a friend opens the link, the code is applied, and the friend orders", async () => {
    expect(code, "step 2 gave the shopper a code").not.toBe("");
    await friend.goto(`${stack.urls.storefront}/?ref=${code}&ch=copy`);
    const banner = friend.getByRole("region", { name: "Your friend's discount is applied at checkout." });
    await banner.waitFor();
    expect(await banner.textContent()).toContain("Your friend gave you 10% off.");
    await friend.waitForLoadState("networkidle"); // the embed's click report and cart update
    await shot(friend, "3-friend-banner");
    await friend.goto(`${stack.urls.storefront}/products/alpine-jacket`);
    await friend.getByRole("button", { name: "Add to cart" }).click();
    await friend.waitForURL(`${stack.urls.storefront}/cart`);
    expect(await friend.locator("[data-applied-code]").textContent()).toBe(code);
    // The embed put the code on the cart as the _referral_code attribute too.
    await friend.getByText(`Referred by a friend: ${code}`).waitFor();
    expect(await friend.locator("[data-cart-total]").textContent()).toBe("$108.00");
    await friend.getByRole("link", { name: "Check out" }).click();
    await friend.getByLabel("Email").fill("zoe@example.com");
    await shot(friend, "4-friend-checkout");
    await friend.getByRole("button", { name: "Place order" }).click();
    await friend.locator("[data-order-name]").waitFor();
    orderName = (await friend.locator("[data-order-name]").textContent())!.match(/#\d+/)![0];
    expect(await friend.locator("[data-order-total]").textContent()).toBe("$108.00");
    await shot(friend, "5-friend-order");
  }, 60_000);

  it("4. the webhook arrives, the reward is issued, and the referrer sees it in the block", async () => {
    expect(orderName, "step 3 placed an order").not.toBe("");
    const referral = await until(
      () => db.referral.findFirst({ where: { shop, orderName }, include: { reward: true, referrer: true } }),
      (r) => r?.status === "REWARDED" && r.reward?.status === "ISSUED",
      "the referral rewarded",
    );
    expect(referral!.referrer.code).toBe(code);
    expect(referral!.attributedBy).toBeTruthy();
    expect(referral!.totalAmount.toString()).toBe("108");
    const rewardCode = referral!.reward!.code!;
    // The reward code exists in Shopify, for her alone.
    expect(stack.fake.codes(shop).some((c) => c.code === rewardCode)).toBe(true);

    await shopper.reload();
    await shopper.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await until(() => shopper.locator("[data-rfl-friends]").textContent(), (v) => v === "1", "one friend in the block");
    expect(await shopper.locator("[data-rfl-codes]").textContent()).toContain(rewardCode);
    expect(await shopper.locator("[data-rfl-rewards]").textContent()).toMatch(/^1/);
    await shopper.locator("[data-rfl-stats]").scrollIntoViewIfNeeded();
    await shot(shopper, "6-storefront-block", true);
  }, 60_000);

  it("5. the merchant sees the referral and its revenue on the dashboard", async () => {
    expect(orderName, "step 3 placed an order").not.toBe("");
    const frame = await app(merchant, "/dashboard");
    await frame.getByText("Referred revenue").first().waitFor();
    await frame.locator(".Polaris-Page svg").first().waitFor({ timeout: 30_000 });
    // The friend's order is counted: the live referrals of the last 30 days, the seeded weeks and hers.
    const live = await db.referral.findMany({ where: { shop, status: { in: ["PENDING", "APPROVED", "REWARDED"] } }, select: { totalAmount: true } });
    const revenue = live.reduce((sum, r) => sum.plus(r.totalAmount), toDecimal(0));
    const card = (label: string) => frame.getByText(label, { exact: true }).first().locator("..").textContent();
    expect(await card("Referred orders")).toContain(String(live.length));
    expect(await card("Referred revenue")).toContain(formatMoney(money(revenue, "USD").amount, "USD", "en-US"));
    await shot(merchant, "7-admin-dashboard", true);
    const referrals = await app(merchant, "/referrals");
    const row = referrals.locator(".Polaris-IndexTable__TableRow", { hasText: orderName });
    await row.waitFor();
    expect(await row.textContent()).toContain("Rewarded");
    expect(await row.textContent()).toContain("$108.00");
    expect(merchant.url()).toBe(`${stack.urls.admin}/apps/referrals/referrals`);
    await shot(merchant, "8-admin-referrals", true);
  }, 90_000);

  it("6. a refund reverses it", async () => {
    expect(orderName, "step 3 placed an order").not.toBe("");
    await merchant.goto(`${stack.urls.admin}/orders`);
    await merchant.locator("tr", { hasText: orderName }).getByRole("button", { name: "Refund" }).click();
    await merchant.getByRole("status").filter({ hasText: `${orderName} refunded` }).waitFor();
    await shot(merchant, "9-admin-orders-refunded");
    const referral = await until(
      () => db.referral.findFirst({ where: { shop, orderName }, include: { reward: true } }),
      (r) => r?.status === "REVERSED" && r.reward?.status === "REVOKED",
      "the referral reversed and its reward revoked",
    );
    // The unused reward code is switched off in Shopify.
    const discount = stack.fake.discounts(shop).find((d) => d.codes.some((c) => c.code === referral!.reward!.code));
    expect(discount?.status).toBe("EXPIRED");
    const frame = await app(merchant, "/referrals");
    const row = frame.locator(".Polaris-IndexTable__TableRow", { hasText: orderName });
    await row.waitFor();
    expect(await row.textContent()).toContain("Reversed");
    await shot(merchant, "10-admin-referral-reversed");
  }, 60_000);

  it("listens on loopback only, the app's own server included", () => {
    // The kernel's table of listening TCP sockets (state 0A), read rather than
    // probed: no traffic to any address but loopback.
    const listening = ["/proc/net/tcp", "/proc/net/tcp6"]
      .filter((file) => fs.existsSync(file))
      .flatMap((file) => fs.readFileSync(file, "utf8").trim().split("\n").slice(1))
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === "0A")
      .map((cols) => ({ address: cols[1].split(":")[0], port: parseInt(cols[1].split(":")[1], 16) }));
    const LOOPBACK_V4 = "0100007F";
    const LOOPBACK_V6 = "00000000000000000000000001000000";
    for (const [name, port] of Object.entries(stack.ports)) {
      const sockets = listening.filter((s) => s.port === port);
      expect(sockets.length, `${name} (port ${port}) is listening`).toBeGreaterThan(0);
      for (const socket of sockets) expect([LOOPBACK_V4, LOOPBACK_V6], `${name} (port ${port}) listens on ${socket.address}`).toContain(socket.address);
    }
  });

  it("had no page errors", () => {
    expect(errors).toEqual([]);
  });
});
