// The settings page's live preview in Chromium (playwright-core, Debian's
// /usr/bin/chromium), rendered by the real app: editing the friend's offer
// redraws the block in the preview's iframe with the unsaved value, in
// English and then Hindi; the launcher and an email follow the same values;
// nothing is saved. Screenshots go to test-results/settings-preview-*.png.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import hi from "../../extensions/referral/locales/hi.json";
import { hostParam } from "../../fake-shopify/sign";
import { useTestShopify } from "../helpers/admin";
import { installShop, sessionToken } from "../helpers/admin-request";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";
import { uniqueShop } from "../helpers/shops";
import { startAdminServer, devClientNoise } from "./admin-server";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results");
const STAND_IN = fs.readFileSync(path.join(PROJECT_ROOT, "devstore/app-bridge.js"), "utf8");

useTestShopify();
let server: Awaited<ReturnType<typeof startAdminServer>>;
let browser: Browser;
let page: Page;
const shop = uniqueShop("preview");
const errors: string[] = [];

async function open(pathname: string) {
  const url = new URL(pathname, server.url);
  for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: sessionToken(shop) })) url.searchParams.set(k, v);
  await page.goto(url.toString(), { waitUntil: "networkidle", timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext && document.querySelector(".Polaris-Page"), null, { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
}

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 100 });

describe.skipIf(NO_BROWSER)("settings preview in Chromium", () => {
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

  it("redraws the block as the offer is edited, in English and Hindi, then the launcher and an email; nothing saved", async () => {
    await open("/app/settings");
    const frame = page.frameLocator('iframe[title="Preview of what shoppers see"]');
    const heading = frame.locator("[data-rfl-heading]");
    await poll(() => heading.textContent()).toBe("Give your friends 10% off");

    await page.getByLabel("Discount", { exact: true }).fill("15");
    await poll(() => heading.textContent()).toBe("Give your friends 15% off");
    // The join form is shown (getByRole skips hidden elements); it may be below the frame's fold.
    await poll(() => frame.getByRole("button", { name: "Get my link" }).count()).toBe(1);
    await page.screenshot({ path: path.join(OUT, "settings-preview-en.png"), fullPage: true });

    await page.getByLabel("Language", { exact: true }).selectOption("hi");
    const offer = hi.offer.percent.replace("{value}", "15%");
    await poll(() => heading.textContent()).toBe(hi.block.heading_offer.replace("{offer}", offer));
    await poll(() => frame.getByRole("button", { name: hi.block.join }).count()).toBe(1);
    await page.screenshot({ path: path.join(OUT, "settings-preview-hi.png"), fullPage: true });

    await page.getByLabel("Language", { exact: true }).selectOption("en");
    await page.getByRole("tab", { name: "Launcher" }).click();
    await poll(() => frame.locator(".rfl-panel [data-rfl-heading]").textContent()).toBe("Give your friends 15% off");
    await page.screenshot({ path: path.join(OUT, "settings-preview-launcher.png"), fullPage: true });

    await page.getByRole("tab", { name: "Emails" }).click();
    // The email's page has replaced the launcher's (whose text says 15% off too).
    await page.locator('iframe[data-settings-preview="email"]').waitFor({ timeout: 30_000 });
    expect(await frame.locator("[data-rfl-launcher]").count()).toBe(0);
    await poll(() => frame.getByText(/15% off/).count()).toBeGreaterThan(0);
    await page.getByText("Subject:").waitFor();
    await page.screenshot({ path: path.join(OUT, "settings-preview-email.png"), fullPage: true });

    // Far down the form, the panel is still in view (sticky beside it), and follows the share message.
    await page.getByRole("tab", { name: "Block" }).click();
    await page.getByLabel("Shopper", { exact: true }).selectOption("referrer");
    const share = page.getByLabel("Share message", { exact: true });
    await share.scrollIntoViewIfNeeded();
    await share.fill("Psst: {offer} at {link}");
    const whatsapp = frame.locator('[data-rfl-channel="whatsapp"]');
    await poll(async () => decodeURIComponent((await whatsapp.getAttribute("href")) ?? "")).toContain("Psst: 15% off at https://");
    const box = (await page.locator('iframe[title="Preview of what shoppers see"]').boundingBox())!;
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(500);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + 100).toBeLessThan(900);
    await page.screenshot({ path: path.join(OUT, "settings-preview-sticky.png") });

    // A value the schema refuses: the panel names it, the last good preview stays.
    await page.getByLabel("Discount", { exact: true }).fill("150");
    await page.getByText("The friend's discount must be between 0 and 100%").first().waitFor({ timeout: 30_000 });

    expect((await db.program.findUniqueOrThrow({ where: { shop } })).friendOfferValue.toString()).toBe("10");
    expect(errors).toEqual([]);
  }, 240_000);
});
