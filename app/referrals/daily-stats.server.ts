// The dashboard's totals (model DailyStat: per shop, local day and share channel;
// and each referrer's live referrals and revenue), changed in the same
// transaction as the rows they count. The state changes that move them are
// conditional updates that succeed once (see attribution, reversal, rewards,
// referrers, link events), so a retried or racing change counts once too.
//
// A day is the shop's local day. The time zone is read inside the counting
// transaction (on PostgreSQL with FOR SHARE), and a change of time zone rebuilds
// the shop's totals from its rows under FOR UPDATE of the same Program row: a
// count made during a rebuild lands in the new zone's day, never twice.
import { Prisma, providerOf, type Db, type DbProvider } from "~/db.server";
import { assertTimeZone, localDay, offsetSegments } from "./local-day";
import { Decimal } from "./money";
import { LIVE_REFERRAL_STATUSES, ReferralStatus, RewardStatus } from "./statuses";

type Tx = Prisma.TransactionClient;

export const UTC = "UTC";
/** The DailyStat channel of figures that have no share channel. */
export const NO_CHANNEL = "";

const COUNTERS = ["referrers", "clicks", "shares", "orders", "rewarded", "rewards"] as const;
const AMOUNTS = ["revenue", "rewardsFixed", "rewardsPercent"] as const;
type Counter = (typeof COUNTERS)[number];
type Amount = (typeof AMOUNTS)[number];

export type StatChange = {
  /** When the counted row was created: its local day is the bucket. */
  at: Date;
  channel?: string | null;
} & Partial<Record<Counter, number>> &
  Partial<Record<Amount, Decimal>>;

export interface ReferrerChange {
  referrerId: string;
  referrals: number;
  revenue: Decimal;
}

/** What one transaction changes; applied, sorted, just before it commits. */
export class StatChanges {
  readonly days: StatChange[] = [];
  readonly referrers: ReferrerChange[] = [];

  add(change: StatChange) {
    this.days.push(change);
  }

  referrer(change: ReferrerChange) {
    this.referrers.push(change);
  }

  /** A referral entering (sign 1) or leaving (-1) the live statuses. */
  liveReferral(referral: LiveReferral, sign: 1 | -1, { rewarded = false } = {}) {
    const amount = referral.totalAmount.minus(referral.refundedAmount).times(sign);
    this.add({ at: referral.createdAt, channel: referral.channel, orders: sign, revenue: amount, rewarded: rewarded ? sign : 0 });
    this.referrer({ referrerId: referral.referrerId, referrals: sign, revenue: amount });
  }

  /** A reward entering (1) or leaving (-1) the issued statuses. */
  issuedReward(reward: { createdAt: Date; valueType: string; value: Decimal }, sign: 1 | -1) {
    const value = reward.value.times(sign);
    this.add({ at: reward.createdAt, rewards: sign, ...(reward.valueType === "PERCENTAGE" ? { rewardsPercent: value } : { rewardsFixed: value }) });
  }
}

export interface LiveReferral {
  referrerId: string;
  createdAt: Date;
  channel: string | null;
  totalAmount: Decimal;
  refundedAmount: Decimal;
}

export const LIVE_REFERRAL_FIELDS = { referrerId: true, createdAt: true, channel: true, totalAmount: true, refundedAmount: true } as const;

export const ISSUED_REWARD_STATUSES: string[] = [RewardStatus.ISSUED, RewardStatus.PAID];

// Counting transactions are short; a rebuild of a large shop is not.
const REBUILD_TX = { maxWait: 10_000, timeout: 600_000 };

/**
 * Runs `work` in a transaction and applies the totals it recorded in `changes`
 * before committing: the rows and their totals change together or not at all.
 */
export async function countedTransaction<T>(
  db: Db,
  shop: string,
  work: (tx: Tx, changes: StatChanges) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const provider = providerOf(db);
  return db.$transaction(async (tx) => {
    const changes = new StatChanges();
    const result = await work(tx, changes);
    await applyChanges(tx, provider, shop, changes);
    return result;
  }, options);
}

async function applyChanges(tx: Tx, provider: DbProvider, shop: string, changes: StatChanges) {
  if (!changes.days.length && !changes.referrers.length) return;
  // Referrer rows first, in id order, then the Program and DailyStat rows: the
  // order every transaction takes them in, attribution's per-referrer cap
  // included (it locks its referrer's row before counting), so none deadlock.
  const byReferrer = new Map<string, ReferrerChange>();
  for (const change of changes.referrers) {
    const sum = byReferrer.get(change.referrerId) ?? { referrerId: change.referrerId, referrals: 0, revenue: new Decimal(0) };
    byReferrer.set(change.referrerId, { ...sum, referrals: sum.referrals + change.referrals, revenue: sum.revenue.plus(change.revenue) });
  }
  for (const id of [...byReferrer.keys()].sort()) {
    const { referrals, revenue } = byReferrer.get(id)!;
    if (referrals === 0 && revenue.isZero()) continue;
    await tx.referrer.updateMany({
      where: { id, shop },
      data: { referralCount: { increment: referrals }, referredRevenue: { increment: revenue } },
    });
  }
  const zone = await lockedTimezone(tx, provider, shop, "FOR SHARE");
  // One row per (day, channel), in key order: two transactions touching the same rows take them in the same order.
  const rows = new Map<string, { day: string; channel: string; counters: Record<Counter, number>; amounts: Record<Amount, Decimal> }>();
  for (const change of changes.days) {
    const day = localDay(change.at, zone);
    const channel = change.channel ?? NO_CHANNEL;
    const key = `${day}\u0000${channel}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        day,
        channel,
        counters: Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>,
        amounts: Object.fromEntries(AMOUNTS.map((a) => [a, new Decimal(0)])) as Record<Amount, Decimal>,
      };
      rows.set(key, row);
    }
    for (const c of COUNTERS) row.counters[c] += change[c] ?? 0;
    for (const a of AMOUNTS) row.amounts[a] = row.amounts[a].plus(change[a] ?? 0);
  }
  for (const key of [...rows.keys()].sort()) {
    const { day, channel, counters: n, amounts: m } = rows.get(key)!;
    if (COUNTERS.every((c) => n[c] === 0) && AMOUNTS.every((a) => m[a].isZero())) continue;
    await tx.$executeRaw`
      INSERT INTO "DailyStat" ("shop", "day", "channel", "referrers", "clicks", "shares", "orders", "revenue", "rewarded", "rewards", "rewardsFixed", "rewardsPercent")
      VALUES (${shop}, ${day}, ${channel}, ${n.referrers}, ${n.clicks}, ${n.shares}, ${n.orders}, CAST(${m.revenue.toString()} AS DECIMAL),
        ${n.rewarded}, ${n.rewards}, CAST(${m.rewardsFixed.toString()} AS DECIMAL), CAST(${m.rewardsPercent.toString()} AS DECIMAL))
      ON CONFLICT ("shop", "day", "channel") DO UPDATE SET
        "referrers" = "DailyStat"."referrers" + excluded."referrers",
        "clicks" = "DailyStat"."clicks" + excluded."clicks",
        "shares" = "DailyStat"."shares" + excluded."shares",
        "orders" = "DailyStat"."orders" + excluded."orders",
        "revenue" = "DailyStat"."revenue" + excluded."revenue",
        "rewarded" = "DailyStat"."rewarded" + excluded."rewarded",
        "rewards" = "DailyStat"."rewards" + excluded."rewards",
        "rewardsFixed" = "DailyStat"."rewardsFixed" + excluded."rewardsFixed",
        "rewardsPercent" = "DailyStat"."rewardsPercent" + excluded."rewardsPercent"`;
  }
}

/** The shop's Program row, locked on PostgreSQL (SQLite serialises writers); undefined without a program. */
async function lockedProgram(tx: Tx, provider: DbProvider, shop: string, lock: "FOR SHARE" | "FOR UPDATE"): Promise<{ timezone: string | null } | undefined> {
  const rows = await tx.$queryRaw<{ timezone: string | null }[]>`
    SELECT "timezone" FROM "Program" WHERE "shop" = ${shop} ${Prisma.raw(provider === "postgresql" ? lock : "")}`;
  return rows[0];
}

async function lockedTimezone(tx: Tx, provider: DbProvider, shop: string, lock: "FOR SHARE" | "FOR UPDATE"): Promise<string> {
  return (await lockedProgram(tx, provider, shop, lock))?.timezone ?? UTC;
}

/** The shop's time zone for its dashboard days (UTC until read from Shopify). */
export async function shopTimezone(db: Db, shop: string): Promise<string> {
  const program = await db.program.findUnique({ where: { shop }, select: { timezone: true } });
  return program?.timezone ?? UTC;
}

/**
 * Records the shop's time zone; when it changed, rebuilds the shop's totals in
 * it (the days of every counted row move). Returns whether it changed.
 */
export async function setShopTimezone(db: Db, shop: string, zone: string): Promise<boolean> {
  assertTimeZone(zone);
  const provider = providerOf(db);
  return db.$transaction(async (tx) => {
    const stored = await lockedProgram(tx, provider, shop, "FOR UPDATE");
    if (!stored || stored.timezone === zone) return false;
    await tx.program.updateMany({ where: { shop }, data: { timezone: zone } });
    await rebuildInTransaction(tx, provider, shop, zone);
    return true;
  }, REBUILD_TX);
}

/**
 * Recomputes the shop's totals from its rows (the backfill: a shop whose rows
 * were written without totals, an import, a repair). Safe while the app runs.
 */
export async function rebuildDailyStats(db: Db, shop: string): Promise<void> {
  const provider = providerOf(db);
  await db.$transaction(async (tx) => {
    const zone = await lockedTimezone(tx, provider, shop, "FOR UPDATE");
    await rebuildInTransaction(tx, provider, shop, zone);
  }, REBUILD_TX);
}

const LIVE = Prisma.join(LIVE_REFERRAL_STATUSES);
const ISSUED = Prisma.join(ISSUED_REWARD_STATUSES);

async function rebuildInTransaction(tx: Tx, provider: DbProvider, shop: string, zone: string) {
  const span = await tx.$queryRaw<{ first: Date | string | null; last: Date | string | null }[]>`
    SELECT MIN("first") AS "first", MAX("last") AS "last" FROM (
      SELECT MIN("createdAt") AS "first", MAX("createdAt") AS "last" FROM "Referrer" WHERE "shop" = ${shop}
      UNION ALL SELECT MIN("createdAt"), MAX("createdAt") FROM "Referral" WHERE "shop" = ${shop}
      UNION ALL SELECT MIN("createdAt"), MAX("createdAt") FROM "Reward" WHERE "shop" = ${shop}
      UNION ALL SELECT MIN("createdAt"), MAX("createdAt") FROM "LinkEvent" WHERE "shop" = ${shop}
    ) AS "spans"`;
  // Clicks and shares of days whose link events retention deleted stay as counted.
  const program = await tx.program.findUnique({ where: { shop }, select: { linkEventsSince: true } });
  const linkEventsSince = program?.linkEventsSince ?? new Date(0);
  const keptDays = program?.linkEventsSince
    ? await tx.dailyStat.findMany({
        where: { shop, day: { lt: localDay(program.linkEventsSince, zone) }, OR: [{ clicks: { gt: 0 } }, { shares: { gt: 0 } }] },
        select: { day: true, channel: true, clicks: true, shares: true },
      })
    : [];
  await tx.dailyStat.deleteMany({ where: { shop } });
  const first = span[0]?.first;
  const last = span[0]?.last;
  if (first && last) {
    const day = Prisma.raw(localDaySql(provider, offsetSegments(new Date(first), new Date(new Date(last).getTime() + 1), zone)));
    await tx.$executeRaw`
      INSERT INTO "DailyStat" ("shop", "day", "channel", "referrers", "clicks", "shares", "orders", "revenue", "rewarded", "rewards", "rewardsFixed", "rewardsPercent")
      SELECT ${shop}, "day", "channel", SUM("referrers"), SUM("clicks"), SUM("shares"), SUM("orders"), SUM("revenue"), SUM("rewarded"), SUM("rewards"), SUM("rewardsFixed"), SUM("rewardsPercent")
      FROM (
        SELECT ${day} AS "day", '' AS "channel", COUNT(*) AS "referrers", 0 AS "clicks", 0 AS "shares", 0 AS "orders", 0 AS "revenue", 0 AS "rewarded", 0 AS "rewards", 0 AS "rewardsFixed", 0 AS "rewardsPercent"
          FROM "Referrer" WHERE "shop" = ${shop} GROUP BY 1
        UNION ALL
        SELECT ${day}, "channel", 0, SUM(CASE WHEN "type" = 'CLICK' THEN 1 ELSE 0 END), SUM(CASE WHEN "type" = 'SHARE' THEN 1 ELSE 0 END), 0, 0, 0, 0, 0, 0
          FROM "LinkEvent" WHERE "shop" = ${shop} AND "createdAt" >= ${Prisma.raw(timestampSql(provider, linkEventsSince))} GROUP BY 1, 2
        UNION ALL
        SELECT ${day}, COALESCE("channel", ''), 0, 0, 0, COUNT(*), SUM("totalAmount" - "refundedAmount"),
            SUM(CASE WHEN "status" = ${ReferralStatus.REWARDED} THEN 1 ELSE 0 END), 0, 0, 0
          FROM "Referral" WHERE "shop" = ${shop} AND "status" IN (${LIVE}) GROUP BY 1, 2
        UNION ALL
        SELECT ${day}, '', 0, 0, 0, 0, 0, 0, COUNT(*), SUM(CASE WHEN "valueType" = 'PERCENTAGE' THEN 0 ELSE "value" END),
            SUM(CASE WHEN "valueType" = 'PERCENTAGE' THEN "value" ELSE 0 END)
          FROM "Reward" WHERE "shop" = ${shop} AND "status" IN (${ISSUED}) GROUP BY 1
      ) AS "counted"
      GROUP BY "day", "channel"`;
  }
  for (const kept of keptDays) {
    const counts = { clicks: kept.clicks, shares: kept.shares };
    await tx.dailyStat.upsert({
      where: { shop_day_channel: { shop, day: kept.day, channel: kept.channel } },
      create: { shop, day: kept.day, channel: kept.channel, ...counts },
      update: { clicks: { increment: kept.clicks }, shares: { increment: kept.shares } },
    });
  }
  // One grouped pass over the referrals (a correlated subquery per referrer can
  // scan the shop's referrals once per referrer), then each counter set once.
  await tx.$executeRaw`
    UPDATE "Referrer" SET "referralCount" = 0, "referredRevenue" = 0
    WHERE "shop" = ${shop} AND ("referralCount" <> 0 OR "referredRevenue" <> 0)`;
  await tx.$executeRaw`
    UPDATE "Referrer" SET "referralCount" = "counted"."n", "referredRevenue" = "counted"."revenue"
    FROM (
      SELECT "referrerId", COUNT(*) AS "n", SUM("totalAmount" - "refundedAmount") AS "revenue"
      FROM "Referral" WHERE "shop" = ${shop} AND "status" IN (${LIVE}) GROUP BY "referrerId"
    ) AS "counted"
    WHERE "Referrer"."shop" = ${shop} AND "Referrer"."id" = "counted"."referrerId"`;
}

/**
 * SQL for the local day of "createdAt": the timestamp shifted by the offset in
 * force at it. The segments' bounds and offsets are computed here (dates and
 * integers), never taken from input.
 */
/** An instant as a SQL literal comparable with a stored DateTime (as each adapter writes it). */
function timestampSql(provider: DbProvider, d: Date): string {
  return provider === "postgresql" ? `TIMESTAMP '${d.toISOString().replace("T", " ").replace("Z", "")}'` : `'${d.toISOString().replace("Z", "+00:00")}'`;
}

function localDaySql(provider: DbProvider, segments: ReturnType<typeof offsetSegments>): string {
  const literal = (d: Date) => timestampSql(provider, d);
  const shift = (minutes: number) => (provider === "postgresql" ? `${Math.trunc(minutes)}` : `'${minutes >= 0 ? "+" : ""}${Math.trunc(minutes)} minutes'`);
  const offset =
    segments.length === 1
      ? shift(segments[0].offsetMinutes)
      : `CASE ${segments
          .map((s) => (s.until ? `WHEN "createdAt" < ${literal(s.until)} THEN ${shift(s.offsetMinutes)}` : `ELSE ${shift(s.offsetMinutes)}`))
          .join(" ")} END`;
  return provider === "postgresql"
    ? `to_char("createdAt" + (${offset}) * INTERVAL '1 minute', 'YYYY-MM-DD')`
    : `substr(datetime("createdAt", ${offset}), 1, 10)`;
}
