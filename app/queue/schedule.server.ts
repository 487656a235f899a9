// Recurring per-shop work (reconciliation, hold release sweeps...) kept in the
// database, not in a timer: each active shop has one Job per recurring kind,
// with the fixed key "recurring": PENDING for its next run, and once DONE (or
// DEAD) revived by enqueueJob for the run after. Every worker
// may call scheduleRecurring as often as it likes: enqueueJob is idempotent and
// only ever brings a run forward, so several workers agree on one schedule.
import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { enqueueJob, PENDING, RUNNING } from "./queue.server";

export const RECURRING_KEY = "recurring";

export interface RecurringJob {
  kind: string;
  everyMs: number;
}

/**
 * Makes sure every active shop has its next `kind` run scheduled. Returns how
 * many shops got one. A shop's runs fall at a fixed offset inside each period
 * (from a hash of its domain) so a daily job does not hit every shop at midnight.
 */
export async function scheduleRecurring(db: Db, job: RecurringJob, now: Date = new Date()): Promise<number> {
  if (!(job.everyMs > 0)) throw new Error(`scheduleRecurring(${job.kind}): everyMs must be positive`);
  const shops = await db.shop.findMany({ where: { active: true }, select: { shop: true } });
  if (shops.length === 0) return 0;
  // A shop whose run is already waiting (or running, and will be re-armed here next
  // time) needs nothing; one query instead of one per shop.
  const scheduled = await db.job.findMany({
    where: { kind: job.kind, key: RECURRING_KEY, status: { in: [PENDING, RUNNING] } },
    select: { shop: true },
  });
  const has = new Set(scheduled.map((s) => s.shop));
  let count = 0;
  for (const { shop } of shops) {
    if (has.has(shop)) continue;
    await enqueueJob(db, { shop, kind: job.kind, key: RECURRING_KEY, availableAt: nextRunAt(shop, job, now) }, now);
    count++;
  }
  return count;
}

/** The first time after `now` in this shop's slot of the period. */
export function nextRunAt(shop: string, job: RecurringJob, now: Date): Date {
  const offset = createHash("sha256").update(`${shop}\n${job.kind}`).digest().readUInt32BE(0) % job.everyMs;
  const t = now.getTime();
  const periodStart = Math.floor((t - offset) / job.everyMs) * job.everyMs + offset;
  return new Date(periodStart + job.everyMs);
}
