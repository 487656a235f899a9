// The UI extensions in the dev store, in Chromium: the stack `npm run demo`
// starts (devstore/stack.ts) builds the thank-you and account extensions with
// the app's public URL, and the storefront's thank-you page and customer
// account pages run those real bundles against a stand-in for Shopify's host
// (devstore/extension-host.ts, devstore/ui-elements.ts) with session tokens
// signed like Shopify's. The story: a friend's first order with a referrer's
// code -> the thank-you page thanks her and offers the program (en, hi, mt) ->
// she joins as a guest (her link goes by email) -> her link and code -> she
// logs in and sees her referral home -> her own friend orders with her code ->
// her reward shows on her account page. axe (serious/critical) on each page
// and its extension frame; screenshots in test-results/e2e/.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { startDemoStack, type DemoStack } from "../../devstore/stack";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";
import { decodeQr, readPdf } from "../helpers/pdf";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results/e2e");
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let stack: DemoStack;
let browser: Browser;
let userAgent: string;
const errors: string[] = [];

async function newContext(): Promise<BrowserContext> {
  // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
  const context = await browser.newContext({ viewport: { width: 1000, height: 1100 }, locale: "en-US", userAgent });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await context.route("**/*", (route) => {
    if (new URL(route.request().url()).hostname === "127.0.0.1") return route.continue();
    return route.fulfill({ status: 204, body: "" });
  });
  return context;
}

async function newPage(name: string): Promise<Page> {
  const page = await (await newContext()).newPage();
  page.on("pageerror", (e) => errors.push(`${name} pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500) errors.push(`${name} http ${r.status()}: ${r.url()}`);
  });
  return page;
}

async function axeViolations(frame: Frame): Promise<string[]> {
  await frame.addScriptTag({ content: AXE_SOURCE });
  const results = await frame.evaluate(() =>
    (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, {
      resultTypes: ["violations"],
    }),
  );
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The page's extension frame, once the extension has run and the app has answered (no skeleton left). */
async function extensionFrame(page: Page, index = 0): Promise<Frame> {
  const element = page.locator("iframe.extension").nth(index);
  await element.waitFor();
  const frame = (await (await element.elementHandle())!.contentFrame())!;
  await frame.waitForFunction(() => document.documentElement.dataset.extensionRan === "true" && !document.querySelector("s-skeleton-paragraph"), null, { timeout: 30_000 });
  return frame;
}

/** Both the page and its extension frame pass axe. */
async function expectAccessible(page: Page, frame: Frame) {
  expect(await axeViolations(page.mainFrame())).toEqual([]);
  expect(await axeViolations(frame)).toEqual([]);
}

async function shot(page: Page, name: string) {
  // Let the frame take its height from the extension first.
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
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

/** Adds a product, applies `code` and places the order as `email`; returns the thank-you page's path. */
async function order(page: Page, email: string, code: string): Promise<string> {
  await page.goto(`${stack.urls.storefront}/products/summit-backpack`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.waitForURL(/\/cart$/);
  await page.getByLabel("Discount code").fill(code);
  await page.getByRole("button", { name: "Apply" }).click();
  await page.locator("[data-applied-code]").waitFor();
  await page.goto(`${stack.urls.storefront}/checkout`);
  const emailField = page.getByLabel("Email");
  if (!(await emailField.inputValue())) await emailField.fill(email);
  await page.getByRole("button", { name: "Place order" }).click();
  await page.waitForURL(/\/orders\/\d+$/);
  return new URL(page.url()).pathname;
}

describe.skipIf(NO_BROWSER)("the UI extensions in the dev store", () => {
  let rita: { code: string; firstName: string | null };
  let maya: Page;
  let mayaOrder = "";
  let mayaCode = "";

  beforeAll(async () => {
    requireChromium();
    fs.mkdirSync(OUT, { recursive: true });
    stack = await startDemoStack({ logDir: path.join(OUT, "logs-extensions") });
    // No hold, so the reward for a friend's order is issued at once.
    await db.program.update({ where: { shop: stack.shop }, data: { holdDays: 0 } });
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop: stack.shop, status: "ACTIVE", firstName: { not: null } }, orderBy: { createdAt: "asc" } });
    await db.referrer.update({ where: { id: referrer.id }, data: { showFirstName: true } });
    rita = { code: referrer.code, firstName: referrer.firstName };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const probe = await browser.newPage();
    userAgent = (await probe.evaluate(() => navigator.userAgent)).replace("HeadlessChrome", "Chrome");
    await probe.close();
    maya = await newPage("maya");
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("a friend's first order: the thank-you page runs the extension's bundle, thanks her by her referrer's name and offers the program", async () => {
    mayaOrder = await order(maya, "maya@example.net", rita.code);
    const frame = await extensionFrame(maya);
    const block = frame.getByRole("region", { name: "Thanks for being referred: now pass it on" });
    await block.waitFor();
    expect(await block.innerText()).toMatch(new RegExp(`You saved \\$\\d+\\.\\d\\d thanks to ${rita.firstName}\\.`));
    await frame.getByRole("button", { name: "Join with my order email" }).waitFor();
    await frame.getByRole("link", { name: "Read the terms" }).waitFor();
    await expectAccessible(maya, frame);
    await shot(maya, "ext-1-thank-you-en");
  }, 90_000);

  it("the thank-you page in hi and mt", async () => {
    for (const locale of ["hi", "mt"]) {
      await maya.goto(`${stack.urls.storefront}${mayaOrder}?locale=${locale}`);
      const frame = await extensionFrame(maya);
      expect(await frame.evaluate(() => document.documentElement.lang)).toBe(locale);
      const translations = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, `extensions/referral-thank-you/locales/${locale}.json`), "utf8"));
      await frame.getByRole("region", { name: translations.offer.headingReferred }).waitFor();
      await frame.getByRole("button", { name: translations.join.buttonGuest }).waitFor();
      await expectAccessible(maya, frame);
      await shot(maya, `ext-2-thank-you-${locale}`);
    }
  }, 90_000);

  it("she joins as a guest: her link goes to her order's email, and the thank-you page then shows her link and code", async () => {
    await maya.goto(`${stack.urls.storefront}${mayaOrder}`);
    let frame = await extensionFrame(maya);
    // By keyboard: the s-button is a real <button>.
    await frame.getByRole("button", { name: "Join with my order email" }).focus();
    await maya.keyboard.press("Enter");
    await frame.getByRole("status").filter({ hasText: "Check your inbox" }).waitFor();
    await shot(maya, "ext-3-joined-check-email");
    const referrer = await until(
      () => db.referrer.findFirst({ where: { shop: stack.shop, emailKey: "maya@example.net" } }),
      (r) => r !== null,
      "Maya's enrolment",
    );
    mayaCode = referrer!.code;
    const email = await until(
      async () => stack.mailbox.messages().find((m) => m.to.includes("maya@example.net")),
      (found) => found !== undefined,
      "the email with Maya's link",
    );
    expect(email!.text).toContain(mayaCode);

    await maya.reload();
    frame = await extensionFrame(maya);
    await frame.getByText(mayaCode, { exact: true }).first().waitFor();
    expect(await frame.locator("body").innerText()).toContain(`${stack.urls.storefront}`);
    await frame.getByRole("button", { name: "Copy code" }).click();
    await frame.getByRole("button", { name: "Copied" }).first().waitFor();
    expect(await maya.evaluate(() => navigator.clipboard.readText())).toContain(mayaCode);
    await expectAccessible(maya, frame);
    await shot(maya, "ext-4-thank-you-link-and-code");
  }, 90_000);

  it("her own friend orders with her code; logged in, her account shows the profile block and her referral home with the reward", async () => {
    const friend = await newPage("friend");
    await order(friend, "noor@example.org", mayaCode);
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop: stack.shop, code: mayaCode } });
    await until(
      () => db.reward.count({ where: { shop: stack.shop, referrerId: referrer.id, status: { in: ["ISSUED", "PAID"] } } }),
      (n) => n > 0,
      "Maya's reward",
      60_000,
    );

    await maya.goto(`${stack.urls.storefront}/account/login`);
    await maya.getByRole("button", { name: /maya@example\.net/ }).click();
    await maya.goto(`${stack.urls.storefront}/account`);
    // She joined as a guest with the email she signs in with (verified): her account knows her at once.
    const profile = await extensionFrame(maya);
    const open = profile.getByRole("link", { name: "See my referrals" });
    await open.waitFor();
    expect(await profile.locator("body").innerText()).toContain(`Your code ${mayaCode} is ready to share.`);
    await expectAccessible(maya, profile);
    await shot(maya, "ext-5-account-profile-block");
    await open.click();
    await maya.waitForURL(/\/account\/referrals$/);

    const home = await extensionFrame(maya);
    await home.getByRole("heading", { name: "Refer a friend", level: 1 }).waitFor();
    await home.getByText(mayaCode, { exact: true }).first().waitFor();
    expect(await db.referrer.count({ where: { shop: stack.shop, code: mayaCode, customerId: { not: null } } })).toBe(1);
    const text = await home.locator("body").innerText();
    expect(text).toContain(mayaCode);
    // Her friend, masked, with the app's REWARDED status in the buyer's words; her reward code.
    expect(await home.getByRole("region", { name: "Friends who ordered" }).innerText()).toMatch(/^n\*+@example\.org, .+: rewarded$/);
    expect(await home.getByRole("region", { name: "Your reward codes" }).innerText()).toMatch(/^[A-Z0-9-]+: 15%$/);
    await expectAccessible(maya, home);
    await shot(maya, "ext-6-account-referral-home");

    // Her brochure and QR poster to print: the page's signed links to the app open as PDFs of her link.
    for (const label of ["Brochure (PDF)", "QR poster (PDF)"]) {
      const href = await home.getByRole("link", { name: label }).getAttribute("href");
      expect(href).toMatch(/\/printables\/[\w-]+\.[\w-]+\?kind=(brochure|poster)$/);
      const answer = await maya.context().request.get(href!);
      expect(answer.status()).toBe(200);
      expect(answer.headers()["content-type"]).toBe("application/pdf");
      const printed = await readPdf(await answer.body());
      expect(decodeQr(printed)?.text).toMatch(new RegExp(`/\\?ref=${mayaCode}$`));
    }

    // Back on her first order's status page: the order-status target of the same bundle shows her link and stats.
    await maya.goto(`${stack.urls.storefront}/account${mayaOrder}`);
    const status = await extensionFrame(maya);
    await status.getByText(mayaCode, { exact: true }).first().waitFor();
    expect(await status.locator("body").innerText()).toContain("1 reward");
    await expectAccessible(maya, status);
    await shot(maya, "ext-7-order-status");

    // Another customer's order is not hers to see.
    const other = await friend.context().request.get(`${stack.urls.storefront}/account${mayaOrder}`);
    expect(other.status()).toBe(404);
    expect(errors).toEqual([]);
  }, 120_000);
});
