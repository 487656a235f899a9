// A partner's referral fee through the real entry points: orders and refunds
// as signed webhooks, the worker releasing holds and issuing rewards. The fee
// replaces the program's reward (the program's, their group's or their own
// fee), follows partial refunds until it is paid, goes back with a full
// refund, is decided once whatever duplicates and two workers do, and earns
// no milestone and no second-tier fee.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { rebuildDailyStats } from "~/referrals/daily-stats.server";
import { SECOND_TIER_WARNING_VERSION } from "~/referrals/second-tier.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import * as secondTierPage from "~/routes/app.second-tier";
import * as payouts from "~/routes/app.payouts";
import { customerGid, orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { act } from "../helpers/admin-request";
import { testClock } from "../helpers/admin";
import { DAY, pipelineWorker, usePipeline } from "../helpers/pipeline";
import { addPartner, addPartnerGroup } from "../helpers/partner-rows";

const { setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;

let nextId = 8_300_000_000_000 + Math.floor(Math.random() * 1e9);

function order(code: string, subtotal: string, total = subtotal) {
  const orderId = ++nextId;
  const customerId = ++nextId;
  const email = `friend${customerId}@example.com`;
  const payload = orderPaidPayload({ orderId, customerId, email, discountCodes: [code], subtotal, total, currency: "USD", createdAt: new Date(testClock.now()).toISOString() });
  return { orderId, customerId, email, payload };
}

async function refund(p: Shop, orderId: number, amount: string) {
  await p.send("refunds/create", refundCreatePayload({ orderId, refundId: ++nextId, amount, currency: "USD" }));
  await p.drain();
}

/** The order is paid, waits out the hold, and its reward is decided and issued. */
async function orderAndRelease(p: Shop, code: string, subtotal: string, total = subtotal) {
  const o = order(code, subtotal, total);
  await p.send("orders/paid", o.payload);
  await p.drain();
  p.advance(31 * DAY);
  await p.drain();
  return o;
}

const feeOf = async (p: Shop, orderId: number) => (await p.referral(orderGid(orderId)))?.reward ?? null;

async function auditOf(shop: string, rewardId: string) {
  return db.auditEvent.findMany({ where: { shop, rewardId }, orderBy: { createdAt: "asc" }, select: { action: true, detail: true, fromStatus: true, toStatus: true } });
}

/** The dashboard's kept totals equal the ones rebuilt from the rows (a lowered fee moved them by the difference). */
async function expectTotalsKept(shop: string) {
  const kept = await db.dailyStat.findMany({ where: { shop }, orderBy: [{ day: "asc" }, { channel: "asc" }], select: { day: true, channel: true, rewards: true, rewardsFixed: true, revenue: true } });
  await rebuildDailyStats(db, shop);
  const rebuilt = await db.dailyStat.findMany({ where: { shop }, orderBy: [{ day: "asc" }, { channel: "asc" }], select: { day: true, channel: true, rewards: true, rewardsFixed: true, revenue: true } });
  const plain = (rows: typeof kept) => rows.map((r) => ({ ...r, rewardsFixed: r.rewardsFixed.toFixed(2), revenue: r.revenue.toFixed(2) }));
  expect(plain(kept)).toEqual(plain(rebuilt));
}

describe("a partner's fee, decided at release", () => {
  it("is 10% of the subtotal by the program's partner fee, a cash fee; a partial refund before payment lowers it; a full refund takes it back", async () => {
    const p = await setupShop({ holdDays: 30, rewardKind: "CODE_PERCENTAGE", rewardValue: "10" });
    const { referrer } = await addPartner(p.shop);
    const o = await orderAndRelease(p, referrer.code, "120.00", "131.50");

    const fee = (await feeOf(p, o.orderId))!;
    expect(fee).toMatchObject({ referrerId: referrer.id, source: "PARTNER_FEE", kind: "CASH", valueType: "FIXED_AMOUNT", currencyCode: "USD", status: "ISSUED", code: null });
    expect(fee.value.toFixed(2)).toBe("12.00");
    expect(fee.feeRate!.toString()).toBe("10");
    expect(await auditOf(p.shop, fee.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "reward.created", detail: "Partner fee: 10% of subtotal 120.00 USD = 12.00 USD (the program's partner fee)" }),
      ]),
    );
    // Rita, a customer, still earns the program's reward.
    const rita = await orderAndRelease(p, p.referrer.code, "50.00");
    expect(await feeOf(p, rita.orderId)).toMatchObject({ source: "REFERRAL", kind: "CODE", valueType: "PERCENTAGE", feeRate: null });

    // 20.00 refunded: the fee is 10% of the 100.00 left, in the transaction that records the refund.
    await refund(p, o.orderId, "20.00");
    const lowered = (await feeOf(p, o.orderId))!;
    expect(lowered.value.toFixed(2)).toBe("10.00");
    expect(lowered.status).toBe("ISSUED");
    expect(await p.referral(orderGid(o.orderId))).toMatchObject({ status: "REWARDED" });
    expect((await auditOf(p.shop, fee.id)).find((e) => e.action === "reward.fee-lowered")?.detail).toBe(
      "Partner fee lowered from 12.00 to 10.00 USD: 10% of 100.00 USD left after refunds",
    );
    await expectTotalsKept(p.shop);
    // The same refund delivered again changes nothing.
    const again = (await db.orderRefund.findFirstOrThrow({ where: { shop: p.shop, orderId: orderGid(o.orderId) } })).refundId;
    await p.send("refunds/create", refundCreatePayload({ orderId: o.orderId, refundId: Number(again.split("/").pop()), amount: "20.00", currency: "USD" }));
    await p.drain();
    expect((await feeOf(p, o.orderId))!.value.toFixed(2)).toBe("10.00");

    // The rest refunded: the referral is reversed and the unpaid fee taken back.
    await refund(p, o.orderId, "100.00");
    expect(await p.referral(orderGid(o.orderId))).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED", payoutBatchId: null } });
    await expectTotalsKept(p.shop);
  });

  it("a refund during the hold: the fee is worked out on what is left; refunded in full, no fee at all", async () => {
    const p = await setupShop({ holdDays: 30 });
    const { referrer } = await addPartner(p.shop);
    const part = order(referrer.code, "100.00");
    await p.send("orders/paid", part.payload);
    await p.drain();
    await refund(p, part.orderId, "30.00");
    p.advance(31 * DAY);
    await p.drain();
    const fee = (await feeOf(p, part.orderId))!;
    expect(fee.value.toFixed(2)).toBe("7.00");
    expect(fee.reason).toBe("Partner fee: 10% of subtotal 100.00 USD minus 30.00 USD refunded = 7.00 USD (the program's partner fee)");

    const whole = order(referrer.code, "100.00");
    await p.send("orders/paid", whole.payload);
    await p.drain();
    await refund(p, whole.orderId, "100.00");
    p.advance(31 * DAY);
    await p.drain();
    expect(await p.referral(orderGid(whole.orderId))).toMatchObject({ status: "REVERSED", reward: null });
  });

  it("a group's fixed fee, and the partner's own fee over their group's (rounded to the currency's cents)", async () => {
    const p = await setupShop({ holdDays: 30 });
    const group = await addPartnerGroup(p.shop, { name: "Cycling clubs", feeKind: "FIXED", feeValue: "15" });
    const member = await addPartner(p.shop, { groupId: group.id });
    const own = await addPartner(p.shop, { groupId: group.id, feeKind: "PERCENT", feeValue: "12.5" });

    const fixed = await orderAndRelease(p, member.referrer.code, "80.00");
    const fixedFee = (await feeOf(p, fixed.orderId))!;
    expect(fixedFee).toMatchObject({ source: "PARTNER_FEE", kind: "CASH", status: "ISSUED", feeRate: null, reason: "Partner fee: fixed 15.00 USD (their group's fee)" });
    expect(fixedFee.value.toFixed(2)).toBe("15.00");
    // A fixed fee does not follow refunds.
    await refund(p, fixed.orderId, "40.00");
    expect((await feeOf(p, fixed.orderId))!.value.toFixed(2)).toBe("15.00");

    // 12.5% of 33.33 is 4.16625: 4.17.
    const percent = await orderAndRelease(p, own.referrer.code, "33.33");
    const percentFee = (await feeOf(p, percent.orderId))!;
    expect(percentFee.value.toFixed(2)).toBe("4.17");
    expect(percentFee.feeRate!.toString()).toBe("12.5");
    expect(percentFee.reason).toBe("Partner fee: 12.5% of subtotal 33.33 USD = 4.17 USD (the partner's own fee)");
  });

  it("is decided once whatever duplicate deliveries and two workers do", async () => {
    const p = await setupShop({ holdDays: 0 });
    const { referrer } = await addPartner(p.shop);
    const o = order(referrer.code, "64.00");
    const first = await p.send("orders/paid", o.payload);
    await p.send("orders/paid", o.payload, first); // the same delivery again
    await p.send("orders/paid", o.payload); // another delivery of the same order
    const second = pipelineWorker({ workerId: "second" });
    await Promise.all([p.drain(), p.drain(second)]);
    await p.drain();
    const fees = await db.reward.findMany({ where: { shop: p.shop, referrerId: referrer.id } });
    expect(fees).toHaveLength(1);
    expect(fees[0]).toMatchObject({ source: "PARTNER_FEE", status: "ISSUED" });
    expect(fees[0].value.toFixed(2)).toBe("6.40");
    expect(await db.auditEvent.count({ where: { shop: p.shop, rewardId: fees[0].id, action: "reward.created" } })).toBe(1);
  });

  it("a fee already paid is not lowered by a later refund: the referral is flagged for the merchant; refunded in full, it is kept and flagged", async () => {
    const p = await setupShop({ holdDays: 30 });
    const { referrer } = await addPartner(p.shop);
    const o = await orderAndRelease(p, referrer.code, "100.00");
    const fee = (await feeOf(p, o.orderId))!;
    const paid = await act(payouts.action, p.shop, "/app/payouts", { intent: "mark-paid", referrerId: referrer.id, rewardIds: fee.id, amount: "10.00", reference: "BANK-1" });
    expect(paid).toMatchObject({ status: 200, data: { ok: true } });

    await refund(p, o.orderId, "50.00");
    expect(await p.referral(orderGid(o.orderId))).toMatchObject({ status: "REWARDED", needsReview: true, reward: { status: "PAID" } });
    expect((await feeOf(p, o.orderId))!.value.toFixed(2)).toBe("10.00");
    expect((await auditOf(p.shop, fee.id)).find((e) => e.action === "reward.kept")?.detail).toContain("was paid before this refund");

    await refund(p, o.orderId, "50.00");
    expect(await p.referral(orderGid(o.orderId))).toMatchObject({ status: "REVERSED", needsReview: true, reward: { status: "PAID" } });
    expect((await auditOf(p.shop, fee.id)).filter((e) => e.action === "reward.kept").map((e) => e.detail)).toContain("The cash fee was already paid out");
  });
});

describe("a partner's fee racing a refund", () => {
  it("a partial refund processed while the release runs: the fee always ends on what is left (two workers, 5 rounds)", async () => {
    const p = await setupShop({ holdDays: 30 });
    const { referrer } = await addPartner(p.shop);
    const second = pipelineWorker({ workerId: "racer" });
    for (let round = 0; round < 5; round++) {
      const o = order(referrer.code, "100.00");
      await p.send("orders/paid", o.payload);
      await p.drain();
      p.advance(31 * DAY); // its release is due...
      // ...and a partial refund arrives at the same time: two workers take both at once.
      await p.send("refunds/create", refundCreatePayload({ orderId: o.orderId, refundId: ++nextId, amount: "40.00", currency: "USD" }));
      await Promise.all([p.drain(), p.drain(second)]);
      await p.drain();
      const referral = await p.referral(orderGid(o.orderId));
      expect(referral).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
      expect(referral!.reward!.value.toFixed(2)).toBe("6.00");
    }
    await expectTotalsKept(p.shop);
  });
});

describe("partners and the customer program's extras", () => {
  it("a partner reaches no milestone; a customer does", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
    await db.milestone.create({ data: { shop: p.shop, referrals: 1, rewardKind: "CASH", rewardValue: "20" } });
    const { referrer } = await addPartner(p.shop);
    await orderAndRelease(p, referrer.code, "90.00");
    await orderAndRelease(p, p.referrer.code, "90.00");
    const milestones = await db.reward.findMany({ where: { shop: p.shop, source: "MILESTONE" } });
    expect(milestones.map((m) => m.referrerId)).toEqual([p.referrer.id]);
    expect(await db.reward.count({ where: { shop: p.shop, referrerId: referrer.id } })).toBe(1);
  });

  it("no second-tier fee from a partner's order, nor to a partner for their referred friends' referrals", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "10" });
    const on = await act(secondTierPage.action, p.shop, "/app/second-tier", { enabled: "true", kind: "CASH", value: "3", acknowledged: "true", warningVersion: SECOND_TIER_WARNING_VERSION });
    expect(on.status).toBe(200);

    // Rita referred Pat, who became a partner: Pat's orders earn Rita nothing.
    const pat = await orderAndRelease(p, p.referrer.code, "100.00");
    const { referrer: patPartner } = await addPartner(p.shop, { email: pat.email });
    await orderAndRelease(p, patPartner.code, "100.00");

    // Pat refers Bob, who joins and refers Carol: Pat, a partner, earns no second-tier fee.
    const bob = await orderAndRelease(p, patPartner.code, "100.00");
    const { referrer: bobReferrer } = await enrolReferrer(db, { shop: p.shop, customerId: customerGid(bob.customerId), email: bob.email, source: "STOREFRONT", cause: "test", now: new Date(testClock.now()) });
    await p.drain();
    const carol = await orderAndRelease(p, bobReferrer.code, "100.00");
    expect(await feeOf(p, carol.orderId)).toMatchObject({ source: "REFERRAL", status: "ISSUED" });
    expect(await db.reward.count({ where: { shop: p.shop, source: "SECOND_TIER" } })).toBe(0);

    // Control: Rita referred Dan, who joins and refers Eve: Rita earns the second-tier fee.
    const dan = await orderAndRelease(p, p.referrer.code, "100.00");
    const { referrer: danReferrer } = await enrolReferrer(db, { shop: p.shop, customerId: customerGid(dan.customerId), email: dan.email, source: "STOREFRONT", cause: "test", now: new Date(testClock.now()) });
    await p.drain();
    await orderAndRelease(p, danReferrer.code, "100.00");
    expect(await db.reward.findMany({ where: { shop: p.shop, source: "SECOND_TIER" }, select: { referrerId: true } })).toEqual([{ referrerId: p.referrer.id }]);
  });
});
