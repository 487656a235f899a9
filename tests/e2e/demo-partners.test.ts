// The partner pages in the demo, as a newcomer tries them: the same stack
// `npm run demo` starts (devstore/stack.ts: the app's production build and
// its worker as their own processes, the mailbox catching what it sends).
//   1. the storefront's footer leads to the partner page; a business applies and signs;
//   2. the seeded partner asks for a sign-in link; it arrives in the mailbox, on the storefront's domain;
//   3. opening it shows a button (the link still unused); pressing it opens her portal: link, QR code, printables;
//   4. the same link again is refused.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { translator } from "~/storefront/i18n";
import { startDemoStack, type DemoStack } from "../../devstore/stack";
import { DEMO_PARTNER, DEMO_SHOP_NAME } from "../../devstore/demo-shop";
import type { MailboxMessage } from "../../devstore/mailbox";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results/e2e");
const t = translator("en");

let stack: DemoStack;
let browser: Browser;
let page: Page;
const errors: string[] = [];

async function until<T>(read: () => T, ok: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const signInMail = () => stack.mailbox.messages().filter((m) => m.kind === "PARTNER_SIGN_IN" && m.envelope.to.includes(DEMO_PARTNER.email));

describe.skipIf(NO_BROWSER)("the demo's partner pages, end to end", () => {
  let link = "";

  beforeAll(async () => {
    requireChromium();
    fs.mkdirSync(OUT, { recursive: true });
    stack = await startDemoStack({ logDir: path.join(OUT, "logs-partners") });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    await context.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.fulfill({ status: 204, body: "" })));
    page = await context.newPage();
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("response", (r) => r.status() >= 500 && errors.push(`http ${r.status()}: ${r.url()}`));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("1. the footer leads to the partner page, where a business applies and signs the agreement", async () => {
    await page.goto(`${stack.urls.storefront}/?short`);
    await page.getByRole("link", { name: "Become a partner" }).click();
    await page.getByRole("heading", { level: 1, name: t("partners.page.title", { shop: DEMO_SHOP_NAME }) }).waitFor();
    const apply = page.getByRole("region", { name: t("partners.page.apply_heading") });
    await apply.getByLabel(t("partners.field.name")).fill("Sam Grech");
    await apply.getByLabel(t("partners.field.businessName")).fill("Grech Climbing Gym");
    await apply.getByLabel(t("partners.field.email"), { exact: true }).fill("sam@grechclimbing.example");
    await apply.getByLabel(t("partners.field.signature")).fill("Sam Grech");
    await apply.getByRole("checkbox").check();
    await apply.getByRole("button", { name: t("partners.page.apply") }).click();
    await page.getByRole("status").filter({ hasText: t("partners.page.applied") }).waitFor();
    expect(await db.partner.findFirst({ where: { shop: stack.shop, email: "sam@grechclimbing.example" } })).toMatchObject({ status: "APPLIED", businessName: "Grech Climbing Gym" });
  });

  it("2. the demo partner asks for a sign-in link: it arrives in the mailbox, on the storefront's domain", async () => {
    await page.goto(`${stack.urls.storefront}/apps/referrals/partners`);
    const request = page.getByRole("region", { name: t("partners.link.heading") });
    await request.getByLabel(t("partners.field.email")).fill(DEMO_PARTNER.email);
    await request.getByRole("button", { name: t("partners.link.button") }).click();
    await page.getByRole("status").filter({ hasText: t("partners.link.sent") }).waitFor();
    const [message] = await until(signInMail, (m) => m.length === 1, `the sign-in email to ${DEMO_PARTNER.email}`);
    link = linkIn(message);
    expect(link.startsWith(`${stack.urls.storefront}/apps/referrals/partners/sign-in?token=`)).toBe(true);
    // The mailbox page lists it.
    expect(await (await fetch(stack.urls.mailbox)).text()).toContain(message.subject);
  });

  it("3. the link shows one button and redeems nothing until it is pressed; then her portal", async () => {
    await page.goto(link);
    const button = page.getByRole("button", { name: t("partners.sign_in.button") });
    await button.waitFor();
    expect(await db.partnerSignIn.count({ where: { shop: stack.shop, usedAt: { not: null } } })).toBe(0);
    await button.click();
    await page.getByRole("heading", { level: 1, name: t("partners.portal.title", { business: DEMO_PARTNER.businessName }) }).waitFor();
    const partner = await db.partner.findFirstOrThrow({ where: { shop: stack.shop, email: DEMO_PARTNER.email }, include: { referrer: true } });
    expect(await page.locator("main").getByRole("textbox", { name: t("partners.portal.link_label") }).inputValue()).toBe(`${stack.urls.storefront}/?ref=${partner.referrer!.code}`);
    expect(await page.getByRole("img", { name: t("partners.portal.qr") }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: t("partners.portal.brochure") }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(OUT, "demo-partner-portal.png"), fullPage: true });
  });

  it("4. the same link again is refused, with the form for a new one", async () => {
    await page.goto(link);
    await page.getByRole("button", { name: t("partners.sign_in.button") }).click();
    await page.getByText(t("partners.sign_in.used")).waitFor();
    expect(errors).toEqual([]);
  });
});

/** The sign-in link in an email's plain text. */
function linkIn(message: MailboxMessage): string {
  const found = /https?:\/\/\S+\/apps\/referrals\/partners\/sign-in\?token=[A-Za-z0-9_-]+/.exec(message.text ?? "")?.[0];
  if (!found) throw new Error(`no sign-in link in the email's text:\n${message.text}`);
  return found;
}
