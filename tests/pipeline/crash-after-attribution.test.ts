// Regressions (found by the soak, soak/soak.ts): a worker killed between two
// writes of one step, and the retried step thinking the work was done.
// - orders/paid: killed after the referral row was created, before its release
//   job was scheduled (or before refunds that came first were applied). The
//   retried delivery found the referral, called it a duplicate and stopped: the
//   referral stayed PENDING for ever (a lost reward), or a referral whose order
//   had been refunded before the paid webhook arrived was released and rewarded.
// - release-referral: killed after approving the referral and creating its
//   reward, before scheduling the issue job. The retried job saw the referral
//   no longer PENDING and stopped: the reward stayed PENDING for ever.
import { describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import db from "~/db.server";
import { parseOrder } from "~/jobs/handlers/orders-paid.server";
import { attributeOrder } from "~/referrals/attribution.server";
import { RELEASE_JOB } from "~/referrals/rewards.server";
import { releaseReferral } from "~/referrals/rewards.server";
import { orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { testAdminClient, testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";

const { setupShop } = usePipeline();

class Killed extends Error {}

/** The database until the process dies: the first call of `model.method` never happens. */
function dyingAt(real: Db, model: "job" | "orderRefund", method: string): Db {
  let alive = true;
  const delegate = new Proxy(real[model] as object, {
    get(target, property, receiver) {
      if (property === method && alive) {
        return async () => {
          alive = false;
          throw new Killed(`killed before ${model}.${method}`);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return new Proxy(real, { get: (target, property, receiver) => (property === model ? delegate : Reflect.get(target, property, receiver)) });
}

let nextId = 5_800_000_000_000;
function paidOrder(code: string) {
  const orderId = ++nextId;
  return {
    orderId,
    order: parseOrder(
      orderPaidPayload({
        orderId,
        customerId: ++nextId,
        email: `friend${orderId}@example.com`,
        discountCodes: [code],
        subtotal: "100.00",
        total: "100.00",
        currency: "USD",
        createdAt: new Date(testClock.now()).toISOString(),
      }),
    ),
  };
}

describe("a step retried after the worker died mid-way", () => {
  it("a death before the release was scheduled: the retry schedules it and the referrer is rewarded", async () => {
    const p = await setupShop({ holdDays: 0 });
    const { orderId, order } = paidOrder(p.referrer.code);
    const ctx = (database: Db) => ({ db: database, shop: p.shop, cause: "webhook:crash-test", now: () => new Date(testClock.now()), admin: () => testAdminClient(p.shop) });

    await expect(attributeOrder(ctx(dyingAt(db, "job", "findUnique")), order)).rejects.toBeInstanceOf(Killed);
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "PENDING" });

    await attributeOrder(ctx(db), order); // the delivery's retry
    await p.drain();
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
  });

  it("a death before earlier refunds were applied: the retry applies them and nothing is rewarded", async () => {
    const p = await setupShop({ holdDays: 0 });
    const { orderId, order } = paidOrder(p.referrer.code);
    const ctx = (database: Db) => ({ db: database, shop: p.shop, cause: "webhook:crash-test", now: () => new Date(testClock.now()), admin: () => testAdminClient(p.shop) });
    await p.send("refunds/create", refundCreatePayload({ orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();

    await expect(attributeOrder(ctx(dyingAt(db, "orderRefund", "findMany")), order)).rejects.toBeInstanceOf(Killed);
    await attributeOrder(ctx(db), order); // the delivery's retry, before the release job ran
    await p.drain();
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "REVERSED", reward: null });
  });

  it("release-referral: a death before the issue job was scheduled: the retried release schedules it", async () => {
    const p = await setupShop({ holdDays: 30 });
    const { orderId, order } = paidOrder(p.referrer.code);
    await attributeOrder({ db, shop: p.shop, cause: "webhook:crash-test", now: () => new Date(testClock.now()), admin: () => testAdminClient(p.shop) }, order);
    const referral = await p.referral(orderGid(orderId));
    p.advance(31 * DAY);

    const job = { kind: RELEASE_JOB, key: referral!.id, payload: null, shop: p.shop, cause: `job:${RELEASE_JOB}:${referral!.id}`, now: () => new Date(testClock.now()), admin: () => testAdminClient(p.shop) };
    await expect(releaseReferral({ ...job, db: dyingAt(db, "job", "findUnique") })).rejects.toBeInstanceOf(Killed);
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "APPROVED", reward: { status: "PENDING" } });

    await p.drain(); // the release job runs again (its lease ran out), then the issue job
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
  });
});
