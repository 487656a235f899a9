// A reversal that reads the reward as PENDING while the issue job is taking it
// (ISSUING): cancelling it finds nothing to cancel, and the reward may reach
// Shopify after all, so the revoke job must be asked to take it back.
// Through the refunds/create webhook and the worker; the race is made
// deterministic by a database client whose reward reads lag one step behind.
import { describe, expect, it } from "vitest";
import db, { type Db } from "~/db.server";
import { createWorker } from "~/jobs/worker.server";
import { webhookHandlers } from "~/jobs/registry.server";
import { REVOKE_JOB } from "~/referrals/rewards.server";
import { orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";

const { setupShop } = usePipeline();

/** The same database, except that an ISSUING reward is read as it was a moment before: PENDING. */
const lagging = db.$extends({
  query: {
    reward: {
      async findFirst({ args, query }) {
        const row = await query(args);
        return row && row.status === "ISSUING" ? { ...row, status: "PENDING" } : row;
      },
    },
  },
}) as unknown as Db;

describe("revoking a reward the issue job is taking", () => {
  it("asks the revoke job to take it back instead of leaving it live", async () => {
    const p = await setupShop({ holdDays: 30 });
    const orderId = 9_100_000_001;
    await p.send("orders/paid", orderPaidPayload({ orderId, customerId: 9_100_000_002, email: "friend@example.com", discountCodes: [p.referrer.code], subtotal: "80.00", total: "80.00", currency: "USD" }));
    await p.drain();
    const referral = (await p.referral(orderGid(orderId)))!;
    // The hold ended and the issue job has taken the reward (ISSUING).
    await db.referral.updateMany({ where: { shop: p.shop, id: referral.id }, data: { status: "APPROVED" } });
    const reward = await db.reward.create({
      data: { shop: p.shop, referrerId: referral.referrerId, referralId: referral.id, kind: "CODE", valueType: "PERCENTAGE", value: "10", currencyCode: "USD", code: "REWARD-RACE-1", status: "ISSUING" },
    });

    await p.send("refunds/create", refundCreatePayload({ orderId, refundId: 9_100_000_003, amount: "80.00", currency: "USD" }));
    const worker = createWorker({ db: lagging, webhookHandlers, jobHandlers: new Map(), batch: 1, now: () => new Date(testClock.now()), logger: { info() {}, warn() {} } });
    await worker.runOnce();

    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "REVERSED" });
    // Asked for (this worker runs no jobs: the job itself is the revoke tests' subject).
    expect(await db.job.findUnique({ where: { shop_kind_key: { shop: p.shop, kind: REVOKE_JOB, key: reward.id } } })).not.toBeNull();
    expect(await db.auditEvent.count({ where: { shop: p.shop, rewardId: reward.id, action: "reward.revoke-requested" } })).toBe(1);
  });
});
