// The embedded admin in Hindi and Maltese, in Chromium: every page opened the
// way Shopify opens it (its `locale` parameter on the embedded load), screenshot
// to test-results/admin-<lang>-<page>.png, checked with axe, and read for
// English: no visible text may be a text of app/i18n/en.ts that the language
// says otherwise. A client navigation and a form post keep the language
// (app/i18n/client-locale.ts). Set up as tests/browser/admin.test.ts is.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { en } from "~/i18n/en";
import { MESSAGES } from "~/i18n/messages";
import type { AdminLocale } from "~/i18n/locales";
import { holdForReview } from "~/referrals/review.server";
import { PROJECT_ROOT } from "~/db-url";
import type { FakeShopify } from "../../fake-shopify";
import { hostParam } from "../../fake-shopify/sign";
import { sessionToken } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
import { startExperiment } from "~/experiments/lifecycle.server";
import { publishAgreement } from "~/partners/agreement.server";
import { applyAsPartner, approvePartner } from "~/partners/partners.server";
import { usePipeline } from "../helpers/pipeline";
import { startAdminServer, devClientNoise } from "./admin-server";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results");
const STAND_IN = fs.readFileSync(path.join(PROJECT_ROOT, "devstore/app-bridge.js"), "utf8");
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const pipeline = usePipeline();
let server: Awaited<ReturnType<typeof startAdminServer>>;
let browser: Browser;
let page: Page;
let shop: string;
let fake: FakeShopify;
const ids = { referral: "", referrer: "", experiment: "", partner: "" };
const errors: string[] = [];

/** Every text leaf of a catalogue, by its path ("referrals.title", "csv.payouts[2]"). */
function texts(value: unknown, at = "", out = new Map<string, string>()) {
  if (typeof value === "string") out.set(at, value);
  else if (Array.isArray(value)) value.forEach((v, i) => texts(v, `${at}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) texts(v, at ? `${at}.${k}` : k, out);
  return out;
}

/** The English texts `locale` words differently: any of them on the page is untranslated. */
function englishFor(locale: AdminLocale) {
  const translated = texts(MESSAGES[locale]);
  const english = new Set<string>();
  for (const [at, text] of texts(en)) {
    if (translated.get(at) !== text && /[A-Za-z]{3}/.test(text)) english.add(text.trim());
  }
  return [...english];
}

async function open(locale: string, pathname: string) {
  const url = new URL(pathname, server.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", sessionToken(shop));
  url.searchParams.set("locale", locale);
  await page.goto(url.toString(), { waitUntil: "networkidle", timeout: 120_000 });
  await waitForPage();
}

async function waitForPage() {
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext && document.querySelector(".Polaris-Page"), null, { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
}

/** The visible text of the page, node by node (the stand-in's toast and save bar aside). */
async function visibleTexts(): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent?.trim();
      if (!el || !text || el.closest("script, style, #stand-in-toast, ui-save-bar")) continue;
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      out.push(text.replace(/\s+/g, " "));
    }
    return out;
  });
}

async function check(locale: AdminLocale, name: string) {
  await page.screenshot({ path: path.join(OUT, `admin-${locale}-${name}.png`), fullPage: true });
  expect(await page.locator("html").getAttribute("lang")).toBe(locale);

  const english = englishFor(locale);
  const seen = await visibleTexts();
  // A whole text node that is an English text, or holds a multi-word one ("Export CSV ✕").
  const found = seen.filter((text) => english.some((e) => text === e || (e.includes(" ") && e.length >= 10 && text.includes(e))));
  expect(found, `${locale} ${name}: English on the page`).toEqual([]);
  const title = await page.title();
  expect(english, `${locale} ${name}: English <title> ${title}`).not.toContain(title);

  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ exclude: [["#stand-in-toast"], ["ui-save-bar"]] }, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${locale} ${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

const PAGES: [name: string, path: () => string][] = [
  ["home", () => "/app"],
  ["dashboard", () => "/app/dashboard"],
  ["referrals", () => "/app/referrals"],
  ["referral", () => `/app/referrals/${ids.referral}`],
  ["review", () => "/app/review"],
  ["referrers", () => "/app/referrers"],
  ["referrer", () => `/app/referrers/${ids.referrer}`],
  ["payouts", () => "/app/payouts"],
  ["invite", () => "/app/invite"],
  ["emails", () => "/app/emails"],
  ["leaks", () => "/app/leaks"],
  ["settings", () => "/app/settings"],
  ["delivery-problems", () => "/app/delivery-problems"],
  ["integrations", () => "/app/integrations"],
  ["klaviyo", () => "/app/integrations/klaviyo"],
  ["webhooks", () => "/app/integrations/webhooks"],
  ["api-keys", () => "/app/integrations/api-keys"],
  ["second-tier", () => "/app/second-tier"],
  ["experiments", () => "/app/experiments"],
  ["experiment", () => `/app/experiments/${ids.experiment}`],
  ["partners", () => "/app/partners"],
  ["partner", () => `/app/partners/${ids.partner}`],
  ["partner-agreement", () => "/app/partners/agreement"],
  ["partner-settings", () => "/app/partners/settings"],
  // The Web Vitals benchmark's baseline (bench/admin-vitals.ts): in no menu, still in the language.
  ["vitals-baseline", () => "/app/vitals-baseline"],
];

describe.skipIf(NO_BROWSER)("embedded admin in Hindi and Maltese, in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    fake = pipeline.shopify.reset();
    const p = await seedShopActivity(pipeline);
    shop = p.shop;
    ids.referrer = p.sam.id;
    ids.referral = (await db.referral.findFirstOrThrow({ where: { shop, status: "REWARDED" } })).id;
    const started = await startExperiment({
      db,
      shop,
      by: "test",
      input: {
        name: "Bigger offer",
        variants: [
          // Names the merchant typed (no English word for the page's language check to find).
          { name: "A", friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" },
          { name: "B", friendOfferKind: "FIXED_AMOUNT", friendOfferValue: "15", rewardKind: "STORE_CREDIT", rewardValue: "5" },
        ],
      },
    });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    ids.experiment = started.experiment.id;
    // Partners: the agreement published, an application waiting and an approved partner (names the merchant's and the businesses' own).
    await publishAgreement({ db, shop, cause: "merchant:42" }, { body: "Acme 1.0", basedOn: 0 });
    for (const [email, businessName] of [["mia@trailguides.example", "Trail Guides Co"], ["leo@campleo.example", "Camp Leo"]]) {
      const applied = await applyAsPartner(db, { shop, input: { name: "Leo Park", businessName, email, signature: "Leo Park", accepted: "on", agreementVersion: "1" }, ipHash: "5f2c9a01d3e4", locale: "en" });
      if (!applied.ok) throw new Error(JSON.stringify(applied.errors));
    }
    ids.partner = (await db.partner.findFirstOrThrow({ where: { shop, email: "leo@campleo.example" } })).id;
    await approvePartner({ db, shop, cause: "merchant:42" }, ids.partner);
    const fee = { shop, kind: "CASH", valueType: "FIXED_AMOUNT", value: "5", currencyCode: "USD" };
    await db.reward.createMany({
      data: [
        { ...fee, referrerId: p.referrer.id, status: "ISSUED", issuedAt: new Date() },
        { ...fee, referrerId: p.sam.id, status: "PAID", paidAt: new Date(), payoutReference: "PAYPAL-1" },
      ],
    });
    const pending = await db.referral.findFirstOrThrow({ where: { shop, status: "PENDING" }, orderBy: { createdAt: "asc" } });
    await holdForReview(db, { shop, referralId: pending.id, rule: "IP_CLUSTER", evidence: { summary: "3", orders: [{ order: pending.orderName, at: pending.createdAt.toISOString() }] }, cause: "test" });
    const failedAt = new Date();
    await db.webhookDelivery.create({ data: { shop, webhookId: "i18n-dead-1", topic: "orders/paid", payload: "{}", status: "DEAD", attempts: 8, availableAt: failedAt, processedAt: failedAt, lastError: "503" } });
    await db.job.create({ data: { shop, kind: "issue-reward", key: "i18n-job-1", status: "DEAD", attempts: 8, availableAt: failedAt, lastError: "ShopifyUserError" } });

    server = await startAdminServer();
    requireChromium();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
    const userAgent = (await browser.newPage().then(async (p) => [await p.evaluate(() => navigator.userAgent), await p.close()]))[0] as string;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: userAgent.replace("HeadlessChrome", "Chrome") });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.href === "https://cdn.shopify.com/shopifycloud/app-bridge.js") return route.fulfill({ status: 200, contentType: "application/javascript", body: STAND_IN });
      if (url.hostname === "127.0.0.1") return route.continue();
      return route.fulfill({ status: 204, body: "" });
    });
    page = await context.newPage();
    page.on("pageerror", (e) => devClientNoise(e.message) || errors.push(`pageerror: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 500) errors.push(`http ${r.status()}: ${r.url()}`);
    });
    page.on("console", (m) => {
      // Hydration mismatches (English on the server, another language in the browser) are console errors.
      const known = /^Failed to load resource|attribute (height|viewBox): A negative value/;
      if (m.type() === "error" && !devClientNoise(m.text()) && !known.test(m.text())) errors.push(`console: ${m.text()}`);
    });
  }, 240_000);

  beforeEach(() => {
    pipeline.shopify.fake = fake;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const locale of ["hi", "mt"] as const) {
    for (const [name, pathname] of PAGES) {
      it(`${locale}: ${name}`, async () => {
        await open(locale === "mt" ? "mt-MT" : locale, pathname());
        if (name === "dashboard") await page.locator(".Polaris-Page svg").first().waitFor({ timeout: 30_000 });
        await check(locale, name);
      }, 240_000);
    }
  }

  it("hi: a client navigation and a form post inside the iframe keep the language", async () => {
    const hi = MESSAGES.hi;
    await open("hi", "/app/referrals");
    // The row's link: a Remix navigation, a fetch to /app/referrals/<id> without ?locale=.
    await page.locator(".Polaris-IndexTable__TableRow", { hasText: hi.status.REWARDED }).first().getByRole("link").click();
    await page.getByRole("heading", { name: hi.referral.auditTitle }).waitFor({ timeout: 30_000 });
    expect(page.url()).not.toContain("locale=");
    await check("hi", "referral-navigated");

    await open("hi", "/app/review");
    await page.locator(".Polaris-IndexTable__TableRow").first().locator('input[type="checkbox"]').check({ force: true });
    await page.getByRole("button", { name: hi.review.approve, exact: true }).click();
    await page.locator("#stand-in-toast", { hasText: hi.review.approved(1) }).waitFor({ timeout: 30_000 });
  }, 240_000);

  it("had no page errors (no hydration mismatch)", () => {
    expect(errors).toEqual([]);
  });
});
