// Where a referrer finds their printables: the theme block (for a signed-in
// customer), the program page's referrer section, and the customer account
// page. Each link is followed to the PDF it names, through the app proxy.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { translator } from "~/storefront/i18n";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { sendProxy } from "../helpers/app-proxy";
import { renderBlock, renderProxyLiquid } from "../helpers/liquid";
import { decodeQr, readPdf, squash } from "../helpers/pdf";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer, uniqueIp } from "../helpers/storefront";

const customer = { id: 701, first_name: "Ana", email: "ana@example.com" };
let shop = "";

beforeEach(async () => {
  shop = uniqueShop("print-links");
  await seedInstalledShop(db, shop);
  await seedProgram(shop, { storefrontUrl: "https://shop.example" });
});

/** The hrefs of the links whose text is one of the printables' labels. */
function printHrefs(html: string, language: string): Record<"brochure" | "poster", string | undefined> {
  const t = translator(language);
  const find = (label: string) => html.match(new RegExp(`<a href="([^"]+)" download>${label.replace(/[()]/g, "\\$&")}</a>`))?.[1]?.replace(/&amp;/g, "&");
  return { brochure: find(t("print.brochure_link")), poster: find(t("print.poster_link")) };
}

/** Follows a storefront link to /apps/referrals/... through the app proxy, as Shopify would, for the signed-in customer. */
async function follow(href: string, customerId: number) {
  const url = new URL(href, "https://shop.example");
  expect(url.pathname).toBe("/apps/referrals/print");
  return sendProxy({ shop, path: "/print", customerId, ip: uniqueIp(), query: Object.fromEntries(url.searchParams) });
}

describe("the theme block", () => {
  it("links a signed-in customer to their brochure and poster, in the storefront's language, and the links give the PDFs", async () => {
    const ana = await seedReferrer(shop, { customerId: `gid://shopify/Customer/${customer.id}` });
    const html = await renderBlock("referral", { customer, language: "mt" });
    const hrefs = printHrefs(html, "mt");
    expect(html).toContain(`<h3 class="rfl__subheading">${translator("mt")("print.links_heading")}</h3>`);
    expect(hrefs.brochure).toBe("/apps/referrals/print?locale=mt&origin=https%3A%2F%2Fshop.example&kind=brochure");
    expect(hrefs.poster).toBe("/apps/referrals/print?locale=mt&origin=https%3A%2F%2Fshop.example&kind=poster");
    for (const kind of ["brochure", "poster"] as const) {
      const response = await follow(hrefs[kind]!, customer.id);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Disposition")).toContain(`referral-${kind}-`);
      const page = await readPdf(Buffer.from(await response.arrayBuffer()));
      expect(page.language).toBe("mt");
      expect(decodeQr(page)?.text).toBe(`https://shop.example/?ref=${ana.code}`);
    }
  });

  it("has no print links for a guest, nor in the floating launcher's panel (kept within its size budget)", async () => {
    expect(printHrefs(await renderBlock("referral"), "en")).toEqual({ brochure: undefined, poster: undefined });
    const launcher = await renderBlock("referral-embed", { customer, settings: { launcher: true } });
    expect(launcher).toContain("data-rfl-referrer");
    expect(printHrefs(launcher, "en")).toEqual({ brochure: undefined, poster: undefined });
  });
});

describe("the program page", () => {
  it("shows a referrer links to their printables, on the domain of their link, and they give the PDFs in the page's language", async () => {
    const ana = await seedReferrer(shop, { customerId: `gid://shopify/Customer/${customer.id}` });
    const body = await (await sendProxy({ shop, path: "", customerId: customer.id, query: { locale: "es", origin: "https://shop.example" } })).text();
    const html = await renderProxyLiquid(body, { customer, language: "es" });
    const hrefs = printHrefs(html, "es");
    expect(hrefs.brochure).toBe("/apps/referrals/print?kind=brochure&locale=es&origin=https%3A%2F%2Fshop.example");
    const page = await readPdf(Buffer.from(await (await follow(hrefs.brochure!, customer.id)).arrayBuffer()));
    expect(squash(page.text)).toContain(translator("es")("print.offer_headline", { offer: "un 10\u00a0% de descuento" }).replace(/\s+/g, " "));
    expect(decodeQr(page)?.text).toBe(`https://shop.example/?ref=${ana.code}`);
    const poster = await follow(hrefs.poster!, customer.id);
    expect(poster.headers.get("Content-Type")).toBe("application/pdf");
  });

  it("has no print links for a guest or a customer who has not joined", async () => {
    for (const customerId of [null, 702]) {
      const body = await (await sendProxy({ shop, path: "", customerId })).text();
      expect(printHrefs(await renderProxyLiquid(body), "en")).toEqual({ brochure: undefined, poster: undefined });
    }
  });
});
