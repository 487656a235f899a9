// The database-backed fixed window: exact under concurrency, reset once per
// window, and the same on SQLite and PostgreSQL.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { hitRateLimit, hitRateLimits, pruneRateLimits } from "~/storefront/rate-limit.server";

const MINUTE = 60_000;
const start = new Date("2026-11-20T10:00:00.000Z");
const at = (ms: number) => new Date(start.getTime() + ms);

describe("hitRateLimit", () => {
  it("counts 40 concurrent hits exactly once each", async () => {
    const rule = { key: "test:concurrent", limit: 30, windowMs: MINUTE };
    const results = await Promise.all(Array.from({ length: 40 }, () => hitRateLimit(db, rule, at(1000))));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(await db.rateLimit.findUnique({ where: { key: rule.key } })).toMatchObject({ count: 40, windowStart: start });
  });

  it("refuses past the limit with the seconds left in the window, then starts a new window", async () => {
    const rule = { key: "test:window", limit: 2, windowMs: MINUTE };
    expect(await hitRateLimit(db, rule, at(0))).toEqual({ ok: true, count: 1 });
    expect(await hitRateLimit(db, rule, at(10_000))).toEqual({ ok: true, count: 2 });
    expect(await hitRateLimit(db, rule, at(44_500))).toEqual({ ok: false, count: 3, retryAfterSeconds: 16 });
    expect(await hitRateLimit(db, rule, at(MINUTE + 1))).toEqual({ ok: true, count: 1 });
  });

  it("resets a stale window once when many requests cross the boundary together", async () => {
    const rule = { key: "test:boundary", limit: 100, windowMs: MINUTE };
    await hitRateLimit(db, rule, at(0));
    const results = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(db, rule, at(MINUTE + 5))));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("refuses at the first rule that is over, without counting the later ones, and prunes old windows", async () => {
    const rules = [
      { key: "test:ip", limit: 1, windowMs: MINUTE },
      { key: "test:shop", limit: 2, windowMs: 10 * MINUTE },
    ];
    expect((await hitRateLimits(db, rules, at(0))).ok).toBe(true);
    // The narrow rule refuses: its own wait, and the shop's window is not touched.
    expect(await hitRateLimits(db, rules, at(30_000))).toEqual({ ok: false, count: 2, retryAfterSeconds: 30 });
    expect(await db.rateLimit.findUnique({ where: { key: "test:shop" } })).toMatchObject({ count: 1 });
    // Another client (another first rule) passes its own and meets the shop's limit.
    const other = [{ ...rules[0], key: "test:ip-2" }, rules[1]];
    expect((await hitRateLimits(db, other, at(40_000))).ok).toBe(true);
    expect(await hitRateLimits(db, other, at(MINUTE + 30_000))).toEqual({ ok: false, count: 3, retryAfterSeconds: 510 });
    expect(await pruneRateLimits(db, at(20 * MINUTE))).toBeGreaterThanOrEqual(3);
  });
});
