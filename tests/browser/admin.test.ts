// The embedded admin in Chromium (playwright-core, Debian's /usr/bin/chromium):
// each main page rendered by the real app with data made by the real order
// pipeline; settings saved through the save bar; a referral opened from the
// list. Each page is screenshot to test-results/ and checked with axe-core.
// App Bridge comes from the dev store's stand-in (devstore/app-bridge.js), served
// in place of cdn.shopify.com's script, which cannot be fetched here.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { http, passthrough } from "msw";
import { FakeKlaviyo } from "../../fake-shopify/klaviyo";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { holdForReview } from "~/referrals/review.server";
import { PROJECT_ROOT } from "~/db-url";
import type { FakeShopify } from "../../fake-shopify";
import { hostParam } from "../../fake-shopify/sign";
import { testClock } from "../helpers/admin";
import { installShop, sessionToken } from "../helpers/admin-request";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { seedShopActivity, sendOrder } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";
import { startAdminServer, devClientNoise } from "./admin-server";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results");
const STAND_IN = fs.readFileSync(path.join(PROJECT_ROOT, "devstore/app-bridge.js"), "utf8");
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// The webhook endpoint the integrations case adds: nothing listens there (the delivery waits for a retry).
// Klaviyo, as its fake answers it at the network edge.
const klaviyo = new FakeKlaviyo();
const pipeline = usePipeline(http.all(/^http:\/\/127\.0\.0\.1:9\//, () => passthrough()), ...klaviyo.handlers());
let server: Awaited<ReturnType<typeof startAdminServer>>;
let browser: Browser;
let page: Page;
let shop: string;
let samId: string;
let seeded: Awaited<ReturnType<typeof seedShopActivity>>;
let fake: FakeShopify;
let smtp: TestSmtp;

async function open(pathname: string) {
  const url = new URL(pathname, server.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", sessionToken(shop));
  await page.goto(url.toString(), { waitUntil: "networkidle", timeout: 120_000 });
  await waitForHydration();
}

async function waitForHydration() {
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext && document.querySelector(".Polaris-Page"), null, { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
}

async function snapshot(name: string) {
  await page.screenshot({ path: path.join(OUT, `admin-${name}.png`), fullPage: true });
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ exclude: [["#stand-in-toast"], ["ui-save-bar"]] }, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
  return violations;
}

const errors: string[] = [];

describe.skipIf(NO_BROWSER)("embedded admin in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    // Email on (a real SMTP server in this process), before the app reads its environment.
    smtp = await startTestSmtp();
    useSmtpEnv(smtp);
    // One fake Shopify for the whole file (useFakeShopify makes one per test):
    // the pages act on the discount the seeding created.
    fake = pipeline.shopify.reset();
    const p = (seeded = await seedShopActivity(pipeline));
    shop = p.shop;
    samId = p.sam.id;
    // Cash referral fees from an earlier season (the program now rewards with codes), for the payouts page.
    const fee = { shop, kind: "CASH", valueType: "FIXED_AMOUNT", value: "5", currencyCode: "USD" };
    await db.reward.createMany({
      data: [
        { ...fee, referrerId: p.referrer.id, status: "ISSUED", issuedAt: new Date() },
        { ...fee, referrerId: p.referrer.id, status: "PAID", paidAt: new Date(), payoutReference: "PAYPAL-1" },
        { ...fee, referrerId: p.sam.id, status: "ISSUED", issuedAt: new Date() },
      ],
    });
    // Half of them agreed to marketing email: those are emailed an invitation.
    for (let i = 0; i < 12; i++) fake.seedCustomer(shop, { firstName: `Vip${i}`, email: `vip${i}@example.com`, tags: ["VIP"], marketingState: i % 2 ? "SUBSCRIBED" : "NOT_SUBSCRIBED" });
    server = await startAdminServer();
    requireChromium();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
    const userAgent = (await browser.newPage().then(async (p) => [await p.evaluate(() => navigator.userAgent), await p.close()]))[0] as string;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: userAgent.replace("HeadlessChrome", "Chrome") });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.href === "https://cdn.shopify.com/shopifycloud/app-bridge.js") {
        return route.fulfill({ status: 200, contentType: "application/javascript", body: STAND_IN });
      }
      if (url.hostname === "127.0.0.1") return route.continue();
      // Nothing else may leave the machine (fonts, analytics): answer empty.
      return route.fulfill({ status: 204, body: "" });
    });
    page = await context.newPage();
    page.on("pageerror", (e) => devClientNoise(e.message) || errors.push(`pageerror: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 500) errors.push(`http ${r.status()}: ${r.url()}`);
    });
    page.on("console", (m) => {
      // 4xx answers are expected (the settings form refused); 5xx are caught above.
      // Polaris Viz draws its first frame before it has measured its container
      // (negative SVG sizes, which Chromium reports); it redraws once measured.
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
    await smtp?.close();
    useSmtpEnv(null);
  });

  it("home: first-run checklist with theme editor links", async () => {
    await open("/app");
    await expect(page.getByRole("heading", { name: "Get your program running" }).isVisible()).resolves.toBe(true);
    const addBlock = page.getByRole("link", { name: "Add block in theme editor" });
    expect(await addBlock.getAttribute("href")).toContain("template=product&addAppBlockId=test-api-key/referral&target=mainSection");
    await snapshot("home");
  }, 240_000);

  it("dashboard: figures, chart, funnel, channels, top referrers", async () => {
    await open("/app/dashboard");
    await page.getByText("Referred revenue").first().waitFor();
    await page.locator(".Polaris-Page svg").first().waitFor({ timeout: 30_000 }); // polaris-viz chart, rendered in the browser
    expect(await page.getByText("$465.00").count()).toBeGreaterThan(0);
    await snapshot("dashboard");
  }, 240_000);

  it("referrals: the list, then a referral opened from it with its history", async () => {
    await open("/app/referrals");
    expect(await page.locator(".Polaris-IndexTable__TableRow").count()).toBe(7);
    await snapshot("referrals");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const csv = fs.readFileSync(await (await download).path(), "utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(8);
    // Open a rewarded one: its history has every step.
    await page.locator(".Polaris-IndexTable__TableRow", { hasText: "Rewarded" }).first().getByRole("link").click();
    await page.getByRole("heading", { name: "History" }).waitFor();
    await page.getByText("Reward issued", { exact: false }).first().waitFor();
    expect(page.url()).toMatch(/\/app\/referrals\/\w+/);
    await page.waitForLoadState("networkidle");
    // The reward's Shopify discount is a link into the Shopify admin, not a raw id; times say their zone.
    const discount = page.getByRole("link", { name: /^discount \d+$/ }).first();
    expect(await discount.getAttribute("href")).toMatch(/^shopify:\/\/admin\/discounts\/\d+$/);
    expect(await page.locator(".Polaris-Page").innerText()).not.toContain("gid://shopify/");
    await snapshot("referral");
  }, 240_000);

  it("referrers: list and detail", async () => {
    await open("/app/referrers");
    expect(await page.locator(".Polaris-IndexTable__TableRow").count()).toBe(2);
    await snapshot("referrers");
    await open(`/app/referrers/${samId}`);
    await page.getByRole("heading", { name: "Rewards" }).waitFor();
    await snapshot("referrer");
  }, 240_000);

  it("payouts: the ledger, and marking a referrer's fees paid", async () => {
    await open("/app/payouts");
    await snapshot("payouts");
    await page.getByRole("button", { name: "Mark paid: Rita" }).click();
    await page.getByLabel("Payment reference").fill("BANK-2026-11");
    await page.getByRole("dialog").getByRole("button", { name: "Mark paid" }).click();
    await page.locator("#stand-in-toast", { hasText: "1 fee marked paid" }).waitFor({ timeout: 30_000 });
    expect(await db.reward.count({ where: { shop, payoutReference: "BANK-2026-11" } })).toBe(1);
  }, 240_000);

  it("delivery problems: failed and unreadable updates with their reasons, and a retry", async () => {
    const failedAt = new Date();
    const dead = await db.webhookDelivery.create({
      data: { shop, webhookId: "browser-dead-1", topic: "orders/paid", payload: JSON.stringify({ id: 1 }), status: "DEAD", attempts: 8, availableAt: failedAt, processedAt: failedAt, lastError: "ShopifyApiError: Shopify answered 503 Service Unavailable (8 attempts)" },
    });
    await db.webhookDelivery.create({
      data: { shop, webhookId: "browser-invalid-1", topic: "refunds/create", payload: "{}", status: "INVALID", availableAt: failedAt, lastError: "refunds/create payload is incomplete: order_id is required" },
    });
    await db.job.create({ data: { shop, kind: "issue-reward", key: "browser-job-1", status: "DEAD", attempts: 8, availableAt: failedAt, lastError: "ShopifyUserError: Customer does not exist" } });
    await open("/app/delivery-problems");
    await page.getByText("order_id is required").waitFor();
    await snapshot("delivery-problems");
    await page.getByRole("button", { name: "Retry: Order paid" }).click();
    await page.locator("#stand-in-toast", { hasText: "Queued again" }).waitFor({ timeout: 30_000 });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "PENDING", attempts: 0 });
  }, 240_000);

  it("review: a referral a fraud check held, with why; approved from the page", async () => {
    const pending = await db.referral.findFirstOrThrow({ where: { shop, status: "PENDING" }, orderBy: { createdAt: "asc" } });
    await holdForReview(db, {
      shop,
      referralId: pending.id,
      rule: "IP_CLUSTER",
      evidence: { summary: "3 friends of this referrer ordered from one network address within 30 days", orders: [{ order: pending.orderName, at: pending.createdAt.toISOString() }] },
      cause: "test",
    });
    await open("/app/review");
    await page.getByText("3 friends of this referrer ordered from one network address").waitFor();
    await snapshot("review");
    await page.locator(".Polaris-IndexTable__TableRow").first().locator('input[type="checkbox"]').check({ force: true });
    await page.getByRole("button", { name: "Approve" }).click();
    await page.locator("#stand-in-toast", { hasText: "1 referral approved" }).waitFor({ timeout: 30_000 });
    expect(await db.referral.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ reviewStatus: "CLEARED", status: "PENDING" });
  }, 240_000);

  it("invite: a run started in the page shows its progress and its result", async () => {
    await open("/app/invite");
    await page.getByLabel("Only customers with this tag").fill("vip");
    await page.getByRole("button", { name: "Start invitation" }).click();
    await page.getByText("Waiting to start").waitFor({ timeout: 30_000 });
    // The worker (here: the test's) runs the job; the page polls for progress.
    await seeded.drain(); // the export starts
    await page.getByText("Shopify is exporting your customers").waitFor({ timeout: 30_000 });
    await snapshot("invite-running");
    for (let i = 0; i < 10 && !(await page.getByText("Finished").count()); i++) {
      seeded.advance(5_000);
      await seeded.drain();
      await page.waitForTimeout(2_500);
    }
    await page.getByText("Finished").waitFor({ timeout: 30_000 });
    await page.getByText("12 of 12 customers processed").waitFor();
    // The invitation emails go out (the test's worker runs the outbox); the page follows them.
    await seeded.drain();
    await page.getByText("6 of 6 invitation emails sent").waitFor({ timeout: 30_000 });
    expect(smtp.received.filter((m) => /^vip\d+@example\.com$/.test(m.envelopeTo[0] ?? ""))).toHaveLength(6);
    await snapshot("invite");
  }, 240_000);

  it("settings: a change shows the save bar; saving updates the program and shows a toast", async () => {
    await open("/app/settings");
    // Without the app's discount function on the store, the page says the checks at checkout are off, and why.
    await page.getByRole("heading", { name: "Checks at checkout" }).waitFor();
    await page.getByText(/The app's discount function, which checks this at checkout, is not on your store yet/).waitFor();
    const hold = page.getByLabel("Hold period (days)");
    await hold.fill("21");
    const saveBar = page.locator("ui-save-bar[data-open]");
    await saveBar.waitFor();
    await snapshot("settings");
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.locator("#stand-in-toast", { hasText: "Settings saved" }).waitFor({ timeout: 30_000 });
    await saveBar.waitFor({ state: "detached" }).catch(() => {});
    expect((await db.program.findUniqueOrThrow({ where: { shop } })).holdDays).toBe(21);
    expect(await page.locator("ui-save-bar[data-open]").count()).toBe(0);
    // A value the schema refuses: the error shows on its field.
    await hold.fill("400");
    await page.locator("ui-save-bar[data-open]").getByRole("button", { name: "Save" }).click();
    await page.getByText(/Number must be less than or equal to 365/).waitFor({ timeout: 30_000 });
    expect(await hold.inputValue()).toBe("400"); // what the merchant typed stays, to be corrected
    await page.screenshot({ path: path.join(OUT, "admin-settings-error.png"), fullPage: true });
  }, 240_000);

  it("emails: an unknown placeholder is refused on its field, the preview follows the typing, a test goes out and is logged", async () => {
    await open("/app/emails");
    const preview = page.frameLocator('iframe[title="Preview"]');
    await preview.getByRole("heading", { name: /Give your friends/ }).waitFor({ timeout: 30_000 });
    await page.getByLabel("Subject").fill("Hello {first_name}");
    await page.getByRole("button", { name: "Save text" }).click();
    await page.getByText("Unknown placeholder {first_name}", { exact: false }).waitFor({ timeout: 30_000 });
    expect(await db.emailText.count({ where: { shop } })).toBe(0);
    await page.getByLabel("Subject").fill("{referrer_first_name}, your friends will love {shop_name}");
    await page.getByLabel("Heading").fill("Share the love & save");
    await preview.getByRole("heading", { name: "Share the love & save" }).waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Save text" }).click();
    await page.locator("#stand-in-toast", { hasText: "Text saved" }).waitFor({ timeout: 30_000 });
    expect(await db.emailText.findFirst({ where: { shop, kind: "INVITATION", locale: "en" } })).toMatchObject({ heading: "Share the love & save" });
    await snapshot("emails");

    // Another language: its own default text, and its own preview.
    await page.getByLabel("Language").selectOption("fr");
    await preview.locator('html[lang="fr"]').waitFor({ timeout: 30_000 });
    await page.getByLabel("Send to").fill("merchant@example.com");
    await page.getByRole("button", { name: /^Send test/ }).click();
    await page.locator("#stand-in-toast", { hasText: "Test email queued" }).waitFor({ timeout: 30_000 });
    await seeded.drain();
    // The app's own worker may be the one sending it: wait for the SMTP server to have it.
    await expect.poll(() => smtp.received.some((m) => m.envelopeTo.includes("merchant@example.com") && /lang="fr"/.test(String(m.parsed.html))), { timeout: 30_000 }).toBe(true);
    await open("/app/emails?kind=INVITATION&language=fr");
    await page.getByRole("cell", { name: "merchant@example.com" }).waitFor({ timeout: 30_000 });
    await page.getByText("Sent", { exact: true }).first().waitFor();
    // The weekly digest is off until switched on.
    const digest = page.getByLabel("On: Weekly digest (to you)");
    expect(await digest.isChecked()).toBe(false);
    await digest.click();
    await page.locator("#stand-in-toast", { hasText: "Email switched on" }).waitFor({ timeout: 30_000 });
    expect(await digest.isChecked()).toBe(true);
    expect(await db.emailSwitch.findFirst({ where: { shop, kind: "MERCHANT_DIGEST" } })).toMatchObject({ enabled: true });
    await snapshot("emails-log");
  }, 240_000);

  it("possible leaks: a flagged referrer with the evidence, and rotating the code", async () => {
    // A shop of its own, so the other pages' figures stay as seeded.
    const p = await pipeline.setupShop({ holdDays: 30, firstOrderOnly: false, leakMinOrders: 3, leakThresholdPercent: 60 });
    await installShop(p.shop);
    const referringSites = ["https://www.retailmenot.com/view/example-shop.com", "https://couponfollow.com/site/example-shop.com", "https://www.google.com/"];
    for (const [i, referringSite] of referringSites.entries()) {
      await p.send(
        "orders/paid",
        orderPaidPayload({ orderId: 7_300_000_000_000 + i, customerId: 7_300_000_000_100 + i, email: `stranger${i}@example.com`, discountCodes: [p.referrer.code], subtotal: "50.00", total: "50.00", currency: "USD", name: `#${3001 + i}`, createdAt: new Date(testClock.now()).toISOString(), landingSite: "/collections/all", referringSite }),
      );
    }
    await p.drain();
    const main = shop;
    shop = p.shop;
    try {
      await open("/app/leaks");
      await page.getByRole("heading", { name: "Flagged referrers" }).waitFor();
      expect(await page.locator(".Polaris-IndexTable__TableRow").count()).toBe(3);
      expect(await page.getByText("Coupon site: RetailMeNot").count()).toBe(1);
      expect(await page.getByText("3 of 3 orders (100%) typed the code without a link").count()).toBe(1);
      await snapshot("leaks");

      await page.getByRole("button", { name: `Rotate code ${p.referrer.code}` }).click();
      const grace = page.getByLabel("Grace period (days)");
      await grace.waitFor();
      expect(await grace.inputValue()).toBe("14");
      await grace.fill("7");
      await snapshot("leaks-rotate");
      await page.getByRole("dialog").getByRole("button", { name: "Rotate code" }).click();
      await page.locator("#stand-in-toast", { hasText: "New code" }).waitFor({ timeout: 30_000 });
      await page.getByRole("heading", { name: "No possible leaks" }).waitFor();
      const referrer = await db.referrer.findFirstOrThrow({ where: { shop: p.shop, id: p.referrer.id } });
      expect(referrer.code).not.toBe(p.referrer.code);
      const history = await db.referrerCode.findFirstOrThrow({ where: { shop: p.shop, referrerId: p.referrer.id } });
      expect(history.code).toBe(p.referrer.code);
      expect(Math.round((history.retireAt.getTime() - Date.now()) / 86_400_000)).toBe(7);
      await page.getByRole("cell", { name: referrer.code }).waitFor();
      // The modal's closing animation dims the page behind it: axe would read its fading colours.
      await page.getByRole("dialog").waitFor({ state: "detached" });
      await page.locator(".Polaris-Backdrop").waitFor({ state: "detached" });
      await snapshot("leaks-rotated");
      // The referrer's page lists the former code and until when it works.
      await open(`/app/referrers/${p.referrer.id}`);
      await page.getByRole("heading", { name: "Former codes" }).waitFor();
      expect(await page.getByText(`${p.referrer.code}: works until`).count()).toBe(1);
      await snapshot("referrer-former-code");
    } finally {
      shop = main;
    }
  }, 240_000);

  it("integrations: an endpoint added (its secret shown once), a key made (shown once), then the Integrations page with the endpoint's deliveries", async () => {
    await open("/app/integrations/webhooks");
    await page.getByRole("textbox", { name: "Endpoint URL", exact: true }).fill("http://127.0.0.1:9/referral-events");
    await page.getByLabel("A friend's order was referred").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = page.getByRole("textbox", { name: "Signing secret" });
    await secret.waitFor({ timeout: 30_000 });
    const shown = await secret.inputValue();
    expect(shown).toMatch(/^whsec_/);
    expect(await db.webhookEndpoint.findFirst({ where: { shop }, select: { secret: true, url: true } })).toEqual({ secret: shown, url: "http://127.0.0.1:9/referral-events" });
    // The dialog fades in: axe must read its colours once they have settled.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
    await snapshot("webhooks-added");
    await open("/app/integrations/webhooks");
    expect(await page.content()).not.toContain(shown);

    await open("/app/integrations/api-keys");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Data warehouse");
    await page.getByRole("button", { name: "Create key" }).click();
    // Shown once, in a read-only field labelled with the key's name.
    const key = page.getByRole("textbox", { name: "Data warehouse", exact: true });
    await key.waitFor({ timeout: 30_000 });
    const plain = await key.inputValue();
    expect(plain).toMatch(/^rk_live_/);
    expect(JSON.stringify(await db.apiKey.findMany({ where: { shop } }))).not.toContain(plain);
    await snapshot("api-key-created");

    // A friend's order: its event goes to the endpoint (nothing listens there: it waits for a retry).
    await sendOrder(seeded, seeded.referrer.code, { email: "integrations@example.com", subtotal: "70.00" });
    await seeded.drain();
    // Klaviyo: a refused key is said on its field; a good one connects, shown by its last four characters only.
    await open("/app/integrations/klaviyo");
    await page.getByLabel("Private API key").fill("pk_notaknownkey1234567890");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.locator("#apiKeyError, [id$='Error']").first().waitFor({ timeout: 30_000 });
    await snapshot("klaviyo-refused");
    klaviyo.keys.add("pk_browsertest1234567890wxyz");
    await page.getByLabel("Private API key").fill("pk_browsertest1234567890wxyz");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByText(/wxyz/).first().waitFor({ timeout: 30_000 });
    expect(await page.content()).not.toContain("pk_browsertest1234567890wxyz");
    await snapshot("klaviyo-connected");

    await open("/app/integrations");
    await page.getByText("Recent deliveries").waitFor();
    await snapshot("integrations");
  }, 180_000);

  it("second-tier fee: reached from Settings; turning it on without ticking the warning names the box; ticked, it is on and in the history", async () => {
    await open("/app/settings");
    await page.getByRole("link", { name: "Set up the second-tier fee" }).click();
    await page.getByRole("heading", { name: "Second-tier referral fee", level: 1 }).waitFor();
    await page.getByText(/multi-level referral scheme/).waitFor();
    await page.getByRole("checkbox", { name: "Pay a second-tier fee", exact: true }).check();
    await page.getByRole("textbox", { name: "Fee per order (USD)", exact: true }).fill("2");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Read the warning and tick the box to turn on second-tier fees.").waitFor({ timeout: 30_000 });
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await snapshot("second-tier-refused");
    await page.getByRole("checkbox", { name: /I have read this warning/ }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.locator("#stand-in-toast", { hasText: "Second-tier settings saved" }).waitFor({ timeout: 30_000 });
    await page.getByRole("list", { name: "History" }).getByText(/Warning read and acknowledged/).waitFor();
    const program = await db.program.findUniqueOrThrow({ where: { shop } });
    expect(program).toMatchObject({ secondTierEnabled: true, secondTierKind: "CASH" });
    expect(program.secondTierAckAt).not.toBeNull();
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await snapshot("second-tier");
  }, 240_000);

  it("had no page errors", () => {
    expect(errors).toEqual([]);
  });
});
