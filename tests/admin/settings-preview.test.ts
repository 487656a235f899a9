// The settings page's live preview (POST /app/settings/preview) through the
// real action with a merchant's session token: the theme extension's own
// Liquid, strings and script with the unsaved values, in the chosen language;
// bad input refused by field; nothing saved; one shop's program only.
import { Window } from "happy-dom";
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as preview from "~/routes/app.settings.preview";
import * as settings from "~/routes/app.settings";
import en from "../../extensions/referral/locales/en.default.json";
import hi from "../../extensions/referral/locales/hi.json";
import { useTestShopify } from "../helpers/admin";
import { act, installShop, load, thrownStatus } from "../helpers/admin-request";
import { uniqueShop } from "../helpers/shops";

const shopify = useTestShopify();
const PATH = "/app/settings/preview";

/** A shop with its program as the settings page makes it on its first visit; the form's values. */
async function shopWithProgram() {
  const shop = uniqueShop();
  await installShop(shop);
  const { values } = await load(settings.loader, shop, "/app/settings");
  return { shop, values };
}

type PreviewAnswer = { ok: true; view: string; language: string; subject: string | null; html: string } | { ok: false; errors: Record<string, string> };

async function previewOf(shop: string, values: Record<string, string>, changes: Record<string, string>) {
  const { status, data } = await act(preview.action, shop, PATH, { ...values, view: "block", language: "en", shopper: "guest", ...changes });
  return { status, data: data as PreviewAnswer };
}

/**
 * The preview page as the iframe runs it: its scripts (the stand-in for the
 * app proxy, then the extension's referral-block.js) executed by happy-dom.
 * happy-dom does no layout, so nothing ever intersects: without
 * IntersectionObserver the block fetches its data at once (its own fallback).
 */
async function run(html: string) {
  const window = new Window({ settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true } });
  delete (window as unknown as { IntersectionObserver?: unknown }).IntersectionObserver;
  window.document.write(html);
  await window.happyDOM.waitUntilComplete();
  return window;
}

const text = (window: Window, selector: string) => window.document.querySelector(selector)?.textContent?.trim() ?? null;

function storedState(shop: string) {
  return Promise.all([
    db.program.findUniqueOrThrow({ where: { shop } }),
    db.auditEvent.count({ where: { shop } }),
    db.emailMessage.count({ where: { shop } }),
    db.job.count({ where: { shop } }),
  ]);
}

describe("settings preview (app.settings.preview)", () => {
  it("opens in the shop's primary language when the storefront has it, else the merchant's", async () => {
    const { shop } = await shopWithProgram();
    const cases: [string | null, string, string][] = [
      ["hi", "/app/settings", "hi"],
      ["de-CH", "/app/settings?locale=fr", "de"],
      ["pt-BR", "/app/settings?locale=fr", "fr"],
      [null, "/app/settings?locale=es-419", "es"],
      [null, "/app/settings", "en"],
    ];
    for (const [primaryLocale, path, expected] of cases) {
      await db.program.update({ where: { shop }, data: { primaryLocale } });
      expect((await load(settings.loader, shop, path)).previewLanguage, `${primaryLocale} ${path}`).toBe(expected);
    }
  });

  it("renders the block with the unsaved offer in English, through the extension's Liquid and script", async () => {
    const { shop, values } = await shopWithProgram();
    const { status, data } = await previewOf(shop, values, { friendOfferKind: "PERCENTAGE", friendOfferValue: "15" });
    expect(status).toBe(200);
    if (!data.ok) throw new Error(JSON.stringify(data));
    // The block's markup and strings, straight from blocks/referral.liquid and the en locale file.
    expect(data.html).toContain("data-referral-block");
    expect(data.html).toContain(`data-template="${en.block.heading_offer}"`);
    expect(data.html).toContain(en.block.join);
    const page = await run(data.html);
    expect(text(page, "[data-rfl-heading]")).toBe("Give your friends 15% off");
    expect(text(page, "[data-rfl-text]")).toBe("Give your friends 15% off on their first order and earn a reward when they buy.");
    expect(page.document.querySelector("[data-rfl-join]")!.hasAttribute("hidden")).toBe(false);
    // The extension's CSS is in the page (the block's inline style; the iframe has no origin to load a file from).
    expect([...page.document.querySelectorAll("style")].map((s) => s.textContent).join("\n")).toContain(".rfl{");
    await page.happyDOM.close();
  });

  it("renders it in Hindi with the Hindi locale file's strings", async () => {
    const { shop, values } = await shopWithProgram();
    const { data } = await previewOf(shop, values, { friendOfferValue: "15", language: "hi" });
    if (!data.ok) throw new Error(JSON.stringify(data));
    expect(data.html).toContain('<html lang="hi">');
    expect(data.html).toContain(hi.block.join);
    expect(data.html).not.toContain(en.block.join);
    const page = await run(data.html);
    const offer = hi.offer.percent.replace("{value}", "15%");
    expect(offer).not.toBe("15% off");
    expect(text(page, "[data-rfl-heading]")).toBe(hi.block.heading_offer.replace("{offer}", offer));
    expect(text(page, "[data-rfl-text]")).toBe(hi.block.offer_intro.replace("{offer}", offer));
    await page.happyDOM.close();
  });

  it("shows a referrer their link, share message and a reward as the unsaved settings give it", async () => {
    const { shop, values } = await shopWithProgram();
    const { data } = await previewOf(shop, values, {
      shopper: "referrer",
      codePrefix: "pals",
      shareMessage: "Try it: {offer} with {link}",
      friendOfferKind: "FREE_SHIPPING",
      rewardKind: "CODE_PERCENTAGE",
      rewardValue: "20",
    });
    if (!data.ok) throw new Error(JSON.stringify(data));
    const page = await run(data.html);
    expect(text(page, "[data-rfl-heading]")).toBe("Give your friends free shipping");
    expect(page.document.querySelector("[data-rfl-referrer]")!.hasAttribute("hidden")).toBe(false);
    expect(text(page, "[data-rfl-code]")).toBe("PALS-SAMPLE");
    const whatsapp = page.document.querySelector('[data-rfl-channel="whatsapp"]')!.getAttribute("href")!;
    expect(decodeURIComponent(whatsapp)).toContain("Try it: free shipping with https://");
    expect(text(page, "[data-rfl-codes]")).toContain("PALS-REWARD-SAMPLE 20%");
    await page.happyDOM.close();
  });

  it("keeps a hostile share message inside the page's data, never as markup", async () => {
    const { shop, values } = await shopWithProgram();
    const { data } = await previewOf(shop, values, { shopper: "referrer", shareMessage: "</script><img src=x onerror=alert(1)>{link}" });
    if (!data.ok) throw new Error(JSON.stringify(data));
    expect(data.html).not.toContain("</script><img");
    expect(data.html).not.toContain("<img");
    const page = await run(data.html);
    expect(page.document.querySelector("img")).toBeNull();
    expect(decodeURIComponent(page.document.querySelector('[data-rfl-channel="x"]')!.getAttribute("href")!)).toContain("</script><img src=x onerror=alert(1)>https://");
    await page.happyDOM.close();
  });

  it("renders the launcher, its panel holding the same block", async () => {
    const { shop, values } = await shopWithProgram();
    const { data } = await previewOf(shop, values, { view: "launcher", friendOfferKind: "FIXED_AMOUNT", friendOfferValue: "7.5" });
    if (!data.ok) throw new Error(JSON.stringify(data));
    expect(data.html).toContain("data-rfl-launcher");
    expect(data.html).toContain('class="rfl-launch__btn"');
    expect(data.html).toContain(`${en.page.title}`);
    expect(data.html).toMatch(/<template>[\s\S]*data-referral-block[\s\S]*<\/template>/);
  });

  it("previews an email with the unsaved offer and accent colour, through the Emails page's preview", async () => {
    const { shop, values } = await shopWithProgram();
    const { status, data } = await previewOf(shop, values, { view: "email", kind: "INVITATION", friendOfferValue: "15", emailAccentColor: "#aa3300" });
    expect(status).toBe(200);
    if (!data.ok) throw new Error(JSON.stringify(data));
    expect(data.subject).toBeTruthy();
    expect(data.html).toContain("15%");
    expect(data.html.toLowerCase()).toContain("#aa3300");
  });

  it("refuses bad input with 400, naming the field", async () => {
    const { shop, values } = await shopWithProgram();
    const cases: [Record<string, string>, string][] = [
      [{ friendOfferValue: "abc" }, "friendOfferValue"],
      [{ friendOfferKind: "PERCENTAGE", friendOfferValue: "150" }, "friendOfferValue"],
      [{ emailAccentColor: "red" }, "emailAccentColor"],
      [{ language: "xx" }, "language"],
      [{ view: "checkout" }, "view"],
      [{ shopper: "admin" }, "shopper"],
      [{ view: "email", kind: "SPAM" }, "kind"],
    ];
    for (const [changes, field] of cases) {
      const { status, data } = await previewOf(shop, values, changes);
      expect(status, field).toBe(400);
      expect(data.ok).toBe(false);
      expect(Object.keys((data as { errors: Record<string, string> }).errors), field).toEqual([field]);
    }
  });

  it("answers in the merchant's language when refusing a language", async () => {
    const { shop, values } = await shopWithProgram();
    const { data } = await act(preview.action, shop, `${PATH}?locale=fr`, { ...values, view: "block", language: "xx", shopper: "guest" });
    expect((data as { errors: Record<string, string> }).errors.language).toContain("Choisissez");
  });

  it("refuses a request without a valid session token, and a GET", async () => {
    const { values } = await shopWithProgram();
    const body = new URLSearchParams({ ...values, view: "block", language: "en", shopper: "guest" });
    const request = new Request(`${process.env.SHOPIFY_APP_URL}${PATH}`, { method: "POST", headers: { Authorization: "Bearer not-a-token" }, body });
    expect(await thrownStatus(() => preview.action({ request, params: {}, context: {} }))).toBe(401);
    expect(preview.loader().status).toBe(405);
  });

  it("reads the session's shop only: another shop's program is never shown, whatever the form says", async () => {
    const alpha = await shopWithProgram();
    const beta = await shopWithProgram();
    await db.program.update({ where: { shop: beta.shop }, data: { storefrontUrl: "https://beta-store.example" } });
    const { data } = await previewOf(alpha.shop, alpha.values, { shop: beta.shop, shopper: "referrer" });
    if (!data.ok) throw new Error(JSON.stringify(data));
    expect(data.html).not.toContain("beta-store.example");
    expect(data.html).not.toContain(beta.shop);
  });

  it("saves nothing: no program change, audit event, email, job or Shopify call", async () => {
    const { shop, values } = await shopWithProgram();
    const before = await storedState(shop);
    const discounts = JSON.stringify(shopify.fake.discounts(shop));
    for (const view of ["block", "launcher", "email"]) {
      const { status } = await previewOf(shop, values, { view, friendOfferValue: "15", codePrefix: "OTHER", enabled: "false" });
      expect(status).toBe(200);
    }
    expect(await storedState(shop)).toEqual(before);
    expect(JSON.stringify(shopify.fake.discounts(shop))).toBe(discounts);
  });

  it("creates no program for a shop that has none (404)", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const values = { friendOfferKind: "PERCENTAGE", friendOfferValue: "15", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" };
    const result = await thrownStatus(() => act(preview.action, shop, PATH, { ...values, view: "block", language: "en", shopper: "guest" }));
    expect(result).toBe(404);
    expect(await db.program.count({ where: { shop } })).toBe(0);
  });

  it("shows a paused program as shoppers see it: not available", async () => {
    const { shop, values } = await shopWithProgram();
    const { data } = await previewOf(shop, values, { enabled: "false" });
    if (!data.ok) throw new Error(JSON.stringify(data));
    const page = await run(data.html);
    expect(text(page, "[data-rfl-status]")).toBe(en.block.unavailable);
    await page.happyDOM.close();
  });
});
