// The Partners pages in Chromium (playwright-core), rendered by the real app:
// the agreement written from its template and published after the
// confirmation, the list with partners of every kind and their figures, an
// invitation refused on its field then sent, a partner's page (an application
// approved there), the versions and the settings. Each state is screenshot to
// test-results/ and checked with axe-core.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { applyAsPartner, approvePartner } from "~/partners/partners.server";
import type { FakeShopify } from "../../fake-shopify";
import { hostParam } from "../../fake-shopify/sign";
import { installShop, sessionToken } from "../helpers/admin-request";
import { readPdfPages } from "../helpers/pdf";
import { usePipeline } from "../helpers/pipeline";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";
import { startAdminServer, devClientNoise } from "./admin-server";

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
const errors: string[] = [];

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
  // A modal fades in: axe reads its colours once the animation has settled.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await page.screenshot({ path: path.join(OUT, `admin-${name}.png`), fullPage: true });
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ exclude: [["#stand-in-toast"], ["ui-save-bar"]] }, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

const toast = (text: string) => page.locator("#stand-in-toast", { hasText: text }).waitFor({ timeout: 30_000 });

/** Partners of every kind once the agreement is out: an application, an approved partner with orders and fees. */
async function seedPartners() {
  const version = (await db.agreementVersion.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } })).version;
  const applyAs = (email: string, businessName: string, name: string) =>
    applyAsPartner(db, {
      shop,
      input: { name, businessName, email, website: `${businessName.toLowerCase().replace(/\W/g, "")}.example`, pitch: "Guided hikes every weekend;\nwe recommend gear to our groups.", signature: name, accepted: "on", agreementVersion: String(version) },
      ipHash: "5f2c9a01d3e4b6a7",
      locale: "en",
    });
  await applyAs("mia@trailguides.example", "Trail Guides Co", "Mia Hart");
  await applyAs("leo@campleo.example", "Camp Leo", "Leo Park");
  const leo = await db.partner.findFirstOrThrow({ where: { shop, email: "leo@campleo.example" } });
  expect(await approvePartner({ db, shop, cause: "merchant:42" }, leo.id)).toMatchObject({ ok: true });
  const referrerId = (await db.partner.findUniqueOrThrow({ where: { id: leo.id } })).referrerId!;
  const now = Date.now();
  for (const [i, subtotal, status] of [
    [1, "120.00", "REWARDED"],
    [2, "80.50", "PENDING"],
  ] as const) {
    const referral = await db.referral.create({
      data: { shop, referrerId, orderId: `gid://shopify/Order/9${i}`, orderName: `#20${i}`, attributedBy: "LINK", subtotalAmount: subtotal, totalAmount: subtotal, currencyCode: "USD", status, holdUntil: new Date(now + (i - 2) * 86_400_000), createdAt: new Date(now - (10 - i) * 86_400_000) },
    });
    await db.reward.create({
      data: { shop, referrerId, referralId: referral.id, kind: "CASH", valueType: "FIXED_AMOUNT", value: (Number(subtotal) / 10).toFixed(2), currencyCode: "USD", status: i === 1 ? "PAID" : "PENDING", source: "PARTNER_FEE", payoutReference: i === 1 ? "PAYPAL-7781" : null },
    });
  }
  return leo.id;
}

describe.skipIf(NO_BROWSER)("the Partners pages in Chromium", () => {
  let approvedId = "";

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    fake = pipeline.shopify.reset();
    shop = (await pipeline.setupShop({ holdDays: 14 })).shop;
    await installShop(shop);
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
      // 4xx answers are expected (the invitation refused once); 5xx are caught above.
      if (m.type() === "error" && !devClientNoise(m.text()) && !/^Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
  }, 240_000);

  beforeEach(() => {
    pipeline.shopify.fake = fake;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("writes the agreement from its template and publishes version 1 after the confirmation", async () => {
    await open("/app/partners");
    await page.getByText("Write your partner agreement first").waitFor();
    await snapshot("partners-empty");
    await open("/app/partners/agreement");
    const text = page.getByRole("textbox", { name: "Agreement text", exact: true });
    expect(await text.inputValue()).toContain(((await db.program.findUniqueOrThrow({ where: { shop } })).shopName ?? shop.replace(".myshopify.com", "")).slice(0, 6));
    await snapshot("partners-agreement-new");
    await page.getByRole("button", { name: "Publish version 1" }).click();
    await page.getByRole("dialog").getByText("No partner is approved yet, so no link pauses.").waitFor();
    await snapshot("partners-agreement-confirm");
    await page.getByRole("dialog").getByRole("button", { name: "Publish version 1" }).click();
    await toast("Version 1 published");
    await page.getByRole("button", { name: "Publish version 2" }).waitFor();
    expect(await db.agreementVersion.count({ where: { shop } })).toBe(1);
    expect(errors).toEqual([]);
  }, 240_000);

  it("lists partners of every kind with their figures; an invitation is refused on its field, then sent", async () => {
    approvedId = await seedPartners();
    await open("/app/partners");
    await page.getByRole("link", { name: "Camp Leo" }).waitFor();
    await page.getByRole("cell", { name: "$200.50" }).first().waitFor();
    await snapshot("partners");

    await page.getByRole("button", { name: "Invite partner" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Business name").fill("Bo's Bikes");
    await dialog.getByLabel("Contact name").fill("Bo Berg");
    await dialog.getByLabel("Email", { exact: true }).fill("bo@bikes");
    await dialog.getByRole("combobox", { name: "Fee", exact: true }).selectOption("FIXED");
    await dialog.getByLabel("Fee (USD)").fill("15");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await dialog.getByText("Enter an email address like name@example.com").waitFor();
    expect(await dialog.getByLabel("Email", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await snapshot("partners-invite-error");

    await dialog.getByLabel("Email", { exact: true }).fill("bo@bikes.example");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    // Sent, or (no mail server in this run) added without the email: either way the toast says which.
    await page.locator("#stand-in-toast", { hasText: /Invitation sent to bo@bikes.example|Partner added, but no invitation email went out/ }).waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "Bo's Bikes" }).waitFor();
    expect(await db.partner.findFirstOrThrow({ where: { shop, email: "bo@bikes.example" } })).toMatchObject({ status: "INVITED", feeKind: "FIXED" });
    await page.getByRole("tab", { name: /Applications to review/ }).click();
    // The tab navigates: the applications' list replaces the whole list (both show Trail Guides Co, only one Camp Leo).
    await expect.poll(() => page.getByRole("link", { name: "Camp Leo" }).count(), { timeout: 15_000 }).toBe(0);
    await page.getByRole("link", { name: "Trail Guides Co" }).waitFor();
    expect(errors).toEqual([]);
  }, 240_000);

  it("shows a partner's page, and approves an application from its page", async () => {
    await open(`/app/partners/${approvedId}`);
    await page.getByRole("heading", { name: "Agreement acceptances" }).waitFor();
    await page.getByText("PAYPAL-7781").waitFor();
    await page.getByText("Working", { exact: true }).waitFor();
    await snapshot("partner");
    // The accepted agreement downloads through the authenticated fetch, as a PDF with their acceptance.
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Accepted agreement (PDF)" }).click()]);
    expect(file.suggestedFilename()).toBe("partner-agreement-v1-camp-leo.pdf");
    const text = (await readPdfPages(fs.readFileSync((await file.path())!))).join("\n").replace(/\s+/g, " ");
    expect(text).toContain("Accepted by Leo Park for Camp Leo on");

    const applicant = await db.partner.findFirstOrThrow({ where: { shop, email: "mia@trailguides.example" } });
    await open(`/app/partners/${applicant.id}`);
    await page.getByText("Guided hikes every weekend;").waitFor();
    await snapshot("partner-application");
    await page.getByRole("button", { name: "Approve" }).click();
    await toast("Partner approved");
    expect(await db.partner.findUniqueOrThrow({ where: { id: applicant.id }, include: { referrer: true } })).toMatchObject({ status: "APPROVED", referrer: { status: "ACTIVE" } });
    await page.getByRole("button", { name: "End agreement" }).click();
    await page.getByRole("dialog").getByText("Their link and code stop working at once.", { exact: false }).waitFor();
    await snapshot("partner-end-confirm");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    expect(errors).toEqual([]);
  }, 240_000);

  it("lists the agreement's versions and shows one; the settings page with a group", async () => {
    await open("/app/partners/agreement");
    await page.getByRole("link", { name: "Read: Version 1" }).click();
    await page.getByRole("dialog").getByText("Published on", { exact: false }).waitFor();
    await snapshot("partners-agreement-version");
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).first().click();
    await page.getByRole("button", { name: "Publish version 2" }).click();
    await page.getByRole("dialog").getByText("2 approved partners' links pause", { exact: false }).waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await open("/app/partners/settings");
    await page.getByRole("button", { name: "Add group" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
    await page.getByRole("dialog").getByText("Give the group a name").waitFor();
    await page.getByRole("dialog").getByLabel("Group name").fill("Outdoor bloggers");
    await page.getByRole("dialog").getByLabel("Fee (%)").fill("12.5");
    await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
    await toast("Group saved");
    await page.getByRole("cell", { name: "Outdoor bloggers" }).waitFor();
    await snapshot("partners-settings");
    expect(errors).toEqual([]);
  }, 240_000);
});
