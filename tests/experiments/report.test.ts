// The experiment report (app/experiments/report.server.ts), figure by figure,
// on both databases: referrers enrolled by the app, clicks and shares counted
// by the storefront's own functions plus link counts as rows, referrals and
// rewards as rows of every status (the live and issued ones count, the rest
// not), rows of the program's own referrers and of another experiment and
// another shop beside them.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { experimentReport, PLANNED_LIFT, PLANNED_POWER } from "~/experiments/report.server";
import { compareVariants, sampleSizePerVariant } from "~/experiments/stats";
import { enrolReferrer } from "~/referrals/referrers.server";
import { recordClick, recordShare } from "~/storefront/link-events.server";
import { uniqueShop } from "../helpers/shops";

const DAY = 86_400_000;
const NOW = new Date("2026-03-01T12:00:00.000Z");

let orderNumber = 0;

async function programShop(currencyCode = "USD") {
  const shop = uniqueShop("experiment");
  await db.program.create({ data: { shop, currencyCode } });
  return shop;
}

async function enrol(shop: string, name: string) {
  const { referrer } = await enrolReferrer(db, { shop, email: `${name}@example.com`, firstName: name, source: "STOREFRONT", cause: "test", now: NOW });
  return referrer;
}

async function experiment(shop: string, names: string[], o: { startedAt?: Date; status?: string; endedAt?: Date; winner?: number } = {}) {
  const created = await db.experiment.create({
    data: {
      shop,
      name: `Offer test ${names.join(" / ")}`,
      status: o.status ?? "RUNNING",
      runningShop: (o.status ?? "RUNNING") === "RUNNING" ? shop : null,
      startedAt: o.startedAt ?? new Date(NOW.getTime() - 10 * DAY),
      endedAt: o.endedAt ?? null,
      createdBy: "merchant:42",
      variants: {
        create: names.map((name, position) => ({
          shop,
          position,
          name,
          friendOfferKind: "PERCENTAGE",
          friendOfferValue: 10 + 5 * position,
          rewardKind: position === 1 ? "CASH" : "CODE_PERCENTAGE",
          rewardValue: position === 1 ? "5.00" : 10,
        })),
      },
    },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  if (o.winner !== undefined) {
    await db.experiment.update({ where: { id: created.id }, data: { winnerVariantId: created.variants[o.winner].id } });
  }
  return created;
}

/** Enrolled by the app, then placed in a variant (assignment is the enrolment's job, not the report's). */
async function referrerIn(shop: string, name: string, variantId: string | null) {
  const referrer = await enrol(shop, name);
  await db.referrer.update({ where: { id: referrer.id }, data: { variantId } });
  return referrer;
}

/** Link counts kept on the referrer, as the app keeps them per event (the bulk of the clicks, as rows). */
async function addLinkCounts(id: string, clicks: number, shares = 0) {
  await db.referrer.update({ where: { id }, data: { clickCount: { increment: clicks }, shareCount: { increment: shares } } });
}

async function referrals(
  shop: string,
  referrerId: string,
  variantId: string | null,
  count: number,
  o: { total: string; refunded?: string; status?: string | ((i: number) => string) },
) {
  const statuses = ["PENDING", "APPROVED", "REWARDED"];
  await db.referral.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      shop,
      referrerId,
      variantId,
      orderId: `gid://shopify/Order/${++orderNumber}`,
      attributedBy: "CODE",
      subtotalAmount: o.total,
      totalAmount: o.total,
      refundedAmount: o.refunded ?? "0",
      currencyCode: "USD",
      status: typeof o.status === "function" ? o.status(i) : (o.status ?? statuses[i % 3]),
    })),
  });
}

async function rewards(shop: string, referrerId: string, variantId: string | null, count: number, o: { kind: string; valueType: string; value: string; status: string }) {
  await db.reward.createMany({
    data: Array.from({ length: count }, () => ({ shop, referrerId, variantId, kind: o.kind, valueType: o.valueType, value: o.value, currencyCode: "USD", status: o.status })),
  });
}

describe("experiment report", () => {
  it("counts each variant's referrers, shares, clicks, live orders, revenue, reward cost and return exactly, with the verdicts and the clicks still needed", async () => {
    const shop = await programShop();
    const [a1, a2, b1, b2, b3, c1, own, old] = await Promise.all(["ana", "ari", "ben", "bo", "bea", "cy", "own", "old"].map((n) => enrol(shop, n)));
    const e = await experiment(shop, ["Control", "Cash fee", "Bigger offer"]);
    const [A, B, C] = e.variants;
    const previous = await experiment(shop, ["Old control", "Old variant"], { status: "ENDED", endedAt: new Date(NOW.getTime() - 20 * DAY), startedAt: new Date(NOW.getTime() - 60 * DAY) });
    for (const [r, v] of [[a1, A], [a2, A], [b1, B], [b2, B], [b3, B], [c1, C], [old, previous.variants[1]]] as const) {
      await db.referrer.update({ where: { id: r.id }, data: { variantId: v.id } });
    }

    // Clicks and shares through the storefront's functions, the rest as counts.
    await recordClick(db, { shop, code: a1.code, channel: "whatsapp" });
    await recordClick(db, { shop, code: a1.code, channel: "email" });
    await recordClick(db, { shop, code: b1.code, channel: "direct" });
    await recordShare(db, { shop, customerId: null, code: a2.code, channel: "copy" });
    await addLinkCounts(a1.id, 2_398, 4);
    await addLinkCounts(a2.id, 1_600, 5);
    await addLinkCounts(b1.id, 1_999, 2);
    await addLinkCounts(b2.id, 1_000);
    await addLinkCounts(b3.id, 1_000, 1);
    await addLinkCounts(c1.id, 4_000, 7);
    await addLinkCounts(own.id, 9_000, 9);
    await addLinkCounts(old.id, 3_000, 3);

    // A: 200 live orders of 40.00, 10 refunded 5.00 (7,950.00); reversed and rejected ones do not count.
    await referrals(shop, a1.id, A.id, 190, { total: "40.00" });
    await referrals(shop, a2.id, A.id, 10, { total: "40.00", refunded: "5.00" });
    await referrals(shop, a1.id, A.id, 5, { total: "40.00", refunded: "40.00", status: "REVERSED" });
    await referrals(shop, a2.id, A.id, 3, { total: "40.00", status: "REJECTED" });
    // B: 320 of 25.50 (8,160.00). C: 100 of 60.00, one refunded 12.34 (5,987.66).
    await referrals(shop, b1.id, B.id, 200, { total: "25.50" });
    await referrals(shop, b2.id, B.id, 120, { total: "25.50" });
    await referrals(shop, c1.id, C.id, 99, { total: "60.00" });
    await referrals(shop, c1.id, C.id, 1, { total: "60.00", refunded: "12.34", status: "PENDING" });
    // The program's own referrer, and the ended experiment's: not in this one.
    await referrals(shop, own.id, null, 7, { total: "99.00" });
    await referrals(shop, old.id, previous.variants[1].id, 4, { total: "99.00" });

    // A: four 10% codes issued (costed at A's average order, 39.75: 15.90); pending, revoked, cancelled ones cost nothing.
    await rewards(shop, a1.id, A.id, 4, { kind: "CODE", valueType: "PERCENTAGE", value: "10", status: "ISSUED" });
    for (const status of ["PENDING", "REVOKED", "CANCELLED", "FAILED"]) await rewards(shop, a1.id, A.id, 1, { kind: "CODE", valueType: "PERCENTAGE", value: "10", status });
    // B: ten 5.00 cash fees (six paid, four approved) and a 7.50 store credit: 57.50.
    await rewards(shop, b1.id, B.id, 6, { kind: "CASH", valueType: "FIXED_AMOUNT", value: "5.00", status: "PAID" });
    await rewards(shop, b2.id, B.id, 4, { kind: "CASH", valueType: "FIXED_AMOUNT", value: "5.00", status: "ISSUED" });
    await rewards(shop, b3.id, B.id, 1, { kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: "7.50", status: "ISSUED" });
    await rewards(shop, b3.id, B.id, 1, { kind: "CASH", valueType: "FIXED_AMOUNT", value: "5.00", status: "PENDING" });
    await rewards(shop, own.id, null, 3, { kind: "CASH", valueType: "FIXED_AMOUNT", value: "5.00", status: "ISSUED" });
    await rewards(shop, old.id, previous.variants[1].id, 2, { kind: "CASH", valueType: "FIXED_AMOUNT", value: "5.00", status: "ISSUED" });

    // Another shop's experiment with rows of its own: neither seen nor shown.
    const other = await programShop();
    const otherReferrer = await enrol(other, "zed");
    const otherExperiment = await experiment(other, ["X", "Y"]);
    await db.referrer.update({ where: { id: otherReferrer.id }, data: { variantId: A.id, clickCount: 500 } });
    await referrals(other, otherReferrer.id, A.id, 50, { total: "10.00" });
    await rewards(other, otherReferrer.id, A.id, 5, { kind: "CASH", valueType: "FIXED_AMOUNT", value: "1.00", status: "ISSUED" });

    const report = (await experimentReport(db, shop, e.id, NOW))!;
    expect(report.experiment).toEqual({ id: e.id, name: e.name, status: "RUNNING", alpha: 0.05, startedAt: e.startedAt, endedAt: null, winnerVariantId: null });
    expect(report.currencyCode).toBe("USD");
    const figures = report.variants.map(({ difference: _d, lift: _l, pValue: _p, verdict: _v, ...rest }) => rest);
    const clicksPerVariant = sampleSizePerVariant({ baselineRate: 0.05, relativeLift: 0.2, power: 0.8, alpha: 0.05, variants: 3 });
    expect(figures).toEqual([
      {
        id: A.id, position: 0, name: "Control", control: true, friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10",
        referrers: 2, shares: 10, clicks: 4_000, orders: 200, conversion: 0.05, revenue: "7950.00", revenuePerReferrer: "3975.00",
        rewardsIssued: 4, rewardCost: "15.90", percentCostBasis: "39.75", roi: 500, clicksToGo: clicksPerVariant - 4_000,
      },
      {
        id: B.id, position: 1, name: "Cash fee", control: false, friendOfferKind: "PERCENTAGE", friendOfferValue: "15", rewardKind: "CASH", rewardValue: "5",
        referrers: 3, shares: 3, clicks: 4_000, orders: 320, conversion: 0.08, revenue: "8160.00", revenuePerReferrer: "2720.00",
        rewardsIssued: 11, rewardCost: "57.50", percentCostBasis: null, roi: 8160 / 57.5, clicksToGo: clicksPerVariant - 4_000,
      },
      {
        id: C.id, position: 2, name: "Bigger offer", control: false, friendOfferKind: "PERCENTAGE", friendOfferValue: "20", rewardKind: "CODE_PERCENTAGE", rewardValue: "10",
        referrers: 1, shares: 7, clicks: 4_000, orders: 100, conversion: 0.025, revenue: "5987.66", revenuePerReferrer: "5987.66",
        rewardsIssued: 0, rewardCost: "0.00", percentCostBasis: null, roi: null, clicksToGo: clicksPerVariant - 4_000,
      },
    ]);

    // The verdicts are the statistics' own on these counts: B converts better, C worse, beyond chance.
    const expected = compareVariants([{ clicks: 4_000, conversions: 200 }, { clicks: 4_000, conversions: 320 }, { clicks: 4_000, conversions: 100 }], { alpha: 0.05 });
    expect(report.variants.map(({ verdict, difference, lift, pValue }) => ({ verdict, difference, lift, pValue }))).toEqual(
      expected.map(({ verdict, difference, lift, pValue }) => ({ verdict, difference, lift, pValue })),
    );
    expect(report.variants.map((v) => v.verdict)).toEqual(["CONTROL", "WINNER", "LOSER"]);
    expect(report.variants[1].lift!.estimate).toBeCloseTo(0.6, 12);
    expect(report.variants[1].lift!.low).toBeGreaterThan(0);

    // 10 days at 400 clicks a day per variant: the rest of the clicks needed for a 20% lift at 80% power.
    expect(report.progress).toEqual({
      relativeLift: PLANNED_LIFT,
      power: PLANNED_POWER,
      baselineRate: 0.05,
      clicksPerVariant,
      clicksToGo: clicksPerVariant - 4_000,
      daysRunning: 10,
      daysToGo: Math.ceil((clicksPerVariant - 4_000) / 400),
    });
    expect(clicksPerVariant).toBeGreaterThan(4_000);

    // Another shop's experiment id is unknown here, and that shop's report has only its own rows.
    expect(await experimentReport(db, shop, otherExperiment.id, NOW)).toBeNull();
    expect(await experimentReport(db, other, e.id, NOW)).toBeNull();
    expect(await experimentReport(db, shop, "no-such-experiment", NOW)).toBeNull();
    const theirs = (await experimentReport(db, other, otherExperiment.id, NOW))!;
    expect(theirs.variants.map((v) => [v.referrers, v.clicks, v.orders, v.revenue])).toEqual([
      [0, 0, 0, "0.00"],
      [0, 0, 0, "0.00"],
    ]);
    // The ended experiment keeps its own figures.
    const before = (await experimentReport(db, shop, previous.id, NOW))!;
    expect(before.variants.map((v) => [v.referrers, v.clicks, v.orders, v.revenue, v.rewardCost])).toEqual([
      [0, 0, 0, "0.00", "0.00"],
      [1, 3_000, 4, "396.00", "10.00"],
    ]);
  });

  it("says there is not enough data yet, in the shop's currency, without dividing by nothing", async () => {
    const shop = await programShop("JPY");
    const e = await experiment(shop, ["Control", "Variant"], { startedAt: new Date(NOW.getTime() - 2 * DAY) });
    const [A, B] = e.variants;
    const a = await referrerIn(shop, "ana", A.id);
    await addLinkCounts(a.id, 40);
    await referrals(shop, a.id, A.id, 3, { total: "1500" });
    await rewards(shop, a.id, A.id, 1, { kind: "CODE", valueType: "PERCENTAGE", value: "10", status: "ISSUED" });
    // B's only referrer has orders from a typed code and no click seen yet: each order is its own visit.
    const b = await referrerIn(shop, "ben", B.id);
    await referrals(shop, b.id, B.id, 2, { total: "999" });
    const report = (await experimentReport(db, shop, e.id, NOW))!;
    expect(report.currencyCode).toBe("JPY");
    expect(report.variants.map((v) => ({ verdict: v.verdict, conversion: v.conversion, revenue: v.revenue, cost: v.rewardCost, roi: v.roi, basis: v.percentCostBasis, toGo: v.clicksToGo }))).toEqual([
      { verdict: "CONTROL", conversion: 3 / 40, revenue: "4500", cost: "150", roi: 30, basis: "1500", toGo: null },
      { verdict: "NOT_ENOUGH_DATA", conversion: null, revenue: "1998", cost: "0", roi: null, basis: null, toGo: null },
    ]);
    expect(report.variants[1]).toMatchObject({ difference: null, lift: null, pValue: null, revenuePerReferrer: "1998" });
    // The control's rate is not known from 40 clicks: no sample size is claimed yet.
    expect(report.progress).toMatchObject({ baselineRate: null, clicksPerVariant: null, clicksToGo: null, daysRunning: 2, daysToGo: null });

    // A variant nobody joined yet.
    const empty = await experiment(await programShop(), ["Control", "Variant"]);
    const blank = (await experimentReport(db, empty.shop, empty.id, NOW))!;
    expect(blank.variants.map((v) => [v.verdict, v.referrers, v.clicks, v.conversion, v.revenuePerReferrer, v.roi])).toEqual([
      ["CONTROL", 0, 0, null, null, null],
      ["NOT_ENOUGH_DATA", 0, 0, null, null, null],
    ]);
  });

  it("reports an ended experiment up to its end, with its winner and no days to go", async () => {
    const shop = await programShop();
    const e = await experiment(shop, ["Control", "Variant"], {
      status: "ENDED",
      startedAt: new Date(NOW.getTime() - 30 * DAY),
      endedAt: new Date(NOW.getTime() - 9 * DAY),
      winner: 1,
    });
    const [A, B] = e.variants;
    const a = await referrerIn(shop, "ana", A.id);
    const b = await referrerIn(shop, "ben", B.id);
    await addLinkCounts(a.id, 1_000);
    await addLinkCounts(b.id, 1_000);
    await referrals(shop, a.id, A.id, 30, { total: "10.00" });
    await referrals(shop, b.id, B.id, 36, { total: "10.00" });
    const report = (await experimentReport(db, shop, e.id, NOW))!;
    expect(report.experiment).toMatchObject({ status: "ENDED", endedAt: e.endedAt, winnerVariantId: B.id });
    expect(report.variants[1].verdict).toBe("NO_DIFFERENCE_YET");
    const clicksPerVariant = sampleSizePerVariant({ baselineRate: 0.03, variants: 2 });
    expect(report.progress).toEqual({
      relativeLift: 0.2,
      power: 0.8,
      baselineRate: 0.03,
      clicksPerVariant,
      clicksToGo: clicksPerVariant - 1_000,
      daysRunning: 21,
      daysToGo: null,
    });
  });
});
