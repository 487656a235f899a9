// The thank-you and order status block's backend through its route modules,
// with session tokens signed as Shopify signs a checkout extension's: who may
// see what, the offer, the referrer's state, a referred order, joining.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as join from "~/routes/api.extensions.join";
import * as thankYou from "~/routes/api.extensions.thank-you";
import { STOREFRONT_LIMITS } from "~/storefront/rate-limit.server";
import { termsVersionOf } from "~/storefront/extension-api.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { signJwt } from "../../fake-shopify/sign";
import { useTestShopify } from "../helpers/admin";
import { callExtension, extensionToken } from "../helpers/extensions";
import { uniqueShop } from "../helpers/shops";
import { useSmtpEnv } from "../helpers/smtp";
import { seedProgram, seedReferrer, uniqueIp } from "../helpers/storefront";

const shopify = useTestShopify();
const TERMS = "Be kind.\nOne reward per friend.";
const VERSION = termsVersionOf(TERMS);
let shop = "";
let ip = "";
let buyer = "";

beforeEach(async () => {
  shop = uniqueShop("ty");
  ip = uniqueIp();
  await seedInstalledShop(db, shop);
  await seedProgram(shop, { friendOfferKind: "PERCENTAGE", friendOfferValue: 15, terms: TERMS });
  buyer = shopify.fake.seedCustomer(shop, { firstName: "Bea", lastName: "Buyer", email: "bea@example.com" }).id;
  useSmtpEnv(null);
});

const order = (o: { customerId?: string | null; email?: string | null; discountCodes?: string[]; totalDiscounts?: string; attribute?: string } = {}) =>
  shopify.fake.seedOrder(shop, {
    subtotal: "80.00",
    customerId: o.customerId === undefined ? buyer : o.customerId,
    email: o.email === undefined ? "bea@example.com" : o.email,
    discountCodes: o.discountCodes ?? [],
    customAttributes: o.attribute ? [{ key: "_referral_code", value: o.attribute }] : [],
    totalDiscounts: o.totalDiscounts ?? "0.0",
  }).id;

const get = (orderId: string, token: string | null = extensionToken(shop, { customerId: buyer }), locale = "en") =>
  callExtension(thankYou, { path: `/api/extensions/thank-you?orderId=${encodeURIComponent(orderId)}&locale=${locale}`, token, ip });
const post = (body: unknown, token: string | null = extensionToken(shop, { customerId: buyer })) => callExtension(join, { path: "/api/extensions/join", body, token, ip });

describe("who may ask", () => {
  it("answers the CORS preflight without a token", async () => {
    for (const module of [thankYou, join]) {
      const answer = await callExtension(module, { path: "/api/extensions/x", method: "OPTIONS" });
      expect(answer.status).toBe(204);
      expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(answer.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    }
  });

  it("refuses missing, malformed, expired, foreign, wrong-audience and unsigned tokens with a bare 401 (with CORS)", async () => {
    const id = order();
    const now = Math.floor(Date.now() / 1000);
    const claims = { dest: `https://${shop}`, aud: process.env.SHOPIFY_API_KEY, sub: buyer, exp: now + 60, nbf: now - 5, iat: now };
    const bad: [string, string | null][] = [
      ["missing", null],
      ["garbage", "not-a-token"],
      ["expired", extensionToken(shop, { customerId: buyer, ttlSeconds: -3600 })],
      ["wrong audience", extensionToken(shop, { customerId: buyer, apiKey: "another-app" })],
      ["another secret", extensionToken(shop, { customerId: buyer, secret: "not-the-app-secret-0123456789abcdef" })],
      ["no exp", signJwt({ ...claims, exp: undefined }, process.env.SHOPIFY_API_SECRET!)],
      ["dest not a shop", signJwt({ ...claims, dest: "https://evil.example" }, process.env.SHOPIFY_API_SECRET!)],
      ["sub not a customer", signJwt({ ...claims, sub: "gid://shopify/StaffMember/1" }, process.env.SHOPIFY_API_SECRET!)],
      ["alg none", `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`],
    ];
    for (const [name, token] of bad) {
      const answer = await get(id, token);
      expect(answer.status, name).toBe(401);
      expect(answer.text, name).toBe("");
      expect(answer.headers.get("Access-Control-Allow-Origin"), name).toBe("*");
      const joined = await post({ orderId: id, terms: true, termsVersion: VERSION }, token);
      expect(joined.status, name).toBe(401);
    }
    expect(await db.referrer.count({ where: { shop } })).toBe(0);
  });

  it("404s another customer's order, another shop's order and a malformed id", async () => {
    const someoneElse = shopify.fake.seedCustomer(shop, { email: "zed@example.com" }).id;
    const theirs = order({ customerId: someoneElse, email: "zed@example.com" });
    const otherShop = uniqueShop("other");
    await seedInstalledShop(db, otherShop);
    const foreign = shopify.fake.seedOrder(otherShop, { subtotal: "10.00", customerId: buyer, email: "bea@example.com" }).id;
    for (const id of [theirs, foreign, "gid://shopify/Order/999999999", "gid://shopify/Customer/1", "1' OR 1=1"]) {
      expect((await get(id)).status, id).toBe(404);
      expect((await post({ orderId: id, terms: true, termsVersion: VERSION })).status, id).toBe(404);
    }
    expect(await db.referrer.count({ where: { shop } })).toBe(0);
  });
});

describe("what the buyer sees", () => {
  it("the offer in the program's words, the terms and their version", async () => {
    const answer = await get(order());
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(answer.headers.get("Cache-Control")).toBe("private, no-store");
    expect(answer.json).toEqual({
      state: "offer",
      offer: "Give your friends 15% off, get 10% off your next order.",
      termsUrl: `https://${shop}/apps/referrals#rfl-terms`,
      termsVersion: VERSION,
      guest: false,
      referredBy: null,
    });
    const french = await get(order(), undefined, "fr-FR");
    expect(french.json!.offer).toMatch(/^Offrez .*15\s%/u);
  });

  it("nothing when the program is paused, missing or the shop uninstalled", async () => {
    const id = order();
    await db.program.update({ where: { shop }, data: { enabled: false } });
    expect((await get(id)).json).toEqual({ state: "hidden" });
    expect((await post({ orderId: id, terms: true, termsVersion: VERSION })).json).toEqual({ state: "hidden" });
    await db.program.delete({ where: { shop } });
    expect((await get(id)).json).toEqual({ state: "hidden" });
    expect(await db.referrer.count({ where: { shop } })).toBe(0);
  });

  it("a referrer sees their link, code, share text and stats at once", async () => {
    const me = await seedReferrer(shop, { customerId: buyer, email: "bea@example.com", clickCount: 7, referralCount: 2 });
    const answer = await get(order());
    expect(answer.json).toMatchObject({
      state: "referrer",
      code: me.code,
      link: `https://${shop}/?ref=${me.code}`,
      stats: { clicks: 7, orders: 2, rewards: 0 },
      referredBy: null,
    });
    expect(answer.json!.shareText).toContain(me.code);
  });

  it("a guest is known by the order's email", async () => {
    const guestOrder = order({ customerId: null, email: "Guest.Person@Example.com" });
    const guest = extensionToken(shop);
    expect((await get(guestOrder, guest)).json).toMatchObject({ state: "offer", guest: true });
    const enrolled = await seedReferrer(shop, { email: "guest.person@example.com", emailKey: "guest.person@example.com" });
    expect((await get(guestOrder, guest)).json).toMatchObject({ state: "referrer", code: enrolled.code });
    // An order id proves less than a sign-in: a day after the order, a guest is offered the emailed link instead.
    const old = shopify.fake.seedOrder(shop, { subtotal: "10.00", email: "guest.person@example.com", createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString() }).id;
    const later = await get(old, guest);
    expect(later.json).toMatchObject({ state: "offer", guest: true });
    expect(later.text).not.toContain(enrolled.code);
  });
});

describe("a referred order", () => {
  it("thanks the buyer: the referrer's first name only if she allows it, and what was saved", async () => {
    const rita = await seedReferrer(shop, { firstName: "Rita", email: "rita@example.com" });
    const id = order({ discountCodes: [rita.code], totalDiscounts: "12.00" });
    // Not processed yet: the code on the order says who referred it.
    expect((await get(id)).json!.referredBy).toEqual({ name: null, saved: "$12.00" });
    await db.referrer.update({ where: { id: rita.id }, data: { showFirstName: true } });
    expect((await get(id)).json!.referredBy).toEqual({ name: "Rita", saved: "$12.00" });
    // Processed: the referral says so (here a link's cart attribute, no code typed).
    const linked = order({ attribute: rita.code, totalDiscounts: "0.0" });
    expect((await get(linked)).json!.referredBy).toEqual({ name: "Rita", saved: null });
    await db.referral.create({ data: { shop, referrerId: rita.id, orderId: linked, attributedBy: "LINK", subtotalAmount: 80, totalAmount: 80, currencyCode: "USD", status: "REJECTED" } });
    expect((await get(linked)).json!.referredBy).toBeNull();
  });

  it("the friend who joins becomes a referrer who remembers the order that brought them (the loop)", async () => {
    const rita = await seedReferrer(shop, { firstName: "Rita", email: "rita@example.com" });
    const id = order({ discountCodes: [rita.code] });
    await db.referral.create({ data: { shop, referrerId: rita.id, orderId: id, codeUsed: rita.code, attributedBy: "CODE", subtotalAmount: 80, totalAmount: 80, currencyCode: "USD", status: "PENDING" } });
    const joined = await post({ orderId: id, terms: true, termsVersion: VERSION, locale: "en", showName: true });
    expect(joined.status).toBe(201);
    expect(joined.json).toMatchObject({ state: "referrer", stats: { clicks: 0, orders: 0, rewards: 0 } });
    const bea = await db.referrer.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: buyer } } });
    expect(bea).toMatchObject({
      source: "THANK_YOU",
      email: "bea@example.com",
      firstName: "Bea",
      locale: "en",
      termsVersion: VERSION,
      showFirstName: true,
      referredByOrderId: id,
      referredByReferrerId: rita.id,
    });
    expect(bea.termsAcceptedAt).toBeInstanceOf(Date);
    expect(joined.json!.code).toBe(bea.code);
    // And the page now shows her own link, still thanking her for Rita's.
    expect((await get(id)).json).toMatchObject({ state: "referrer", code: bea.code, referredBy: { name: null } });
  });
});

describe("joining", () => {
  it("is idempotent, and emails the link once when email is on", async () => {
    useSmtpEnv({ url: "smtp://127.0.0.1:1" } as never);
    const id = order();
    const first = await post({ orderId: id, terms: true, termsVersion: VERSION });
    const second = await post({ orderId: id, terms: true, termsVersion: VERSION });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.json!.code).toBe(first.json!.code);
    expect(await db.referrer.count({ where: { shop } })).toBe(1);
    expect(await db.emailMessage.count({ where: { shop, kind: "YOUR_LINK" } })).toBe(1);
  });

  it("refuses without the terms, or with terms that changed since they were shown (422)", async () => {
    const id = order();
    for (const body of [{ orderId: id }, { orderId: id, terms: false, termsVersion: VERSION }, { orderId: id, terms: true }, { orderId: id, terms: true, termsVersion: "old" }]) {
      const answer = await post(body);
      expect(answer.status).toBe(422);
      expect(answer.json).toEqual({ errors: { terms: "Accept the terms to join." } });
    }
    expect(await db.referrer.count({ where: { shop } })).toBe(0);
  });

  it("a guest joins with the order's email, never a typed one: sign in (email off) or check email (on)", async () => {
    const guest = extensionToken(shop);
    const id = order({ customerId: null, email: "gail@example.com" });
    const off = await post({ orderId: id, terms: true, termsVersion: VERSION, email: "attacker@example.com" }, guest);
    expect(off).toMatchObject({ status: 202, json: { state: "sign_in" } });
    useSmtpEnv({ url: "smtp://127.0.0.1:1" } as never);
    const on = await post({ orderId: id, terms: true, termsVersion: VERSION }, guest);
    expect(on).toMatchObject({ status: 202, json: { state: "check_email" } });
    const rows = await db.referrer.findMany({ where: { shop } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "gail@example.com", customerId: null, source: "THANK_YOU", termsVersion: VERSION });
    expect(await db.emailMessage.findMany({ where: { shop }, select: { recipient: true } })).toEqual([{ recipient: "gail@example.com" }]);
  });

  it("is rate limited per address, then per shop, with Retry-After", async () => {
    const id = order();
    const limit = STOREFRONT_LIMITS.extension_join.perIp.limit;
    for (let i = 0; i < limit; i++) expect((await post({ orderId: id, terms: true, termsVersion: VERSION })).status).toBeLessThan(300);
    const refused = await post({ orderId: id, terms: true, termsVersion: VERSION });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe("*");
    // Another address is still served.
    const first = ip;
    ip = uniqueIp();
    expect((await post({ orderId: id, terms: true, termsVersion: VERSION })).status).toBe(200);
    const keys = (await db.rateLimit.findMany({ where: { key: { startsWith: "extension_join:" } } })).map((r) => r.key).filter((k) => k.includes(shop));
    // Each window names the shop as one part: shop/redact finds it.
    expect(keys.sort()).toEqual([`extension_join:ip:${shop}:${first}`, `extension_join:ip:${shop}:${ip}`, `extension_join:shop:${shop}`].sort());
  });
});

it("answers other methods 405 with CORS", async () => {
  const answer = await callExtension(thankYou, { path: "/api/extensions/thank-you", method: "DELETE", token: extensionToken(shop) });
  expect(answer.status).toBe(405);
  expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
});
