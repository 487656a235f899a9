// The dashboard's figures for one shop and date range, in one pass over each
// table's covering (shop, createdAt, ...) index, so the page stays fast at
// 100,000 referrals. Grouping by day needs SQL of its own (Prisma cannot group
// by a day), written once per database; the rest is Prisma.
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
  const [program, referrers, referralDays, eventDays, rewards, top] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
    db.referrer.count({ where: { shop, createdAt } }),
    grouped<ReferralDay>(db, "referrals", shop, range),
    grouped<EventDay>(db, "events", shop, range),
    db.reward.groupBy({
      by: ["valueType"],
      where: { shop, createdAt, status: { in: ISSUED } },
      _count: { _all: true },
      _sum: { value: true },
    }),
    db.referral.groupBy({
      by: ["referrerId"],
      where: { shop, createdAt, status: { in: LIVE_REFERRAL_STATUSES } },
      _count: { referrerId: true },
      _sum: { totalAmount: true },
      orderBy: { _count: { referrerId: "desc" } },
      take: 5,
    }),
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  const digits = currencyDigits(currencyCode);

  // Totals, the series and the channels all come from the two per-day groupings.
  const days = new Map(daysOf(range).map((day) => [day, { day, orders: 0, clicks: 0, revenue: new Decimal(0) }]));
  let orders = 0;
  let rewarded = 0;
  let revenue = new Decimal(0);
  for (const row of referralDays) {
    const n = Number(row.n);
    if (row.status === ReferralStatus.REWARDED) rewarded += n;
    if (!LIVE_REFERRAL_STATUSES.includes(row.status)) continue;
    const amount = toDecimal(row.revenue ?? 0);
    orders += n;
    revenue = revenue.plus(amount);
    const day = days.get(row.day);
    if (day) Object.assign(day, { orders: day.orders + n, revenue: day.revenue.plus(amount) });
  }
  let clicks = 0;
  const channels = new Map<string, { channel: string; shares: number; clicks: number }>();
  for (const row of eventDays) {
    const n = Number(row.n);
    const entry = channels.get(row.channel) ?? { channel: row.channel, shares: 0, clicks: 0 };
    if (row.type === "SHARE") entry.shares += n;
    if (row.type === "CLICK") {
      entry.clicks += n;
      clicks += n;
      const day = days.get(row.day);
      if (day) day.clicks += n;
    }
    channels.set(row.channel, entry);
  }

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
    series: [...days.values()].map((d) => ({ ...d, revenue: d.revenue.toFixed(digits) })),
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

type ReferralDay = { day: string; status: string; n: number | bigint; revenue: number | string | null };
type EventDay = { day: string; type: string; channel: string; n: number | bigint };

// One pass over each table's (shop, createdAt, ...) covering index.
const GROUPED_SQL = {
  sqlite: {
    // DateTimes are stored as ISO-8601 text by the SQLite adapter: the day is its first 10 characters.
    referrals: `SELECT substr("createdAt", 1, 10) AS day, "status" AS status, COUNT(*) AS n, SUM("totalAmount" - "refundedAmount") AS revenue
      FROM "Referral" WHERE "shop" = ? AND "createdAt" >= ? AND "createdAt" < ? GROUP BY day, status`,
    events: `SELECT substr("createdAt", 1, 10) AS day, "type" AS type, "channel" AS channel, COUNT(*) AS n
      FROM "LinkEvent" WHERE "shop" = ? AND "createdAt" >= ? AND "createdAt" < ? GROUP BY day, type, channel`,
  },
  postgresql: {
    referrals: `SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, "status" AS status, COUNT(*)::int AS n, SUM("totalAmount" - "refundedAmount")::text AS revenue
      FROM "Referral" WHERE "shop" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 GROUP BY 1, 2`,
    events: `SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, "type" AS type, "channel" AS channel, COUNT(*)::int AS n
      FROM "LinkEvent" WHERE "shop" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 GROUP BY 1, 2, 3`,
  },
};

function grouped<T>(db: Db, table: "referrals" | "events", shop: string, range: DateRange): Promise<T[]> {
  return db.$queryRawUnsafe<T[]>(GROUPED_SQL[providerOf(db)][table], shop, range.from, range.to);
}
