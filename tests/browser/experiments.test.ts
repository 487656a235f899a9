// The incentive experiments pages in Chromium (playwright-core), rendered by
// the real app with data made by the real pipeline: an experiment started
// from the form (a field error first, named on its field), its results page,
// ended with a chosen winner after the confirmation, then its codes moved.
// Each state is screenshot to test-results/ and checked with axe-core.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { enrolReferrer } from "~/referrals/referrers.server";
import type { FakeShopify } from "../../fake-shopify";
import { hostParam } from "../../fake-shopify/sign";
import { testClock } from "../helpers/admin";
import { installShop, sessionToken } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
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
let seeded: Awaited<ReturnType<typeof seedShopActivity>>;
let fake: FakeShopify;
const errors: string[] = [];

async function open(pathname: string) {
  const url = new URL(pathname, server.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", seeded.shop);
  url.searchParams.set("host", hostParam(seeded.shop));
  url.searchParams.set("id_token", sessionToken(seeded.shop));
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

/** Runs the worker until nothing is due (the route stamps rows with the real clock). */
async function drain() {
  testClock.ms = Math.max(testClock.ms, Date.now());
  await seeded.drain();
}

describe.skipIf(NO_BROWSER)("incentive experiments in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    fake = pipeline.shopify.reset();
    seeded = await seedShopActivity(pipeline);
    await installShop(seeded.shop);
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
      // 4xx answers are expected (the start form refused once); 5xx are caught above.
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

  it("start an experiment from the form: a refused field is named, then it starts and its page shows the variants", async () => {
    await open("/app/experiments");
    await page.getByRole("heading", { name: "Start an experiment" }).waitFor();
    // The control is prefilled with the program's offer and reward.
    expect(await page.getByLabel("Discount (Variant 1)", { exact: true }).inputValue()).toBe("10");
    await snapshot("experiments");

    await page.getByRole("combobox", { name: "Number of variants", exact: true }).selectOption("3");
    await page.getByLabel("Discount (Variant 2)", { exact: true }).fill("150");
    await page.getByRole("button", { name: "Start experiment" }).click();
    await page.getByText("Give the experiment a name").waitFor();
    await page.getByText("A percentage discount is at most 100%").waitFor();
    await snapshot("experiments-errors");

    await page.getByRole("textbox", { name: "Experiment name", exact: true }).fill("Spring offers");
    await page.getByLabel("Discount (Variant 2)", { exact: true }).fill("20");
    await page.getByRole("combobox", { name: "Referrer's reward (Variant 2)", exact: true }).selectOption("CASH");
    await page.getByLabel("Reward (Variant 2)", { exact: true }).fill("5");
    await page.getByRole("combobox", { name: "Friend's offer (Variant 3)", exact: true }).selectOption("FREE_SHIPPING");
    await page.getByRole("button", { name: "Start experiment" }).click();
    await page.getByRole("heading", { name: "Results by variant" }).waitFor({ timeout: 60_000 });
    await waitForHydration();

    const experiment = await db.experiment.findFirstOrThrow({ where: { shop: seeded.shop }, include: { variants: { orderBy: { position: "asc" } } } });
    expect(experiment).toMatchObject({ name: "Spring offers", status: "RUNNING" });
    expect(experiment.variants.map((v) => [v.name, v.friendOfferKind, v.friendOfferValue.toString(), v.rewardKind, v.rewardValue.toString()])).toEqual([
      ["Control", "PERCENTAGE", "10", "CODE_PERCENTAGE", "10"],
      ["B", "PERCENTAGE", "20", "CASH", "5"],
      ["C", "FREE_SHIPPING", "0", "CODE_PERCENTAGE", "10"],
    ]);
    await page.getByRole("cell", { name: "$5.00 cash fee", exact: true }).waitFor();
    await snapshot("experiment");
    expect(errors).toEqual([]);
  }, 240_000);

  it("end with a chosen winner after confirming, then move the codes", async () => {
    const experiment = await db.experiment.findFirstOrThrow({ where: { shop: seeded.shop }, include: { variants: { orderBy: { position: "asc" } } } });
    await drain(); // the variants' discounts
    // Referrers join meanwhile: each gets a variant.
    for (let i = 0; i < 12; i++) await enrolReferrer(db, { shop: seeded.shop, customerId: `gid://shopify/Customer/${55_000 + i}`, source: "STOREFRONT", cause: "test" });
    await drain();

    await open(`/app/experiments/${experiment.id}`);
    await page.getByRole("combobox", { name: "Winner", exact: true }).selectOption(experiment.variants[1].id);
    await page.getByRole("button", { name: "End with this winner" }).click();
    await page.getByRole("dialog").getByText("“B” becomes your program's offer and reward.", { exact: false }).waitFor();
    await snapshot("experiment-end-confirm");
    await page.getByRole("dialog").getByRole("button", { name: "End with this winner" }).click();
    await page.locator("#stand-in-toast", { hasText: "Experiment ended" }).waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "Move codes to the program" }).waitFor();
    await drain();
    const program = await db.program.findUniqueOrThrow({ where: { shop: seeded.shop } });
    expect({ offer: program.friendOfferValue.toString(), reward: program.rewardKind }).toEqual({ offer: "20", reward: "CASH" });
    await snapshot("experiment-ended");

    await page.getByRole("button", { name: "Move codes" }).click();
    await page.getByRole("dialog").getByText("The variants' discounts are deleted from Shopify.", { exact: false }).waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Move codes" }).click();
    await page.locator("#stand-in-toast", { hasText: "Codes are being moved" }).waitFor({ timeout: 30_000 });
    await page.getByText("Every referrer of this experiment is on the program's offer and reward.").waitFor();
    await drain();
    expect(await db.referrer.count({ where: { shop: seeded.shop, variantId: { not: null }, variantMovedAt: null } })).toBe(0);
    await snapshot("experiment-moved");
    expect(errors).toEqual([]);
  }, 240_000);
});
