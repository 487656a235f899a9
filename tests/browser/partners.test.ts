// The partner pages in a real Chromium, as a shopper sees them: Liquid
// answers of the app proxy rendered inside the stand-in storefront's theme
// (devstore/storefront.ts), forms posting without JavaScript. The public page,
// its errors and thanks; the emailed link's page and its button; the portal
// with the link's QR code, fees and orders, and the brochure download.
// Screenshots go to test-results/ for a person to look at; axe checks accessibility.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import jsQR from "jsqr";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { publishAgreement } from "~/partners/agreement.server";
import { approvePartner, invitePartner } from "~/partners/partners.server";
import { PARTNER_FEE_SOURCE } from "~/partners/kinds";
import { createSignInLink } from "~/partners/sign-in.server";
import { translator } from "~/storefront/i18n";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";
import { decodeQr, readPdf, readPdfPages, squash } from "../helpers/pdf";
import { uniqueShop } from "../helpers/shops";
import { seedProgram } from "../helpers/storefront";
import { startStorefrontServer, type StorefrontServer } from "../helpers/storefront-server";

const RESULTS = path.join(PROJECT_ROOT, "test-results");
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AGREEMENT = [
  "1. The partner tells their customers about the shop honestly and never promises what the shop does not offer.",
  "2. The partner does not post their code on coupon or deal sites, and does not bid on the shop's name in search ads.",
  "3. The shop pays the fee on each order from a customer the partner referred, once the order's return window has passed and the order was not refunded. Fees are paid monthly by PayPal to the payout address.",
  "4. Either side may end this agreement at any time by email. Fees already earned are still paid.",
  "5. The shop may change this agreement; the partner's link pauses until they accept the new version.",
].join("\n\n");
const t = translator("en");

let browser: Browser;
let server: StorefrontServer;
const shop = uniqueShop("partners-browser");

beforeAll(async () => {
  requireChromium();
  fs.mkdirSync(RESULTS, { recursive: true });
  await seedInstalledShop(db, shop);
  server = await startStorefrontServer(shop);
  await seedProgram(shop, { currencyCode: "EUR", holdDays: 30, partnerFeeKind: "PERCENT", partnerFeeValue: 10, friendOfferValue: 15, shopName: "Example Shop", storefrontUrl: server.origin });
  await publishAgreement({ db, shop, cause: "merchant:1" }, { body: AGREEMENT, basedOn: 0 });
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
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** A screenshot's pixels (decoded by the browser itself, on a canvas), read by jsQR as a phone's camera would. */
async function screenQr(page: Page, png: Buffer): Promise<string | null> {
  const { width, height, data } = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: pixels.width, height: pixels.height, data: Array.from(pixels.data) };
  }, png.toString("base64"));
  return jsQR(new Uint8ClampedArray(data), width, height)?.data ?? null;
}

const newPage = async () => (await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: "en-US", acceptDownloads: true })).newPage();
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || null);

describe.skipIf(NO_BROWSER)("partner pages in Chromium", () => {
  it("the public page: the program, the agreement to read by keyboard, errors by field, then the thanks", async () => {
    const page = await newPage();
    await page.goto(`${server.origin}/apps/referrals/partners`);
    await page.getByRole("heading", { level: 1, name: t("partners.page.title", { shop: "Example Shop" }) }).waitFor();
    expect(await page.locator("main").innerText()).toContain("10% of the order's subtotal");
    const region = page.getByRole("region", { name: t("partners.agreement.heading", { version: "1" }) });
    // The agreement scrolls, and the keyboard can scroll it.
    expect(await region.evaluate((el) => el.scrollHeight > el.clientHeight || el.scrollHeight > 0)).toBe(true);
    await region.focus();
    expect(await focusedId(page)).toBe("rfl-p-agreement");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-page.png"), fullPage: true });

    // A browser that does not check the form first: the server names each field.
    const apply = page.getByRole("region", { name: t("partners.page.apply_heading") });
    await apply.getByLabel(t("partners.field.name")).fill("Maria Borg");
    await apply.getByLabel(t("partners.field.email"), { exact: true }).fill("maria@");
    await page.locator('form[action*="/partners/apply"]').evaluate((form: HTMLFormElement) => (form.noValidate = true));
    await page.getByRole("button", { name: t("partners.page.apply") }).click();
    const summary = page.getByRole("alert").filter({ hasText: t("partners.error.summary") });
    await summary.waitFor();
    // The summary has the focus (read out first), and its links go to the fields.
    expect(await focusedId(page)).toBe("rfl-errors");
    const businessError = t("partners.error.required", { field: t("partners.field.businessName") });
    await summary.getByRole("link", { name: businessError }).click();
    expect(await page.evaluate(() => location.hash)).toBe("#rfl-p-businessName");
    const business = page.getByLabel(t("partners.field.businessName"));
    expect(await business.getAttribute("aria-invalid")).toBe("true");
    expect(await business.evaluate((el) => document.getElementById(el.getAttribute("aria-describedby")!)?.textContent)).toBe(businessError);
    expect(await page.getByLabel(t("partners.field.name")).inputValue()).toBe("Maria Borg");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-page-errors.png"), fullPage: true });

    await business.fill("Borg Cycling Club");
    await apply.getByLabel(t("partners.field.email"), { exact: true }).fill("maria@club.example");
    await page.getByLabel(t("partners.field.website")).fill("club.example");
    await page.getByLabel(t("partners.field.signature")).fill("Maria Borg");
    await page.getByLabel(t("partners.field.accepted", { version: "1" })).check();
    await page.getByRole("button", { name: t("partners.page.apply") }).click();
    await page.getByRole("status").filter({ hasText: t("partners.page.applied") }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-page-applied.png"), fullPage: false });
    expect(await db.partner.count({ where: { shop, email: "maria@club.example", status: "APPLIED" } })).toBe(1);

    // In Hindi, by the storefront's language subfolder.
    await page.goto(`${server.origin}/hi/apps/referrals/partners`);
    expect(await page.locator("main").innerText()).toContain(translator("hi")("partners.page.how_heading"));
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-page-hi.png"), fullPage: true });
    await page.context().close();
  }, 60_000);

  it("the emailed link opens a page with one button; the portal shows the link, its QR code, fees and orders, and hands out the brochure", async () => {
    const partner = await db.partner.findFirstOrThrow({ where: { shop, email: "maria@club.example" } });
    await approvePartner({ db, shop, cause: "merchant:1" }, partner.id);
    const { referrerId } = await db.partner.findUniqueOrThrow({ where: { id: partner.id } });
    const code = (await db.referrer.findUniqueOrThrow({ where: { id: referrerId! } })).code;
    const day = 86_400_000;
    const referral = (n: number, status: string, extra: Record<string, unknown> = {}) =>
      db.referral.create({ data: { shop, referrerId: referrerId!, orderId: `gid://shopify/Order/${9000 + n}`, orderName: `#10${n}`, friendEmail: `friend${n}@example.com`, attributedBy: "LINK", subtotalAmount: 40 + 10 * n, totalAmount: 45 + 10 * n, currencyCode: "EUR", status, orderCreatedAt: new Date(Date.now() - (20 - n) * day), ...extra } });
    await referral(1, "PENDING", { holdUntil: new Date(Date.now() + 12 * day) });
    const approved = await referral(2, "REWARDED");
    await db.reward.create({ data: { shop, referrerId: referrerId!, referralId: approved.id, source: PARTNER_FEE_SOURCE, kind: "CASH", valueType: "FIXED_AMOUNT", value: 6, currencyCode: "EUR", status: "ISSUED", issuedAt: new Date(Date.now() - 2 * day) } });
    const paid = await referral(3, "REWARDED");
    await db.reward.create({ data: { shop, referrerId: referrerId!, referralId: paid.id, source: PARTNER_FEE_SOURCE, kind: "CASH", valueType: "FIXED_AMOUNT", value: 7, currencyCode: "EUR", status: "PAID", paidAt: new Date(Date.now() - day), payoutReference: "PAYPAL-2041" } });
    await referral(4, "REVERSED");

    const link = await createSignInLink(db, { shop, partnerId: partner.id, storefrontOrigin: server.origin, ttlMs: 30 * 60_000, now: new Date() });
    const page = await newPage();
    await page.goto(link.url);
    expect(await page.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex, nofollow");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-sign-in.png"), fullPage: false });
    expect((await db.partnerSignIn.findUniqueOrThrow({ where: { id: link.id } })).usedAt).toBeNull();
    await page.getByRole("button", { name: t("partners.sign_in.button") }).click();
    await page.getByRole("heading", { level: 1, name: t("partners.portal.title", { business: "Borg Cycling Club" }) }).waitFor();
    // Nothing in the address bar but the path: the session is in the forms.
    expect([...new URL(page.url()).searchParams.keys()]).toEqual(["locale"]);
    expect(await page.locator("main").getByRole("textbox", { name: t("partners.portal.link_label") }).inputValue()).toBe(`${server.origin}/?ref=${code}`);
    const qr = page.getByRole("img", { name: t("partners.portal.qr") });
    expect(await qr.isVisible()).toBe(true);
    // The QR code as the shopper's screen shows it, read by a camera's decoder.
    expect(await screenQr(page, await qr.screenshot())).toBe(`${server.origin}/?ref=${code}`);
    const main = await page.locator("main").innerText();
    for (const text of ["#101", "#102", "#103", "#104", "PAYPAL-2041", "€6.00", "€7.00", t("partners.portal.status.REVERSED")]) expect(main).toContain(text);
    expect(main).not.toContain("friend1@example.com");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-portal.png"), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: t("partners.portal.brochure") }).click()]);
    expect(download.suggestedFilename()).toBe(`referral-brochure-letter-${code.toLowerCase()}.pdf`);
    const pdf = await readPdf(fs.readFileSync((await download.path())!));
    expect(decodeQr(pdf)?.text).toBe(`${server.origin}/?ref=${code}`);
    expect(pdf.text).toContain("Borg Cycling Club");
    const [agreement] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: t("partners.portal.agreement_pdf") }).click()]);
    expect(agreement.suggestedFilename()).toBe("partner-agreement-v1-letter.pdf");
    expect(squash((await readPdfPages(fs.readFileSync((await agreement.path())!))).join(" "))).toContain("Accepted by Maria Borg for Borg Cycling Club");
    // The page stays; its forms still work with the same session.
    await page.getByRole("button", { name: t("partners.portal.refresh") }).click();
    await page.getByRole("heading", { level: 1, name: t("partners.portal.title", { business: "Borg Cycling Club" }) }).waitFor();
    await page.context().close();
  }, 60_000);

  it("an invited partner reads and accepts the agreement on the portal", async () => {
    const invited = await invitePartner({ db, shop, cause: "merchant:1" }, { name: "Jo Vella", businessName: "Vella Yoga", email: "jo@vella.example" });
    if (!invited.ok) throw new Error("invite refused");
    const link = await createSignInLink(db, { shop, partnerId: invited.partnerId, storefrontOrigin: server.origin, ttlMs: 30 * 60_000, now: new Date() });
    const page = await newPage();
    await page.goto(link.url);
    await page.getByRole("button", { name: t("partners.sign_in.button") }).click();
    await page.getByText(t("partners.portal.paused")).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, "partners-portal-accept.png"), fullPage: true });
    await page.getByLabel(t("partners.field.signature")).fill("Jo Vella");
    await page.getByLabel(t("partners.field.accepted", { version: "1" })).check();
    await page.getByRole("button", { name: t("partners.portal.accept") }).click();
    await page.getByRole("status").filter({ hasText: t("partners.portal.accepted_now", { version: "1" }) }).waitFor();
    expect(await page.getByRole("img", { name: t("partners.portal.qr") }).isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 60_000);
});
