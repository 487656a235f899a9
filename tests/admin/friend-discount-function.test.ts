// The friend discount as a code discount of the app's discount function
// (docs/decisions/0008), through the settings route, the real worker and the
// fake Shopify: chosen when the function is deployed, with its configuration in
// a metafield and the referral check beside it; a shop without the function,
// or whose Shopify refuses it, keeps Shopify's basic discount and the settings
// page says why; switching moves every code unchanged; the code-sync job
// writes each referrer's code on their customer for the function to read.
import { describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { requestCodeSync } from "~/referrals/code-sync.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import { friendOfferConfig } from "~/referrals/friend-discount.server";
import * as settings from "~/routes/app.settings";
import { parseConfig } from "../../extensions/referral-discount/src/config";
import { testClock, useTestShopify } from "../helpers/admin";
import { act, installShop, load } from "../helpers/admin-request";
import { pipelineWorker } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";

const shopify = useTestShopify();
const worker = pipelineWorker();
const PATH = "/app/settings";

function catchUp() {
  testClock.ms = Math.max(testClock.ms, Date.now());
}
async function drain() {
  catchUp();
  for (let round = 0; round < 100; round++) if ((await worker.runOnce()).claimed === 0) return;
  throw new Error("the worker never ran out of work");
}
async function save(shop: string, changes: Record<string, string> = {}) {
  const { values } = await load(settings.loader, shop, PATH);
  const result = await act(settings.action, shop, PATH, { ...values, ...changes, intent: "save" });
  catchUp();
  return result;
}
const deploy = (shop: string) => shopify.fake.shop(shop).deployFunction("referral-discount");
const program = (shop: string) => db.program.findUniqueOrThrow({ where: { shop } });
const configOf = (shop: string, ownerId: string) => {
  const m = shopify.fake.shop(shop).metafields.get(`${ownerId}|$app:referral|friend-offer`);
  return m ? JSON.parse(m.value) : null;
};
const customerCode = (shop: string, customerId: string) => shopify.fake.shop(shop).metafields.get(`${customerId}|$app:referral|code`)?.value ?? null;
const holderOf = (shop: string, code: string) => shopify.fake.shop(shop).findByCode(code)?.discount.id ?? null;
const automatic = (shop: string) => [...shopify.fake.shop(shop).automaticDiscounts.values()];

/** `count` referrers, each a Shopify customer. */
async function enrol(shop: string, count: number) {
  const out: { id: string; code: string; customerId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const customer = shopify.fake.seedCustomer(shop, { email: `ref${i}@example.com` });
    const { referrer } = await enrolReferrer(db, { shop, customerId: customer.id, source: "STOREFRONT", cause: "test" });
    out.push({ id: referrer.id, code: referrer.code, customerId: customer.id });
  }
  return out;
}

describe("a shop without the function keeps Shopify's basic discount", () => {
  it("creates the basic discount, no referral check, and the settings page says checks are off and why", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect((await save(shop)).data.ok).toBe(true);

    expect(await program(shop)).toMatchObject({ friendDiscountMode: "BASIC", friendDiscountModeReason: "FUNCTION_NOT_DEPLOYED", referralCheckDiscountId: null });
    expect(shopify.fake.discounts(shop).map((d) => d.typename)).toEqual(["DiscountCodeBasic"]);
    expect(automatic(shop)).toEqual([]);
    const { checkout } = await load(settings.loader, shop, PATH);
    expect(checkout.on).toBe(false);
    expect(checkout.message).toContain("Shopify's own discount codes, which work on any order");
    expect(checkout.message).toContain("once it is deployed, save these settings");

    // Customers' codes are written only for the function: nothing here.
    const [referrer] = await enrol(shop, 1);
    await drain();
    expect(customerCode(shop, referrer.customerId)).toBeNull();
  });
});

describe("a shop with the function deployed", () => {
  it("gets the function's code discount with its configuration, the referral check, and checks on", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    deploy(shop);
    expect((await save(shop, { friendOfferKind: "PERCENTAGE", friendOfferValue: "15", minimumOrderAmount: "40", combinesWithOrder: "true" })).data.ok).toBe(true);

    const p = await program(shop);
    expect(p).toMatchObject({ friendDiscountMode: "FUNCTION", friendDiscountModeReason: null });
    const [discount] = shopify.fake.discounts(shop);
    expect(discount).toMatchObject({ typename: "DiscountCodeApp", functionHandle: "referral-discount", discountClasses: ["ORDER"], appliesOncePerCustomer: true, status: "ACTIVE" });
    expect(discount.id).toBe(p.discountId);
    expect(discount.minimumSubtotalCents).toBeNull(); // the function checks the minimum, with its message
    const expected = { version: 1, offer: { kind: "PERCENTAGE", value: "15" }, minimumSubtotal: "40", currencyCode: "USD", combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: true } };
    expect(configOf(shop, discount.id)).toEqual(expected);
    // What the app writes is what the function accepts.
    expect(parseConfig(configOf(shop, discount.id))).toEqual(expected);

    const [check] = automatic(shop);
    expect(check).toMatchObject({ functionHandle: "referral-discount", discountClasses: ["ORDER"], combinesWith: { productDiscounts: true, orderDiscounts: true, shippingDiscounts: true }, endsAt: null });
    expect(check.id).toBe(p.referralCheckDiscountId);
    expect(configOf(shop, check.id)).toEqual(expected);

    const { checkout } = await load(settings.loader, shop, PATH);
    expect(checkout).toEqual({ on: true, message: expect.stringContaining("only on a first order, and never to the referrer using their own code") });
  });

  it("changes the offer, free shipping included, by updating the same two discounts: no code moves", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    deploy(shop);
    expect((await save(shop)).data.ok).toBe(true);
    const referrers = await enrol(shop, 3);
    await drain();
    const before = await program(shop);

    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING" })).data.ok).toBe(true);
    await drain();
    const after = await program(shop);
    expect(after).toMatchObject({ discountId: before.discountId, referralCheckDiscountId: before.referralCheckDiscountId, previousDiscountId: null });
    expect(shopify.fake.discounts(shop)).toHaveLength(1);
    expect(shopify.fake.discounts(shop)[0].discountClasses).toEqual(["SHIPPING"]);
    expect(configOf(shop, before.discountId!).offer).toEqual({ kind: "FREE_SHIPPING", value: "100" });
    expect(configOf(shop, before.referralCheckDiscountId!).offer).toEqual({ kind: "FREE_SHIPPING", value: "100" });
    expect(referrers.every((r) => holderOf(shop, r.code) === before.discountId)).toBe(true);
    expect(shopify.fake.callsTo("RedeemCodesAdd")).toHaveLength(1);

    // Pausing ends both.
    expect((await act(settings.action, shop, PATH, { intent: "pause" })).data.ok).toBe(true);
    catchUp();
    expect(shopify.fake.discounts(shop)[0].status).toBe("EXPIRED");
    expect(automatic(shop)[0].endsAt).not.toBeNull();
  });

  it("writes each referrer's code on their customer, once, and again only when it changes", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    deploy(shop);
    expect((await save(shop)).data.ok).toBe(true);
    const referrers = await enrol(shop, 30); // two metafieldsSet calls (25 a call)
    await drain();
    for (const r of referrers) expect(customerCode(shop, r.customerId)).toBe(r.code);
    expect(shopify.fake.callsTo("MetafieldsSet")).toHaveLength(2);
    expect(await db.referrer.count({ where: { shop, customerCodeWritten: null } })).toBe(0);

    // Another sync (a new guest referrer) writes nothing again.
    await enrolReferrer(db, { shop, email: "guest@example.com", source: "GUEST", cause: "test" });
    await drain();
    expect(shopify.fake.callsTo("MetafieldsSet")).toHaveLength(2);

    // The guest signs in: their customer gets their code.
    const customer = shopify.fake.seedCustomer(shop, { email: "guest@example.com" });
    const { referrer: claimed } = await enrolReferrer(db, { shop, customerId: customer.id, email: "guest@example.com", source: "ACCOUNT", cause: "test" });
    await drain();
    expect(customerCode(shop, customer.id)).toBe(claimed.code);

    // A customer deleted in Shopify does not hold the others back.
    const gone = referrers[3];
    shopify.fake.shop(shop).customers.delete(gone.customerId);
    await db.referrer.updateMany({ where: { id: { in: [gone.id, referrers[4].id] } }, data: { customerCodeWritten: "FRIEND-OLDCODE1" } });
    shopify.fake.shop(shop).metafields.delete(`${referrers[4].customerId}|$app:referral|code`);
    await requestCodeSync(db, shop);
    await drain();
    expect(customerCode(shop, referrers[4].customerId)).toBe(referrers[4].code);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: referrers[4].id } })).toMatchObject({ customerCodeWritten: referrers[4].code });
    // The deleted customer is done with: the next sync does not try it again.
    const calls = shopify.fake.callsTo("MetafieldsSet").length;
    await requestCodeSync(db, shop);
    await drain();
    expect(shopify.fake.callsTo("MetafieldsSet")).toHaveLength(calls);
    expect(await db.job.findMany({ where: { shop, lastError: { not: null } }, select: { lastError: true } })).toEqual([]);
  });
});

describe("switching an existing program to the function", () => {
  it("moves every code, unchanged, onto the function's discount and deletes the basic one", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect((await save(shop)).data.ok).toBe(true);
    const referrers = await enrol(shop, 120); // two bulk adds
    await drain();
    const basic = await program(shop);

    deploy(shop);
    expect((await save(shop)).data.ok).toBe(true);
    // The basic discount keeps every code until the sync moves them.
    expect(referrers.every((r) => holderOf(shop, r.code) === basic.discountId)).toBe(true);
    await drain();

    const p = await program(shop);
    expect(p).toMatchObject({ friendDiscountMode: "FUNCTION", previousDiscountId: null, nextDiscountCode: null });
    expect(p.discountId).not.toBe(basic.discountId);
    expect(shopify.fake.discounts(shop).map((d) => d.typename)).toEqual(["DiscountCodeApp"]);
    const now = await db.referrer.findMany({ where: { shop }, select: { id: true, code: true } });
    expect(now.map((r) => r.code).sort()).toEqual(referrers.map((r) => r.code).sort());
    expect(now.filter((r) => holderOf(shop, r.code) !== p.discountId)).toEqual([]);
    for (const r of referrers) expect(customerCode(shop, r.customerId)).toBe(r.code);

    // The function taken away (Shopify refuses its discount): back to the basic discount, codes moved again, the check deleted.
    shopify.fake.shop(shop).functions.length = 0;
    expect((await save(shop)).data.ok).toBe(true);
    await drain();
    const back = await program(shop);
    expect(back).toMatchObject({ friendDiscountMode: "BASIC", friendDiscountModeReason: "FUNCTION_NOT_DEPLOYED", referralCheckDiscountId: null });
    expect(shopify.fake.discounts(shop).map((d) => d.typename)).toEqual(["DiscountCodeBasic"]);
    expect(automatic(shop)).toEqual([]);
    expect(referrers.filter((r) => holderOf(shop, r.code) !== back.discountId)).toEqual([]);
  });

  it("keeps the basic discount when Shopify refuses the function's, and shows Shopify's reason", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect((await save(shop)).data.ok).toBe(true);
    const basic = await program(shop);
    deploy(shop);
    const state = shopify.fake.shop(shop);
    const refusal = { field: ["codeAppDiscount"], code: "MAX_APP_DISCOUNTS", message: "The active period overlaps with too many other app-provided discounts." };
    const spy = vi.spyOn(state, "upsertAppDiscount").mockReturnValue({ userErrors: [refusal] });
    try {
      expect((await save(shop, { friendOfferValue: "12" })).data.ok).toBe(true);
    } finally {
      spy.mockRestore();
    }
    await drain();
    const p = await program(shop);
    expect(p).toMatchObject({ friendDiscountMode: "BASIC", friendDiscountModeReason: "FUNCTION_REFUSED", discountId: basic.discountId, nextDiscountCode: null, friendOfferValue: expect.anything() });
    expect(p.friendOfferValue.toString()).toBe("12");
    expect(shopify.fake.discounts(shop)).toHaveLength(1);
    expect(shopify.fake.discounts(shop)[0].title).toContain("12%");
    const { checkout } = await load(settings.loader, shop, PATH);
    expect(checkout.on).toBe(false);
    expect(checkout.message).toContain(refusal.message);
  });

  it("keeps the function's discount when only the referral check is refused, and says refusals go without a reason", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    deploy(shop);
    const state = shopify.fake.shop(shop);
    const refusal = { field: ["automaticAppDiscount"], code: "ACTIVE_PERIOD_OVERLAP", message: "Only 25 automatic discounts can be active." };
    const spy = vi.spyOn(state, "upsertAutomaticAppDiscount").mockReturnValue({ userErrors: [refusal] });
    try {
      expect((await save(shop)).data.ok).toBe(true);
    } finally {
      spy.mockRestore();
    }
    expect(await program(shop)).toMatchObject({ friendDiscountMode: "FUNCTION", friendDiscountModeReason: "CHECK_REFUSED", referralCheckDiscountId: null });
    expect((await load(settings.loader, shop, PATH)).checkout).toEqual({ on: true, message: expect.stringContaining(refusal.message) });

    // The next save, with room for it, adds the check under the title recorded before.
    expect((await save(shop)).data.ok).toBe(true);
    const p = await program(shop);
    expect(p).toMatchObject({ friendDiscountModeReason: null, referralCheckDiscountId: automatic(shop)[0].id });
    expect(automatic(shop)).toHaveLength(1);
    expect(automatic(shop)[0].title).toBe(p.referralCheckTitle);
  });

  it("a referral check whose creation answer was lost is found by its title, not created twice", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    deploy(shop);
    shopify.fake.faults.queue("ReferralCheckCreate", { kind: "executedThenDropped" });
    expect((await save(shop)).data.ok).toBe(true);
    expect(automatic(shop)).toHaveLength(1);
    expect((await program(shop)).referralCheckDiscountId).toBe(automatic(shop)[0].id);
    expect(shopify.fake.callsTo("ReferralCheckCreate")).toHaveLength(1);
  });
});

describe("the configuration the app writes", () => {
  it("is what the function parses, for every offer kind", () => {
    const base = { minimumOrderAmount: null, currencyCode: "EUR", combinesWithProduct: true, combinesWithOrder: false, combinesWithShipping: true };
    for (const [kind, value] of [["PERCENTAGE", "14.3"], ["FIXED_AMOUNT", "5.5"], ["FREE_SHIPPING", "0"]] as const) {
      const config = friendOfferConfig({ ...base, friendOfferKind: kind, friendOfferValue: value });
      expect(parseConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    }
  });
});
