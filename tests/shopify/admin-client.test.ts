// The admin client against the fake Shopify, through the real admin.graphql
// of @shopify/shopify-app-remix (requests cross fetch; msw answers). Time is
// a ManualClock: the client's sleep advances it, nothing really waits.
import { beforeEach, describe, expect, it } from "vitest";
import { createAdminClient, type AdminClient, type AdminClientOptions, type AdminGraphql } from "~/shopify/admin-client.server";
import {
  DISCOUNT_BY_CODE,
  FRIEND_OFFER_CREATE,
  REWARD_CODE_CREATE,
  SHOP_INFO,
  STORE_CREDIT_CREDIT,
  STORE_CREDIT_DEBIT,
} from "~/shopify/documents";
import { ShopifyApiError, ShopifyUserError } from "~/shopify/errors";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { ManualClock, useFakeShopify, type FakeShopifyOptions } from "../../fake-shopify";
import { authenticatedAdminGraphql, unauthenticatedAdminGraphql } from "./remix-admin";

const SHOP = "client-test.myshopify.com";
const shopify = useFakeShopify();

let clock: ManualClock;
let sleeps: number[];

function setup(fake: FakeShopifyOptions = {}) {
  clock = new ManualClock();
  sleeps = [];
  return shopify.reset({ now: clock.now, ...fake });
}

function client(graphql: AdminGraphql, options: Partial<AdminClientOptions> = {}) {
  return createAdminClient(graphql, {
    shop: SHOP,
    now: clock.now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      await clock.sleep(ms);
    },
    throttle: new ThrottleTracker(),
    ...options,
  });
}

const friendOffer = (code: string) => ({
  discount: {
    title: "Friend offer",
    code,
    startsAt: "2026-11-01T00:00:00Z",
    customerGets: { value: { percentage: 0.1 }, items: { all: true } },
    context: { all: "ALL" as const },
  },
});

const rewardCode = (code: string, customerId: string) => ({
  discount: {
    title: `Referral reward ${code}`,
    code,
    startsAt: "2026-11-01T00:00:00Z",
    customerGets: { value: { discountAmount: { amount: "10.00", appliesOnEachItem: false } }, items: { all: true } },
    context: { customers: { add: [customerId] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
  },
});

describe("admin client", () => {
  let graphql: AdminGraphql;
  beforeEach(async () => {
    setup();
    graphql = await unauthenticatedAdminGraphql(SHOP);
  });

  it("returns data for a query", async () => {
    const data = await client(graphql).query(SHOP_INFO);
    expect(data.shop).toMatchObject({ myshopifyDomain: SHOP, currencyCode: "USD" });
  });

  it("turns userErrors into a ShopifyUserError with Shopify's messages", async () => {
    const admin = client(graphql);
    await admin.mutate(FRIEND_OFFER_CREATE, friendOffer("FRIEND-ANNA"));
    const error = await admin.mutate(FRIEND_OFFER_CREATE, friendOffer("friend-anna")).catch((e) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect(error.message).toBe("Code must be unique. Please try a different code.");
    expect(error.userErrors).toEqual([
      { field: ["basicCodeDiscount", "code"], code: "TAKEN", message: "Code must be unique. Please try a different code." },
    ]);
  });

  it("rejects a debit beyond the balance with Shopify's userError", async () => {
    const customer = shopify.fake.seedCustomer(SHOP, { email: "anna@example.com" });
    const admin = client(graphql);
    await admin.mutate(STORE_CREDIT_CREDIT, { id: customer.id, creditInput: { creditAmount: { amount: "5.00", currencyCode: "USD" } } });
    const error = await admin
      .mutate(STORE_CREDIT_DEBIT, { id: customer.id, debitInput: { debitAmount: { amount: "7.50", currencyCode: "USD" } } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect(error.userErrors[0].code).toBe("INSUFFICIENT_FUNDS");
    expect(shopify.fake.storeCreditBalance(SHOP, customer.id, "USD")).toBe("5.0");
  });

  it("retries THROTTLED, then succeeds", async () => {
    shopify.fake.faults.queue("ShopInfo", { kind: "throttled" });
    await client(graphql).query(SHOP_INFO);
    expect(shopify.fake.callsTo("ShopInfo").map((c) => c.outcome)).toEqual(["throttled", "ok"]);
  });

  it("honours Retry-After on HTTP 429", async () => {
    shopify.fake.faults.queue("ShopInfo", { kind: "http429", retryAfterSeconds: 7 });
    await client(graphql).query(SHOP_INFO);
    expect(sleeps).toContain(7000);
    expect(shopify.fake.callsTo("ShopInfo")).toHaveLength(2);
  });

  it("retries a 5xx with jittered exponential backoff, then succeeds", async () => {
    shopify.fake.faults.queue("ShopInfo", { kind: "http5xx", status: 502 }, { kind: "http5xx" });
    await client(graphql).query(SHOP_INFO);
    expect(shopify.fake.callsTo("ShopInfo").map((c) => c.outcome)).toEqual(["http5xx", "http5xx", "ok"]);
    expect(sleeps).toEqual([375, 750]); // base 500 ms, doubled, jitter at random() = 0.5
  });

  it("gives up after maxAttempts with a retryable ShopifyApiError", async () => {
    const forever = Array.from({ length: 10 }, () => ({ kind: "http5xx" as const }));
    shopify.fake.faults.queue("ShopInfo", ...forever);
    const error = await client(graphql, { maxAttempts: 4 }).query(SHOP_INFO).catch((e) => e);
    expect(error).toBeInstanceOf(ShopifyApiError);
    expect(error.details).toMatchObject({ kind: "server", retryable: true, attempts: 4, status: 503, operation: "ShopInfo" });
    expect(shopify.fake.callsTo("ShopInfo")).toHaveLength(4);
  });

  it("does not retry an invalid document and reports Shopify's message", async () => {
    const error = await client(graphql)
      .query(`#graphql
        query Broken { shop { nameThatDoesNotExist } }`)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ShopifyApiError);
    expect(error.details).toMatchObject({ kind: "fatal", retryable: false, attempts: 1 });
    expect(error.message).toContain("nameThatDoesNotExist");
  });

  it("retries a query that timed out", async () => {
    shopify.fake.faults.queue("ShopInfo", { kind: "timeout" });
    await client(graphql, { timeoutMs: 50 }).query(SHOP_INFO);
    expect(shopify.fake.callsTo("ShopInfo").map((c) => c.outcome)).toEqual(["timeout", "ok"]);
  });

  describe("mutations that may already have run", () => {
    // What the app's verify does: look the unique code up, and rebuild the
    // part of the mutation's result the caller reads (here only the id, so
    // the partial object is cast).
    const verifyByCode = (admin: AdminClient, code: string) => async () => {
      const found = await admin.query(DISCOUNT_BY_CODE, { code });
      const node = found.codeDiscountNodeByCode;
      return node ? ({ discountCodeBasicCreate: { codeDiscountNode: { id: node.id }, userErrors: [] } } as never) : null;
    };

    it("applied, then the connection dropped: verify finds it, nothing is created twice", async () => {
      const customer = shopify.fake.seedCustomer(SHOP, {});
      shopify.fake.faults.queue("RewardCodeCreate", { kind: "executedThenDropped" });
      const admin = client(graphql);
      const data = await admin.mutate(REWARD_CODE_CREATE, rewardCode("THANKS-ANNA", customer.id), {
        verify: verifyByCode(admin, "THANKS-ANNA"),
      });
      expect(data.discountCodeBasicCreate?.codeDiscountNode?.id).toBe(shopify.fake.discounts(SHOP)[0].id);
      expect(shopify.fake.discounts(SHOP)).toHaveLength(1);
      expect(shopify.fake.callsTo("RewardCodeCreate")).toHaveLength(1);
      expect(shopify.fake.discounts(SHOP)[0]).toMatchObject({ customers: [customer.id], usageLimit: 1, appliesOncePerCustomer: true });
    });

    it("not applied (connection refused): verify finds nothing, so it retries once", async () => {
      const customer = shopify.fake.seedCustomer(SHOP, {});
      shopify.fake.faults.queue("RewardCodeCreate", { kind: "network" });
      const admin = client(graphql);
      await admin.mutate(REWARD_CODE_CREATE, rewardCode("THANKS-BEN", customer.id), { verify: verifyByCode(admin, "THANKS-BEN") });
      expect(shopify.fake.callsTo("RewardCodeCreate").map((c) => c.outcome)).toEqual(["network", "ok"]);
      expect(shopify.fake.discounts(SHOP)).toHaveLength(1);
    });

    it("without verify, an ambiguous failure is thrown, not retried", async () => {
      const customer = shopify.fake.seedCustomer(SHOP, {});
      shopify.fake.faults.queue("StoreCreditCredit", { kind: "executedThenDropped" });
      const error = await client(graphql)
        .mutate(STORE_CREDIT_CREDIT, { id: customer.id, creditInput: { creditAmount: { amount: "10.00", currencyCode: "USD" } } })
        .catch((e) => e);
      expect(error).toBeInstanceOf(ShopifyApiError);
      expect(error.details).toMatchObject({ kind: "network", ambiguous: true, retryable: true, attempts: 1 });
      // Shopify did credit it: a blind retry would have paid the reward twice.
      expect(shopify.fake.storeCreditTransactions(SHOP)).toHaveLength(1);
    });

    it("a 5xx on a mutation without verify is thrown too", async () => {
      shopify.fake.faults.queue("FriendOfferCreate", { kind: "http5xx" });
      const error = await client(graphql).mutate(FRIEND_OFFER_CREATE, friendOffer("FRIEND-C")).catch((e) => e);
      expect(error.details).toMatchObject({ kind: "server", ambiguous: true });
      expect(shopify.fake.callsTo("FriendOfferCreate")).toHaveLength(1);
    });

    it("THROTTLED and 429 are retried without verify: Shopify did not run them", async () => {
      shopify.fake.faults.queue("FriendOfferCreate", { kind: "throttled" }, { kind: "http429", retryAfterSeconds: 1 });
      await client(graphql).mutate(FRIEND_OFFER_CREATE, friendOffer("FRIEND-D"));
      expect(shopify.fake.callsTo("FriendOfferCreate").map((c) => c.outcome)).toEqual(["throttled", "http429", "ok"]);
      expect(shopify.fake.discounts(SHOP)).toHaveLength(1);
    });

    it("a mutation that timed out is verified before any retry", async () => {
      const customer = shopify.fake.seedCustomer(SHOP, {});
      shopify.fake.faults.queue("RewardCodeCreate", { kind: "timeout" });
      const admin = client(graphql, { timeoutMs: 50 });
      await admin.mutate(REWARD_CODE_CREATE, rewardCode("THANKS-DAN", customer.id), { verify: verifyByCode(admin, "THANKS-DAN") });
      expect(shopify.fake.callsTo("DiscountByCode")).toHaveLength(1);
      expect(shopify.fake.discounts(SHOP)).toHaveLength(1);
    });
  });

  describe("cost-based pacing", () => {
    it("waits (via sleep) when the last throttle status says the bucket is low", async () => {
      setup({ bucket: { maximumAvailable: 40, restoreRate: 10 } });
      const customer = shopify.fake.seedCustomer(SHOP, {});
      const admin = client(graphql);
      for (let i = 0; i < 4; i++) {
        await admin.mutate(STORE_CREDIT_CREDIT, { id: customer.id, creditInput: { creditAmount: { amount: "1.00", currencyCode: "USD" } } });
      }
      expect(sleeps.length).toBeGreaterThan(0);
      expect(shopify.fake.calls.filter((c) => c.outcome === "throttled")).toEqual([]);
    });

    it("a burst of 150 mutations at 100 points/s never gets THROTTLED", async () => {
      setup({ bucket: { maximumAvailable: 1000, restoreRate: 100 } });
      const customer = shopify.fake.seedCustomer(SHOP, {});
      const admin = client(graphql);
      for (let i = 0; i < 150; i++) {
        await admin.mutate(STORE_CREDIT_CREDIT, { id: customer.id, creditInput: { creditAmount: { amount: "1.00", currencyCode: "USD" } } });
      }
      const calls = shopify.fake.callsTo("StoreCreditCredit");
      expect(calls).toHaveLength(150);
      expect(calls.filter((c) => c.outcome !== "ok")).toEqual([]);
      expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // it had to slow down
      expect(shopify.fake.storeCreditBalance(SHOP, customer.id, "USD")).toBe("150.0");
    });

    it("without pacing the same burst would be throttled (the fake's bucket is real)", async () => {
      setup({ bucket: { maximumAvailable: 1000, restoreRate: 100 } });
      const customer = shopify.fake.seedCustomer(SHOP, {});
      const outcomes = [];
      for (let i = 0; i < 150; i++) {
        const r = await graphql(STORE_CREDIT_CREDIT, {
          variables: { id: customer.id, creditInput: { creditAmount: { amount: "1.00", currencyCode: "USD" } } },
        }).then(
          () => "ok",
          (e) => e.constructor.name,
        );
        outcomes.push(r);
      }
      expect(outcomes).toContain("GraphqlQueryError");
    });
  });
});

describe("admin client with authenticate.admin's graphql (errors thrown as Response)", () => {
  let graphql: AdminGraphql;
  beforeEach(async () => {
    setup();
    graphql = await authenticatedAdminGraphql(SHOP);
  });

  it("retries a thrown 503 Response, then succeeds", async () => {
    shopify.fake.faults.queue("ShopInfo", { kind: "http5xx" });
    const data = await client(graphql).query(SHOP_INFO);
    expect(data.shop.myshopifyDomain).toBe(SHOP);
    expect(shopify.fake.callsTo("ShopInfo")).toHaveLength(2);
  });

  it("retries a thrown 429 Response with backoff (Retry-After is dropped by the library)", async () => {
    shopify.fake.faults.queue("ShopInfo", { kind: "http429", retryAfterSeconds: 7 });
    await client(graphql).query(SHOP_INFO);
    expect(sleeps).toEqual([375]);
  });

  it("still throws userErrors as ShopifyUserError", async () => {
    const error = await client(graphql)
      .mutate(FRIEND_OFFER_CREATE, { discount: { ...friendOffer("X").discount, title: "" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect(error.message).toBe("Title can't be blank");
  });
});
