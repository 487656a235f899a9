// The embedded admin in Chromium (playwright-core, Debian's /usr/bin/chromium):
// each main page rendered by the real app with data made by the real order
// pipeline; settings saved through the save bar; a referral opened from the
// list. Each page is screenshot to test-results/ and checked with axe-core.
// App Bridge comes from a local stand-in (app-bridge-stand-in.js), served in
// place of cdn.shopify.com's script, which cannot be fetched here.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { PROJECT_ROOT } from "../../app/db-url";
import type { FakeShopify } from "../fake-shopify";
import { sessionToken } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";
import { startAdminServer } from "./admin-server";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results");
const STAND_IN = fs.readFileSync(path.join(import.meta.dirname, "app-bridge-stand-in.js"), "utf8");
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const pipeline = usePipeline();
let server: Awaited<ReturnType<typeof startAdminServer>>;
let browser: Browser;
let page: Page;
let shop: string;
let samId: string;
let fake: FakeShopify;

async function open(pathname: string) {
  const url = new URL(pathname, server.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
  url.searchParams.set("id_token", sessionToken(shop));
  await page.goto(url.toString(), { waitUntil: "networkidle", timeout: 120_000 });
  await waitForHydration();
}

async function waitForHydration() {
  await page.waitForTimeout(5000);
  console.info("DEBUG", page.url(), JSON.stringify(errors, null, 1), (await page.content()).slice(0, 3000));
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

describe("embedded admin in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    // One fake Shopify for the whole file (useFakeShopify makes one per test):
    // the pages act on the discount the seeding created.
    fake = pipeline.shopify.reset();
    const p = await seedShopActivity(pipeline);
    shop = p.shop;
    samId = p.sam.id;
    server = await startAdminServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 400) errors.push(`http ${r.status()}: ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
  }, 240_000);

  beforeEach(() => {
    pipeline.shopify.fake = fake;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("home: first-run checklist with theme editor links", async () => {
    await open("/app");
    await expect(page.getByRole("heading", { name: "Get your program running" }).isVisible()).resolves.toBe(true);
    const addBlock = page.getByRole("link", { name: "Add block in theme editor" });
    expect(await addBlock.getAttribute("href")).toContain("addAppBlockId=test-api-key/referral&target=newAppsSection");
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
    await page.getByRole("link", { name: /#\d+/ }).first().click();
    await page.getByRole("heading", { name: "History" }).waitFor();
    expect(page.url()).toMatch(/\/app\/referrals\/\w+/);
    await page.waitForLoadState("networkidle");
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

  it("payouts and invite pages", async () => {
    await open("/app/payouts");
    await snapshot("payouts");
    await open("/app/invite");
    await page.getByRole("button", { name: "Start invitation" }).waitFor();
    await snapshot("invite");
  }, 240_000);

  it("settings: a change shows the save bar; saving updates the program and shows a toast", async () => {
    await open("/app/settings");
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
    await page.locator("#PolarisTextField" + "", { hasText: "" }).first().waitFor().catch(() => {});
    await page.getByText(/Number must be less than or equal to 365/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUT, "admin-settings-error.png"), fullPage: true });
  }, 240_000);

  it("had no page errors", () => {
    expect(errors).toEqual([]);
  });
});
