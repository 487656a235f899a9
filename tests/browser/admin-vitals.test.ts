// The admin's Web Vitals benchmark (bench/admin-vitals.ts) through its own
// machinery: the dev store it starts (the production build, the demo shop
// seeded into this test file's database), Chromium, web-vitals in the app's
// frame, one interaction a load. One load each of an admin page and of the
// bare Polaris page it is compared with: every figure is a number, INP included
// (it exists only through the interaction). No timing is asserted.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";
import { BASELINE, startVitalsStack, type Vitals, type VitalsStack } from "../../bench/lib/admin-vitals";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

function expectFigures(v: Vitals) {
  expect(v.lcpMs, "LCP").toBeGreaterThan(0);
  expect(Number.isFinite(v.lcpMs), "LCP").toBe(true);
  expect(v.cls, "CLS").toBeGreaterThanOrEqual(0);
  expect(Number.isFinite(v.cls), "CLS").toBe(true);
  expect(v.inpMs, `INP after ${v.interaction}`).toBeGreaterThan(0);
  expect(Number.isFinite(v.inpMs), "INP").toBe(true);
}

describe.skipIf(NO_BROWSER)("the admin Web Vitals benchmark", () => {
  let vitals: VitalsStack;

  beforeAll(async () => {
    requireChromium();
    vitals = await startVitalsStack({ chromium: CHROMIUM, logDir: path.join(PROJECT_ROOT, "test-results/admin-vitals") });
  }, 240_000);

  afterAll(async () => {
    await vitals?.stop();
  });

  it("lists every admin page, the detail pages with the demo shop's ids", () => {
    const names = vitals.pages.map((p) => p.name);
    expect(names).toEqual(["home", "dashboard", "referrals", "referral", "review", "referrers", "referrer", "payouts", "invite", "emails", "leaks", "settings", "delivery-problems", "integrations", "klaviyo", "webhooks", "api-keys", "second-tier", "experiments", "experiment", "partners", "partner", "partner-agreement", "partner-settings"]);
    expect(vitals.pages.find((p) => p.name === "referral")!.path).toMatch(/^\/referrals\/\w+$/);
  });

  it("measures LCP, CLS and INP of an admin page loaded in the dev store's admin", async () => {
    const v = await vitals.measure(vitals.pages.find((p) => p.name === "referrals")!);
    expectFigures(v);
  }, 120_000);

  it("measures the bare Polaris page it compares them with: its button pressed is the interaction", async () => {
    const v = await vitals.measure(BASELINE);
    expectFigures(v);
    expect(v.interaction).toBe('pressed button "Press"');
    expect(v.lcpTarget, "the LCP element, its line of text").toMatch(/p\.Polaris-Text--root/);
  }, 120_000);
});
