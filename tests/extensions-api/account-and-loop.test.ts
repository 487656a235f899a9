// The customer account page's backend, and the referral loop end to end: a
// friend's order goes through the real pipeline, the friend joins from its
// thank-you page, her own friend orders, and the dashboard's loader counts both.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as dashboard from "~/routes/app.dashboard";
import * as account from "~/routes/api.extensions.account._index";
import * as accountJoin from "~/routes/api.extensions.account.join";
import * as join from "~/routes/api.extensions.join";
import * as thankYou from "~/routes/api.extensions.thank-you";
import { termsVersionOf } from "~/storefront/extension-api.server";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { installShop, load } from "../helpers/admin-request";
import { callExtension, extensionToken } from "../helpers/extensions";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueIp } from "../helpers/storefront";

const pipeline = usePipeline();
let nextOrder = 8_100_000_000_000 + Math.floor(Math.random() * 1e9);

type Shop = Awaited<ReturnType<typeof pipeline.setupShop>>;

/** A friend's paid order with `code`: in the fake Shopify (the extension asks for it) and as the orders/paid webhook. */
async function friendOrders(p: Shop, friend: { id: string; email: string }, code: string, subtotal = "50.00") {
  const n = ++nextOrder;
  const orderId = `gid://shopify/Order/${n}`;
  pipeline.shopify.fake.seedOrder(p.shop, { id: orderId, customerId: friend.id, email: friend.email, discountCodes: [code], subtotal, totalDiscounts: "5.00" });
  await p.send(
    "orders/paid",
    orderPaidPayload({ orderId: n, customerId: Number(friend.id.split("/").pop()), email: friend.email, discountCodes: [code], subtotal, total: subtotal, currency: "USD", createdAt: new Date(testClock.now()).toISOString() }),
  );
  await p.drain();
  return orderId;
}

describe("the referral loop", () => {
  it("a referred friend joins from her thank-you page, refers a friend of her own, and the dashboard counts both", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    await installShop(p.shop);
    const version = termsVersionOf((await db.program.findUniqueOrThrow({ where: { shop: p.shop } })).terms);
    const fay = pipeline.shopify.fake.seedCustomer(p.shop, { firstName: "Fay", email: "fay@example.com" });
    const faysOrder = await friendOrders(p, { id: fay.id, email: "fay@example.com" }, p.referrer.code);
    expect((await p.referral(faysOrder))?.status).toBe("PENDING");

    const token = extensionToken(p.shop, { customerId: fay.id });
    const ip = uniqueIp();
    const page = await callExtension(thankYou, { path: `/api/extensions/thank-you?orderId=${encodeURIComponent(faysOrder)}`, token, ip });
    // Rita has not said her name may be shown.
    expect(page.json).toMatchObject({ state: "offer", guest: false, referredBy: { name: null, saved: "$5.00" } });
    const joined = await callExtension(join, { path: "/api/extensions/join", token, ip, body: { orderId: faysOrder, terms: true, termsVersion: version, locale: "en" } });
    expect(joined.status).toBe(201);
    const faysCode = joined.json!.code as string;
    await p.drain(); // her code joins the friend discount

    const gus = pipeline.shopify.fake.seedCustomer(p.shop, { firstName: "Gus", email: "gus@example.com" });
    const gusOrder = await friendOrders(p, { id: gus.id, email: "gus@example.com" }, faysCode, "70.00");
    expect((await p.referral(gusOrder))?.referrerId).toBe((await db.referrer.findFirstOrThrow({ where: { shop: p.shop, code: faysCode } })).id);

    const { data } = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(data.loop).toEqual({ referrers: 1, referrals: 1 });
    // Rita's own referral (Fay's order) is not the loop's: Rita was not referred.
    expect(data.orders).toBe(2);
    const past = await load(dashboard.loader, p.shop, "/app/dashboard?from=2020-01-01&to=2020-01-31");
    expect(past.data.loop).toEqual({ referrers: 0, referrals: 0 });

    // Fay's account page: Gus, masked; his pending reward with its release date; no codes yet.
    const home = await callExtension(account, { path: "/api/extensions/account?locale=en", token: extensionToken(p.shop, { customerId: fay.id }), ip });
    expect(home.status).toBe(200);
    const gusReferral = (await p.referral(gusOrder))!;
    expect(home.json).toMatchObject({
      state: "referrer",
      code: faysCode,
      stats: { clicks: 0, orders: 1, rewards: 0 },
      friends: [{ name: "g***@example.com", status: "PENDING" }],
      pendingRewards: [{ value: "10%", releaseOn: gusReferral.holdUntil!.toISOString() }],
      unusedCodes: [],
      storeCredit: null,
      cashFees: null,
    });
    expect(home.text).not.toContain("gus@example.com");

    // After the hold, the reward is a code she has not used yet.
    p.advance(31 * DAY);
    await p.drain();
    const later = await callExtension(account, { path: "/api/extensions/account", token: extensionToken(p.shop, { customerId: fay.id }), ip });
    expect(later.json).toMatchObject({ friends: [{ status: "REWARDED" }], pendingRewards: [], stats: { rewards: 1 } });
    expect((later.json!.unusedCodes as { code: string; value: string }[])[0]).toMatchObject({ value: "10%" });
  });
});

describe("customer account page", () => {
  it("needs a customer: a guest's checkout token, a bad or expired one is 401", async () => {
    const p = await pipeline.setupShop();
    for (const token of [null, extensionToken(p.shop), extensionToken(p.shop, { customerId: p.referrerCustomer.id, ttlSeconds: -600 }), extensionToken(p.shop, { customerId: p.referrerCustomer.id, apiKey: "other" })]) {
      expect((await callExtension(account, { path: "/api/extensions/account", token })).status).toBe(401);
      expect((await callExtension(accountJoin, { path: "/api/extensions/account/join", token, body: { terms: true } })).status).toBe(401);
    }
  });

  it("shows the offer to a customer who has not joined, joins them (once), and hides everything when the program is paused", async () => {
    const p = await pipeline.setupShop();
    const program = await db.program.update({ where: { shop: p.shop }, data: { terms: "Play fair." } });
    const version = termsVersionOf(program.terms);
    const hal = pipeline.shopify.fake.seedCustomer(p.shop, { firstName: "Hal", email: "hal@example.com" });
    const token = extensionToken(p.shop, { customerId: hal.id });
    const ip = uniqueIp();
    const before = await callExtension(account, { path: "/api/extensions/account?locale=en", token, ip });
    expect(before.json).toEqual({
      state: "join",
      offer: "Give your friends 10% off, get 10% off your next order.",
      termsUrl: `https://${p.shop}/apps/referrals#rfl-terms`,
      termsVersion: version,
    });
    expect((await callExtension(accountJoin, { path: "/api/extensions/account/join", token, ip, body: { terms: true } })).status).toBe(422);
    const first = await callExtension(accountJoin, { path: "/api/extensions/account/join", token, ip, body: { terms: true, termsVersion: version, locale: "de" } });
    const again = await callExtension(accountJoin, { path: "/api/extensions/account/join", token, ip, body: { terms: "true", termsVersion: version } });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json!.code).toBe(first.json!.code);
    expect(await db.referrer.findUniqueOrThrow({ where: { shop_customerId: { shop: p.shop, customerId: hal.id } } })).toMatchObject({
      source: "ACCOUNT",
      locale: "de",
      email: "hal@example.com",
      termsVersion: version,
      referredByOrderId: null,
    });
    const mine = await callExtension(account, { path: "/api/extensions/account", token, ip });
    expect(mine.json).toMatchObject({ state: "referrer", friends: [], terms: "Play fair." });
    await db.program.update({ where: { shop: p.shop }, data: { enabled: false } });
    expect((await callExtension(account, { path: "/api/extensions/account", token, ip })).json).toEqual({ state: "hidden" });
  });
  it("a guest who joined on a thank-you page is that referrer when they sign in with the same, verified, email", async () => {
    const p = await pipeline.setupShop();
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    const version = termsVersionOf(program.terms);
    const ip = uniqueIp();
    const guestOrder = pipeline.shopify.fake.seedOrder(p.shop, { customerId: null, email: "Gina@Example.com", subtotal: "30.00", createdAt: new Date().toISOString() }).id;
    const joined = await callExtension(join, { path: "/api/extensions/join", token: extensionToken(p.shop), ip, body: { orderId: guestOrder, terms: true, termsVersion: version } });
    expect(joined.status).toBe(202);
    const guestRow = await db.referrer.findFirstOrThrow({ where: { shop: p.shop, emailKey: "gina@example.com" } });
    expect(guestRow).toMatchObject({ customerId: null, termsVersion: version, source: "THANK_YOU" });

    // Someone else with an unverified claim to the address does not get it.
    const impostor = pipeline.shopify.fake.seedCustomer(p.shop, { email: "gina@example.com", verifiedEmail: false });
    const theirs = await callExtension(account, { path: "/api/extensions/account?locale=en", token: extensionToken(p.shop, { customerId: impostor.id }), ip });
    expect(theirs.json).toMatchObject({ state: "join" });
    expect(await db.referrer.findUniqueOrThrow({ where: { id: guestRow.id } })).toMatchObject({ customerId: null });

    const gina = pipeline.shopify.fake.seedCustomer(p.shop, { firstName: "Gina", email: "gina@example.com" });
    const token = extensionToken(p.shop, { customerId: gina.id });
    const home = await callExtension(account, { path: "/api/extensions/account?locale=en", token, ip });
    expect(home.status).toBe(200);
    expect(home.json).toMatchObject({ state: "referrer", code: guestRow.code });
    expect(await db.referrer.findUniqueOrThrow({ where: { id: guestRow.id } })).toMatchObject({ customerId: gina.id, termsVersion: version });
    expect(await db.referrer.count({ where: { shop: p.shop, OR: [{ emailKey: "gina@example.com" }, { customerId: gina.id }] } })).toBe(1);
    // A shop's other customers still see the offer.
    const other = pipeline.shopify.fake.seedCustomer(p.shop, { email: "olga@example.com" });
    expect((await callExtension(account, { path: "/api/extensions/account", token: extensionToken(p.shop, { customerId: other.id }), ip })).json).toMatchObject({ state: "join" });
  });
});
