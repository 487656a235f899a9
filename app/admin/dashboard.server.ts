// The dashboard's figures for one shop and date range, read from the shop's
// per-day totals (DailyStat: at most a row per day and share channel, kept by
// app/referrals/daily-stats.server.ts) and the referrers' own counters, so the
// page costs the same at 1,000 referrals as at 1,000,000.
import type { Db } from "~/db.server";
import { NO_CHANNEL } from "~/referrals/daily-stats.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { LIVE_REFERRAL_STATUSES, RewardStatus } from "~/referrals/statuses";
import { PARTNER_FEE_SOURCE, ReferrerKind } from "~/partners/kinds";
import { daysOf, type DateRange } from "./date-range";

export interface ChannelFigures {
  channel: string;
  shares: number;
  clicks: number;
  /** Live referred orders that came by a link of this channel, and their revenue. */
  orders: number;
  revenue: string;
  /** orders / clicks (null without clicks). */
  conversion: number | null;
}

export interface DashboardData {
  currencyCode: string;
  timezone: string;
  referrers: number;
  /** Shares the app saw (copy and share buttons): a lower bound of the real number. */
  shares: number;
  clicks: number;
  orders: number;
  /** Referred orders that came by a referral link (the rest had a typed code). */
  linkOrders: number;
  rewarded: number;
  revenue: string;
  rewardsIssued: number;
  rewardsCost: string;
  /** Average referred order, at which percentage reward codes are costed. */
  percentCostBasis: string | null;
  roi: number | null;
  series: { day: string; orders: number; clicks: number; revenue: string }[];
  /** Share channels, and (channel "") the orders no link brought: codes typed at checkout. */
  channels: ChannelFigures[];
  /**
   * The referral loop in the range: referred friends who joined as referrers
   * themselves (from their order's thank-you page or their account page), and
   * the live referrals those new referrers brought.
   */
  loop: { referrers: number; referrals: number };
  /** All time, by live referrals; customer referrers only (partners have their own figures). */
  topReferrers: { id: string; name: string; code: string; orders: number; revenue: string }[];
  /** Partners apart (null: the shop has none): their live referred orders in the range, and the fees decided in it. */
  partners: PartnerFigures | null;
}

export interface PartnerFigures {
  /** Partners under an approved agreement now. */
  approved: number;
  /** Partners with a live referred order in the range. */
  active: number;
  orders: number;
  revenue: string;
  /** Partner fees decided in the range, owed or paid. */
  fees: string;
}

/** Below this many loop referrers, their referrals are counted by their ids (an index range each). */
const LOOP_IDS_AT_MOST = 500;

/**
 * The live referrals in the range brought by referrers who were referred
 * friends themselves. Such referrers are usually few: their referrals are
 * counted through (shop, referrerId, createdAt) instead of joining every
 * referral of the range to its referrer (at 100,000 referrals on SQLite, most
 * of the dashboard's time); a shop with many of them is counted by the join.
 */
async function loopReferralCount(db: Db, shop: string, inRange: { gte: Date; lt: Date }) {
  const live = { shop, test: false, status: { in: LIVE_REFERRAL_STATUSES }, createdAt: inRange };
  const loopReferrers = await db.referrer.findMany({ where: { shop, referredByOrderId: { not: null } }, select: { id: true }, take: LOOP_IDS_AT_MOST + 1 });
  if (loopReferrers.length === 0) return 0;
  if (loopReferrers.length > LOOP_IDS_AT_MOST) return db.referral.count({ where: { ...live, referrer: { referredByOrderId: { not: null } } } });
  return db.referral.count({ where: { ...live, referrerId: { in: loopReferrers.map((r) => r.id) } } });
}

const EARNED_FEE_STATUSES = [RewardStatus.PENDING, RewardStatus.ISSUING, RewardStatus.ISSUED, RewardStatus.PAID];

/**
 * The partners' figures. Partners are few: their referrer rows are read by
 * Referrer's (shop, kind) index, and their referrals in the range by
 * (shop, referrerId, createdAt), one index range each.
 */
async function partnerFigures(db: Db, shop: string, inRange: { gte: Date; lt: Date }) {
  const partners = await db.referrer.findMany({ where: { shop, kind: ReferrerKind.PARTNER }, select: { id: true, partner: { select: { status: true } } } });
  if (partners.length === 0) return null;
  const [referred, fees] = await Promise.all([
    db.referral.groupBy({
      by: ["referrerId"],
      where: { shop, referrerId: { in: partners.map((p) => p.id) }, test: false, status: { in: LIVE_REFERRAL_STATUSES }, createdAt: inRange },
      _count: { _all: true },
      _sum: { totalAmount: true, refundedAmount: true },
    }),
    db.reward.aggregate({ where: { shop, source: PARTNER_FEE_SOURCE, status: { in: EARNED_FEE_STATUSES }, createdAt: inRange }, _sum: { value: true } }),
  ]);
  const revenue = referred.reduce((sum, r) => sum.plus(toDecimal(r._sum.totalAmount).minus(toDecimal(r._sum.refundedAmount))), new Decimal(0));
  return {
    approved: partners.filter((p) => p.partner?.status === "APPROVED").length,
    active: referred.length,
    orders: referred.reduce((n, r) => n + r._count._all, 0),
    revenue,
    fees: toDecimal(fees._sum.value),
  };
}

export async function dashboardData(db: Db, shop: string, range: DateRange): Promise<DashboardData> {
  const inRange = { gte: range.from, lt: range.to };
  const fromFriends = { referredByOrderId: { not: null } };
  const [program, stats, top, loopReferrers, loopReferrals, partners] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
    db.dailyStat.findMany({ where: { shop, day: { gte: range.fromDay, lte: range.toDay } } }),
    db.referrer.findMany({
      // Partners bring many orders each: among customers they would fill the list.
      where: { shop, referralCount: { gt: 0 }, kind: { not: ReferrerKind.PARTNER } },
      orderBy: [{ referralCount: "desc" }, { referredRevenue: "desc" }, { id: "asc" }],
      take: 5,
      select: { id: true, firstName: true, lastName: true, email: true, code: true, referralCount: true, referredRevenue: true },
    }),
    db.referrer.count({ where: { shop, ...fromFriends, createdAt: inRange } }),
    loopReferralCount(db, shop, inRange),
    partnerFigures(db, shop, inRange),
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  const digits = currencyDigits(currencyCode);

  const days = new Map(daysOf(range).map((day) => [day, { day, orders: 0, clicks: 0, revenue: new Decimal(0) }]));
  const channels = new Map<string, { channel: string; shares: number; clicks: number; orders: number; revenue: Decimal }>();
  let referrers = 0;
  let clicks = 0;
  let orders = 0;
  let rewarded = 0;
  let revenue = new Decimal(0);
  let rewardsIssued = 0;
  let fixed = new Decimal(0);
  let percent = new Decimal(0);
  for (const row of stats) {
    const amount = toDecimal(row.revenue);
    referrers += row.referrers;
    clicks += row.clicks;
    orders += row.orders;
    rewarded += row.rewarded;
    revenue = revenue.plus(amount);
    rewardsIssued += row.rewards;
    fixed = fixed.plus(toDecimal(row.rewardsFixed));
    percent = percent.plus(toDecimal(row.rewardsPercent));
    const day = days.get(row.day);
    if (day) Object.assign(day, { orders: day.orders + row.orders, clicks: day.clicks + row.clicks, revenue: day.revenue.plus(amount) });
    if (row.channel === NO_CHANNEL && row.orders === 0) continue;
    const entry = channels.get(row.channel) ?? { channel: row.channel, shares: 0, clicks: 0, orders: 0, revenue: new Decimal(0) };
    channels.set(row.channel, {
      ...entry,
      shares: entry.shares + row.shares,
      clicks: entry.clicks + row.clicks,
      orders: entry.orders + row.orders,
      revenue: entry.revenue.plus(amount),
    });
  }

  // A percentage code's cost is unknown until it is used: cost it at the average referred order.
  const average = orders ? revenue.dividedBy(orders) : null;
  const cost = fixed.plus(average ? percent.dividedBy(100).times(average) : 0);

  return {
    currencyCode,
    timezone: range.timezone,
    referrers,
    shares: [...channels.values()].reduce((n, c) => n + c.shares, 0),
    clicks,
    orders,
    // Channel "" holds the orders that came without a link (a typed code).
    linkOrders: orders - (channels.get("")?.orders ?? 0),
    rewarded,
    revenue: revenue.toFixed(digits),
    rewardsIssued,
    rewardsCost: cost.toFixed(digits),
    percentCostBasis: percent.greaterThan(0) && average ? average.toFixed(digits) : null,
    roi: cost.greaterThan(0) ? revenue.dividedBy(cost).toNumber() : null,
    series: [...days.values()].map((d) => ({ ...d, revenue: d.revenue.toFixed(digits) })),
    channels: [...channels.values()]
      .filter((c) => c.shares || c.clicks || c.orders)
      .sort((a, b) => b.orders - a.orders || b.clicks - a.clicks || b.shares - a.shares || a.channel.localeCompare(b.channel))
      .map((c) => ({ ...c, revenue: c.revenue.toFixed(digits), conversion: c.clicks ? c.orders / c.clicks : null })),
    loop: { referrers: loopReferrers, referrals: loopReferrals },
    topReferrers: top.map((r) => ({
      id: r.id,
      name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email || r.code,
      code: r.code,
      orders: r.referralCount,
      revenue: toDecimal(r.referredRevenue).toFixed(digits),
    })),
    partners: partners && { ...partners, revenue: partners.revenue.toFixed(digits), fees: partners.fees.toFixed(digits) },
  };
}
