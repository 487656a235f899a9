// enqueueJob is idempotent by (shop, kind, key) and never loses a request,
// even one made while the job is running.
import { afterEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import { nextRunAt, RECURRING_KEY, scheduleRecurring } from "~/queue/schedule.server";
import { PermanentError, type JobHandler } from "~/queue/types";
import { createWorker } from "~/jobs/worker.server";

const shop = "alpha.myshopify.com";
const T0 = new Date("2026-11-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const quiet = { info() {}, warn() {} };

afterEach(async () => {
  await db.job.deleteMany();
  await db.shop.deleteMany();
});

function workerFor(kind: string, handler: JobHandler, now: () => Date) {
  return createWorker({ db, webhookHandlers: new Map(), jobHandlers: new Map([[kind, handler]]), now, logger: quiet });
}

describe("enqueueJob", () => {
  it("creates once, then leaves an identical request alone", async () => {
    expect(await enqueueJob(db, { shop, kind: "release", key: "r1", payload: { a: 1 } }, T0)).toBe("created");
    expect(await enqueueJob(db, { shop, kind: "release", key: "r1", payload: { a: 1 } }, T0)).toBe("unchanged");
    expect(await enqueueJob(db, { shop, kind: "release", key: "r2" }, T0)).toBe("created");
    expect(await enqueueJob(db, { shop: "beta.myshopify.com", kind: "release", key: "r1" }, T0)).toBe("created");
    expect(await db.job.count()).toBe(3);
    const job = await db.job.findFirstOrThrow({ where: { shop, key: "r1" } });
    expect(job).toMatchObject({ status: "PENDING", payload: '{"a":1}', availableAt: T0 });
  });

  it("brings a PENDING job forward, never back", async () => {
    await enqueueJob(db, { shop, kind: "release", key: "r", availableAt: at(60_000) }, T0);
    expect(await enqueueJob(db, { shop, kind: "release", key: "r", availableAt: at(120_000) }, T0)).toBe("unchanged");
    expect((await db.job.findFirstOrThrow()).availableAt).toEqual(at(60_000));
    expect(await enqueueJob(db, { shop, kind: "release", key: "r", availableAt: at(10_000) }, T0)).toBe("rescheduled");
    expect((await db.job.findFirstOrThrow()).availableAt).toEqual(at(10_000));
  });

  it("revives a DONE or DEAD job with fresh attempts", async () => {
    const job = await db.job.create({
      data: { shop, kind: "release", key: "r", status: "DEAD", attempts: 8, lastError: "Error: x" },
    });
    expect(await enqueueJob(db, { shop, kind: "release", key: "r", payload: { b: 2 } }, T0)).toBe("reset");
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: "PENDING",
      attempts: 0,
      lastError: null,
      availableAt: T0,
      payload: '{"b":2}',
    });
    await db.job.update({ where: { id: job.id }, data: { status: "DONE" } });
    expect(await enqueueJob(db, { shop, kind: "release", key: "r" }, T0)).toBe("reset");
    expect(await db.job.count()).toBe(1);
  });

  it("runs a job again after the current run when it is requested while RUNNING", async () => {
    let runs = 0;
    const payloads: unknown[] = [];
    const w = workerFor(
      "sync",
      async (ctx) => {
        runs++;
        payloads.push(ctx.payload);
        expect(ctx.cause).toBe("job:sync:all");
        // New data arrived while this run was under way (e.g. a webhook for the same shop).
        if (runs === 1) {
          expect(await enqueueJob(ctx.db, { shop, kind: "sync", key: "all", payload: { v: 2 } }, ctx.now())).toBe(
            "rerun-requested",
          );
          expect(await enqueueJob(ctx.db, { shop, kind: "sync", key: "all" }, ctx.now())).toBe("unchanged");
        }
      },
      () => T0,
    );
    await enqueueJob(db, { shop, kind: "sync", key: "all", payload: { v: 1 } }, T0);

    expect(await w.runOnce()).toMatchObject({ claimed: 2, rerun: 1, done: 1 });
    expect(runs).toBe(2);
    expect(payloads).toEqual([{ v: 1 }, { v: 2 }]);
    expect(await db.job.findFirstOrThrow()).toMatchObject({ status: "DONE", lockedBy: null });
    expect((await w.runOnce()).claimed).toBe(0);
  });

  it("keeps a re-request made while RUNNING even if the run then fails for good", async () => {
    let runs = 0;
    const w = workerFor(
      "sync",
      async (ctx) => {
        if (++runs === 1) {
          await enqueueJob(ctx.db, { shop, kind: "sync", key: "k" }, ctx.now());
          throw new PermanentError("gone");
        }
      },
      () => T0,
    );
    await enqueueJob(db, { shop, kind: "sync", key: "k" }, T0);
    expect(await w.runOnce()).toMatchObject({ rerun: 1, done: 1 });
    expect(runs).toBe(2);
  });

  it("parks a job of an unknown kind DEAD", async () => {
    await enqueueJob(db, { shop, kind: "mystery", key: "k" }, T0);
    const w = workerFor("sync", async () => {}, () => T0);
    expect(await w.runOnce()).toMatchObject({ dead: 1 });
    expect((await db.job.findFirstOrThrow()).lastError).toMatch(/no handler for job kind mystery/);
  });
});

describe("scheduleRecurring", () => {
  const daily = { kind: "reconcile", everyMs: 24 * 60 * 60_000 };

  it("keeps one future run per active shop, whoever calls it and how often", async () => {
    await db.shop.createMany({
      data: [{ shop }, { shop: "beta.myshopify.com" }, { shop: "gone.myshopify.com", active: false }],
    });
    // Two workers, each with its own schedule pass.
    expect(await scheduleRecurring(db, daily, T0)).toBe(2);
    expect(await scheduleRecurring(db, daily, T0)).toBe(0);
    const jobs = await db.job.findMany({ orderBy: { shop: "asc" } });
    expect(jobs.map((j) => j.shop)).toEqual([shop, "beta.myshopify.com"]);
    for (const job of jobs) {
      expect(job.key).toBe(RECURRING_KEY);
      expect(job.availableAt.getTime()).toBeGreaterThan(T0.getTime());
      expect(job.availableAt.getTime()).toBeLessThanOrEqual(T0.getTime() + daily.everyMs);
      expect(job.availableAt).toEqual(nextRunAt(job.shop, daily, T0));
    }
  });

  it("re-arms the next period after a run, through the worker", async () => {
    await db.shop.create({ data: { shop } });
    let clock = T0;
    const handler = vi.fn<JobHandler>(async () => {});
    const w = createWorker({
      db,
      webhookHandlers: new Map(),
      jobHandlers: new Map([[daily.kind, handler]]),
      recurringJobs: [daily],
      scheduleEveryMs: 0,
      now: () => clock,
      logger: quiet,
    });
    expect((await w.runOnce()).claimed).toBe(0);
    const first = (await db.job.findFirstOrThrow()).availableAt;

    clock = first;
    expect(await w.runOnce()).toMatchObject({ done: 1 });
    // The same pass (or the next) schedules the following day's run.
    await w.runOnce();
    const job = await db.job.findFirstOrThrow();
    expect(job.status).toBe("PENDING");
    expect(job.availableAt).toEqual(new Date(first.getTime() + daily.everyMs));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await db.job.count()).toBe(1);
  });
});
