// Admin benchmark data: one shop's referrers, referrals over the last 90 days
// (every status, some partly refunded, a third by link with a share channel),
// rewards for the rewarded ones and link events, generated inside the database
// (one INSERT ... SELECT per table over a number series), so a million rows take
// seconds, not Prisma round trips. The dashboard's totals are then built from
// those rows by the production backfill (rebuildDailyStats), as an existing
// shop's would be.
import { providerOf, type Db } from "~/db.server";
import { rebuildDailyStats } from "~/referrals/daily-stats.server";
import { recountLinkEvents } from "~/storefront/link-events.server";

const DAY = 86_400_000;
const SPAN = 90 * DAY;
const CHANNELS = ["whatsapp", "email", "copy", "x", "facebook", "sms", "direct"];

export interface SeedTimings {
  rowsSeconds: number;
  backfillSeconds: number;
}

/**
 * `prefix` makes ids unique across the shops of one database (a short word of
 * letters). Returns how long the rows and the backfill took.
 */
export async function seedAdminData(db: Db, shop: string, size: number, { prefix, timezone = "America/New_York" }: { prefix: string; timezone?: string }): Promise<SeedTimings> {
  if (!/^[a-z]+$/.test(prefix)) throw new Error(`prefix must be lower-case letters, not "${prefix}"`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`size must be a positive whole number, not ${size}`);
  const started = performance.now();
  await db.program.create({ data: { shop, currencyCode: "USD", timezone } });
  const referrers = Math.max(10, Math.round(size / 20));
  const sql = dialect(providerOf(db), Date.now());
  const n = "n";
  const at = sql.timestamp(`(${sql.now} - ((${n} * 7919) % ${SPAN}))`);
  const status = `CASE ${n} % 7 WHEN 0 THEN 'PENDING' WHEN 1 THEN 'APPROVED' WHEN 5 THEN 'REJECTED' WHEN 6 THEN 'REVERSED' ELSE 'REWARDED' END`;
  const channel = `CASE ${n} % 7 ${CHANNELS.map((c, i) => `WHEN ${i} THEN '${c}'`).join(" ")} END`;
  const id = (kind: string) => `'${prefix}${kind}' || ${sql.text(n)}`;

  await db.$executeRawUnsafe(`
    INSERT INTO "Referrer" ("id", "shop", "email", "emailKey", "firstName", "code", "source", "status", "createdAt", "updatedAt")
    ${sql.series(referrers)}
    SELECT ${id("r")}, $shop, 'referrer' || ${sql.text(n)} || '@example.com', 'referrer' || ${sql.text(n)} || '@example.com',
      'Referrer' || ${sql.text(n)}, 'FRIEND-' || ${sql.pad(n)}, 'STOREFRONT', 'ACTIVE', ${at}, ${at}
    FROM series`.replaceAll("$shop", sql.quote(shop)));

  await db.$executeRawUnsafe(`
    INSERT INTO "Referral" ("id", "shop", "referrerId", "orderId", "orderName", "friendEmail", "friendEmailKey", "attributedBy", "channel",
      "subtotalAmount", "totalAmount", "refundedAmount", "currencyCode", "status", "reason", "createdAt", "updatedAt")
    ${sql.series(size)}
    SELECT ${id("f")}, $shop, '${prefix}r' || ${sql.text(`${n} % ${referrers}`)}, 'gid://shopify/Order/' || ${sql.text(`${n} + 1`)}, '#' || ${sql.text(`${n} + 1000`)},
      'friend' || ${sql.text(n)} || '@example.com', 'friend' || ${sql.text(n)} || '@example.com',
      CASE WHEN ${n} % 3 = 0 THEN 'LINK' ELSE 'CODE' END, CASE WHEN ${n} % 3 = 0 THEN ${channel} END,
      80, 50 + ${n} % 100, CASE WHEN ${n} % 13 = 0 THEN 10 ELSE 0 END, 'USD', ${status},
      CASE ${n} % 7 WHEN 5 THEN 'Self-referral' WHEN 6 THEN 'The order was cancelled' END, ${at}, ${at}
    FROM series`.replaceAll("$shop", sql.quote(shop)));

  // The rewarded referrals (n % 7 in 2..4): a 10% code, or (every fourth) a 5.00 cash fee.
  await db.$executeRawUnsafe(`
    INSERT INTO "Reward" ("id", "shop", "referrerId", "referralId", "kind", "valueType", "value", "currencyCode", "code", "status", "createdAt", "updatedAt")
    ${sql.series(size)}
    SELECT ${id("w")}, $shop, '${prefix}r' || ${sql.text(`${n} % ${referrers}`)}, ${id("f")},
      CASE WHEN ${n} % 4 = 0 THEN 'CASH' ELSE 'CODE' END, CASE WHEN ${n} % 4 = 0 THEN 'FIXED_AMOUNT' ELSE 'PERCENTAGE' END,
      CASE WHEN ${n} % 4 = 0 THEN 5 ELSE 10 END, 'USD', CASE WHEN ${n} % 4 = 0 THEN NULL ELSE 'FRIEND-REWARD-' || ${sql.text(n)} END, 'ISSUED', ${at}, ${at}
    FROM series WHERE ${n} % 7 IN (2, 3, 4)`.replaceAll("$shop", sql.quote(shop)));

  // Two link events per referral: clicks mostly, a share in three.
  await db.$executeRawUnsafe(`
    INSERT INTO "LinkEvent" ("id", "shop", "referrerId", "type", "channel", "createdAt")
    ${sql.series(size * 2)}
    SELECT ${id("e")}, $shop, '${prefix}r' || ${sql.text(`${n} % ${referrers}`)}, CASE WHEN ${n} % 3 = 0 THEN 'SHARE' ELSE 'CLICK' END,
      CASE (${n} / 3) % 7 ${CHANNELS.map((c, i) => `WHEN ${i} THEN '${c}'`).join(" ")} END, ${sql.timestamp(`(${sql.now} - ((${n} * 3989) % ${SPAN}))`)}
    FROM series`.replaceAll("$shop", sql.quote(shop)));
  if (providerOf(db) === "postgresql") await db.$executeRawUnsafe(`ANALYZE`);
  const rowsDone = performance.now();

  await recountLinkEvents(db, shop);
  await rebuildDailyStats(db, shop);
  return { rowsSeconds: (rowsDone - started) / 1000, backfillSeconds: (performance.now() - rowsDone) / 1000 };
}

function dialect(provider: "sqlite" | "postgresql", nowMs: number) {
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  if (provider === "postgresql") {
    return {
      quote,
      now: `${nowMs}::bigint`,
      series: (count: number) => `WITH series AS (SELECT generate_series(0, ${count - 1})::bigint AS n)`,
      text: (expr: string) => `(${expr})::text`,
      pad: (expr: string) => `lpad((${expr})::text, 8, '0')`,
      timestamp: (ms: string) => `(to_timestamp(${ms} / 1000.0) AT TIME ZONE 'UTC')`,
    };
  }
  return {
    quote,
    now: `${nowMs}`,
    series: (count: number) => `WITH RECURSIVE series(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM series WHERE n < ${count - 1})`,
    text: (expr: string) => `CAST(${expr} AS TEXT)`,
    pad: (expr: string) => `printf('%08d', ${expr})`,
    // The SQLite adapter's own text form of a DateTime: 2025-01-31T12:00:00.000+00:00.
    timestamp: (ms: string) => `(strftime('%Y-%m-%dT%H:%M:%f', ${ms} / 1000.0, 'unixepoch') || '+00:00')`,
  };
}
