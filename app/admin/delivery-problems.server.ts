// The Delivery problems page: webhook deliveries that failed for good (DEAD) or
// could not be read (INVALID), and jobs that failed for good, kept for
// RETENTION_PROBLEM_DAYS with their reasons. A dead one can be retried; an
// unreadable one cannot (retrying cannot make its body readable).
import type { Db } from "~/db.server";
import { DEAD, INVALID, retryDead, type QueueName, type RetryOutcome } from "~/queue/queue.server";
import { nudgeWorker } from "~/queue/nudge.server";
import { recordAudit } from "~/referrals/audit.server";

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

/** Retries a dead delivery (`queue` "webhook") or job of the shop, recorded in the audit trail. */
export async function retryProblem({ db, shop, queue, id, cause, now = new Date() }: { db: Db; shop: string; queue: QueueName; id: string; cause: string; now?: Date }): Promise<RetryOutcome> {
  const outcome = await retryDead(db, queue, { shop, id, now });
  if (outcome !== "retried") return outcome;
  await recordAudit(db, { shop, action: queue === "webhook" ? "delivery.retried" : "job.retried", cause, detail: id });
  nudgeWorker();
  return outcome;
}
