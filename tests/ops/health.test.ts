// /healthz and /readyz through their routes, on the test's own database: the
// migrations Prisma's CLI would have recorded, a queue kept up with or not,
// and a database that does not answer.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db, { createDb, providerOf } from "~/db.server";
import { readiness } from "~/ops/health.server";
import * as healthz from "~/routes/healthz";
import * as readyz from "~/routes/readyz";
import { migrationNames } from "../helpers/migrations";

const call = async (loader: () => Response | Promise<Response>) => {
  const response = await loader();
  return { status: response.status, body: await response.json(), cache: response.headers.get("cache-control") };
};

/** What `prisma migrate deploy` leaves behind: its table, a row per applied migration. */
async function recordMigrations(names: string[]) {
  const timestamp = providerOf(db) === "postgresql" ? "TIMESTAMPTZ" : "DATETIME";
  await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY, "checksum" VARCHAR(64) NOT NULL, "finished_at" ${timestamp}, "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT, "rolled_back_at" ${timestamp}, "started_at" ${timestamp} NOT NULL DEFAULT CURRENT_TIMESTAMP, "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations"`);
  for (const [i, name] of names.entries()) {
    await db.$executeRaw`INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES (${`m${i}`}, ${"x"}, CURRENT_TIMESTAMP, ${name}, 1)`;
  }
}

beforeEach(async () => {
  await recordMigrations(migrationNames(providerOf(db)));
});

afterEach(async () => {
  await db.job.deleteMany({ where: { shop: "health.myshopify.com" } });
});

describe("/healthz", () => {
  it("says the process is up, without touching the database", async () => {
    expect(await call(healthz.loader)).toEqual({ status: 200, body: { status: "ok" }, cache: "no-store" });
  });
});

describe("/readyz", () => {
  it("is ready with the database answering, every migration applied and nothing waiting", async () => {
    const ready = await call(readyz.loader);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      ready: true,
      checks: { database: { ok: true }, migrations: { ok: true }, queue: { ok: true, oldestDueSeconds: 0, maxSeconds: 300 } },
    });
  });

  it("is not ready when a migration of this build is not applied, and names it", async () => {
    const names = migrationNames(providerOf(db));
    await recordMigrations(names.slice(0, -1));
    const answer = await call(readyz.loader);
    expect(answer.status).toBe(503);
    expect(answer.body.checks.migrations).toEqual({ ok: false, missing: [names.at(-1)] });
  });

  it("is not ready when work due has waited longer than READY_MAX_QUEUE_LAG_SECONDS; ready again once it is done", async () => {
    const now = new Date();
    const job = await db.job.create({ data: { shop: "health.myshopify.com", kind: "sync-codes", key: "health", status: "PENDING", availableAt: new Date(now.getTime() - 600_000) } });
    // Due in the future: not late.
    await db.job.create({ data: { shop: "health.myshopify.com", kind: "sync-codes", key: "later", status: "PENDING", availableAt: new Date(now.getTime() + 3_600_000) } });
    const late = await call(readyz.loader);
    expect(late.status).toBe(503);
    expect(late.body.checks.queue).toMatchObject({ ok: false, maxSeconds: 300 });
    expect(late.body.checks.queue.oldestDueSeconds).toBeGreaterThanOrEqual(600);
    await db.job.update({ where: { id: job.id }, data: { status: "DONE" } });
    expect((await call(readyz.loader)).status).toBe(200);
  });

  it("is not ready when the database does not answer, without leaking its address", async () => {
    const url = providerOf(db) === "postgresql" ? "postgresql://nobody:secret@127.0.0.1:1/nowhere" : "file:/nonexistent-dir/never/app.sqlite";
    const down = createDb(url);
    try {
      const result = await readiness(down, { maxQueueLagSeconds: 300 });
      expect(result.ready).toBe(false);
      expect(result.checks.database.ok).toBe(false);
      expect(result.checks.database.error).toBeTruthy();
      expect(JSON.stringify(result)).not.toContain("secret");
    } finally {
      await down.$disconnect().catch(() => {});
    }
  });
});
