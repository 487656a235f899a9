// Regression (found by the full soak, soak/soak.ts): taking back store credit
// when the debit call fails ambiguously (5xx, timeout). The check "did my debit
// happen after all?" looked for any debit of the same amount from the last
// minute, so it found the debit of the referrer's PREVIOUS revocation (same reward
// value) and marked this reward REVOKED without debiting: the referrer kept the
// credit of a reversed referral.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { REVOKE_JOB } from "~/referrals/rewards.server";
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import { STORE_CREDIT_DEBIT } from "~/shopify/documents";
import { unauthenticated } from "~/shopify.server";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { orderCancelledPayload, orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();

let nextId = 5_700_000_000_000;
function paidOrder(code: string) {
  const orderId = ++nextId;
  const customerId = ++nextId;
  return {
    orderId,
    payload: orderPaidPayload({
      orderId,
      customerId,
      email: `friend${customerId}@example.com`,
      discountCodes: [code],
      subtotal: "100.00",
      total: "100.00",
      currency: "USD",
      createdAt: new Date(testClock.now()).toISOString(),
    }),
  };
}

describe("store credit revocation after an ambiguous debit failure", () => {
  it("does not take an earlier revocation's debit for its own: both rewards are debited", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const first = paidOrder(p.referrer.code);
    const second = paidOrder(p.referrer.code);
    await p.send("orders/paid", first.payload);
    await p.send("orders/paid", second.payload);
    await p.drain();
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(10);

    await p.send("refunds/create", refundCreatePayload({ orderId: first.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);

    // Shopify answers 503 to the second debit, without running it.
    shopify.fake.faults.queue("StoreCreditDebit", { kind: "http5xx", status: 503 });
    await p.send("refunds/create", refundCreatePayload({ orderId: second.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();

    expect(await p.referral(orderGid(second.orderId))).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED" } });
    const debits = shopify.fake.storeCreditTransactions(p.shop).filter((t) => t.typename === "StoreCreditAccountDebitTransaction");
    expect(debits).toHaveLength(2);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(0);
  });
});

/** The pipeline's worker, but its process "dies" right after Shopify applied a store credit debit. */
function workerKilledAfterDebit() {
  const killedAfter = (client: AdminClient): AdminClient => ({
    query: (document, variables) => client.query(document, variables),
    mutate: async (document, variables, options) => {
      const result = await client.mutate(document, variables, options);
      if (document === STORE_CREDIT_DEBIT) throw new Error("worker killed after the debit, before recording it");
      return result;
    },
  });
  return createWorker({
    db,
    webhookHandlers,
    jobHandlers,
    now: () => new Date(testClock.now()),
    random: () => 0.5,
    logger: { info() {}, warn() {} },
    admin: async (shop) => {
      const { admin } = await unauthenticated.admin(shop);
      return killedAfter(createAdminClient(admin.graphql, { shop, now: testClock.now, sleep: testClock.sleep, random: () => 0.5, throttle: new ThrottleTracker() }));
    },
  });
}

const debitsOf = (shop: string) => shopify.fake.storeCreditTransactions(shop).filter((t) => t.typename === "StoreCreditAccountDebitTransaction");

describe("store credit revocation interrupted after Shopify debited", () => {
  it("the retry finds its own debit and does not debit again", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const order = paidOrder(p.referrer.code);
    await p.send("orders/paid", order.payload);
    await p.drain();
    // More credit than the reward on the account: a second debit would succeed, and be wrong.
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(10);

    await p.send("orders/cancelled", orderCancelledPayload({ orderId: order.orderId, subtotal: "100.00", total: "100.00", currency: "USD", discountCodes: [p.referrer.code] }));
    await p.drain(workerKilledAfterDebit());
    const interrupted = await p.referral(orderGid(order.orderId));
    expect(interrupted).toMatchObject({ status: "REVERSED", reward: { status: "ISSUED", revokeShopifyId: null } });
    expect(interrupted!.reward!.revokeAttemptedAt).not.toBeNull();
    expect(debitsOf(p.shop)).toHaveLength(1);

    p.advance(DAY); // past the retry's backoff
    await p.drain();
    const done = await p.referral(orderGid(order.orderId));
    expect(done).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED", revokeShopifyId: debitsOf(p.shop)[0].id } });
    expect(debitsOf(p.shop)).toHaveLength(1);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);
  });

  it("a partial debit (the rest was spent) is recorded: running the revocation again debits nothing more", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "15" });
    const order = paidOrder(p.referrer.code);
    await p.send("orders/paid", order.payload);
    await p.drain();
    // The referrer spends 10 of the 15.
    const { admin } = await unauthenticated.admin(p.shop);
    const client = createAdminClient(admin.graphql, { shop: p.shop, now: testClock.now, sleep: testClock.sleep });
    await client.mutate(STORE_CREDIT_DEBIT, { id: p.referrerCustomer.id, debitInput: { debitAmount: { amount: "10.00", currencyCode: "USD" } } });

    await p.send("orders/cancelled", orderCancelledPayload({ orderId: order.orderId, subtotal: "100.00", total: "100.00", currency: "USD", discountCodes: [p.referrer.code] }));
    await p.drain();
    const flagged = await p.referral(orderGid(order.orderId));
    expect(flagged).toMatchObject({ status: "REVERSED", needsReview: true, reward: { status: "ISSUED" } });
    expect(flagged!.reward!.revokeShopifyId).toBe(debitsOf(p.shop)[1].id);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(0);

    // New credit arrives (another referral), and the revocation job runs again for this reward.
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    await enqueueJob(db, { shop: p.shop, kind: REVOKE_JOB, key: flagged!.reward!.id, availableAt: new Date(testClock.now()) });
    await p.drain();
    expect(debitsOf(p.shop)).toHaveLength(2);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(15);
  });
});
