// The admin's Web Vitals as Shopify measures them (bench/admin-vitals.ts and
// its test): Google's `web-vitals` library in the app's frame inside the dev
// store's admin (devstore/admin.ts frames the app as Shopify's admin does),
// LCP, CLS and INP with every change reported, one real interaction per load
// (trusted input from Chromium, so INP has a value), then the frame is made
// hidden so the library reports its final values. The app is the production
// build behind the dev store (devstore/stack.ts: the same stack `npm run demo`
// and the end-to-end test start), seeded with the demo shop's weeks of history.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from "playwright-core";
import { PROJECT_ROOT } from "~/db-url";
import { startDemoStack, type DemoStack } from "../../devstore/stack";

// The package exports no path to its IIFE build: found beside its main file.
const WEB_VITALS = fs.readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve("web-vitals/attribution")), "web-vitals.attribution.iife.js"), "utf8");

// Runs in every frame before the page's own scripts. INP's duration threshold
// is 0 so even a fast interaction is an entry; the first input is observed
// regardless, so the one interaction is always counted.
const COLLECTOR = `${WEB_VITALS}
(function () {
  var v = (window.__vitals = { lcp: null, cls: null, inp: null });
  var opts = { reportAllChanges: true };
  // The LCP element named when its entry comes: the library names it only at report time, when a
  // re-rendered element (a hydrated table) may have left the document.
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      var el = e.element;
      v.lcpSeen = el ? el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "") + ' "' + (el.textContent || "").trim().slice(0, 24) + '"' : e.url || null;
    });
  }).observe({ type: "largest-contentful-paint", buffered: true });
  webVitals.onLCP(function (m) { v.lcp = { value: m.value, target: m.attribution.target || null, url: m.attribution.url || null, ttfb: m.attribution.timeToFirstByte, renderDelay: m.attribution.elementRenderDelay }; }, opts);
  webVitals.onCLS(function (m) { v.cls = { value: m.value, target: m.attribution.largestShiftTarget || null, largest: m.attribution.largestShiftValue || 0 }; }, opts);
  webVitals.onINP(function (m) { v.inp = { value: m.value, target: m.attribution.interactionTarget || null, type: m.attribution.interactionType, inputDelay: m.attribution.inputDelay, processing: m.attribution.processingDuration, presentation: m.attribution.presentationDelay, script: m.attribution.totalScriptDuration, layout: m.attribution.totalStyleAndLayoutDuration, paint: m.attribution.totalPaintDuration, other: m.attribution.totalUnattributedDuration, longest: m.attribution.longestScript ? [m.attribution.longestScript.entry.invoker, (m.attribution.longestScript.entry.sourceURL || "").split("/").pop(), m.attribution.longestScript.subpart, Math.round(m.attribution.longestScript.intersectingDuration)].join(" ") : null }; }, { reportAllChanges: true, durationThreshold: 0 });
})();`;

// No network beyond the machine, without intercepting requests (interception
// would slow every request the pages make): other hosts (the Inter font's
// stylesheet on cdn.shopify.com, ...) fail at once, as if cached-and-empty.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/** The Shopify admin on a laptop: the app's frame is this minus the admin's header and menu. */
export const VIEWPORT = { width: 1440, height: 900 };

export interface Vitals {
  lcpMs: number;
  cls: number;
  inpMs: number;
  /** The LCP element (a CSS selector), the largest shift's element, the interaction's element. */
  lcpTarget: string | null;
  clsTarget: string | null;
  inpTarget: string | null;
  /** What the interaction was ("typed into input#x", "checked a row", ...). */
  interaction: string;
  /** INP's input delay + processing + presentation delay, in ms. */
  inpParts: string;
  /** The app frame's time to first byte (the server's answer, through the dev store's tunnel). */
  ttfbMs: number;
}

export interface AdminPage {
  name: string;
  /** The app's path under /app ("" for home). */
  path: string;
}

/** Admin routes that are not pages (downloads, the email preview's bare HTML) and the baseline itself. */
const NOT_PAGES = new Set(["app.tsx", "app.payouts.export.tsx", "app.referrals.export.tsx", "app.referrers.export.tsx", "app.emails.preview.tsx", "app.settings.preview.tsx", "app.vitals-baseline.tsx", "app.partners.$id.agreement.tsx", "app.partners.$id.printable.tsx", "app.payouts.batches.$id.csv.tsx", "app.payouts.batches.$id.paypal.tsx"]);

export const BASELINE: AdminPage = { name: "bare Polaris page", path: "/vitals-baseline" };

/**
 * Every admin page (the list tests/browser/admin-i18n.test.ts opens), with the
 * demo shop's ids for the detail pages. Throws on an app.*.tsx route this
 * list does not know, so a new page is measured from its first day.
 */
export function adminPages(ids: { referral: string; referrer: string; experiment: string; partner: string }): AdminPage[] {
  const pages: (AdminPage & { route: string })[] = [
    { name: "home", path: "", route: "app._index.tsx" },
    { name: "dashboard", path: "/dashboard", route: "app.dashboard.tsx" },
    { name: "referrals", path: "/referrals", route: "app.referrals._index.tsx" },
    { name: "referral", path: `/referrals/${ids.referral}`, route: "app.referrals.$id.tsx" },
    { name: "review", path: "/review", route: "app.review.tsx" },
    { name: "referrers", path: "/referrers", route: "app.referrers._index.tsx" },
    { name: "referrer", path: `/referrers/${ids.referrer}`, route: "app.referrers.$id.tsx" },
    { name: "payouts", path: "/payouts", route: "app.payouts.tsx" },
    { name: "invite", path: "/invite", route: "app.invite.tsx" },
    { name: "emails", path: "/emails", route: "app.emails.tsx" },
    { name: "leaks", path: "/leaks", route: "app.leaks.tsx" },
    { name: "settings", path: "/settings", route: "app.settings.tsx" },
    { name: "delivery-problems", path: "/delivery-problems", route: "app.delivery-problems.tsx" },
    { name: "integrations", path: "/integrations", route: "app.integrations._index.tsx" },
    { name: "klaviyo", path: "/integrations/klaviyo", route: "app.integrations.klaviyo.tsx" },
    { name: "webhooks", path: "/integrations/webhooks", route: "app.integrations.webhooks.tsx" },
    { name: "api-keys", path: "/integrations/api-keys", route: "app.integrations.api-keys.tsx" },
    { name: "second-tier", path: "/second-tier", route: "app.second-tier.tsx" },
    { name: "experiments", path: "/experiments", route: "app.experiments._index.tsx" },
    { name: "experiment", path: `/experiments/${ids.experiment}`, route: "app.experiments.$id.tsx" },
    { name: "partners", path: "/partners", route: "app.partners._index.tsx" },
    { name: "partner", path: `/partners/${ids.partner}`, route: "app.partners.$id.tsx" },
    { name: "partner-agreement", path: "/partners/agreement", route: "app.partners.agreement.tsx" },
    { name: "partner-settings", path: "/partners/settings", route: "app.partners.settings.tsx" },
  ];
  const known = new Set([...NOT_PAGES, ...pages.map((p) => p.route)]);
  const unknown = fs.readdirSync(path.join(PROJECT_ROOT, "app/routes")).filter((f) => /^app\..*\.tsx$/.test(f) && !known.has(f));
  if (unknown.length) throw new Error(`admin pages the Web Vitals bench does not know: ${unknown.join(", ")} (add them to adminPages in bench/lib/admin-vitals.ts)`);
  return pages.map(({ name, path: p }) => ({ name, path: p }));
}

export interface VitalsStack {
  stack: DemoStack;
  pages: AdminPage[];
  browser: Browser;
  /** One load of `page` in a fresh browser context: its Web Vitals after one interaction. */
  measure(page: AdminPage): Promise<Vitals>;
  stop(): Promise<void>;
}

/**
 * The dev store (production build, demo shop seeded into DATABASE_URL, which
 * must be migrated and empty) and Chromium at `chromium`.
 */
export async function startVitalsStack(options: { chromium: string; logDir: string; progress?: (line: string) => void }): Promise<VitalsStack> {
  const stack = await startDemoStack({ logDir: options.logDir, progress: options.progress });
  let browser: Browser | undefined;
  try {
    const { default: db } = await import("~/db.server");
    const referral = (await db.referral.findFirst({ where: { shop: stack.shop, status: "REWARDED" } })) ?? (await db.referral.findFirstOrThrow({ where: { shop: stack.shop } }));
    // The demo shop runs no experiment: one is started for the experiment page, as the merchant would.
    const { startExperiment } = await import("~/experiments/lifecycle.server");
    const started = await startExperiment({
      db,
      shop: stack.shop,
      by: "merchant:vitals",
      input: {
        name: "Bigger friend offer",
        variants: [
          { name: "Control", friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" },
          { name: "B", friendOfferKind: "PERCENTAGE", friendOfferValue: "20", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" },
        ],
      },
    });
    if (!started.ok) throw new Error(`could not start the demo experiment: ${JSON.stringify(started.errors)}`);
    // The demo shop's partner with referred orders (devstore/seed.ts).
    const partner = await db.partner.findFirstOrThrow({ where: { shop: stack.shop, status: "APPROVED" }, orderBy: { createdAt: "asc" } });
    const pages = adminPages({ referral: referral.id, referrer: referral.referrerId, experiment: started.experiment.id, partner: partner.id });
    browser = await chromium.launch({ executablePath: options.chromium, args: ARGS });
    // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
    const probe = await browser.newPage();
    const userAgent = (await probe.evaluate(() => navigator.userAgent)).replace("HeadlessChrome", "Chrome");
    await probe.close();
    const b = browser;
    return {
      stack,
      pages,
      browser: b,
      async measure(page) {
        const context = await b.newContext({ viewport: VIEWPORT, locale: "en-US", userAgent });
        try {
          return await measureLoad(context, `${stack.urls.admin}/apps/referrals${page.path}`, stack.urls.app);
        } finally {
          await context.close();
        }
      },
      async stop() {
        await b.close();
        await stack.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await stack.stop();
    throw error;
  }
}

/** Loads `url` (the admin page framing the app) and reads the app frame's Web Vitals after one interaction. */
export async function measureLoad(context: BrowserContext, url: string, appOrigin: string): Promise<Vitals> {
  await context.addInitScript({ content: COLLECTOR });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  const frame = await appFrame(page, appOrigin);
  await frame.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext && document.querySelector(".Polaris-Page"), null, { timeout: 60_000 });
  await page.waitForLoadState("networkidle", { timeout: 60_000 });
  // Whatever draws after the data (the dashboard's chart) has had its frame.
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
  const before = new URL(frame.url()).pathname;
  const interaction = await interact(page, frame);
  // The event's entry is dispatched after the next paint, which a busy machine may take a while to make.
  await frame.waitForFunction("window.__vitals.inp", null, { timeout: 10_000 }).catch(() => {});
  if (new URL(frame.url()).pathname !== before) throw new Error(`the interaction (${interaction}) left ${before} for ${frame.url()}`);
  // As when the merchant leaves the page: the library reports its final values.
  // (A string: tsx would name a function written here, and the page has no __name.)
  const v: Record<"lcp" | "cls" | "inp", Record<string, unknown> | null> & { lcpSeen?: string | null } = await frame.evaluate(
    `Object.defineProperty(document, "visibilityState", { configurable: true, value: "hidden" }); document.dispatchEvent(new Event("visibilitychange")); window.__vitals`,
  );
  await page.close();
  if (errors.length) throw new Error(`page errors on ${url}: ${errors.join("; ")}`);
  if (!v.lcp || !v.cls) throw new Error(`web-vitals reported no ${v.lcp ? "CLS" : "LCP"} for ${url}`);
  return {
    lcpMs: v.lcp.value as number,
    cls: v.cls.value as number,
    // No INP entry: the interaction is the page's only one and it was not reported (read as missing, not as 0).
    inpMs: v.inp ? (v.inp.value as number) : NaN,
    lcpTarget: (v.lcp.target as string | null) ?? (v.lcpSeen ? `(gone) ${v.lcpSeen}` : null),
    clsTarget: v.cls.target as string | null,
    inpTarget: v.inp ? (v.inp.target as string | null) : null,
    interaction,
    inpParts: v.inp ? inpParts(v.inp) : "",
    ttfbMs: v.lcp.ttfb as number,
  };
}

/** "4 + 13 + 15; script 10, style and layout 3, paint 1, other 14; longest: ..." (long animation frames, where Chromium has them). */
function inpParts(inp: Record<string, unknown>): string {
  const ms = (n: unknown) => (typeof n === "number" ? String(Math.round(n)) : "?");
  const parts = [inp.inputDelay, inp.processing, inp.presentation].map(ms).join(" + ");
  if (inp.script === undefined) return parts;
  return `${parts}; script ${ms(inp.script)}, style and layout ${ms(inp.layout)}, paint ${ms(inp.paint)}, other ${ms(inp.other)}${inp.longest ? `; longest script: ${String(inp.longest)}` : ""}`;
}

async function appFrame(page: Page, appOrigin: string): Promise<Frame> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const frame = page.frames().find((f) => f.url().startsWith(appOrigin));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`no frame of ${appOrigin} in ${page.url()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One interaction that stays on the page, the first of: typing a digit into
 * the page's first text field (a controlled field: a React update of the
 * page), selecting a row of its table, pressing a plain button that submits
 * nothing, clicking its heading. Focusing the field is not an interaction;
 * the key press is the one.
 */
async function interact(page: Page, frame: Frame): Promise<string> {
  const field = frame.locator('.Polaris-Page input:is([type="text"], [type="number"], [type="search"], [type="email"], :not([type])):not([readonly]):not([disabled]), .Polaris-Page textarea:not([readonly]):not([disabled])');
  for (const candidate of await field.all()) {
    if (!(await candidate.isVisible())) continue;
    await centre(frame, candidate);
    await candidate.focus();
    await page.keyboard.press("5");
    return `typed into ${await describe(candidate)}`;
  }
  const row = frame.locator('.Polaris-IndexTable__TableRow input[type="checkbox"]').first();
  if (await row.count()) {
    await row.check({ force: true });
    return "selected a table row";
  }
  const button = frame.locator('.Polaris-Page button[type="button"]:not([disabled]):not([aria-haspopup])');
  for (const candidate of await button.all()) {
    if (!(await candidate.isVisible())) continue;
    const label = await describe(candidate);
    await centre(frame, candidate);
    await candidate.click();
    return `pressed ${label}`;
  }
  await frame.locator("h1").first().click();
  return "clicked the heading";
}

/**
 * Scrolls `locator` to the middle of the frame, as a merchant looks at what they
 * type or press. At the frame's bottom edge headless Chromium presents the
 * change late: a digit typed into the emails page's Subject field there was
 * "presented" only with the preview's repaint 300 ms later (INP ~420 ms,
 * ~80 ms with the same field in the middle).
 */
async function centre(frame: Frame, locator: ReturnType<Frame["locator"]>) {
  await locator.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
}

async function describe(locator: ReturnType<Frame["locator"]>): Promise<string> {
  return locator.evaluate((el) => {
    const label = el.getAttribute("aria-label") ?? (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null) ?? el.textContent;
    return `${el.tagName.toLowerCase()} "${(label ?? "").trim().slice(0, 40)}"`;
  });
}
