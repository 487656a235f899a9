// The dashboard's totals (DailyStat and the referrers' counters) against the
// rows they count: after a mixed run of the real pipeline (codes and links with
// share channels, duplicate deliveries, holds, rewards, a cancellation with its
// revocation, refunds delivered twice, a merchant rejection, clicks and shares, a
// customer's erasure, racing reversals), in a non-UTC time zone, on both databases.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { dashboardData } from "~/admin/dashboard.server";
import { parseDateRange } from "~/admin/date-range";
import { rejectReferrals } from "~/referrals/referral-decisions.server";
import { countedTransaction, rebuildDailyStats, setShopTimezone, shopTimezone } from "~/referrals/daily-stats.server";
import { localDay } from "~/referrals/local-day";
import { Decimal } from "~/referrals/money";
import { programTimezone } from "~/referrals/programs.server";
import { redactCustomer, redactShop } from "~/referrals/privacy.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import { applyRefunds, reverseReferral } from "~/referrals/reversal.server";
import { LIVE_REFERRAL_STATUSES } from "~/referrals/statuses";
import { recordClick, recordShare } from "~/storefront/link-events.server";
import { orderCancelledPayload, orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { testAdminClient, testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";

const pipeline = usePipeline();
type Shop = Awaited<ReturnType<typeof pipeline.setupShop>>;

let nextId = 8_200_000_000_000 + Math.floor(Math.random() * 1e9);
const newId = () => ++nextId;
const money = (d: Decimal | string | number) => new Decimal(d).toFixed(2);

async function sendOrder(p: Shop, o: { code?: string; attributes?: Record<string, string>; landingSite?: string; email?: string; subtotal?: string }) {
  const orderId = newId();
  const subtotal = o.subtotal ?? "100.00";
  const payload = orderPaidPayload({
    orderId,
    customerId: newId(),
    email: o.email ?? `friend${orderId}@example.com`,
    discountCodes: o.code ? [o.code] : [],
    noteAttributes: Object.entries(o.attributes ?? {}).map(([name, value]) => ({ name, value })),
    landingSite: o.landingSite ?? null,
    subtotal,
    total: subtotal,
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  await p.send("orders/paid", payload);
  return { orderId, gid: orderGid(orderId), payload, subtotal };
}

type Figures = Record<string, string>;

/** The maintained totals, one line per (day, channel) with anything in it. */
async function maintained(shop: string) {
  const rows = await db.dailyStat.findMany({ where: { shop } });
  const days: Figures = {};
  for (const r of rows) {
    const line = [r.referrers, r.clicks, r.shares, r.orders, money(r.revenue), r.rewarded, r.rewards, money(r.rewardsFixed), money(r.rewardsPercent)].join(" ");
    if (line !== "0 0 0 0 0.00 0 0 0.00 0.00") days[`${r.day}|${r.channel}`] = line;
  }
  const referrers: Figures = {};
  for (const r of await db.referrer.findMany({ where: { shop } })) referrers[r.id] = `${r.referralCount} ${money(r.referredRevenue)}`;
  return { days, referrers };
}

/** The same figures computed from the rows themselves, in JavaScript. */
async function fromRows(shop: string) {
  const zone = await shopTimezone(db, shop);
  const [referrers, referrals, rewards, events] = await Promise.all([
    db.referrer.findMany({ where: { shop } }),
    db.referral.findMany({ where: { shop } }),
    db.reward.findMany({ where: { shop } }),
    db.linkEvent.findMany({ where: { shop } }),
  ]);
  const sums = new Map<string, { n: number[]; m: Decimal[] }>();
  const at = (date: Date, channel: string | null) => {
    const key = `${localDay(date, zone)}|${channel ?? ""}`;
    if (!sums.has(key)) sums.set(key, { n: [0, 0, 0, 0, 0, 0], m: [new Decimal(0), new Decimal(0), new Decimal(0)] });
    return sums.get(key)!;
  };
  for (const r of referrers) at(r.createdAt, null).n[0]++;
  for (const e of events) at(e.createdAt, e.channel).n[e.type === "CLICK" ? 1 : 2]++;
  const counters: Figures = Object.fromEntries(referrers.map((r) => [r.id, "0 0.00"]));
  const perReferrer = new Map<string, { n: number; revenue: Decimal }>();
  for (const f of referrals.filter((f) => LIVE_REFERRAL_STATUSES.includes(f.status))) {
    const s = at(f.createdAt, f.channel);
    const amount = f.totalAmount.minus(f.refundedAmount);
    s.n[3]++;
    s.m[0] = s.m[0].plus(amount);
    if (f.status === "REWARDED") s.n[4]++;
    const c = perReferrer.get(f.referrerId) ?? { n: 0, revenue: new Decimal(0) };
    perReferrer.set(f.referrerId, { n: c.n + 1, revenue: c.revenue.plus(amount) });
  }
  for (const [id, c] of perReferrer) counters[id] = `${c.n} ${money(c.revenue)}`;
  for (const w of rewards.filter((w) => w.status === "ISSUED" || w.status === "PAID")) {
    const s = at(w.createdAt, null);
    s.n[5]++;
    const i = w.valueType === "PERCENTAGE" ? 2 : 1;
    s.m[i] = s.m[i].plus(w.value);
  }
  const days: Figures = {};
  for (const [key, { n, m }] of sums) {
    const line = [n[0], n[1], n[2], n[3], money(m[0]), n[4], n[5], money(m[1]), money(m[2])].join(" ");
    if (line !== "0 0 0 0 0.00 0 0 0.00 0.00") days[key] = line;
  }
  return { days, referrers: counters, referrals, events };
}

function ctxFor(shop: string) {
  return { db, shop, cause: "test", now: () => new Date(testClock.now()), admin: () => testAdminClient(shop) };
}

describe("dashboard totals", () => {
  it("equal the rows after a mixed pipeline run, in the shop's time zone, and a rebuild gives the same", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    expect(await setShopTimezone(db, p.shop, "Asia/Kolkata")).toBe(true);
    const now = () => new Date(testClock.now());
    const sam = (await enrolReferrer(db, { shop: p.shop, email: "sam@example.com", firstName: "Sam", source: "GUEST", cause: "test", now: now() })).referrer;
    await p.drain();

    const typed = await sendOrder(p, { code: p.referrer.code, subtotal: "80.00" });
    const byAttribute = await sendOrder(p, { attributes: { _referral_code: sam.code, _referral_channel: "WhatsApp" }, subtotal: "120.00" });
    await p.send("orders/paid", byAttribute.payload); // the same order delivered again
    const byLanding = await sendOrder(p, { landingSite: `/products/tea?ref=${p.referrer.code}&ch=email`, subtotal: "60.00" });
    const refunded = await sendOrder(p, { attributes: { _referral_code: p.referrer.code, _referral_channel: "whatsapp" }, subtotal: "100.00" });
    const cancelledEarly = await sendOrder(p, { code: sam.code, subtotal: "70.00" });
    await sendOrder(p, { code: p.referrer.code, email: "rita@example.com" }); // self-referral: rejected, never counted
    await p.drain();
    await p.send("orders/cancelled", orderCancelledPayload({ orderId: cancelledEarly.orderId, discountCodes: [sam.code], subtotal: "70.00", total: "70.00", currency: "USD" }));
    await p.drain();

    p.advance(31 * DAY);
    await p.drain(); // held referrals approved, rewards issued
    expect((await p.referral(byAttribute.gid))?.status).toBe("REWARDED");

    // A rewarded referral cancelled: reversed, its reward clawed back.
    await p.send("orders/cancelled", orderCancelledPayload({ orderId: byAttribute.orderId, subtotal: "120.00", total: "120.00", currency: "USD" }));
    // A partial refund, delivered twice.
    const refund = refundCreatePayload({ orderId: refunded.orderId, refundId: newId(), amount: "30.00", currency: "USD" });
    await p.send("refunds/create", refund);
    await p.send("refunds/create", refund);
    await p.drain();
    expect((await p.referral(refunded.gid))?.refundedAmount.toString()).toBe("30");
    expect((await p.referral(byAttribute.gid))?.reward?.status).toBe("REVOKED");

    // Still on hold, then rejected by the merchant.
    const onHold = await sendOrder(p, { code: sam.code, subtotal: "90.00" });
    await p.drain();
    const held = await p.referral(onHold.gid);
    expect(await rejectReferrals({ db, shop: p.shop, ids: [held!.id], cause: "test", reason: "Fraud" })).toEqual({ rejected: 1, skipped: 0 });
    expect(await db.referralEvent.findMany({ where: { shop: p.shop, type: "referral.rejected", referralId: held!.id }, select: { data: true } })).toEqual([{ data: expect.stringContaining('"reason":"Fraud"') }]);

    for (const channel of ["whatsapp", "whatsapp", "whatsapp", "email", "x"]) await recordClick(db, { shop: p.shop, code: p.referrer.code, channel });
    await recordShare(db, { shop: p.shop, customerId: p.referrerCustomer.id, code: null, channel: "whatsapp" });
    await recordShare(db, { shop: p.shop, customerId: null, code: sam.code, channel: "email" });

    // The customer's erasure keeps every count.
    await redactCustomer(db, { shop: p.shop, email: "sam@example.com", cause: "test", now: now() });
    await p.drain();

    const rows = await fromRows(p.shop);
    const totals = await maintained(p.shop);
    expect(totals.days).toEqual(rows.days);
    expect(totals.referrers).toEqual(rows.referrers);
    // Channels came through the webhook: the cart attribute, then the landing page.
    expect((await p.referral(byAttribute.gid))?.channel).toBe("whatsapp");
    expect((await p.referral(byLanding.gid))?.channel).toBe("email");
    expect((await p.referral(typed.gid))?.channel).toBeNull();
    // Days are Kolkata days.
    const kolkataToday = localDay(new Date(), "Asia/Kolkata");
    expect(Object.keys(totals.days).some((key) => key.startsWith(kolkataToday))).toBe(true);

    await rebuildDailyStats(db, p.shop);
    expect(await maintained(p.shop)).toEqual(totals);

    // The dashboard's figures from the totals, against the same figures counted from the rows.
    const range = parseDateRange(new URLSearchParams(), new Date(), "Asia/Kolkata");
    const data = await dashboardData(db, p.shop, range);
    const live = rows.referrals.filter((f) => LIVE_REFERRAL_STATUSES.includes(f.status));
    const revenue = live.reduce((sum, f) => sum.plus(f.totalAmount).minus(f.refundedAmount), new Decimal(0));
    expect(data).toMatchObject({
      timezone: "Asia/Kolkata",
      referrers: 2,
      orders: live.length,
      rewarded: rows.referrals.filter((f) => f.status === "REWARDED").length,
      revenue: money(revenue),
      clicks: rows.events.filter((e) => e.type === "CLICK").length,
    });
    // typed 80 + landing 60 + refunded (100 - 30): three live orders, all rewarded.
    expect(data).toMatchObject({ orders: 3, rewarded: 3, revenue: "210.00", rewardsIssued: 3 });
    const whatsapp = data.channels.find((c) => c.channel === "whatsapp");
    expect(whatsapp).toEqual({ channel: "whatsapp", shares: 1, clicks: 3, orders: 1, revenue: "70.00", conversion: 1 / 3 });
    expect(data.channels.find((c) => c.channel === "email")).toEqual({ channel: "email", shares: 1, clicks: 1, orders: 1, revenue: "60.00", conversion: 1 });
    expect(data.channels.find((c) => c.channel === "")).toMatchObject({ orders: 1, revenue: "80.00", clicks: 0 });
    expect(data.topReferrers[0]).toMatchObject({ id: p.referrer.id, orders: 3, revenue: "210.00" });
  });

  it("count once when reversals and refunds of one referral race", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    const orders = [];
    for (let i = 0; i < 3; i++) orders.push(await sendOrder(p, { attributes: { _referral_code: p.referrer.code, _referral_channel: "sms" } }));
    await p.drain();
    p.advance(31 * DAY);
    await p.drain();
    const ctx = ctxFor(p.shop);
    const [a, b, c] = await Promise.all(orders.map((o) => p.referral(o.gid)));
    await db.orderRefund.create({ data: { shop: p.shop, orderId: b!.orderId, refundId: `gid://shopify/Refund/${newId()}`, amount: "40", currencyCode: "USD" } });
    await Promise.all([
      reverseReferral(ctx, a!.id, "race 1"),
      reverseReferral(ctx, a!.id, "race 2"),
      reverseReferral(ctx, a!.id, "race 3"),
      applyRefunds(ctx, b!.id),
      applyRefunds(ctx, b!.id),
      applyRefunds(ctx, c!.id),
      reverseReferral(ctx, c!.id, "race 4"),
    ]);
    const rows = await fromRows(p.shop);
    expect((await maintained(p.shop)).days).toEqual(rows.days);
    expect((await maintained(p.shop)).referrers).toEqual(rows.referrers);
    expect(rows.days[`${localDay(b!.createdAt, await shopTimezone(db, p.shop))}|sms`]).toBe("0 0 0 1 60.00 1 0 0.00 0.00");
  });

  it("move to the shop's local days when its time zone is learned from Shopify or changes", async () => {
    const p = await pipeline.setupShop();
    // The fake shop says America/New_York; the program was saved with it.
    expect(await shopTimezone(db, p.shop)).toBe("America/New_York");
    // A program from before time zones were recorded learns it on the dashboard's first load.
    await db.program.update({ where: { shop: p.shop }, data: { timezone: null } });
    await db.dailyStat.deleteMany({ where: { shop: p.shop } });
    const admin = await testAdminClient(p.shop);
    expect(await programTimezone({ db, admin, shop: p.shop })).toBe("America/New_York");
    expect((await db.dailyStat.findMany({ where: { shop: p.shop } })).length).toBeGreaterThan(0);

    // Clicks either side of midnight in Kolkata (UTC+5:30) and in New York on the day DST starts.
    const clickAt = async (iso: string, channel: string) =>
      countedTransaction(db, p.shop, async (tx, changes) => {
        const e = await tx.linkEvent.create({ data: { shop: p.shop, referrerId: p.referrer.id, type: "CLICK", channel, createdAt: new Date(iso) } });
        changes.add({ at: e.createdAt, channel: e.channel, clicks: 1 });
      });
    await clickAt("2025-03-09T04:59:00Z", "ny"); // 23:59 on the 8th in New York (EST)
    await clickAt("2025-03-09T05:00:00Z", "ny"); // 00:00 on the 9th
    await clickAt("2025-03-10T03:59:00Z", "ny"); // 23:59 on the 9th (EDT: the day had 23 hours)
    await clickAt("2025-03-10T04:00:00Z", "ny"); // 00:00 on the 10th
    const clicksOn = async (day: string) => (await db.dailyStat.findMany({ where: { shop: p.shop, day, channel: "ny" } })).reduce((n, r) => n + r.clicks, 0);
    expect([await clicksOn("2025-03-08"), await clicksOn("2025-03-09"), await clicksOn("2025-03-10")]).toEqual([1, 2, 1]);
    const dstDay = parseDateRange(new URLSearchParams("from=2025-03-09&to=2025-03-09"), new Date(), "America/New_York");
    expect(dstDay.to.getTime() - dstDay.from.getTime()).toBe(23 * 3_600_000);
    expect((await dashboardData(db, p.shop, dstDay)).clicks).toBe(2);

    expect(await setShopTimezone(db, p.shop, "Asia/Kolkata")).toBe(true);
    expect(await setShopTimezone(db, p.shop, "Asia/Kolkata")).toBe(false);
    // 04:59Z and 05:00Z on the 9th are 10:29 and 10:30 in Kolkata; 03:59Z and 04:00Z on the 10th are 09:29 and 09:30.
    expect([await clicksOn("2025-03-08"), await clicksOn("2025-03-09"), await clicksOn("2025-03-10")]).toEqual([0, 2, 2]);
    const rows = await fromRows(p.shop);
    expect((await maintained(p.shop)).days).toEqual(rows.days);
    const kolkata = parseDateRange(new URLSearchParams("from=2025-03-09&to=2025-03-09"), new Date(), "Asia/Kolkata");
    expect(kolkata.from.toISOString()).toBe("2025-03-08T18:30:00.000Z");
    expect((await dashboardData(db, p.shop, kolkata)).clicks).toBe(2);

    await expect(setShopTimezone(db, p.shop, "Mars/Olympus_Mons")).rejects.toThrow(/not an IANA time zone/);
  });

  it("go with the shop when it is erased", async () => {
    const p = await pipeline.setupShop();
    await recordClick(db, { shop: p.shop, code: p.referrer.code, channel: "x" });
    expect(await db.dailyStat.count({ where: { shop: p.shop } })).toBeGreaterThan(0);
    const summary = await redactShop(db, { shop: p.shop });
    expect(summary.dailyStats).toBeGreaterThan(0);
    expect(await db.dailyStat.count({ where: { shop: p.shop } })).toBe(0);
  });
});
