// Health for the hosting's checks (load balancer, orchestrator): /healthz says
// the process answers; /readyz says this process can do its work: the database
// answers, every migration of this build is applied, and the queue is kept up
// with (the oldest webhook delivery or job that is due has not waited longer
// than READY_MAX_QUEUE_LAG_SECONDS). Neither needs Shopify, nor says anything
// about a shop.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "~/db.server";
import { providerOf } from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";

export interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; missing?: string[] };
    queue: { ok: boolean; oldestDueSeconds: number; maxSeconds: number };
  };
}

const MIGRATIONS_DIR = { sqlite: "prisma/migrations", postgresql: "prisma/postgresql/migrations" } as const;

/** The migrations this build ships for the database's provider (their directory names). */
function shippedMigrations(db: Db): string[] {
  const dir = path.join(PROJECT_ROOT, MIGRATIONS_DIR[providerOf(db)]);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export async function readiness(db: Db, { now = new Date(), maxQueueLagSeconds }: { now?: Date; maxQueueLagSeconds: number }): Promise<Readiness> {
  const checks: Readiness["checks"] = {
    database: { ok: false },
    migrations: { ok: false },
    queue: { ok: false, oldestDueSeconds: 0, maxSeconds: maxQueueLagSeconds },
  };
  try {
    await db.$queryRaw`SELECT 1`;
    checks.database.ok = true;
  } catch (error) {
    // The message names the failure (refused, timed out), never a password: Prisma's do not carry the URL's.
    const lines = String((error as Error).message ?? error).split("\n").map((line) => line.trim());
    checks.database.error = (lines.find(Boolean) ?? "the database did not answer").slice(0, 200);
    return { ready: false, checks };
  }
  const applied = await db.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`.catch(() => []);
  const done = new Set(applied.map((row) => row.migration_name));
  const missing = shippedMigrations(db).filter((name) => !done.has(name));
  checks.migrations = missing.length ? { ok: false, missing } : { ok: true };

  const due = { status: "PENDING", availableAt: { lte: now } };
  const [delivery, job] = await Promise.all([
    db.webhookDelivery.findFirst({ where: due, orderBy: { availableAt: "asc" }, select: { availableAt: true } }),
    db.job.findFirst({ where: due, orderBy: { availableAt: "asc" }, select: { availableAt: true } }),
  ]);
  const oldest = Math.min(delivery?.availableAt.getTime() ?? Infinity, job?.availableAt.getTime() ?? Infinity);
  const lag = Number.isFinite(oldest) ? Math.max(0, Math.round((now.getTime() - oldest) / 1000)) : 0;
  checks.queue = { ok: lag <= maxQueueLagSeconds, oldestDueSeconds: lag, maxSeconds: maxQueueLagSeconds };
  return { ready: checks.database.ok && checks.migrations.ok && checks.queue.ok, checks };
}
