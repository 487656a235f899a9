// The admin in the merchant's language through authenticated requests, as
// App Bridge makes them: the first load carries Shopify's `locale` parameter
// (the layout hands it to every page, and the server-rendered HTML is already
// in the language), later fetches carry it in the X-Admin-Locale header
// (app/i18n/client-locale.ts): actions' toasts, errors and CSV exports answer in it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { en } from "~/i18n/en";
import { LOCALE_HEADER } from "~/i18n/locales";
import { MESSAGES } from "~/i18n/messages";
import * as layout from "~/routes/app";
import * as referralsExport from "~/routes/app.referrals.export";
import * as payoutsExport from "~/routes/app.payouts.export";
import * as review from "~/routes/app.review";
import * as settings from "~/routes/app.settings";
import { holdForReview } from "~/referrals/review.server";
import { hostParam } from "../../fake-shopify/sign";
import { load, sessionToken } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";
import { startAdminServer } from "../browser/admin-server";

const pipeline = usePipeline();
const { hi, mt } = MESSAGES;

/** A request as App Bridge's fetch sends it, in the admin's language. */
function fetchRequest(shop: string, path: string, locale: string, form?: Record<string, string>) {
  const headers = new Headers({ Authorization: `Bearer ${sessionToken(shop)}`, [LOCALE_HEADER]: locale });
  const url = `${process.env.SHOPIFY_APP_URL}${path}`;
  return form ? new Request(url, { method: "POST", headers, body: new URLSearchParams(form) }) : new Request(url, { headers });
}

describe("loaders and actions in the admin's language", () => {
  it("the layout takes Shopify's locale parameter, regional variants matched, anything else English", async () => {
    const { shop } = await seedShopActivity(pipeline);
    expect((await load(layout.loader, shop, "/app?locale=hi")).locale).toBe("hi");
    expect((await load(layout.loader, shop, "/app?locale=mt-MT")).locale).toBe("mt");
    expect((await load(layout.loader, shop, "/app?locale=fr-CA")).locale).toBe("fr");
    expect((await load(layout.loader, shop, "/app?locale=es-419")).locale).toBe("es");
    expect((await load(layout.loader, shop, "/app?locale=pt-BR")).locale).toBe("en");
    expect((await load(layout.loader, shop, "/app")).locale).toBe("en");
    // A revalidation after an action: no parameter, the header.
    const revalidated = await layout.loader({ request: fetchRequest(shop, "/app", "mt"), params: {}, context: {} });
    expect(revalidated.locale).toBe("mt");
  });

  it("an action's error, a loader's message and the CSV exports answer in the header's language", async () => {
    const p = await seedShopActivity(pipeline);
    const pending = await db.referral.findFirstOrThrow({ where: { shop: p.shop, status: "PENDING" } });
    await holdForReview(db, { shop: p.shop, referralId: pending.id, rule: "DEVICE", evidence: { summary: "same device" }, cause: "test" });
    const refused = (await review.action({ request: fetchRequest(p.shop, "/app/review", "hi", { intent: "reject", ids: pending.id }), params: {}, context: {} })) as Response;
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toBe(hi.referrer.reasonRequired);

    const page = await settings.loader({ request: fetchRequest(p.shop, "/app/settings", "mt"), params: {}, context: {} });
    expect(page.checkout.message).toBe(mt.settings.checkout.FUNCTION_NOT_DEPLOYED);

    const csv = async (response: Response) => (await response.text()).replace(/^\uFEFF/, "").split("\r\n")[0];
    const referrals = await referralsExport.loader({ request: fetchRequest(p.shop, "/app/referrals/export", "hi"), params: {}, context: {} });
    expect(await csv(referrals)).toBe(hi.csv.referrals.join(","));
    const payouts = await payoutsExport.loader({ request: fetchRequest(p.shop, "/app/payouts/export?locale=mt", "hi"), params: {}, context: {} });
    expect(await csv(payouts)).toBe(mt.csv.payouts.join(","));
  });
});

describe("the server-rendered page", () => {
  let server: Awaited<ReturnType<typeof startAdminServer>>;
  let shop: string;
  beforeAll(async () => {
    shop = (await seedShopActivity(pipeline)).shop;
    server = await startAdminServer();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  async function page(path: string, locale: string) {
    const url = new URL(path, server.url);
    for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: sessionToken(shop), locale })) url.searchParams.set(k, v);
    const response = await server.render(new Request(url, { headers: { "User-Agent": "Mozilla/5.0 Chrome/130" } }));
    expect(response.status).toBe(200);
    return response.text();
  }

  it("is already in the language (no English first, then a switch in the browser)", async () => {
    const referralsHi = await page("/app/referrals", "hi");
    expect(referralsHi).toContain('<html lang="hi"');
    expect(referralsHi).toContain(`<title>${hi.nav.home}</title>`);
    for (const text of [hi.referrals.title, hi.referrals.searchPlaceholder, hi.status.REWARDED, hi.common.exportCsv]) expect(referralsHi).toContain(text);
    for (const text of [en.referrals.searchPlaceholder, en.status.REWARDED, en.common.exportCsv, en.referrals.total]) expect(referralsHi).not.toContain(`>${text}<`);

    const problemsMt = await page("/app/delivery-problems", "mt");
    expect(problemsMt).toContain('<html lang="mt"');
    expect(problemsMt).toContain(`<title>${mt.problems.title}</title>`);
    expect(problemsMt).toContain(mt.problems.emptyTitle);
    expect(problemsMt).not.toContain(en.problems.emptyTitle);

    const settingsFr = await page("/app/settings", "fr-CA");
    expect(settingsFr).toContain('<html lang="fr"');
    expect(settingsFr).toContain(MESSAGES.fr.settings.title);
    // The live preview's panel; its language picker opens in the shop's primary language (English in the fake Shopify), not the merchant's.
    for (const text of [MESSAGES.fr.settings.preview.title, MESSAGES.fr.settings.preview.intro, MESSAGES.fr.settings.preview.shoppers.guest]) expect(settingsFr).toContain(text.replace(/'/g, "&#x27;"));
    expect(settingsFr).toMatch(/<option value="en" selected="">Anglais \(English\)/);
    expect(settingsFr).toContain('title="Aperçu de ce que voient les clients"');
    expect(await page("/app/settings", "en")).toContain(en.settings.title);
  }, 120_000);
});
