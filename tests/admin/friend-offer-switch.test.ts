// Switching the friend offer between free shipping and an amount off (two
// Shopify discount types that cannot be converted) through the settings route,
// the real worker and the fake Shopify, which keeps codes unique per shop across
// discounts. After the switch exactly one discount is live, every referrer keeps
// the code already shared, the code gives the new offer, and an order placed
// with it is attributed to its referrer; a crash at any step resumes to that.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { CODE_SYNC_JOB, syncReferrerCodes } from "~/referrals/code-sync.server";
import { saveProgram, settingsOf } from "~/referrals/programs.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import * as settings from "~/routes/app.settings";
import type { AdminClient } from "~/shopify/admin-client.server";
import { REDEEM_CODES_ADD } from "~/shopify/documents";
import type { Fault } from "../../fake-shopify";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testAdminClient, testClock, useTestShopify } from "../helpers/admin";
import { act, installShop, load } from "../helpers/admin-request";
import { pipelineWorker } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";

const shopify = useTestShopify();
const worker = pipelineWorker();
const PATH = "/app/settings";
/** The fake answers normally: lets a queued fault hit the call after this one. */
const PASS: Fault = { kind: "latency", ms: 0 };
/** A failure the client does not retry (the request, or the job's attempt, ends there). */
const FAILS: Fault = { kind: "http5xx", status: 400 };
const times = (n: number, fault: Fault) => Array.from({ length: n }, () => fault);

// The route stamps rows with the real clock; the worker and the fake's discount
// statuses read the test clock, which must not be behind it.
function catchUp() {
  testClock.ms = Math.max(testClock.ms, Date.now());
}

/** Runs the worker until nothing is due (a failed job waits for its backoff). */
async function drain() {
  catchUp();
  for (let round = 0; round < 100; round++) {
    if ((await worker.runOnce()).claimed === 0) return;
  }
  throw new Error("the worker never ran out of work");
}

async function save(shop: string, changes: Record<string, string>) {
  const { values } = await load(settings.loader, shop, PATH);
  const result = await act(settings.action, shop, PATH, { ...values, ...changes, intent: "save" });
  catchUp();
  return result;
}

function enrol(shop: string, count: number, from = 0) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      enrolReferrer(db, { shop, customerId: `gid://shopify/Customer/${700 + from + i}`, source: "STOREFRONT", cause: "test" }),
    ),
  );
}

/** A program with `count` referrers whose codes are on its friend discount. */
async function programWithReferrers(offer: Record<string, string>, count: number) {
  const shop = uniqueShop();
  await installShop(shop);
  expect((await save(shop, offer)).data.ok).toBe(true);
  await enrol(shop, count);
  await drain();
  const referrers = await db.referrer.findMany({ where: { shop }, orderBy: { code: "asc" }, select: { id: true, code: true } });
  const program = await db.program.findUniqueOrThrow({ where: { shop } });
  expect(referrers.every((r) => holderOf(shop, r.code) === program.discountId)).toBe(true);
  return { shop, referrers, oldDiscountId: program.discountId! };
}

const holderOf = (shop: string, code: string) => shopify.fake.shop(shop).findByCode(code)?.discount.id ?? null;

/** One live discount, of the new type, holding every referrer's unchanged code; the switch's progress cleared. */
async function expectSwitched(shop: string, referrers: { id: string; code: string }[], typename: string) {
  const program = await db.program.findUniqueOrThrow({ where: { shop } });
  expect(program).toMatchObject({ nextDiscountCode: null, previousDiscountId: null });
  const discounts = shopify.fake.discounts(shop);
  expect(discounts.map((d) => d.id)).toEqual([program.discountId]);
  expect(discounts[0]).toMatchObject({ typename, status: "ACTIVE" });
  expect(holderOf(shop, program.discountCode!)).toBe(program.discountId);

  const now = await db.referrer.findMany({ where: { shop }, orderBy: { code: "asc" }, select: { id: true, code: true, codeSyncedAt: true } });
  expect(now.map(({ id, code }) => ({ id, code }))).toEqual(referrers);
  const misplaced = now.filter((r) => holderOf(shop, r.code) !== program.discountId || !r.codeSyncedAt).map((r) => r.code);
  expect(misplaced).toEqual([]);
  return program;
}

let nextOrder = 9_100_000_000_000;
/** A friend's paid order with `code` typed at checkout, through the webhook route and the worker. */
async function friendOrder(shop: string, code: string) {
  const orderId = ++nextOrder;
  const body = orderPaidPayload({
    orderId,
    customerId: orderId,
    email: `friend${orderId}@example.com`,
    discountCodes: [code],
    subtotal: "80.00",
    total: "80.00",
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  expect((await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body }))).status).toBe(200);
  await drain();
  return db.referral.findUnique({ where: { shop_orderId: { shop, orderId: orderGid(orderId) } } });
}

describe("switching the friend offer's discount type (app.settings)", () => {
  it("percentage to free shipping: the codes move to one new discount, unchanged, and still attribute orders", async () => {
    // 120 referrers: two bulk adds, so the move spans batches.
    const { shop, referrers, oldDiscountId } = await programWithReferrers({ friendOfferKind: "PERCENTAGE", friendOfferValue: "10" }, 120);

    expect(await save(shop, { friendOfferKind: "FREE_SHIPPING" })).toMatchObject({ status: 200, data: { ok: true } });
    // Until the code sync runs, the old discount still holds every code: none stops working.
    expect(referrers.every((r) => holderOf(shop, r.code) === oldDiscountId)).toBe(true);
    await drain();

    // A code shared before the switch, typed at checkout after it.
    const sharer = referrers[57];
    const referral = await friendOrder(shop, sharer.code.toLowerCase());
    expect(referral).toMatchObject({ referrerId: sharer.id, attributedBy: "CODE", status: "PENDING" });

    const program = await expectSwitched(shop, referrers, "DiscountCodeFreeShipping");
    expect(program.discountId).not.toBe(oldDiscountId);
    // The codes were dead from the deletion of the old discount until the last
    // import finished: Shopify heard nothing else in between.
    const calls = shopify.fake.calls.filter((c) => c.shop === shop).map((c) => c.operationName);
    const window = calls.slice(calls.indexOf("FriendOfferDelete") + 1, calls.lastIndexOf("RedeemCodeBulkProgress") + 1);
    expect(window).toEqual(["RedeemCodesAdd", "RedeemCodeBulkProgress", "RedeemCodesAdd", "RedeemCodeBulkProgress"]);
  });

  it("free shipping to an amount off: the same, in the other direction", async () => {
    const { shop, referrers, oldDiscountId } = await programWithReferrers({ friendOfferKind: "FREE_SHIPPING" }, 3);
    expect(shopify.fake.discounts(shop)[0].typename).toBe("DiscountCodeFreeShipping");

    expect((await save(shop, { friendOfferKind: "FIXED_AMOUNT", friendOfferValue: "5" })).data.ok).toBe(true);
    await drain();

    const program = await expectSwitched(shop, referrers, "DiscountCodeBasic");
    expect(program.discountId).not.toBe(oldDiscountId);
    expect(shopify.fake.discounts(shop)[0].customerGets).toMatchObject({ value: { discountAmount: { amount: "5" } } });
    expect(await friendOrder(shop, referrers[1].code)).toMatchObject({ referrerId: referrers[1].id, attributedBy: "CODE" });
  });

  it("switching back before the codes moved ends with one discount of the first type, codes unchanged", async () => {
    const { shop, referrers } = await programWithReferrers({ friendOfferKind: "PERCENTAGE", friendOfferValue: "10" }, 5);
    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING" })).data.ok).toBe(true);
    expect((await save(shop, { friendOfferKind: "PERCENTAGE", friendOfferValue: "20" })).data.ok).toBe(true);
    await drain();

    await expectSwitched(shop, referrers, "DiscountCodeBasic");
    expect(shopify.fake.discounts(shop)[0].title).toContain("20%");
    expect(await friendOrder(shop, referrers[4].code)).toMatchObject({ referrerId: referrers[4].id });
  });
});

describe("a crash during the switch resumes to one discount", () => {
  // The new discount is created but its answer is lost, and so is the look-up
  // after it: the request fails after step 2, before the switch is committed.
  function loseTheCreatedDiscount(createOperation: string) {
    shopify.fake.faults.queue(createOperation, { kind: "executedThenDropped" });
    shopify.fake.faults.queue("DiscountByCode", PASS, FAILS);
  }

  it("after the new discount was created: the retried save finds it instead of making another", async () => {
    const { shop, referrers, oldDiscountId } = await programWithReferrers({ friendOfferKind: "PERCENTAGE", friendOfferValue: "10" }, 4);
    loseTheCreatedDiscount("FreeShippingOfferCreate");
    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING" })).status).toBe(503);
    const halfMade = shopify.fake.discounts(shop).find((d) => d.id !== oldDiscountId)!;
    expect(halfMade.typename).toBe("DiscountCodeFreeShipping");
    expect((await db.program.findUniqueOrThrow({ where: { shop } })).friendOfferKind).toBe("PERCENTAGE");
    expect(referrers.every((r) => holderOf(shop, r.code) === oldDiscountId)).toBe(true);

    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING", minimumOrderAmount: "30" })).data.ok).toBe(true);
    await drain();

    const program = await expectSwitched(shop, referrers, "DiscountCodeFreeShipping");
    expect(program.discountId).toBe(halfMade.id);
    // Found from the failed attempt, it was brought up to the retry's settings.
    expect(shopify.fake.discounts(shop)[0].minimumSubtotalCents).toBe(3000);
    expect(shopify.fake.callsTo("FreeShippingOfferCreate")).toHaveLength(1);
  });

  it("after the new discount was created, the merchant keeps the old type: the half-made discount is deleted", async () => {
    const { shop, referrers, oldDiscountId } = await programWithReferrers({ friendOfferKind: "FREE_SHIPPING" }, 4);
    loseTheCreatedDiscount("FriendOfferCreate");
    expect((await save(shop, { friendOfferKind: "PERCENTAGE", friendOfferValue: "10" })).status).toBe(503);
    expect(shopify.fake.discounts(shop)).toHaveLength(2);

    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING", minimumOrderAmount: "40" })).data.ok).toBe(true);
    await drain();

    const program = await expectSwitched(shop, referrers, "DiscountCodeFreeShipping");
    expect(program.discountId).toBe(oldDiscountId);
  });

  it("after the switch was committed, before the code sync was asked for: the next visit to the admin asks", async () => {
    const { shop, referrers } = await programWithReferrers({ friendOfferKind: "PERCENTAGE", friendOfferValue: "10" }, 4);
    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING" })).data.ok).toBe(true);
    // As if the process died right after the commit: no sync pending.
    await db.job.updateMany({ where: { shop, kind: CODE_SYNC_JOB }, data: { status: "DONE" } });
    await drain();
    expect(shopify.fake.discounts(shop)).toHaveLength(2);

    await load(settings.loader, shop, PATH);
    await drain();
    await expectSwitched(shop, referrers, "DiscountCodeFreeShipping");
  });

  it("the sync dies after deleting the old discount, then while adding the codes back: its retries finish the move", async () => {
    const { shop, referrers, oldDiscountId } = await programWithReferrers({ friendOfferKind: "PERCENTAGE", friendOfferValue: "10" }, 130);
    // The deletion runs but its answer is lost, and Shopify stays unreachable for the check after it.
    shopify.fake.faults.queue("FriendOfferDelete", { kind: "executedThenDropped" });
    shopify.fake.faults.queue("DiscountById", PASS, ...times(5, { kind: "network" }));
    expect((await save(shop, { friendOfferKind: "FREE_SHIPPING" })).data.ok).toBe(true);
    await drain();
    expect(shopify.fake.discounts(shop).some((d) => d.id === oldDiscountId)).toBe(false);
    expect((await db.program.findUniqueOrThrow({ where: { shop } })).previousDiscountId).toBe(oldDiscountId);

    // The retry: the first 100 codes go back, the second batch fails for good this time.
    shopify.fake.faults.queue("RedeemCodesAdd", PASS, ...times(5, { kind: "http5xx" }));
    testClock.advance(10 * 60_000);
    await drain();
    expect(await db.referrer.count({ where: { shop, codeSyncedAt: null } })).toBe(30);

    testClock.advance(10 * 60_000);
    await drain();
    await expectSwitched(shop, referrers, "DiscountCodeFreeShipping");
  });
});

describe("a code sync that runs while a switch commits", () => {
  it("does not record the codes it put on the old discount as synced: the switch's sync moves them", async () => {
    const { shop } = await programWithReferrers({ friendOfferKind: "PERCENTAGE", friendOfferValue: "10" }, 2);
    await enrol(shop, 3, 2);
    const admin = await testAdminClient(shop);
    let switched = false;
    // The merchant's switch commits right after the sync sent its codes to the old discount.
    const racing: AdminClient = {
      query: admin.query,
      mutate: (async (document: string, variables: never, options: never) => {
        const data = await admin.mutate(document, variables, options);
        if (document === REDEEM_CODES_ADD && !switched) {
          switched = true;
          const program = await db.program.findUniqueOrThrow({ where: { shop } });
          await saveProgram({ db, admin, shop, settings: { ...settingsOf(program), friendOfferKind: "FREE_SHIPPING" }, cause: "test" });
        }
        return data;
      }) as AdminClient["mutate"],
    };
    await syncReferrerCodes({ db, admin: racing, shop, sleep: async () => {} });
    expect(switched).toBe(true);
    expect(await db.referrer.count({ where: { shop, codeSyncedAt: { not: null } } })).toBe(0);

    await drain();
    const referrers = await db.referrer.findMany({ where: { shop }, orderBy: { code: "asc" }, select: { id: true, code: true } });
    expect(referrers).toHaveLength(5);
    await expectSwitched(shop, referrers, "DiscountCodeFreeShipping");
  });
});
