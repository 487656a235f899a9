// A referrer's printables through their real entry points: the storefront's
// app proxy (/apps/referrals/print, signed as Shopify signs it) and the
// customer account page (its API hands out short-lived signed links to
// /printables/<token>). The PDFs are read back: the words in the asker's
// language, the QR code decoded to the referrer's share link.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { accountPrintLinks, PRINT_LINK_TTL_MS, printToken } from "~/printables/print-links.server";
import * as account from "~/routes/api.extensions.account._index";
import * as printable from "~/routes/printables.$token";
import { translator } from "~/storefront/i18n";
import { STOREFRONT_LIMITS } from "~/storefront/rate-limit.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { sendProxy, type ProxyRequestInput } from "../helpers/app-proxy";
import { useTestShopify } from "../helpers/admin";
import { callExtension, extensionToken } from "../helpers/extensions";
import { decodeQr, readPdf, squash } from "../helpers/pdf";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer, uniqueIp } from "../helpers/storefront";

useTestShopify();
const SECRET = () => process.env.SHOPIFY_API_SECRET!;
let shop = "";
let ip = "";

beforeEach(async () => {
  shop = uniqueShop("print");
  ip = uniqueIp();
  await seedInstalledShop(db, shop);
  await seedProgram(shop, { friendOfferKind: "PERCENTAGE", friendOfferValue: 15, currencyCode: "EUR", rewardKind: "STORE_CREDIT", rewardValue: 10, shopName: "Ħanut Żgħir", storefrontUrl: "https://boutique.example" });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const gid = (id: number) => `gid://shopify/Customer/${id}`;
const print = (input: Omit<ProxyRequestInput, "shop" | "path"> & { shop?: string }) => sendProxy({ shop, ip, path: "/print", ...input });

async function expectPdf(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/pdf");
  expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(response.headers.get("Content-Length")).toBe(String(bytes.length));
  return readPdf(bytes);
}

async function expectNoPdf(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).not.toBe("application/pdf");
  expect(response.headers.get("Content-Disposition")).toBeNull();
  expect((await response.arrayBuffer()).byteLength).toBe(0);
}

describe("GET /apps/referrals/print (app proxy)", () => {
  it("gives the signed-in referrer their brochure, in the storefront's language, with their link as QR code", async () => {
    const rita = await seedReferrer(shop, { customerId: gid(501), firstName: "Rita", showFirstName: true });
    const response = await print({ customerId: 501, query: { locale: "fr", origin: "https://boutique.example" } });
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="referral-brochure-a4-${rita.code.toLowerCase()}.pdf"`);
    const page = await expectPdf(response);
    const link = `https://boutique.example/?ref=${rita.code}`;
    expect(decodeQr(page)?.text).toBe(link);
    const text = squash(page.text);
    const t = translator("fr");
    expect(text).toContain(`Ħanut Żgħir`);
    expect(text).toContain(squash(t("print.offer_headline", { offer: "15\u00a0% de remise" })));
    expect(text).toContain(squash(t("print.invite_named", { name: "Rita", shop: "Ħanut Żgħir" })));
    expect(text).toContain(link);
    expect(text).toContain(rita.code);
    expect(page.language).toBe("fr");
    expect(page.width).toBeCloseTo(595.28, 1);
  });

  it("gives the poster, on Letter when asked or when the locale's region prints on Letter, in Hindi when the storefront is", async () => {
    const rita = await seedReferrer(shop, { customerId: gid(502) });
    const poster = await expectPdf(await print({ customerId: 502, query: { kind: "poster", paper: "letter", locale: "hi" } }));
    expect(poster.width).toBe(612);
    expect(squash(poster.text)).toContain(translator("hi")("print.poster_cta", { offer: "15% की छूट" }));
    // No ?origin=: the shop's primary domain.
    expect(decodeQr(poster)?.text).toBe(`https://boutique.example/?ref=${rita.code}`);
    const us = await print({ customerId: 502, query: { locale: "en-US" } });
    expect(us.headers.get("Content-Disposition")).toContain("referral-brochure-letter-");
    expect((await expectPdf(us)).height).toBe(792);
    expect((await expectPdf(await print({ customerId: 502, query: { locale: "en-GB" } }))).height).toBeCloseTo(841.89, 1);
    // A locale with no region (what most themes send): the browser's region for the same language.
    const browserUs = await print({ customerId: 502, query: { locale: "en" }, headers: { "Accept-Language": "en-US,en;q=0.9" } });
    expect(browserUs.headers.get("Content-Disposition")).toContain("referral-brochure-letter-");
    const otherLanguage = await print({ customerId: 502, query: { locale: "fr" }, headers: { "Accept-Language": "en-US,en;q=0.9" } });
    expect(otherLanguage.headers.get("Content-Disposition")).toContain("referral-brochure-a4-");
  });

  it("leaves the name out unless the referrer allowed it, and the code out with single-use friend codes", async () => {
    const rita = await seedReferrer(shop, { customerId: gid(503), firstName: "Rita", showFirstName: false });
    await db.program.update({ where: { shop }, data: { friendCodeMode: "SINGLE_USE" } });
    const page = await expectPdf(await print({ customerId: 503 }));
    const text = squash(page.text);
    expect(text).not.toContain("Rita");
    expect(text).toContain(translator("en")("print.invite", { shop: "Ħanut Żgħir" }));
    expect(text).not.toContain(translator("en")("print.step_code", { code: rita.code }));
    expect(decodeQr(page)?.text).toBe(`https://boutique.example/?ref=${rita.code}`);
  });

  it("refuses a guest (403) and anyone who is not an active referrer of a running program (404), with no PDF", async () => {
    await seedReferrer(shop, { customerId: gid(504) });
    await seedReferrer(shop, { customerId: gid(505), status: "DISABLED" });
    await expectNoPdf(await print({ customerId: null }), 403);
    await expectNoPdf(await print({ customerId: 999 }), 404);
    await expectNoPdf(await print({ customerId: 505 }), 404);
    await expectNoPdf(await print({ customerId: 504, query: { kind: "flyer" } }), 404);
    await db.program.update({ where: { shop }, data: { enabled: false } });
    await expectNoPdf(await print({ customerId: 504 }), 404);
  });

  it("refuses another shop's signature, a tampered customer and another shop's customer", async () => {
    const other = uniqueShop("print-other");
    await seedInstalledShop(db, other);
    await seedProgram(other);
    await seedReferrer(other, { customerId: gid(506) });
    await seedReferrer(shop, { customerId: gid(507) });
    await expectNoPdf(await print({ customerId: 507, secret: "another-apps-secret-0123456789abcdef" }), 400);
    await expectNoPdf(await print({ customerId: 507, tamper: (q) => q.set("logged_in_customer_id", "506") }), 400);
    await expectNoPdf(await print({ customerId: 507, tamper: (q) => q.set("shop", other) }), 400);
    // Signed for this shop, naming the other shop's referrer: not a referrer here.
    await expectNoPdf(await print({ customerId: 506 }), 404);
  });

  it("keeps the link on the shop's own domains whatever ?origin= says, and fetches no logo from elsewhere", async () => {
    const rita = await seedReferrer(shop, { customerId: gid(508) });
    await db.program.update({ where: { shop }, data: { emailLogoUrl: "https://169.254.169.254/latest/meta-data/logo.png" } });
    const fetches = vi.spyOn(globalThis, "fetch");
    const page = await expectPdf(await print({ customerId: 508, query: { origin: "https://evil.example" } }));
    expect(fetches).not.toHaveBeenCalled();
    expect(decodeQr(page)?.text).toBe(`https://boutique.example/?ref=${rita.code}`);
    expect(page.text).not.toContain("evil.example");
    expect(page.links.every((l) => l.startsWith("https://boutique.example/"))).toBe(true);
  });

  it("is rate limited per shopper: a 429 with Retry-After past the limit, and no PDF", async () => {
    await seedReferrer(shop, { customerId: gid(509) });
    const { limit, windowMs } = STOREFRONT_LIMITS.print.perIp;
    // The window is aligned to the clock: not a test that straddles two.
    const left = windowMs - (Date.now() % windowMs);
    if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    for (let i = 0; i < limit; i++) expect((await print({ customerId: 509, query: { kind: "poster" } })).status).toBe(200);
    const refused = await print({ customerId: 509 });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.headers.get("Content-Type")).not.toBe("application/pdf");
    // Another shopper is not held up.
    expect((await print({ customerId: 509, ip: uniqueIp() })).status).toBe(200);
  }, 90_000);
});

describe("the customer account page's signed links (/printables/<token>)", () => {
  const open = (url: string, headers: Record<string, string> = {}) => {
    const parsed = new URL(url);
    const token = decodeURIComponent(parsed.pathname.split("/").pop()!);
    return printable.loader({ request: new Request(url, { headers: { "X-Forwarded-For": ip, ...headers } }), params: { token }, context: {} }) as Promise<Response>;
  };
  const accountView = async (customer: string, locale = "en") => {
    const home = await callExtension(account, { path: `/api/extensions/account?locale=${locale}`, token: extensionToken(shop, { customerId: customer }), ip });
    expect(home.status).toBe(200);
    return home.json as { link: string; printables: { brochure: string; poster: string; expiresAt: string } };
  };

  it("the account API gives a referrer links to their brochure and poster, which open as PDFs in their language", async () => {
    const rita = await seedReferrer(shop, { customerId: gid(601), firstName: "Rita", showFirstName: true });
    const view = await accountView(gid(601), "hi");
    expect(view.printables.brochure).toMatch(new RegExp(`^${process.env.SHOPIFY_APP_URL}/printables/[\\w-]+\\.[\\w-]+\\?kind=brochure$`));
    expect(view.printables.poster).toMatch(/\?kind=poster$/);
    expect(new Date(view.printables.expiresAt).getTime() - Date.now()).toBeGreaterThan(PRINT_LINK_TTL_MS - 60_000);

    const brochure = await open(view.printables.brochure);
    expect(brochure.headers.get("Content-Disposition")).toContain(`referral-brochure-a4-${rita.code.toLowerCase()}.pdf`);
    const page = await expectPdf(brochure);
    expect(decodeQr(page)?.text).toBe(view.link);
    expect(squash(page.text)).toContain("पहले ऑर्डर पर 15% की छूट");
    expect(squash(page.text)).toContain("Rita आपको Ħanut Żgħir पर ख़रीदारी के लिए आमंत्रित करते हैं।");
    const poster = await expectPdf(await open(`${view.printables.poster}&paper=letter`));
    expect(poster.width).toBe(612);
    expect(decodeQr(poster)?.text).toBe(view.link);
  });

  it("refuses an expired link (410), a tampered or foreign one (404), and a referrer no longer active (404)", async () => {
    const rita = await seedReferrer(shop, { customerId: gid(602) });
    const view = await accountView(gid(602));
    const url = new URL(view.printables.brochure);
    const [payload, signature] = url.pathname.split("/").pop()!.split(".");

    // Past its hour.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + PRINT_LINK_TTL_MS + 60_000);
    await expectNoPdf(await open(view.printables.brochure), 410);
    vi.useRealTimers();
    const old = accountPrintLinks(process.env.SHOPIFY_APP_URL!, SECRET(), { shop, referrerId: rita.id, language: "en", localeTag: "en" }, new Date(Date.now() - 2 * PRINT_LINK_TTL_MS));
    await expectNoPdf(await open(old.brochure), 410);

    // Another referrer's id in the payload, the signature kept.
    const other = await seedReferrer(shop, { customerId: gid(603) });
    const forged = Buffer.from(JSON.stringify([shop, other.id, "en", "en", Math.floor(Date.now() / 1000) + 3600])).toString("base64url");
    const at = (token: string) => `${process.env.SHOPIFY_APP_URL}/printables/${token}?kind=brochure`;
    await expectNoPdf(await open(at(`${forged}.${signature}`)), 404);
    // A changed signature, a missing one, another app's, garbage.
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    await expectNoPdf(await open(at(`${payload}.${flipped}`)), 404);
    await expectNoPdf(await open(at(payload)), 404);
    await expectNoPdf(await open(at(printToken("another-apps-secret", { shop, referrerId: rita.id, language: "en", localeTag: "en", expires: 2e9 }))), 404);
    await expectNoPdf(await open(at("not-a-token")), 404);
    // Signed by the app, but naming another shop for this referrer: not found there.
    const elsewhere = uniqueShop("print-elsewhere");
    await seedInstalledShop(db, elsewhere);
    await seedProgram(elsewhere);
    await expectNoPdf(await open(at(printToken(SECRET(), { shop: elsewhere, referrerId: rita.id, language: "en", localeTag: "en", expires: 2e9 }))), 404);

    // The link still works, until the referrer is disabled or the shop uninstalls.
    expect((await open(view.printables.brochure)).status).toBe(200);
    await db.referrer.update({ where: { id: rita.id }, data: { status: "DISABLED" } });
    await expectNoPdf(await open(view.printables.brochure), 404);
    await db.referrer.update({ where: { id: rita.id }, data: { status: "ACTIVE" } });
    await db.shop.update({ where: { shop }, data: { active: false } });
    await expectNoPdf(await open(view.printables.brochure), 404);
  });

  it("gives a customer who has not joined no links", async () => {
    const home = await callExtension(account, { path: "/api/extensions/account?locale=en", token: extensionToken(shop, { customerId: gid(604) }), ip });
    expect(home.json).toMatchObject({ state: "join" });
    expect(home.json).not.toHaveProperty("printables");
  });
});
