// The storefront in a real Chromium: the block and embed rendered from the
// extension's Liquid, talking to the real app proxy routes (signed as Shopify
// signs them) through a local stand-in storefront. Screenshots go to
// test-results/ for a person to look at; axe checks accessibility.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { translator } from "~/storefront/i18n";
import { PROJECT_ROOT } from "~/db-url";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { useTestShopify } from "../helpers/admin";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer } from "../helpers/storefront";
import { decodeQr, readPdf } from "../helpers/pdf";
import { startStorefrontServer, type StorefrontServer } from "../helpers/storefront-server";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const RESULTS = path.join(PROJECT_ROOT, "test-results");
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const shopify = useTestShopify();
let browser: Browser;
let server: StorefrontServer;
const shop = uniqueShop("browser");
let code = "";

beforeAll(async () => {
  requireChromium();
  fs.mkdirSync(RESULTS, { recursive: true });
  await seedProgram(shop, { friendOfferValue: 10 });
  code = (await seedReferrer(shop, { customerId: "gid://shopify/Customer/501" })).code;
  server = await startStorefrontServer(shop);
  // The stand-in storefront is the shop's online store: its share links point there.
  await db.program.update({ where: { shop }, data: { storefrontUrl: server.origin } });
  // A customer claiming a guest enrolment is looked up in (fake) Shopify with the shop's offline session.
  await seedInstalledShop(db, shop, { scope: "write_customers" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: "en-US" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
  // No network beyond the stand-in storefront: share dialogs open a stub page.
  await context.route(/^https:\/\/(wa\.me|x\.com|www\.facebook\.com)\//, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<title>share</title>" }),
  );
  return context;
}

async function axeViolations(page: Page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(() => (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// The first proxy call loads the app's modules; allow for it.
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000, interval: 50 });

const events = (type: string) =>
  db.linkEvent.findMany({ where: { shop, type }, orderBy: { createdAt: "asc" }, select: { channel: true } }).then((rows) => rows.map((r) => r.channel));

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(NO_BROWSER)("storefront in Chromium", () => {
  it("a logged-in customer's block loads near the viewport, copies and shares their link", async () => {
    server.state.customerId = 501;
    const context = await newContext();
    // A browser with the native share sheet (headless Chromium on Linux has none).
    await context.addInitScript(() => {
      Object.defineProperty(navigator, "share", {
        value: async (data: unknown) => ((window as unknown as { __shared: unknown }).__shared = data),
      });
    });
    const page = await context.newPage();
    const dataRequests: string[] = [];
    page.on("request", (r) => r.url().includes("/apps/referrals/data") && dataRequests.push(r.url()));
    await page.goto(`${server.origin}/`);
    await page.waitForLoadState("networkidle");
    expect(dataRequests, "no call before the block nears the viewport").toEqual([]);

    await page.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    const link = page.locator("[data-rfl-link]");
    await poll(() => link.inputValue()).toBe(`${server.origin}/?ref=${code}&ch=copy`);
    expect(dataRequests).toHaveLength(1);
    expect(new URL(dataRequests[0]).searchParams.get("origin")).toBe(server.origin);
    await poll(() => page.locator("[data-rfl-friends]").textContent()).toBe("0");

    await page.getByRole("button", { name: "Copy link" }).click();
    await poll(() => page.locator("[data-rfl-status]").textContent()).toBe("Link copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.origin}/?ref=${code}&ch=copy`);

    await page.getByRole("button", { name: "Share…" }).click();
    const shared = await page.waitForFunction(() => (window as unknown as { __shared?: { text: string } }).__shared);
    expect(((await shared.jsonValue()) as { text: string }).text).toContain(`?ref=${code}&ch=native`);

    const [popup] = await Promise.all([context.waitForEvent("page"), page.getByRole("link", { name: /WhatsApp/ }).click()]);
    expect(decodeURIComponent(popup.url())).toContain(`https://wa.me/?text=`);
    expect(decodeURIComponent(popup.url())).toContain(`?ref=${code}&ch=whatsapp`);
    await popup.close();

    await until(() => events("SHARE"), (c) => c.length === 3, "three share events");
    expect((await events("SHARE")).sort()).toEqual(["copy", "native", "whatsapp"]);

    await page.screenshot({ path: path.join(RESULTS, "storefront-referrer-block.png"), fullPage: false });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it("a logged-in referrer downloads their brochure and QR poster from the block: PDFs whose QR code reads as their link", async () => {
    server.state.customerId = 501;
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await poll(() => page.locator("[data-rfl-link]").inputValue()).toContain(`?ref=${code}`);
    const t = translator("en");
    for (const [label, kind] of [[t("print.brochure_link"), "brochure"], [t("print.poster_link"), "poster"]] as const) {
      const link = page.getByRole("link", { name: label });
      await expect.poll(() => link.isVisible()).toBe(true);
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      expect(download.suggestedFilename()).toBe(`referral-${kind}-letter-${code.toLowerCase()}.pdf`);
      const pdf = await readPdf(fs.readFileSync((await download.path())!));
      expect(decodeQr(pdf)?.text).toBe(`${server.origin}/?ref=${code}`);
      expect(pdf.text).toContain(code);
    }
    await page.locator("[data-referral-block]").screenshot({ path: path.join(RESULTS, "storefront-referrer-block-print-links.png") });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it("the app fetches nothing before the shop's page has loaded; its scripts come after, once each", async () => {
    server.state.customerId = 501;
    const context = await newContext();
    const page = await context.newPage();
    const fetched: { url: string; at: number }[] = [];
    page.on("request", (r) => r.url().includes("/ext-assets/") && fetched.push({ url: new URL(r.url()).pathname, at: Date.now() }));
    let loadedAt = 0;
    page.on("load", () => (loadedAt = Date.now()));
    await page.goto(`${server.origin}/products/demo`, { waitUntil: "load" });
    const atLoad = fetched.length;
    await page.waitForLoadState("networkidle");
    expect(atLoad, "no app asset before the load event").toBe(0);
    // The embed's script once the browser is idle, the block's as the block is within a screen of the viewport.
    await poll(() => fetched.map((f) => f.url).includes("/ext-assets/referral-embed.js")).toBe(true);
    await page.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await poll(() => page.locator("[data-rfl-link]").inputValue()).toContain(`?ref=${code}`);
    expect(fetched.map((f) => f.url).sort()).toEqual(["/ext-assets/referral-block.js", "/ext-assets/referral-embed.js"]);
    for (const f of fetched) expect(f.at, `${f.url} after the load event`).toBeGreaterThanOrEqual(loadedAt);
    await context.close();
  }, 60_000);

  it("a friend following a ?ref= link gets the discount once, the stored code, the cart attribute and the banner", async () => {
    server.state.customerId = null;
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/products/widget?ref=${code.toLowerCase()}&ch=whatsapp&color=blue`);
    await page.waitForURL(`${server.origin}/products/widget?color=blue`);
    expect(server.state.discountsApplied).toEqual([code]);
    expect(await events("CLICK")).toEqual(["whatsapp"]);

    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("rfl") ?? "null"));
    expect(stored).toMatchObject({ c: code, a: 1, o: "10% off" });
    expect(Date.now() - stored.t).toBeLessThan(60_000);
    const cookie = (await context.cookies()).find((c) => c.name === "rfl_code");
    expect(cookie?.value).toBe(code);
    expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 86_400_000);
    await until(async () => server.state.cartAttributes, (a) => a._referral_code === code, "the cart attribute");

    const banner = page.getByRole("region", { name: "Your friend's discount is applied at checkout." });
    await poll(() => banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain("Your friend gave you 10% off. It is applied at checkout.");
    await page.screenshot({ path: path.join(RESULTS, "storefront-friend-banner.png") });
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard: focus the dismiss button and press Enter.
    await page.getByRole("button", { name: "Dismiss" }).focus();
    await page.keyboard.press("Enter");
    await poll(() => banner.isVisible()).toBe(false);

    // The same link again: counted as a click, but the discount is not applied twice and the banner stays dismissed.
    await page.goto(`${server.origin}/?ref=${code}&utm_source=Newsletter`);
    await until(() => events("CLICK"), (c) => c.length === 2, "the second click");
    expect(await events("CLICK")).toEqual(["whatsapp", "newsletter"]);
    expect(new URL(page.url()).searchParams.get("ref")).toBe(code);
    expect(server.state.discountsApplied).toEqual([code]);
    expect(await banner.isVisible()).toBe(false);
    await context.close();
  }, 60_000);

  it("with single-use friend codes, a friend following a link gets a code of their own applied, and the referrer's block shows the link alone", async () => {
    await db.program.update({ where: { shop }, data: { friendCodeMode: "SINGLE_USE" } });
    try {
      server.state.customerId = null;
      const before = server.state.discountsApplied.length;
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${server.origin}/products/widget?ref=${code}&ch=sms`);
      await page.waitForURL(`${server.origin}/products/widget`);
      const applied = server.state.discountsApplied.slice(before);
      expect(applied).toHaveLength(1);
      const friendCode = applied[0];
      expect(friendCode).not.toBe(code);
      expect(shopify.fake.shop(shop).findByCode(friendCode)?.discount.usageLimit).toBe(1);
      expect(await db.friendCode.findFirst({ where: { shop, code: friendCode } })).toMatchObject({ discountId: expect.any(String) });
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("rfl") ?? "null"));
      expect(stored).toMatchObject({ c: code, f: friendCode, fa: friendCode, a: 1 });
      // The cart still names the referrer: attribution does not hang on the code alone.
      await until(async () => server.state.cartAttributes, (a) => a._referral_code === code, "the cart attribute");
      await context.close();

      // The referrer, signed in, sees their link and no code to hand out.
      server.state.customerId = 501;
      const own = await (await newContext()).newPage();
      await own.goto(`${server.origin}/`);
      await own.locator("[data-referral-block]").scrollIntoViewIfNeeded();
      const link = own.locator("[data-rfl-link]");
      await poll(() => link.inputValue()).toBe(`${server.origin}/?ref=${code}&ch=copy`);
      expect(await own.locator(".rfl__code").isVisible()).toBe(false);
      expect(await own.locator("[data-referral-block]").first().innerText()).not.toContain(code);
      await own.screenshot({ path: path.join(RESULTS, "storefront-single-use-referrer.png") });
      await own.context().close();
    } finally {
      server.state.customerId = null;
      await db.program.update({ where: { shop }, data: { friendCodeMode: "SHARED" } });
    }
  }, 60_000);

  it("a guest joins from the block: field errors first, then told to sign in; signed in, they get the guest enrolment's link", async () => {
    server.state.customerId = null;
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/?short`);
    const email = page.getByLabel("Email address");
    await email.waitFor();
    await poll(() => page.locator("[data-rfl-join]").isVisible()).toBe(true);

    await email.fill("not-an-email");
    await page.getByRole("button", { name: "Get my link" }).click();
    await poll(() => page.locator('[data-rfl-error="terms"]').textContent()).toBe("Accept the terms to join.");
    expect(await page.locator('[data-rfl-error="email"]').textContent()).toBe("Enter a valid email address.");
    expect(await email.getAttribute("aria-invalid")).not.toBeNull();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
    await page.screenshot({ path: path.join(RESULTS, "storefront-guest-errors.png") });
    expect(await axeViolations(page)).toEqual([]);

    await email.fill("friend@example.com");
    await page.getByLabel("I agree to the referral program terms").check();
    await page.getByRole("button", { name: "Get my link" }).click();
    const signIn = page.getByRole("link", { name: "Sign in" });
    await poll(() => signIn.isVisible()).toBe(true);
    expect(await page.locator("[data-rfl-status]").textContent()).toBe(
      "Thanks! To see your referral link, sign in with this email address (or create an account with it).",
    );
    expect(await signIn.getAttribute("href")).toBe("/account/login");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Sign in");
    expect(await page.locator("[data-rfl-join]").isVisible()).toBe(false);
    expect(await page.locator("[data-rfl-referrer]").isVisible()).toBe(false);
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop, email: "friend@example.com" } });
    expect(await page.content()).not.toContain(referrer.code);
    await page.locator("[data-referral-block]").screenshot({ path: path.join(RESULTS, "storefront-guest-joined.png") });
    expect(await axeViolations(page)).toEqual([]);

    // She signs in with that email (Shopify verified it) and asks for her link: the guest enrolment is hers.
    const friend = shopify.fake.seedCustomer(shop, { firstName: "Fran", email: "friend@example.com" });
    server.state.customerId = Number(friend.id.split("/").pop());
    await page.goto(`${server.origin}/?short`);
    await page.getByLabel("I agree to the referral program terms").check();
    await page.getByRole("button", { name: "Get my link" }).click();
    const link = page.locator("[data-rfl-link]");
    await poll(() => link.inputValue()).toBe(`${server.origin}/?ref=${referrer.code}&ch=copy`);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: referrer.id } })).toMatchObject({ customerId: friend.id });
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-rfl-link"))).toBe(true);
    await page.screenshot({ path: path.join(RESULTS, "storefront-guest-signed-in.png") });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it("the program page (a Liquid answer of the app proxy) renders inside the theme, reached from the block, in English and by a language's subfolder", async () => {
    const context = await newContext();
    const page = await context.newPage();
    server.state.customerId = 501;
    await page.goto(`${server.origin}/?short`);
    await page.getByRole("link", { name: "How it works" }).click();
    await page.waitForURL(/\/apps\/referrals$/);
    // The theme's layout around it (the shop's header and language picker), no Liquid left, the customer's name filled in.
    await page.getByRole("navigation", { name: "Language" }).waitFor();
    const body = await page.locator("main").innerText();
    expect(body).toContain("How it works");
    expect(body).not.toMatch(/\{\{|\{%/);
    expect(await page.evaluate(() => document.contentType)).toBe("text/html");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "storefront-program-page-en.png"), fullPage: true });

    await page.getByRole("link", { name: "हिन्दी" }).click();
    await page.waitForURL(/\/hi\/apps\/referrals$/);
    expect(await page.locator("html").getAttribute("lang")).toBe("hi");
    expect(await page.locator("main").innerText()).toContain(translator("hi")("page.how_heading"));
    await page.screenshot({ path: path.join(RESULTS, "storefront-program-page-hi.png"), fullPage: true });
    // The storefront's own pages follow the subfolder too: the block in Maltese.
    await page.goto(`${server.origin}/mt/?short`);
    await expect.poll(() => page.locator("[data-referral-block]").first().innerText(), { timeout: 10_000 }).toContain(translator("mt")("block.share_heading"));
    server.state.customerId = null;
    await context.close();
  });

  it("the friend's welcome banner names the referrer who allowed it, and only them", async () => {
    server.state.customerId = null;
    const contact = { lastName: "Referrer", email: "rita@example.com" };
    const rita = await seedReferrer(shop, { customerId: "gid://shopify/Customer/601", firstName: "Rita", showFirstName: true, ...contact });
    const quiet = await seedReferrer(shop, { customerId: "gid://shopify/Customer/602", firstName: "Quinn", showFirstName: false, ...contact });
    for (const [referrer, text] of [
      [rita, "Rita sent you 10% off. It is applied at checkout."],
      [quiet, "Your friend gave you 10% off. It is applied at checkout."],
    ] as const) {
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${server.origin}/products/widget?ref=${referrer.code}&ch=whatsapp`);
      await page.waitForURL(`${server.origin}/products/widget`);
      const banner = page.getByRole("region", { name: "Your friend's discount is applied at checkout." });
      await poll(() => banner.isVisible()).toBe(true);
      expect((await banner.textContent())?.trim()).toContain(text);
      expect(await banner.textContent()).not.toMatch(/Quinn|Referrer|rita@/);
      if (referrer === rita) {
        await page.screenshot({ path: path.join(RESULTS, "storefront-friend-banner-named.png") });
        expect(await axeViolations(page)).toEqual([]);
      }
      await context.close();
    }
  }, 60_000);

  it("a referrer's block says how far the next milestone is and until when their store credit is valid", async () => {
    const referrer = await seedReferrer(shop, { customerId: "gid://shopify/Customer/701" });
    await db.milestone.create({ data: { shop, referrals: 3, rewardKind: "STORE_CREDIT", rewardValue: 20 } });
    const expiresAt = new Date(Date.now() + 45 * 86_400_000);
    const referral = await db.referral.create({
      data: { shop, referrerId: referrer.id, orderId: "gid://shopify/Order/7001", attributedBy: "CODE", subtotalAmount: 50, totalAmount: 50, currencyCode: "USD", status: "REWARDED" },
    });
    await db.reward.create({ data: { shop, referrerId: referrer.id, referralId: referral.id, kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: 5, currencyCode: "USD", status: "ISSUED", expiresAt } });
    server.state.customerId = 701;
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    const milestone = page.locator("[data-rfl-milestone]");
    await poll(() => milestone.textContent()).toBe("2 more friends to unlock $20.00 in store credit");
    expect(await milestone.isVisible()).toBe(true);
    const date = new Intl.DateTimeFormat("en", { dateStyle: "medium" }).format(expiresAt);
    await page.getByRole("heading", { name: "Your store credit", exact: true }).waitFor();
    expect(await page.locator("[data-rfl-credits] li").allTextContents()).toEqual([`$5.00, valid until ${date}`]);
    await page.locator("[data-rfl-stats]").screenshot({ path: path.join(RESULTS, "storefront-block-milestone.png") });
    expect(await axeViolations(page)).toEqual([]);
    server.state.customerId = null;
    await context.close();
  }, 60_000);
});
