// Issuing store credit exactly once. Shopify has no idempotency key for store
// credit, so a credit an earlier attempt made is recognised by its amount: that
// must never take over a credit the app did not make (a merchant's manual
// credit, a refund to store credit), and a worker that lost its claim on the
// job to another worker must not credit a second time.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { ISSUE_JOB } from "~/referrals/rewards.server";
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import { STORE_CREDIT_CREDIT } from "~/shopify/documents";
import { unauthenticated } from "~/shopify.server";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testAdminClient, testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();

let nextId = 5_800_000_000_000;
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

const creditsOf = (shop: string) => shopify.fake.storeCreditTransactions(shop).filter((t) => t.typename === "StoreCreditAccountCreditTransaction");

/** A worker like the pipeline's whose Admin client comes through `wrap`, after `beforeAdmin` ran, and backs off with `sleep`. */
function workerWith(options: { workerId: string; beforeAdmin?: () => Promise<void>; wrap?: (client: AdminClient) => AdminClient; sleep?: (ms: number) => Promise<void> }) {
  return createWorker({
    db,
    webhookHandlers,
    jobHandlers,
    workerId: options.workerId,
    now: () => new Date(testClock.now()),
    random: () => 0.5,
    logger: { info() {}, warn() {} },
    admin: async (shop, { beforeRetry }) => {
      await options.beforeAdmin?.();
      const { admin } = await unauthenticated.admin(shop);
      const sleep = options.sleep ?? testClock.sleep;
      const client = createAdminClient(admin.graphql, { shop, now: testClock.now, sleep, random: () => 0.5, throttle: new ThrottleTracker(), beforeRetry });
      return options.wrap ? options.wrap(client) : client;
    },
  });
}

describe("issuing store credit", () => {
  it("a first attempt does not take a manual credit of the same amount for its own: the referrer is credited", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    // The merchant credits the referrer 5 USD by hand (a goodwill gesture) a moment before the reward is issued.
    const admin = await testAdminClient(p.shop);
    const manual = await admin.mutate(STORE_CREDIT_CREDIT, { id: p.referrerCustomer.id, creditInput: { creditAmount: { amount: "5.00", currencyCode: "USD" } } });
    const manualId = manual.storeCreditAccountCredit!.storeCreditAccountTransaction!.id;

    const order = paidOrder(p.referrer.code);
    await p.send("orders/paid", order.payload);
    await p.drain();

    const referral = await p.referral(orderGid(order.orderId));
    expect(referral).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
    expect(referral!.reward!.shopifyId).not.toBe(manualId);
    expect(creditsOf(p.shop).map((t) => t.id)).toEqual([manualId, referral!.reward!.shopifyId]);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(10);
  });

  it("a retry after the worker died once Shopify credited finds that credit and credits nothing more", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const killedAfterCredit = workerWith({
      workerId: "killed",
      wrap: (client) => ({
        query: (document, variables) => client.query(document, variables),
        mutate: async (document, variables, options) => {
          const result = await client.mutate(document, variables, options);
          if (document === STORE_CREDIT_CREDIT) throw new Error("worker killed after the credit, before recording it");
          return result;
        },
      }),
    });
    const order = paidOrder(p.referrer.code);
    await p.send("orders/paid", order.payload);
    await p.drain(killedAfterCredit);
    expect(await p.referral(orderGid(order.orderId))).toMatchObject({ status: "APPROVED", reward: { status: "ISSUING", shopifyId: null } });
    expect(creditsOf(p.shop)).toHaveLength(1);

    p.advance(DAY); // past the retry's backoff
    await p.drain();
    const referral = await p.referral(orderGid(order.orderId));
    expect(referral).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED", shopifyId: creditsOf(p.shop)[0].id } });
    expect(creditsOf(p.shop)).toHaveLength(1);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);
  });

  it("a worker whose lease another worker took over mid-handler stops before calling Shopify: one credit", async () => {
    const p = await setupShop({ holdDays: 1, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const order = paidOrder(p.referrer.code);
    await p.send("orders/paid", order.payload);
    await p.drain();
    p.advance(DAY + 1_000);

    let tookOver = false;
    // Worker A stalls after claiming the issue job (a long GC pause, a frozen
    // VM): its lease runs out, and worker B takes the job over and issues.
    const stalled = workerWith({
      workerId: "a",
      beforeAdmin: async () => {
        if (tookOver) return;
        tookOver = true;
        const job = await db.job.findFirstOrThrow({ where: { shop: p.shop, kind: ISSUE_JOB } });
        expect(job).toMatchObject({ status: "RUNNING", lockedBy: expect.stringMatching(/^a\//) });
        p.advance(3 * 60_000); // past A's two-minute lease
        await p.drain(workerWith({ workerId: "b" }));
        expect(await db.job.findFirstOrThrow({ where: { shop: p.shop, kind: ISSUE_JOB } })).toMatchObject({ status: "DONE" });
      },
    });
    const counts = await stalled.runOnce();

    expect(tookOver).toBe(true);
    expect(counts.lost).toBe(1);
    expect(await p.referral(orderGid(order.orderId))).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
    expect(creditsOf(p.shop)).toHaveLength(1);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);
  });

  it("a worker that loses its lease while backing off before a retry does not retry the credit", async () => {
    const p = await setupShop({ holdDays: 1, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const order = paidOrder(p.referrer.code);
    await p.send("orders/paid", order.payload);
    await p.drain();
    p.advance(DAY + 1_000);

    // Shopify answers 503 without crediting; worker A backs off before retrying,
    // and stalls there past its lease while worker B takes the job over.
    shopify.fake.faults.queue("StoreCreditCredit", { kind: "http5xx", status: 503 });
    let tookOver = false;
    const stalled = workerWith({
      workerId: "a",
      sleep: async (ms) => {
        await testClock.sleep(ms);
        if (tookOver) return;
        tookOver = true;
        p.advance(3 * 60_000);
        await p.drain(workerWith({ workerId: "b" }));
      },
    });
    const counts = await stalled.runOnce();

    expect(tookOver).toBe(true);
    expect(counts.lost).toBe(1);
    expect(await p.referral(orderGid(order.orderId))).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
    expect(creditsOf(p.shop)).toHaveLength(1);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);
  });
});
