// Fixed-window rate limits kept in the database (RateLimit), so every app
// process counts against the same window. Each hit is one atomic statement
// (INSERT ... ON CONFLICT DO UPDATE on both SQLite and PostgreSQL) that also
// restarts a row left from an earlier window, so two processes racing over the
// window boundary cannot both restart it.
import type { Db } from "~/db.server";

export interface RateLimitRule {
  /** What is limited, e.g. "enrol:ip:shop.myshopify.com:203.0.113.9". */
  key: string;
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { ok: true; count: number } | { ok: false; count: number; retryAfterSeconds: number };

/**
 * Counts one hit in the rule's current fixed window, in one statement: the
 * row is created, incremented, or (when it holds an older window) restarted at
 * 1, atomically on SQLite and PostgreSQL alike (INSERT ... ON CONFLICT DO
 * UPDATE; the right-hand sides read the row as it was). Written as SQL rather
 * than a Prisma upsert because it runs on every storefront and extension
 * request: a quarter of the query's cost, and no read-then-reset race to retry.
 * Both providers store DateTime so that comparing two values compares the
 * instants (PostgreSQL timestamps; SQLite fixed-width ISO-8601 text).
 */
export async function hitRateLimit(db: Db, rule: RateLimitRule, now = new Date()): Promise<RateLimitResult> {
  const windowStart = new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  const rows = await db.$queryRaw<{ count: number | bigint }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${rule.key}, ${windowStart}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" < excluded."windowStart" THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" < excluded."windowStart" THEN excluded."windowStart" ELSE "RateLimit"."windowStart" END
    RETURNING "count"`;
  return verdict(rule, Number(rows[0].count), windowStart, now);
}

/**
 * Checks the rules in order and stops at the first that refuses: a rule only
 * counts what every earlier rule allowed. Put the narrowest first (per IP, then
 * per shop), so one client hammering past its own limit is refused without
 * using up the shop's window for everyone else.
 */
export async function hitRateLimits(db: Db, rules: RateLimitRule[], now = new Date()): Promise<RateLimitResult> {
  let count = 0;
  for (const rule of rules) {
    const result = await hitRateLimit(db, rule, now);
    if (!result.ok) return result;
    count = Math.max(count, result.count);
  }
  return { ok: true, count };
}

function verdict(rule: RateLimitRule, count: number, windowStart: Date, now: Date): RateLimitResult {
  if (count <= rule.limit) return { ok: true, count };
  const retryAfterMs = windowStart.getTime() + rule.windowMs - now.getTime();
  return { ok: false, count, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

/** Old windows are dead weight: delete rows whose window ended before `before`. */
export async function pruneRateLimits(db: Db, before: Date): Promise<number> {
  const { count } = await db.rateLimit.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}

const MINUTE = 60_000;

/**
 * The storefront's limits. Per IP: what one shopper could plausibly do. Per
 * shop: a ceiling that stops a distributed flood from filling the database.
 */
export const STOREFRONT_LIMITS = {
  enrol: { perIp: { limit: 10, windowMs: 10 * MINUTE }, perShop: { limit: 300, windowMs: MINUTE } },
  click: { perIp: { limit: 60, windowMs: MINUTE }, perShop: { limit: 3000, windowMs: MINUTE } },
  share: { perIp: { limit: 60, windowMs: MINUTE }, perShop: { limit: 3000, windowMs: MINUTE } },
  // The checkout and customer account extensions (app/routes/api.extensions.*):
  // reading the block's state, and joining from it.
  extension: { perIp: { limit: 60, windowMs: MINUTE }, perShop: { limit: 3000, windowMs: MINUTE } },
  extension_join: { perIp: { limit: 10, windowMs: 10 * MINUTE }, perShop: { limit: 300, windowMs: MINUTE } },
  // A referrer's printable PDF (app/printables): a few tens of milliseconds of
  // CPU each, so a handful per shopper and a ceiling per shop.
  print: { perIp: { limit: 20, windowMs: 10 * MINUTE }, perShop: { limit: 120, windowMs: MINUTE } },
  // The partner pages (app/routes/apps.referrals.partners.*): an application; a
  // sign-in link by email (each one an email: few per shopper, a ceiling per
  // shop against mail bombing); redeeming a link; the portal's forms (its PDFs
  // count as `print`).
  partner_apply: { perIp: { limit: 10, windowMs: 10 * MINUTE }, perShop: { limit: 120, windowMs: MINUTE } },
  partner_link: { perIp: { limit: 5, windowMs: 10 * MINUTE }, perShop: { limit: 60, windowMs: MINUTE } },
  partner_sign_in: { perIp: { limit: 20, windowMs: 10 * MINUTE }, perShop: { limit: 300, windowMs: MINUTE } },
  partner_portal: { perIp: { limit: 120, windowMs: 10 * MINUTE }, perShop: { limit: 1200, windowMs: MINUTE } },
} as const;

export type LimitedAction = keyof typeof STOREFRONT_LIMITS;

/**
 * The rules for one storefront request, narrowest first. Every key carries the
 * shop as one ":"-separated part: one shop's shoppers never share a window with
 * another shop's, and shop/redact finds the rows by it
 * (app/referrals/privacy.server.ts).
 */
export function storefrontRules(action: LimitedAction, { shop, ip }: { shop: string; ip: string }): RateLimitRule[] {
  const limits = STOREFRONT_LIMITS[action];
  return [
    { key: `${action}:ip:${shop}:${ip}`, ...limits.perIp },
    { key: `${action}:shop:${shop}`, ...limits.perShop },
  ];
}
