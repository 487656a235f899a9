// The payouts page's batches in Chromium (playwright-core), rendered by the
// real app with fees made by the real pipeline (customers' cash rewards and
// partners' fees): a batch created from the page, then marked paid from its
// modal, the missing reference named on its field first; and the dashboard's
// partners card. Each state is screenshot to test-results/ and checked with axe-core.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { hostParam } from "../../fake-shopify/sign";
import { installShop, sessionToken } from "../helpers/admin-request";
import { sendOrder } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";
import { addPartner } from "../helpers/partner-rows";
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
const errors: string[] = [];

async function open(pathname: string) {
  const url = new URL(pathname, server.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", sessionToken(shop));
  await page.goto(url.toString(), { waitUntil: "networkidle", timeout: 120_000 });
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

describe.skipIf(NO_BROWSER)("payout batches in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    pipeline.shopify.reset();
    // Cash rewards for customers, fees for two partners (one paid at a payout email, one whose email was erased).
    const p = await pipeline.setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
    shop = p.shop;
    await installShop(shop);
    const bikes = await addPartner(shop, { name: "Pat Jones", businessName: "Pat's Bikes", payoutEmail: "payouts@patsbikes.example" });
    const records = await addPartner(shop, { name: "Lou Reed", businessName: "Lou's Records", email: "" });
    for (const [code, subtotal] of [
      [p.referrer.code, "60.00"],
      [p.referrer.code, "45.00"],
      [bikes.referrer.code, "240.00"],
      [bikes.referrer.code, "85.50"],
      [records.referrer.code, "120.00"],
    ]) {
      await sendOrder(p, code, { email: `friend-${Math.random().toString(36).slice(2)}@example.com`, subtotal });
    }
    await p.drain();
    expect(await db.reward.count({ where: { shop, kind: "CASH", status: "ISSUED" } })).toBe(5);
    server = await startAdminServer();
    requireChromium();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
    const userAgent = (await browser.newPage().then(async (tab) => [await tab.evaluate(() => navigator.userAgent), await tab.close()]))[0] as string;
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
      // Polaris Viz draws its first frame before it has measured its container
      // (negative SVG sizes, which Chromium reports); it redraws once measured.
      const known = /^Failed to load resource|attribute (height|viewBox): A negative value/;
      if (m.type() === "error" && !devClientNoise(m.text()) && !known.test(m.text())) errors.push(`console: ${m.text()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("create a batch of partners' fees, then mark it paid: the missing reference is named on its field first", async () => {
    await open("/app/payouts");
    await page.getByRole("heading", { name: "Payout batches" }).waitFor();
    expect(await page.getByText("Partner", { exact: true }).count()).toBe(2); // the ledger's partner badges
    await snapshot("payouts-batches-empty");

    await page.getByRole("combobox", { name: "Fees of", exact: true }).selectOption("partners");
    await page.getByRole("button", { name: "Create batch" }).click();
    await page.locator("#stand-in-toast", { hasText: "Batch #1 created: 3 fees, $44.55" }).waitFor({ timeout: 30_000 });
    await page.getByText("Batch #1: 1 recipient has no email address PayPal can pay.", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Mark paid: batch #1" }).waitFor();
    await snapshot("payouts-batch-open");

    await page.getByRole("button", { name: "Mark paid: batch #1" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Every fee still in the batch is recorded as paid", { exact: false }).waitFor();
    await dialog.getByRole("button", { name: "Mark paid" }).click();
    await dialog.getByText("Enter the payment reference").waitFor();
    // The error is the field's own: the text box names it as its description and is marked invalid.
    const field = dialog.getByLabel("Payment reference");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await field.getAttribute("aria-describedby")) ?? "";
    expect(await page.locator(describedBy.split(" ").map((id) => `[id="${id}"]`).join(",")).allInnerTexts()).toContain("Enter the payment reference");
    await snapshot("payouts-batch-reference-error");

    await field.fill("PAYPAL-MASS-0042");
    await dialog.getByRole("button", { name: "Mark paid" }).click();
    await page.locator("#stand-in-toast", { hasText: "Batch #1 marked paid: 3 fees" }).waitFor({ timeout: 30_000 });
    await page.getByRole("cell", { name: "PAYPAL-MASS-0042" }).waitFor();
    const batch = await db.payoutBatch.findUniqueOrThrow({ where: { shop_number: { shop, number: 1 } } });
    expect(batch).toMatchObject({ status: "PAID", reference: "PAYPAL-MASS-0042" });
    expect(await db.reward.count({ where: { shop, payoutBatchId: batch.id, status: "PAID", payoutReference: "PAYPAL-MASS-0042" } })).toBe(3);
    await snapshot("payouts-batch-paid");
    expect(errors).toEqual([]);
  }, 240_000);

  it("the dashboard shows partners apart", async () => {
    await open("/app/dashboard");
    await page.getByRole("heading", { name: "Partners", exact: true }).waitFor();
    await page.getByText("Partners are not in this list: they have their own card.", { exact: false }).waitFor();
    await snapshot("dashboard-partners");
    expect(errors).toEqual([]);
  }, 240_000);
});
