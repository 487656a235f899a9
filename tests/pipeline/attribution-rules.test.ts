// Attribution rules that depend on what else is happening: the per-referrer
// cap while several workers attribute the referrer's orders at once, and the
// first-order rule for guest checkouts (no customer account, only an email).
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { customerGid, orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { DAY, pipelineWorker, usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();

let nextId = 6_000_000_000_000;
const newId = () => ++nextId;

function paidOrder(code: string, o: { customerId?: number | null; email?: string } = {}) {
  const orderId = newId();
  const customerId = o.customerId === undefined ? newId() : o.customerId;
  return {
    orderId,
    payload: orderPaidPayload({
      orderId,
      customerId,
      email: o.email ?? `friend${orderId}@example.com`,
      discountCodes: [code],
      subtotal: "100.00",
      total: "100.00",
      currency: "USD",
      createdAt: new Date(testClock.now()).toISOString(),
    }),
  };
}

describe("attribution rules", () => {
  it("the per-referrer cap holds when three workers attribute the referrer's orders at once", async () => {
    const p = await setupShop({ holdDays: 30, maxRewardsPerReferrer: 2 });
    const orders = Array.from({ length: 9 }, () => paidOrder(p.referrer.code));
    for (const o of orders) await p.send("orders/paid", o.payload);
    const workers = ["a", "b", "c"].map((workerId) => pipelineWorker({ workerId }));
    await Promise.all(workers.map((w) => p.drain(w)));

    const referrals = await db.referral.findMany({ where: { shop: p.shop } });
    expect(referrals).toHaveLength(9);
    expect(referrals.filter((r) => r.status === "PENDING")).toHaveLength(2);
    const rejected = referrals.filter((r) => r.status === "REJECTED");
    expect(rejected).toHaveLength(7);
    expect(rejected.every((r) => r.reason === "The referrer reached the cap of 2 referrals")).toBe(true);
    expect((await db.referrer.findUniqueOrThrow({ where: { id: p.referrer.id } })).referralCount).toBe(2);
  });

  it("a guest's second order (no customer account) is not their first order: found by email in Shopify", async () => {
    const p = await setupShop({ holdDays: 0 });
    // Ten days ago the guest ordered without a referral code.
    shopify.fake.seedOrder(p.shop, { email: "guest@example.com", customerId: null, subtotal: "20.00", createdAt: new Date(testClock.now() - 10 * DAY).toISOString() });
    const second = paidOrder(p.referrer.code, { customerId: null, email: "Guest@Example.com" });
    const newcomer = paidOrder(p.referrer.code, { customerId: null, email: "newcomer@example.com" });
    for (const o of [second, newcomer]) await p.send("orders/paid", o.payload);
    await p.drain();
    expect(await p.referral(orderGid(second.orderId))).toMatchObject({ status: "REJECTED", reason: "Not the friend's first order", reward: null });
    expect(await p.referral(orderGid(newcomer.orderId))).toMatchObject({ status: "REWARDED" });
  });

  it("a guest's earlier referred order counts too, under another spelling of the same address", async () => {
    const p = await setupShop({ holdDays: 0 });
    const first = paidOrder(p.referrer.code, { customerId: null, email: "ann.smith@gmail.com" });
    await p.send("orders/paid", first.payload);
    await p.drain();
    p.advance(DAY);
    const again = paidOrder(p.referrer.code, { customerId: null, email: "AnnSmith+deals@gmail.com" });
    await p.send("orders/paid", again.payload);
    await p.drain();
    expect(await p.referral(orderGid(first.orderId))).toMatchObject({ status: "REWARDED" });
    expect(await p.referral(orderGid(again.orderId))).toMatchObject({ status: "REJECTED", reason: "Not the friend's first order" });
    // An order with a customer account is still checked by its customer.
    const customer = newId();
    shopify.fake.seedOrder(p.shop, { customerId: customerGid(customer), subtotal: "20.00", createdAt: new Date(testClock.now() - 10 * DAY).toISOString() });
    const returning = paidOrder(p.referrer.code, { customerId: customer });
    await p.send("orders/paid", returning.payload);
    await p.drain();
    expect(await p.referral(orderGid(returning.orderId))).toMatchObject({ status: "REJECTED", reason: "Not the friend's first order" });
  });
});
