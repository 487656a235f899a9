// The dashboard's figures for one shop and date range. Each figure is one
// aggregate query on an indexed (shop, createdAt) range, so the page stays fast
// at 100,000 referrals; only the per-day series needs SQL of its own (Prisma
// cannot group by a day), written once per database.
import { providerOf, type Db } from "../db.server";
import { currencyDigits, Decimal, toDecimal } from "../referrals/money";
import { LIVE_REFERRAL_STATUSES, ReferralStatus, RewardStatus } from "../referrals/statuses";
import { daysOf, type DateRange } from "./date-range";

export interface DashboardData {
  currencyCode: string;
  referrers: number;
  clicks: number;
  orders: number;
  rewarded: number;
  revenue: string;
  rewardsIssued: number;
  rewardsCost: string;
  /** Average referred order, at which percentage reward codes are costed. */
  percentCostBasis: string | null;
  roi: number | null;
  series: { day: string; orders: number; clicks: number; revenue: string }[];
  channels: { channel: string; shares: number; clicks: number }[];
  topReferrers: { id: string; name: string; code: string; orders: number; revenue: string }[];
}

const ISSUED = [RewardStatus.ISSUED, RewardStatus.PAID];

export async function dashboardData(db: Db, shop: string, range: DateRange): Promise<DashboardData> {
  const createdAt = { gte: range.from, lt: range.to };
  const live = { in: LIVE_REFERRAL_STATUSES };
  const [program, referrers, clicks, byStatus, rewards, channelRows, top, series] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
    db.referrer.count({ where: { shop, createdAt } }),
    db.linkEvent.count({ where: { shop, createdAt, type: "CLICK" } }),
    db.referral.groupBy({
      by: ["status"],
      where: { shop, createdAt },
      _count: { _all: true },
      _sum: { totalAmount: true, refundedAmount: true },
    }),
    db.reward.groupBy({
      by: ["valueType"],
      where: { shop, createdAt, status: { in: ISSUED } },
      _count: { _all: true },
      _sum: { value: true },
    }),
    db.linkEvent.groupBy({ by: ["channel", "type"], where: { shop, createdAt }, _count: { _all: true } }),
    db.referral.groupBy({
      by: ["referrerId"],
      where: { shop, createdAt, status: live },
      _count: { referrerId: true },
      _sum: { totalAmount: true },
      orderBy: { _count: { referrerId: "desc" } },
      take: 5,
    }),
    dailySeries(db, shop, range),
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  const digits = currencyDigits(currencyCode);

  let orders = 0;
  let revenue = new Decimal(0);
  for (const row of byStatus) {
    if (!LIVE_REFERRAL_STATUSES.includes(row.status)) continue;
    orders += row._count._all;
    revenue = revenue.plus(toDecimal(row._sum.totalAmount)).minus(toDecimal(row._sum.refundedAmount));
  }
  const rewarded = byStatus.find((r) => r.status === ReferralStatus.REWARDED)?._count._all ?? 0;

  // A percentage code's cost is unknown until it is used: cost it at the average referred order.
  const average = orders ? revenue.dividedBy(orders) : null;
  let cost = new Decimal(0);
  let rewardsIssued = 0;
  for (const row of rewards) {
    rewardsIssued += row._count._all;
    const sum = toDecimal(row._sum.value);
    cost = cost.plus(row.valueType === "PERCENTAGE" ? (average ? sum.dividedBy(100).times(average) : 0) : sum);
  }

  const names = await db.referrer.findMany({
    where: { shop, id: { in: top.map((t) => t.referrerId) } },
    select: { id: true, firstName: true, lastName: true, email: true, code: true },
  });
  const byId = new Map(names.map((n) => [n.id, n]));

  const channels = new Map<string, { channel: string; shares: number; clicks: number }>();
  for (const row of channelRows) {
    const entry = channels.get(row.channel) ?? { channel: row.channel, shares: 0, clicks: 0 };
    if (row.type === "SHARE") entry.shares += row._count._all;
    else if (row.type === "CLICK") entry.clicks += row._count._all;
    channels.set(row.channel, entry);
  }

  return {
    currencyCode,
    referrers,
    clicks,
    orders,
    rewarded,
    revenue: revenue.toFixed(digits),
    rewardsIssued,
    rewardsCost: cost.toFixed(digits),
    percentCostBasis: rewards.some((r) => r.valueType === "PERCENTAGE") && average ? average.toFixed(digits) : null,
    roi: cost.greaterThan(0) ? revenue.dividedBy(cost).toNumber() : null,
    series,
    channels: [...channels.values()].sort((a, b) => b.clicks - a.clicks || b.shares - a.shares),
    topReferrers: top.map((t) => {
      const r = byId.get(t.referrerId);
      return {
        id: t.referrerId,
        name: [r?.firstName, r?.lastName].filter(Boolean).join(" ") || r?.email || r?.code || "—",
        code: r?.code ?? "",
        orders: t._count.referrerId,
        revenue: toDecimal(t._sum.totalAmount).toFixed(digits),
      };
    }),
  };
}

type DayRow = { day: string; n: number | bigint; revenue: number | string | null };

const SERIES_SQL = {
  sqlite: {
    // DateTimes are stored as ISO-8601 text by the SQLite adapter: the day is its first 10 characters.
    referrals: `SELECT substr("createdAt", 1, 10) AS day, COUNT(*) AS n, SUM("totalAmount" - "refundedAmount") AS revenue
      FROM "Referral" WHERE "shop" = ? AND "createdAt" >= ? AND "createdAt" < ? AND "status" IN ('PENDING', 'APPROVED', 'REWARDED')
      GROUP BY day`,
    clicks: `SELECT substr("createdAt", 1, 10) AS day, COUNT(*) AS n, NULL AS revenue
      FROM "LinkEvent" WHERE "shop" = ? AND "createdAt" >= ? AND "createdAt" < ? AND "type" = 'CLICK' GROUP BY day`,
  },
  postgresql: {
    referrals: `SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, COUNT(*)::int AS n, SUM("totalAmount" - "refundedAmount")::text AS revenue
      FROM "Referral" WHERE "shop" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 AND "status" IN ('PENDING', 'APPROVED', 'REWARDED')
      GROUP BY 1`,
    clicks: `SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, COUNT(*)::int AS n, NULL AS revenue
      FROM "LinkEvent" WHERE "shop" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 AND "type" = 'CLICK' GROUP BY 1`,
  },
};

async function dailySeries(db: Db, shop: string, range: DateRange) {
  const sql = SERIES_SQL[providerOf(db)];
  const [referrals, clicks] = await Promise.all([
    db.$queryRawUnsafe<DayRow[]>(sql.referrals, shop, range.from, range.to),
    db.$queryRawUnsafe<DayRow[]>(sql.clicks, shop, range.from, range.to),
  ]);
  const orderDays = new Map(referrals.map((r) => [r.day, r]));
  const clickDays = new Map(clicks.map((r) => [r.day, Number(r.n)]));
  return daysOf(range).map((day) => ({
    day,
    orders: Number(orderDays.get(day)?.n ?? 0),
    clicks: clickDays.get(day) ?? 0,
    revenue: toDecimal(orderDays.get(day)?.revenue ?? 0).toFixed(2),
  }));
}
