// Reconciliation: what the webhooks missed, found through the Admin API by the
// hourly job and fed to the same functions as the webhooks. It sees every page
// of its window (resuming where a run stopped), reconciles refunds and
// cancellations with the reversal code the webhooks use (a refund both paths
// see counts once), and runs every attribution rule, the address check included.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import { PAGES_PER_RUN, RECONCILE_JOB } from "~/referrals/reconciliation.server";
import { customerGid, orderCancelledPayload, orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();

let nextId = 5_900_000_000_000;
const newId = () => ++nextId;
const iso = (ms = testClock.now()) => new Date(ms).toISOString();
type Pipeline = Awaited<ReturnType<typeof setupShop>>;

async function reconcile(p: Pipeline) {
  await enqueueJob(db, { shop: p.shop, kind: RECONCILE_JOB, key: "manual" }, new Date(testClock.now()));
  await p.drain();
}

/** A friend's order as Shopify holds it, and as orders/paid delivers it (the same order). */
function friendOrder(p: Pipeline, o: { subtotal?: string; shipTo?: string } = {}) {
  const orderId = newId();
  const customerId = newId();
  const subtotal = o.subtotal ?? "100.00";
  const email = `friend${customerId}@example.com`;
  const fakeOrder = shopify.fake.seedOrder(p.shop, {
    id: orderGid(orderId),
    subtotal,
    total: subtotal,
    discountCodes: [p.referrer.code],
    customerId: customerGid(customerId),
    email,
    createdAt: iso(),
    updatedAt: iso(),
    shippingAddress: o.shipTo ? { address1: o.shipTo, city: "Valletta", zip: "VLT 1000", countryCode: "MT" } : null,
  });
  const payload = orderPaidPayload({
    orderId,
    customerId,
    email,
    discountCodes: [p.referrer.code],
    subtotal,
    total: subtotal,
    currency: "USD",
    createdAt: iso(),
    shippingAddress: o.shipTo ? { address1: o.shipTo, city: "Valletta", zip: "VLT 1000", country_code: "MT" } : undefined,
  });
  return { orderId, gid: fakeOrder.id, payload };
}

describe("reconciliation", () => {
  it(`pages to the end of its window: an order past ${PAGES_PER_RUN} pages is attributed, by a run that resumes at the cursor`, async () => {
    const p = await setupShop({ holdDays: 0 });
    // The last reconciliation ran an hour ago; since then 5,050 orders without a referral were updated...
    await db.job.create({ data: { shop: p.shop, kind: RECONCILE_JOB, key: "manual", status: "DONE", payload: JSON.stringify({ since: iso(testClock.now() - 60 * 60_000) }) } });
    for (let i = 0; i < 5_050; i++) shopify.fake.seedOrder(p.shop, { subtotal: "10.00", updatedAt: iso(testClock.now() - 50 * 60_000 + i) });
    // ...and, last of all, a friend's order whose orders/paid webhook never came.
    const missed = friendOrder(p);

    await reconcile(p);
    expect(await p.referral(missed.gid)).toMatchObject({ status: "REWARDED" });
    const answered = () => shopify.fake.callsTo("OrdersForReconciliation").filter((c) => c.outcome === "ok");
    const pages = answered();
    expect(pages.length).toBe(102);
    // The second run went on from the first one's cursor, over the same window.
    expect(pages[PAGES_PER_RUN].variables).toMatchObject({ after: expect.any(String), query: pages[0].variables.query });
    const job = await db.job.findFirstOrThrow({ where: { shop: p.shop, kind: RECONCILE_JOB, key: "manual" } });
    expect(job.status).toBe("DONE");
    expect(JSON.parse(job.payload!)).toEqual({ since: expect.any(String) });

    // A later run starts after the window that was processed, not before it.
    p.advance(60 * 60_000);
    await reconcile(p);
    expect(answered().length).toBe(103);
  }, 120_000);

  it("a run that dies between pages resumes at its cursor, and the watermark moves only once the window is done", async () => {
    const p = await setupShop({ holdDays: 0 });
    const start = testClock.now() - 60 * 60_000;
    await db.job.create({ data: { shop: p.shop, kind: RECONCILE_JOB, key: "manual", status: "DONE", payload: JSON.stringify({ since: iso(start) }) } });
    for (let i = 0; i < 120; i++) shopify.fake.seedOrder(p.shop, { subtotal: "10.00", updatedAt: iso(start + i) });
    const missed = friendOrder(p);
    // Two pages are served, then the network fails five times running: the
    // Admin client gives up on the third page and the run fails.
    const fresh = shopify.fake.callsTo("OrdersForReconciliation").length;
    shopify.fake.faults.queue("OrdersForReconciliation", { kind: "latency", ms: 0 }, { kind: "latency", ms: 0 }, ...Array.from({ length: 5 }, () => ({ kind: "network" as const })));

    await reconcile(p);
    const stopped = await db.job.findFirstOrThrow({ where: { shop: p.shop, kind: RECONCILE_JOB, key: "manual" } });
    const state = JSON.parse(stopped.payload!);
    expect(state.since).toBe(iso(start));
    expect(state.run).toMatchObject({ after: expect.any(String) });
    expect(await p.referral(missed.gid)).toBeNull();

    p.advance(DAY); // past the retry's backoff
    await p.drain();
    expect(await p.referral(missed.gid)).toMatchObject({ status: "REWARDED" });
    const calls = shopify.fake.callsTo("OrdersForReconciliation").slice(fresh);
    const resumed = calls.filter((c) => c.outcome === "ok").at(-1)!;
    expect(resumed.variables).toMatchObject({ after: state.run.after, query: calls[0].variables.query });
    const done = JSON.parse((await db.job.findFirstOrThrow({ where: { shop: p.shop, kind: RECONCILE_JOB, key: "manual" } })).payload!);
    expect(done).toEqual({ since: state.run.startedAt });
  });

  it("reconciles missed refunds with the webhook's rule; the late refunds/create webhooks count nothing twice", async () => {
    const p = await setupShop({ holdDays: 30, minimumOrderAmount: "50" });
    const order = friendOrder(p);
    await p.send("orders/paid", order.payload);
    await p.drain();
    expect(await p.referral(order.gid)).toMatchObject({ status: "PENDING" });

    // Shopify refunds 30 of 100; refunds/create never arrives.
    p.advance(60_000);
    const partial = shopify.fake.shop(p.shop).refundOrder(order.gid, { amount: "30.00" });
    await reconcile(p);
    expect(await p.referral(order.gid)).toMatchObject({ status: "PENDING" });
    expect((await p.referral(order.gid))!.refundedAmount.toFixed(2)).toBe("30.00");

    // Another 25: 45 left, below the minimum of 50: reversed.
    p.advance(60_000);
    const second = shopify.fake.shop(p.shop).refundOrder(order.gid, { amount: "25.00" });
    await reconcile(p);
    expect(await p.referral(order.gid)).toMatchObject({ status: "REVERSED", reason: expect.stringMatching(/below the minimum/) });

    // The webhooks arrive after all, twice each: nothing is counted again.
    for (const refund of [partial, second, partial, second]) {
      const amount = refund === partial ? "30.00" : "25.00";
      await p.send("refunds/create", refundCreatePayload({ orderId: order.orderId, refundId: Number(refund.id.split("/").pop()), amount, currency: "USD" }));
    }
    await p.drain();
    const referral = await p.referral(order.gid);
    expect(referral!.refundedAmount.toFixed(2)).toBe("55.00");
    expect(await db.orderRefund.count({ where: { shop: p.shop, orderId: order.gid } })).toBe(2);
    expect(await db.auditEvent.count({ where: { shop: p.shop, referralId: referral!.id, action: "referral.reversed" } })).toBe(1);
    const referrer = await db.referrer.findUniqueOrThrow({ where: { id: p.referrer.id } });
    expect(referrer).toMatchObject({ referralCount: 0 });
    expect(referrer.referredRevenue.toFixed(2)).toBe("0.00");
  });

  it("a refund reconciled after a reward was issued takes the reward back, through the same revocation", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const order = friendOrder(p);
    await p.send("orders/paid", order.payload);
    await p.drain();
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);

    p.advance(60_000);
    shopify.fake.shop(p.shop).refundOrder(order.gid, { amount: "100.00" });
    await reconcile(p);
    expect(await p.referral(order.gid)).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED" } });
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(0);
  });

  it("reconciles a missed cancellation; the late orders/cancelled webhook reverses nothing twice", async () => {
    const p = await setupShop({ holdDays: 0 });
    const order = friendOrder(p);
    await p.send("orders/paid", order.payload);
    await p.drain();
    expect(await p.referral(order.gid)).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });

    p.advance(60_000);
    shopify.fake.shop(p.shop).cancelOrder(order.gid);
    await reconcile(p);
    expect(await p.referral(order.gid)).toMatchObject({ status: "REVERSED", reason: "The order was cancelled", reward: { status: "REVOKED" } });

    await p.send("orders/cancelled", orderCancelledPayload({ orderId: order.orderId, subtotal: "100.00", total: "100.00", currency: "USD", discountCodes: [p.referrer.code] }));
    await p.drain();
    const referral = await p.referral(order.gid);
    expect(await db.auditEvent.count({ where: { shop: p.shop, referralId: referral!.id, action: "referral.reversed" } })).toBe(1);
  });

  it("runs the address rule on a reconciled order: shipped to the referrer's own address is a self-referral", async () => {
    const p = await setupShop({ holdDays: 0 });
    // The referrer's own order tells the app their address.
    const own = Number(p.referrerCustomer.id.split("/").pop());
    await p.send(
      "orders/paid",
      orderPaidPayload({
        orderId: newId(),
        customerId: own,
        email: "rita@example.com",
        discountCodes: [],
        subtotal: "40.00",
        total: "40.00",
        currency: "USD",
        createdAt: iso(),
        shippingAddress: { address1: "1 Republic Street", city: "Valletta", zip: "VLT 1000", country_code: "MT" },
      }),
    );
    await p.drain();

    // A "friend" order with her code, shipped to her address, whose webhook was missed.
    const missed = friendOrder(p, { shipTo: "1 REPUBLIC street" });
    await reconcile(p);
    expect(await p.referral(missed.gid)).toMatchObject({ status: "REJECTED", reason: "Self-referral: the order ships to the referrer's address", reward: null });
    expect(await db.reward.count({ where: { shop: p.shop } })).toBe(0);
  });
});
