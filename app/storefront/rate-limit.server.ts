// Fixed-window rate limits kept in the database (RateLimit), so every app
// process counts against the same window. Each hit is one atomic increment
// (an upsert, which Prisma runs as INSERT ... ON CONFLICT DO UPDATE on both
// SQLite and PostgreSQL); a row left from an earlier window is reset by a
// compare-and-set on its windowStart, so two processes racing over the
// window boundary cannot both reset it.
import type { Db } from "~/db.server";

export interface RateLimitRule {
  /** What is limited, e.g. "enrol:ip:shop.myshopify.com:203.0.113.9". */
  key: string;
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { ok: true; count: number } | { ok: false; count: number; retryAfterSeconds: number };

const MAX_RESET_RACES = 3;

export async function hitRateLimit(db: Db, rule: RateLimitRule, now = new Date()): Promise<RateLimitResult> {
  const windowStart = new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  for (let attempt = 0; attempt < MAX_RESET_RACES; attempt++) {
    const row = await db.rateLimit.upsert({
      where: { key: rule.key },
      create: { key: rule.key, windowStart, count: 1 },
      update: { count: { increment: 1 } },
    });
    if (row.windowStart.getTime() >= windowStart.getTime()) return verdict(rule, row.count, windowStart, now);
    // The row counts an older window: start this one, unless another request already did.
    const reset = await db.rateLimit.updateMany({
      where: { key: rule.key, windowStart: row.windowStart },
      data: { windowStart, count: 1 },
    });
    if (reset.count === 1) return verdict(rule, 1, windowStart, now);
  }
  throw new Error(`rate limit ${rule.key}: the window kept being reset under us`);
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
