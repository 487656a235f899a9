// The Delivery problems page: webhook deliveries that failed for good (DEAD) or
// could not be read (INVALID), and jobs that failed for good, kept for
// RETENTION_PROBLEM_DAYS with their reasons. A dead one can be retried; an
// unreadable one cannot (retrying cannot make its body readable).
import type { Db } from "../db.server";
import { DEAD, INVALID, PENDING } from "../jobs/queue.server";
import { nudgeWorker } from "../jobs/nudge.server";
import { recordAudit } from "../referrals/audit.server";

export const PROBLEMS_SHOWN = 100;

export async function deliveryProblems(db: Db, shop: string) {
  const problem = { shop, status: { in: [DEAD, INVALID] } };
  const [deliveries, deliveryCount, jobs, jobCount] = await Promise.all([
    db.webhookDelivery.findMany({
      where: problem,
      orderBy: [{ availableAt: "desc" }, { id: "desc" }],
      take: PROBLEMS_SHOWN,
      select: { id: true, webhookId: true, topic: true, status: true, attempts: true, lastError: true, receivedAt: true, availableAt: true, payload: true },
    }),
    db.webhookDelivery.count({ where: problem }),
    db.job.findMany({
      where: { shop, status: DEAD },
      orderBy: [{ availableAt: "desc" }, { id: "desc" }],
      take: PROBLEMS_SHOWN,
      select: { id: true, kind: true, key: true, attempts: true, lastError: true, availableAt: true },
    }),
    db.job.count({ where: { shop, status: DEAD } }),
  ]);
  return {
    deliveries: deliveries.map(({ payload, ...d }) => ({
      ...d,
      receivedAt: d.receivedAt.toISOString(),
      failedAt: d.availableAt.toISOString(),
      // A body erased for privacy cannot be run again.
      retryable: d.status === DEAD && payload !== null,
    })),
    deliveryCount,
    jobs: jobs.map((j) => ({ ...j, failedAt: j.availableAt.toISOString() })),
    jobCount,
  };
}

export type RetryOutcome = "retried" | "not-found" | "not-retryable";

/** Puts a dead delivery of the shop back in the queue, as if just received. */
export async function retryDelivery({ db, shop, id, cause, now = new Date() }: { db: Db; shop: string; id: string; cause: string; now?: Date }): Promise<RetryOutcome> {
  const row = await db.webhookDelivery.findFirst({ where: { shop, id }, select: { status: true, payload: true, topic: true, webhookId: true } });
  if (!row) return "not-found";
  if (row.status !== DEAD || row.payload === null) return "not-retryable";
  const { count } = await db.webhookDelivery.updateMany({
    where: { shop, id, status: DEAD, payload: { not: null } },
    data: { status: PENDING, attempts: 0, availableAt: now, processedAt: null },
  });
  if (count !== 1) return "not-retryable";
  await recordAudit(db, { shop, action: "delivery.retried", cause, detail: `${row.topic} ${row.webhookId}` });
  nudgeWorker();
  return "retried";
}

/** Puts a dead job of the shop back in the queue with fresh attempts. */
export async function retryJob({ db, shop, id, cause, now = new Date() }: { db: Db; shop: string; id: string; cause: string; now?: Date }): Promise<RetryOutcome> {
  const row = await db.job.findFirst({ where: { shop, id }, select: { status: true, kind: true, key: true } });
  if (!row) return "not-found";
  const { count } = await db.job.updateMany({ where: { shop, id, status: DEAD }, data: { status: PENDING, attempts: 0, availableAt: now } });
  if (count !== 1) return "not-retryable";
  await recordAudit(db, { shop, action: "job.retried", cause, detail: `${row.kind} ${row.key}` });
  nudgeWorker();
  return "retried";
}
