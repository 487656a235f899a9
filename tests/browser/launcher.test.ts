// The floating launcher in a real Chromium, on the stand-in storefront with the
// app embed's launcher on: nothing of the panel is fetched before the click;
// the button opens the panel (focus moves in), a guest joins from it, Escape
// closes it and focus returns to the button; in English, Hindi and Maltese.
// A referrer opens it on a page that also has the block (one script serves
// both). Screenshots go to test-results/launcher-*.png; axe checks each state.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { lookup } from "~/storefront/i18n";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { localeMessages } from "../helpers/liquid";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer } from "../helpers/storefront";
import { startStorefrontServer, type StorefrontServer } from "../helpers/storefront-server";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const RESULTS = path.join(PROJECT_ROOT, "test-results");
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser: Browser;
let server: StorefrontServer;
const shop = uniqueShop("launcher");
let code = "";

beforeAll(async () => {
  requireChromium();
  fs.mkdirSync(RESULTS, { recursive: true });
  // 15%, not the old default heading's 10%: the panel's heading must say 15%.
  await seedProgram(shop, { friendOfferValue: 15 });
  code = (await seedReferrer(shop, { customerId: "gid://shopify/Customer/501" })).code;
  server = await startStorefrontServer({ shop, embedSettings: { launcher: true, launcher_bg: "#5c2d91", launcher_fg: "#ffffff" } });
  await db.program.update({ where: { shop }, data: { storefrontUrl: server.origin } });
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

async function axeViolations(page: Page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(() => (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000, interval: 50 });
const activeElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).split(" ")[0]}` : ""}` : "";
  });

const LANGUAGES = [
  { language: "en", prefix: "", email: "launcher-en@example.com" },
  { language: "hi", prefix: "/hi", email: "launcher-hi@example.com" },
  { language: "mt", prefix: "/mt", email: "launcher-mt@example.com" },
];

describe.skipIf(NO_BROWSER)("floating launcher in Chromium", () => {
  for (const { language, prefix, email } of LANGUAGES) {
    it(`a guest opens it on a page without the block, joins, and closes it with Escape (${language})`, async () => {
      server.state.customerId = null;
      const t = (key: string) => lookup(localeMessages(language), key) ?? lookup(localeMessages("en"), key)!;
      const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: language });
      const page = await context.newPage();
      const fetched: string[] = [];
      page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
      await page.goto(`${server.origin}${prefix}/pages/about`);
      await page.waitForLoadState("networkidle");
      expect(await page.getAttribute("html", "lang")).toBe(language);

      // Closed: a real button, collapsed, controlling the hidden panel; nothing of the panel fetched.
      const button = page.getByRole("button", { name: t("page.title") });
      const panel = page.locator(".rfl-panel");
      expect(await button.getAttribute("aria-expanded")).toBe("false");
      expect(await button.getAttribute("aria-controls")).toBe(await panel.getAttribute("id"));
      expect(await panel.isVisible()).toBe(false);
      expect(fetched.filter((p) => p.includes("referral-block") || p.startsWith("/apps/referrals"))).toEqual([]);
      await page.screenshot({ path: path.join(RESULTS, `launcher-${language}-closed.png`) });
      expect(await axeViolations(page)).toEqual([]);

      // Open: the block's CSS and script load, focus moves into the panel, the heading states the real offer.
      await button.click();
      await poll(() => panel.isVisible()).toBe(true);
      expect(await button.getAttribute("aria-expanded")).toBe("true");
      expect(await activeElement(page)).toBe(`div#${await panel.getAttribute("id")}.rfl-panel`);
      expect(fetched.filter((p) => p.includes("referral-block")).sort()).toEqual(["/ext-assets/referral-block.css", "/ext-assets/referral-block.js"]);
      const dialog = page.getByRole("dialog");
      const heading = panel.locator("[data-rfl-heading]");
      await poll(() => heading.textContent()).toContain("15");
      expect(await heading.textContent()).not.toContain("10");
      expect(await dialog.getAttribute("aria-labelledby")).toBe(await heading.getAttribute("id"));
      const emailField = panel.getByLabel(t("block.email_label"));
      await poll(() => emailField.isVisible()).toBe(true);
      await page.screenshot({ path: path.join(RESULTS, `launcher-${language}-open.png`) });
      expect(await axeViolations(page)).toEqual([]);

      // Join as a guest: told to check the inbox or to sign in, never shown a code.
      await emailField.fill(email);
      await panel.getByLabel(t("block.terms_label")).check();
      await panel.getByRole("button", { name: t("block.join") }).click();
      const status = panel.locator("[data-rfl-status]");
      await poll(() => status.textContent()).toMatch(/\S/);
      await poll(async () => [t("block.joined_guest"), t("block.joined_guest_email")].includes((await status.textContent()) ?? "")).toBe(true);
      const signIn = panel.getByRole("link", { name: t("block.sign_in") });
      expect(await signIn.isVisible()).toBe(true);
      expect(await activeElement(page)).toBe("a.rfl__btn");
      const referrer = await db.referrer.findFirstOrThrow({ where: { shop, email } });
      expect(await page.content()).not.toContain(referrer.code);
      await page.screenshot({ path: path.join(RESULTS, `launcher-${language}-joined.png`) });
      expect(await axeViolations(page)).toEqual([]);

      // Escape closes it and gives focus back to the button; the button opens it again at once.
      await page.keyboard.press("Escape");
      await poll(() => panel.isVisible()).toBe(false);
      expect(await button.getAttribute("aria-expanded")).toBe("false");
      expect(await activeElement(page)).toBe("button.rfl-launch__btn");
      await page.keyboard.press("Enter");
      await poll(() => panel.isVisible()).toBe(true);
      await panel.getByRole("button", { name: t("embed.close") }).click();
      await poll(() => panel.isVisible()).toBe(false);
      expect(await activeElement(page)).toBe("button.rfl-launch__btn");
      await context.close();
    }, 60_000);
  }

  it("a referrer opens it on a page that also has the block: one script serves both, the panel shows her link and stats", async () => {
    server.state.customerId = 501;
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: "en-US" });
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => r.url().includes("referral-block.js") && scripts.push(r.url()));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => typeof (window as unknown as { __referralBlock?: unknown }).__referralBlock === "function");

    await page.getByRole("button", { name: "Refer a friend" }).click();
    const panel = page.locator(".rfl-panel");
    await poll(() => panel.isVisible()).toBe(true);
    const link = panel.locator("[data-rfl-link]");
    await poll(() => link.inputValue()).toBe(`${server.origin}/?ref=${code}&ch=copy`);
    expect(await panel.locator("[data-rfl-code]").textContent()).toBe(code);
    await poll(() => panel.locator("[data-rfl-friends]").textContent()).toBe("0");
    expect(await panel.locator("[data-rfl-heading]").textContent()).toBe("Give your friends 15% off");
    expect(scripts, "the block's script, loaded once by the block, not again by the launcher").toHaveLength(1);
    await page.screenshot({ path: path.join(RESULTS, "launcher-en-referrer.png") });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
