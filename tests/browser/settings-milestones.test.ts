// The Settings page's milestone rewards in Chromium (playwright-core, Debian's
// /usr/bin/chromium), rendered by the real app: milestones added with the
// form's own buttons, a free product asking for product access (App Bridge's
// scopes.request) and refused on its field until granted, the save bar
// saving them; the section screenshot to test-results/ and checked with axe.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { hostParam } from "../../fake-shopify/sign";
import { useTestShopify } from "../helpers/admin";
import { installShop, sessionToken } from "../helpers/admin-request";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";
import { uniqueShop } from "../helpers/shops";
import { startAdminServer, devClientNoise } from "./admin-server";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results");
const STAND_IN = fs.readFileSync(path.join(PROJECT_ROOT, "devstore/app-bridge.js"), "utf8");
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

useTestShopify();
let server: Awaited<ReturnType<typeof startAdminServer>>;
let browser: Browser;
let page: Page;
const shop = uniqueShop("milestones-ui");
const errors: string[] = [];

async function open(pathname: string) {
  const url = new URL(pathname, server.url);
  for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: sessionToken(shop) })) url.searchParams.set(k, v);
  await page.goto(url.toString(), { waitUntil: "networkidle", timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext && document.querySelector(".Polaris-Page"), null, { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
}

/** axe on the whole page once its animations have settled: the serious and critical violations. */
async function axeViolations() {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))));
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ exclude: [["#stand-in-toast"], ["ui-save-bar"]] }, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

describe.skipIf(NO_BROWSER)("milestone rewards on the Settings page in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    await installShop(shop);
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
      if (url.hostname === "127.0.0.1" || url.protocol === "data:") return route.continue();
      return route.fulfill({ status: 204, body: "" });
    });
    page = await context.newPage();
    page.on("pageerror", (e) => devClientNoise(e.message) || errors.push(`pageerror: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 500) errors.push(`http ${r.status()}: ${r.url()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("adds milestones, asks for product access for a free product, refuses it on its field, then saves; axe-clean", async () => {
    await open("/app/settings");
    const section = page.getByRole("region", { name: "Milestone rewards", exact: true });
    await section.getByText("No milestones yet: referrers earn the per-friend reward only.").waitFor();

    await section.getByRole("button", { name: "Add a milestone", exact: true }).click();
    const first = section.getByRole("group", { name: "Milestone 1", exact: true });
    await first.getByRole("spinbutton", { name: "Successful referrals", exact: true }).fill("3");
    await first.getByRole("combobox", { name: "Extra reward", exact: true }).selectOption("STORE_CREDIT");
    await first.getByRole("spinbutton", { name: /^Value\b/ }).fill("20");
    await page.locator("ui-save-bar[data-open]").waitFor();

    await section.getByRole("button", { name: "Add a milestone", exact: true }).click();
    const second = section.getByRole("group", { name: "Milestone 2", exact: true });
    expect(await second.getByRole("spinbutton", { name: "Successful referrals", exact: true }).inputValue()).toBe("8");
    await second.getByRole("combobox", { name: "Extra reward", exact: true }).selectOption("FREE_PRODUCT");
    await second.getByRole("textbox", { name: "Product handle or ID", exact: true }).fill("blue-mug");

    // No read_products yet: the page says why it asks, and asks App Bridge for it.
    const ask = section.getByRole("button", { name: "Let the app read your products", exact: true });
    await ask.waitFor();
    await ask.click();
    expect(await page.evaluate(() => (window as unknown as { __scopeRequests: string[][] }).__scopeRequests)).toEqual([["read_products"]]);
    // Opened outside the admin, the stand-in cannot show the grant dialog: the banner says so.
    await section.getByText("The request for product access could not be shown. Try again.").waitFor();

    await page.locator("ui-save-bar[data-open]").getByRole("button", { name: "Save", exact: true }).click();
    await second.getByText("Milestone 2: let the app read your products first (button above).").waitFor({ timeout: 30_000 });
    expect(await db.milestone.count({ where: { shop } })).toBe(0);
    await section.screenshot({ path: path.join(OUT, "settings-milestones-error.png") });
    expect(await axeViolations(), "with a field error").toEqual([]);

    // A cash fee instead: saved, read back in order.
    await second.getByRole("combobox", { name: "Extra reward", exact: true }).selectOption("CASH");
    await second.getByRole("spinbutton", { name: /^Value\b/ }).fill("25");
    await page.locator("ui-save-bar[data-open]").getByRole("button", { name: "Save", exact: true }).click();
    await page.locator("#stand-in-toast", { hasText: "Settings saved" }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await db.milestone.findMany({ where: { shop }, orderBy: { referrals: "asc" } })).map((m) => [m.referrals, m.rewardKind, m.rewardValue.toString()]), { timeout: 30_000 }).toEqual([
      [3, "STORE_CREDIT", "20"],
      [8, "CASH", "25"],
    ]);
    await page.locator("ui-save-bar[data-open]").waitFor({ state: "detached", timeout: 30_000 }).catch(() => {});
    // The expiry setting says it covers store credit too.
    await page.getByRole("spinbutton", { name: "Reward codes and store credit expire after (days)", exact: true }).waitFor();

    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: path.join(OUT, "settings-milestones.png") });
    await page.screenshot({ path: path.join(OUT, "settings-milestones-page.png"), fullPage: true });
    expect(await axeViolations(), "saved").toEqual([]);

    // Removing one takes it off the form (and the save bar offers to save that).
    await second.getByRole("button", { name: "Remove milestone 2", exact: true }).click();
    expect(await section.getByRole("group", { name: "Milestone 2", exact: true }).count()).toBe(0);
    await page.locator("ui-save-bar[data-open]").waitFor();
    expect(errors).toEqual([]);
  }, 240_000);
});
