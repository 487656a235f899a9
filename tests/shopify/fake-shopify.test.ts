// The fake must behave like Shopify where the app depends on it; these
// tests pin that behaviour (documents from app/shopify/documents.ts, over
// the real admin.graphql).
import { beforeEach, describe, expect, it } from "vitest";
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import {
  APP_DISCOUNT_FUNCTIONS,
  CUSTOMER_BY_ID,
  CUSTOMER_BY_IDENTIFIER,
  DISCOUNT_BY_CODE,
  DISCOUNT_BY_ID,
  DISCOUNT_DEACTIVATE,
  FREE_SHIPPING_OFFER_CREATE,
  FRIEND_FUNCTION_OFFER_CREATE,
  FRIEND_FUNCTION_OFFER_UPDATE,
  FRIEND_OFFER_CREATE,
  FRIEND_OFFER_DELETE,
  FRIEND_OFFER_UPDATE,
  METAFIELDS_SET,
  ORDERS_FOR_RECONCILIATION,
  REDEEM_CODE_BULK_CREATION,
  REDEEM_CODES_ADD,
  REFERRAL_CHECK_BY_ID,
  REFERRAL_CHECK_BY_TITLE,
  REFERRAL_CHECK_CREATE,
  REFERRAL_CHECK_DELETE,
  REFERRAL_CHECK_UPDATE,
  SHOP_INFO,
  STORE_CREDIT_CREDIT,
  STORE_CREDIT_DEBIT,
} from "~/shopify/documents";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { ManualClock, useFakeShopify } from "../../fake-shopify";
import { TEST_ACCESS_TOKEN, unauthenticatedAdminGraphql } from "./remix-admin";

const SHOP = "fake-test.myshopify.com";
const URL_2026_10 = `https://${SHOP}/admin/api/2026-10/graphql.json`;
const shopify = useFakeShopify();
let clock: ManualClock;
let admin: AdminClient;

beforeEach(async () => {
  clock = new ManualClock();
  shopify.reset({ now: clock.now, bulkAddPolls: 2 });
  admin = createAdminClient(await unauthenticatedAdminGraphql(SHOP), {
    shop: SHOP,
    now: clock.now,
    sleep: clock.sleep,
    throttle: new ThrottleTracker(),
  });
});

const post = (body: unknown, headers: Record<string, string> = { "X-Shopify-Access-Token": TEST_ACCESS_TOKEN }) =>
  fetch(URL_2026_10, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

const offer = {
  title: "Friend offer",
  code: "FRIEND-ANNA",
  startsAt: "2026-11-01T00:00:00Z",
  customerGets: { value: { percentage: 0.1 }, items: { all: true } },
  context: { all: "ALL" as const },
};

describe("fake Shopify: HTTP", () => {
  it("answers an invalid document like Shopify: HTTP 200 with errors and no data", async () => {
    const res = await post({ query: "query Bad { shop { nope } }" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toContain('Cannot query field "nope" on type "Shop"');
  });

  it("requires X-Shopify-Access-Token", async () => {
    const res = await post({ query: SHOP_INFO }, {});
    expect(res.status).toBe(401);
  });

  it("reports extensions.cost and answers THROTTLED the way Shopify does", async () => {
    // ShopInfo costs 2 (shop and its primaryDomain): two fit in the bucket, the third waits a second.
    shopify.reset({ now: clock.now, bucket: { maximumAvailable: 4, restoreRate: 2 } });
    const first = await (await post({ query: SHOP_INFO })).json();
    expect(first.extensions.cost).toEqual({
      requestedQueryCost: 2,
      actualQueryCost: 2,
      throttleStatus: { maximumAvailable: 4, currentlyAvailable: 2, restoreRate: 2 },
    });
    await post({ query: SHOP_INFO });
    const throttled = await (await post({ query: SHOP_INFO })).json();
    expect(throttled.errors[0]).toMatchObject({ message: "Throttled", extensions: { code: "THROTTLED" } });
    expect(throttled.extensions.cost.actualQueryCost).toBeNull();
    clock.advance(1000); // two points restored
    expect((await (await post({ query: SHOP_INFO })).json()).data.shop.myshopifyDomain).toBe(SHOP);
  });

  it("replays seeded random faults identically", async () => {
    const run = async () => {
      shopify.reset({ now: clock.now });
      shopify.fake.faults.randomly({ rate: 0.5, seed: 42, faults: [{ kind: "http5xx" }, { kind: "throttled" }] });
      for (let i = 0; i < 10; i++) await post({ query: SHOP_INFO });
      return shopify.fake.calls.map((c) => c.outcome);
    };
    const a = await run();
    expect(a).toEqual(await run());
    expect(new Set(a).size).toBeGreaterThan(1);
  });
});

describe("fake Shopify: discounts", () => {
  it("creates, looks up by code and id, updates and deactivates", async () => {
    const created = await admin.mutate(FRIEND_OFFER_CREATE, { discount: offer });
    const id = created.discountCodeBasicCreate!.codeDiscountNode!.id;
    expect((await admin.query(DISCOUNT_BY_CODE, { code: "friend-anna" })).codeDiscountNodeByCode?.id).toBe(id);
    await admin.mutate(FRIEND_OFFER_UPDATE, { id, discount: { customerGets: { value: { percentage: 0.15 } } } });
    expect(shopify.fake.discounts(SHOP)[0].customerGets).toMatchObject({ value: { percentage: 0.15 } });
    const byId = await admin.query(DISCOUNT_BY_ID, { id });
    expect(byId.codeDiscountNode?.codeDiscount).toMatchObject({ __typename: "DiscountCodeBasic", status: "ACTIVE", codesCount: { count: 1 } });
    await admin.mutate(DISCOUNT_DEACTIVATE, { id });
    expect(shopify.fake.discounts(SHOP)[0].status).toBe("EXPIRED");
  });

  it("creates a free shipping offer", async () => {
    await admin.mutate(FREE_SHIPPING_OFFER_CREATE, {
      discount: { title: "Free shipping", code: "SHIP-ANNA", startsAt: "2026-11-01T00:00:00Z", context: { all: "ALL" }, destination: { all: true } },
    });
    expect(shopify.fake.discounts(SHOP)[0].typename).toBe("DiscountCodeFreeShipping");
  });

  it("adds redeem codes asynchronously: done only after polling", async () => {
    const created = await admin.mutate(FRIEND_OFFER_CREATE, { discount: offer });
    const discountId = created.discountCodeBasicCreate!.codeDiscountNode!.id;
    const added = await admin.mutate(REDEEM_CODES_ADD, { discountId, codes: [{ code: "FRIEND-BEN" }, { code: "friend-anna" }, { code: "FRIEND-CARL" }] });
    const bulkId = added.discountRedeemCodeBulkAdd!.bulkCreation!.id;
    expect(added.discountRedeemCodeBulkAdd!.bulkCreation!.done).toBe(false);

    const poll1 = await admin.query(REDEEM_CODE_BULK_CREATION, { id: bulkId, first: 100 });
    expect(poll1.discountRedeemCodeBulkCreation?.done).toBe(false);
    const poll2 = (await admin.query(REDEEM_CODE_BULK_CREATION, { id: bulkId, first: 100 })).discountRedeemCodeBulkCreation!;
    expect(poll2).toMatchObject({ done: true, codesCount: 3, importedCount: 2, failedCount: 1 });
    expect(poll2.codes.nodes.find((c: { code: string }) => c.code === "friend-anna")?.errors[0]).toMatchObject({ code: "TAKEN" });
    expect(shopify.fake.codes(SHOP).map((c) => c.code)).toEqual(["FRIEND-ANNA", "FRIEND-BEN", "FRIEND-CARL"]);
  });

  it("keeps a code on one discount of the shop until that discount is deleted", async () => {
    const basic = (await admin.mutate(FRIEND_OFFER_CREATE, { discount: offer })).discountCodeBasicCreate!.codeDiscountNode!.id;
    const shipping = (
      await admin.mutate(FREE_SHIPPING_OFFER_CREATE, {
        discount: { title: "Free shipping", code: "SHIP-ANNA", startsAt: "2026-11-01T00:00:00Z", context: { all: "ALL" }, destination: { all: true } },
      })
    ).discountCodeFreeShippingCreate!.codeDiscountNode!.id;
    const addToShipping = async () => {
      const added = await admin.mutate(REDEEM_CODES_ADD, { discountId: shipping, codes: [{ code: "Friend-Anna" }] });
      const id = added.discountRedeemCodeBulkAdd!.bulkCreation!.id;
      await admin.query(REDEEM_CODE_BULK_CREATION, { id, first: 1 });
      return (await admin.query(REDEEM_CODE_BULK_CREATION, { id, first: 1 })).discountRedeemCodeBulkCreation!;
    };
    expect(await addToShipping()).toMatchObject({ done: true, importedCount: 0, failedCount: 1 });

    const deleted = await admin.mutate(FRIEND_OFFER_DELETE, { id: basic });
    expect(deleted.discountCodeDelete?.deletedCodeDiscountId).toBe(basic);
    expect((await admin.query(DISCOUNT_BY_ID, { id: basic })).codeDiscountNode).toBeNull();
    expect(await addToShipping()).toMatchObject({ importedCount: 1, failedCount: 0 });
    expect((await admin.query(DISCOUNT_BY_CODE, { code: "FRIEND-ANNA" })).codeDiscountNodeByCode?.id).toBe(shipping);
    await expect(admin.mutate(FRIEND_OFFER_DELETE, { id: basic })).rejects.toThrow("Discount does not exist");
  });

  it("refuses more than 100 codes a call", async () => {
    const created = await admin.mutate(FRIEND_OFFER_CREATE, { discount: offer });
    const codes = Array.from({ length: 101 }, (_, i) => ({ code: `C${i}` }));
    await expect(
      admin.mutate(REDEEM_CODES_ADD, { discountId: created.discountCodeBasicCreate!.codeDiscountNode!.id, codes }),
    ).rejects.toThrow(/100/);
  });
});

describe("fake Shopify: the app's function discounts", () => {
  const appOffer = {
    title: "Referral: 10% off",
    code: "FRIEND-PROGRAM-ANCHOR",
    startsAt: "2026-11-01T00:00:00Z",
    context: { all: "ALL" as const },
    discountClasses: ["ORDER" as const],
    metafields: [{ namespace: "$app:referral", key: "friend-offer", type: "json", value: '{"version":1}' }],
  };

  it("lists only deployed functions, and refuses a discount of a function that is not deployed", async () => {
    expect((await admin.query(APP_DISCOUNT_FUNCTIONS)).shopifyFunctions.nodes).toEqual([]);
    await expect(admin.mutate(FRIEND_FUNCTION_OFFER_CREATE, { discount: { ...appOffer, functionHandle: "referral-discount" } })).rejects.toThrow(/not found/);
    expect(shopify.fake.discounts(SHOP)).toEqual([]);

    shopify.fake.shop(SHOP).deployFunction("referral-discount");
    expect((await admin.query(APP_DISCOUNT_FUNCTIONS)).shopifyFunctions.nodes).toEqual([expect.objectContaining({ handle: "referral-discount", apiType: "discount" })]);
  });

  it("creates a code discount of the function holding codes, its config in a metafield, updated in place", async () => {
    shopify.fake.shop(SHOP).deployFunction("referral-discount");
    const created = await admin.mutate(FRIEND_FUNCTION_OFFER_CREATE, { discount: { ...appOffer, functionHandle: "referral-discount" } });
    const id = created.discountCodeAppCreate!.codeAppDiscount!.discountId;
    expect((await admin.query(DISCOUNT_BY_CODE, { code: "friend-program-anchor" })).codeDiscountNodeByCode?.id).toBe(id);
    expect((await admin.query(DISCOUNT_BY_ID, { id })).codeDiscountNode?.codeDiscount).toMatchObject({ __typename: "DiscountCodeApp", title: "Referral: 10% off", status: "ACTIVE" });
    // It holds more codes, like a basic discount (the import lands as its progress is polled).
    const added = await admin.mutate(REDEEM_CODES_ADD, { discountId: id, codes: [{ code: "FRIEND-AAAAAAAA" }] });
    for (let poll = 0; poll < 3; poll++) await admin.query(REDEEM_CODE_BULK_CREATION, { id: added.discountRedeemCodeBulkAdd!.bulkCreation!.id, first: 1 });
    expect(shopify.fake.shop(SHOP).findByCode("FRIEND-AAAAAAAA")?.discount.id).toBe(id);

    await admin.mutate(FRIEND_FUNCTION_OFFER_UPDATE, { id, discount: { discountClasses: ["SHIPPING"], metafields: [{ namespace: "$app:referral", key: "friend-offer", value: '{"version":2}' }] } });
    expect(shopify.fake.discounts(SHOP)[0]).toMatchObject({ discountClasses: ["SHIPPING"], functionHandle: "referral-discount" });
    expect(shopify.fake.shop(SHOP).metafields.get(`${id}|$app:referral|friend-offer`)?.value).toBe('{"version":2}');
    // A basic discount's id is not an app discount's.
    const basic = (await admin.mutate(FRIEND_OFFER_CREATE, { discount: { ...offer, code: "OTHER" } })).discountCodeBasicCreate!.codeDiscountNode!.id;
    await expect(admin.mutate(FRIEND_FUNCTION_OFFER_UPDATE, { id: basic, discount: { title: "x" } })).rejects.toThrow("Discount does not exist");
  });

  it("creates, finds by exact title, updates and deletes an automatic discount of the function", async () => {
    shopify.fake.shop(SHOP).deployFunction("referral-discount");
    const title = "Referral check ABCD2345: it's for first orders";
    const { discountAutomaticAppCreate } = await admin.mutate(REFERRAL_CHECK_CREATE, {
      discount: { title, functionHandle: "referral-discount", discountClasses: ["ORDER"], startsAt: "2026-11-01T00:00:00Z", metafields: appOffer.metafields },
    });
    const id = discountAutomaticAppCreate!.automaticAppDiscount!.discountId;
    const found = await admin.query(REFERRAL_CHECK_BY_TITLE, { query: `title:'${title.replace(/'/g, "\\'")}'` });
    expect(found.discountNodes.nodes).toEqual([{ id: id.replace("DiscountAutomaticNode", "DiscountNode"), discount: { __typename: "DiscountAutomaticApp", title } }]);
    expect((await admin.query(REFERRAL_CHECK_BY_TITLE, { query: "title:'Referral check'" })).discountNodes.nodes).toEqual([]);

    await admin.mutate(REFERRAL_CHECK_UPDATE, { id, discount: { endsAt: "2026-11-02T00:00:00Z" } });
    expect([...shopify.fake.shop(SHOP).automaticDiscounts.values()][0].endsAt).toBe("2026-11-02T00:00:00Z");
    expect((await admin.query(REFERRAL_CHECK_BY_ID, { id })).automaticDiscountNode?.id).toBe(id);
    await admin.mutate(REFERRAL_CHECK_DELETE, { id });
    expect((await admin.query(REFERRAL_CHECK_BY_ID, { id })).automaticDiscountNode).toBeNull();
    expect(shopify.fake.shop(SHOP).metafields.get(`${id}|$app:referral|friend-offer`)).toBeUndefined();
  });
});

describe("fake Shopify: customers, store credit, metafields, orders", () => {
  it("credits and debits store credit and shows balances on the customer", async () => {
    const c = shopify.fake.seedCustomer(SHOP, { firstName: "Anna", email: "anna@example.com", numberOfOrders: 2 });
    await admin.mutate(STORE_CREDIT_CREDIT, { id: c.id, creditInput: { creditAmount: { amount: "12.50", currencyCode: "USD" } } });
    const debit = await admin.mutate(STORE_CREDIT_DEBIT, { id: c.id, debitInput: { debitAmount: { amount: "2.50", currencyCode: "USD" } } });
    expect(debit.storeCreditAccountDebit?.storeCreditAccountTransaction?.id).toMatch(/^gid:\/\/shopify\//);
    expect(shopify.fake.storeCreditBalance(SHOP, c.id, "USD")).toBe("10.0");
    const found = await admin.query(CUSTOMER_BY_ID, { id: c.id });
    expect(found.customer).toMatchObject({
      firstName: "Anna",
      numberOfOrders: "2",
      defaultEmailAddress: { emailAddress: "anna@example.com" },
      storeCreditAccounts: { nodes: [{ balance: { amount: "10.0", currencyCode: "USD" } }] },
    });
    const byEmail = await admin.query(CUSTOMER_BY_IDENTIFIER, { identifier: { emailAddress: "ANNA@example.com" } });
    expect(byEmail.customerByIdentifier?.id).toBe(c.id);
    expect(shopify.fake.storeCreditTransactions(SHOP).map((t) => t.amount)).toEqual(["12.5", "-2.5"]);
  });

  it("sets a customer metafield", async () => {
    const c = shopify.fake.seedCustomer(SHOP, {});
    await admin.mutate(METAFIELDS_SET, {
      metafields: [{ ownerId: c.id, namespace: "$app:referrals", key: "share_url", type: "url", value: "https://shop.example/r/ANNA" }],
    });
    expect(shopify.fake.metafields(SHOP)).toMatchObject([{ ownerId: c.id, key: "share_url", value: "https://shop.example/r/ANNA" }]);
  });

  it("searches orders by updated_at and first discount code, paginated", async () => {
    const subtotal = (o: { subtotalPriceSet?: { shopMoney: { amount: string } } | null }) => o.subtotalPriceSet?.shopMoney.amount;
    const at = (d: string) => `2026-11-${d}T12:00:00Z`;
    shopify.fake.seedOrder(SHOP, { subtotal: "50.00", updatedAt: at("01"), discountCodes: ["FRIEND-ANNA"] });
    shopify.fake.seedOrder(SHOP, { subtotal: "60.00", updatedAt: at("03"), discountCodes: ["FRIEND-ANNA"] });
    shopify.fake.seedOrder(SHOP, { subtotal: "70.00", updatedAt: at("04"), discountCodes: ["OTHER", "FRIEND-ANNA"] });
    shopify.fake.seedOrder(SHOP, { subtotal: "80.00", updatedAt: at("05"), discountCodes: ["friend-anna"] });
    const query = `updated_at:>'${at("02")}' discount_code:FRIEND-ANNA`;
    const page1 = await admin.query(ORDERS_FOR_RECONCILIATION, { first: 1, query });
    expect(page1.orders.nodes.map(subtotal)).toEqual(["60.00"]);
    const page2 = await admin.query(ORDERS_FOR_RECONCILIATION, { first: 5, after: page1.orders.pageInfo.endCursor, query });
    expect(page2.orders.nodes.map(subtotal)).toEqual(["80.00"]);
    expect(page2.orders.pageInfo.hasNextPage).toBe(false);
  });
});
