// Inviting customers in batches: every customer enrolled, audited, counted in
// the daily totals and in the run exactly once, when a worker dies in the
// middle of a batch and when two workers run the same invitation at once.
import { describe, expect, it } from "vitest";
import db, { type Db } from "~/db.server";
import { runInvite, startInvite } from "~/referrals/invites.server";
import { LeaseLostError, type JobContext } from "~/queue/types";
import { testAdminClient } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";

const pipeline = usePipeline();

async function invitation(customers: number) {
  const p = await pipeline.setupShop();
  const fake = pipeline.shopify.fake;
  for (let i = 0; i < customers; i++) fake.seedCustomer(p.shop, { firstName: `C${i}`, email: `c${i}@example.com` });
  const run = (await startInvite(db, { shop: p.shop, tag: null, cause: "test" }))!;
  const context = (database: Db = db): JobContext => ({
    db: database,
    shop: p.shop,
    cause: `job:invite-customers:${run.id}`,
    kind: "invite-customers",
    key: run.id,
    payload: null,
    now: () => new Date(),
    admin: () => testAdminClient(p.shop),
  });
  await runInvite(context()); // starts the export
  return { p, run, context };
}

/** The database, except that the Nth write of the run's checkpoint inside a transaction dies (the process was killed there). */
function dyingAtCheckpoint(nth: number): Db {
  let checkpoints = 0;
  const inTransaction = (tx: object) =>
    new Proxy(tx, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== "inviteRun") return value;
        return new Proxy(value, {
          get(delegate, method) {
            const fn = Reflect.get(delegate, method);
            if (method !== "updateMany") return typeof fn === "function" ? fn.bind(delegate) : fn;
            return async (...args: unknown[]) => {
              if (++checkpoints === nth) throw new Error("killed");
              return fn.apply(delegate, args);
            };
          },
        });
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== "$transaction") return Reflect.get(target, prop);
      return (work: (tx: object) => Promise<unknown>, options?: object) => target.$transaction((tx) => work(inTransaction(tx)), options);
    },
  });
}

async function expectEachOnce(shop: string, runId: string, customers: number) {
  const invited = await db.referrer.findMany({ where: { shop, source: "INVITE" }, select: { id: true, customerId: true, code: true } });
  expect(invited).toHaveLength(customers);
  expect(new Set(invited.map((r) => r.customerId)).size).toBe(customers);
  expect(new Set(invited.map((r) => r.code)).size).toBe(customers);
  const audits = await db.auditEvent.findMany({ where: { shop, action: "referrer.enrolled", cause: `job:invite-customers:${runId}` }, select: { referrerId: true } });
  expect(audits).toHaveLength(customers);
  expect(new Set(audits.map((a) => a.referrerId))).toEqual(new Set(invited.map((r) => r.id)));
  // One "referrer joined" event each, whatever died and reran.
  const joined = await db.referralEvent.findMany({ where: { shop, type: "referrer.joined", referrerId: { in: invited.map((r) => r.id) } }, select: { referrerId: true, data: true } });
  expect(joined).toHaveLength(customers);
  expect(new Set(joined.map((e) => e.referrerId)).size).toBe(customers);
  expect(JSON.parse(joined[0].data)).toMatchObject({ referrer: { source: "INVITE" } });
  // Rita, enrolled from the storefront by the setup, and the invited customers.
  const totals = await db.dailyStat.aggregate({ where: { shop }, _sum: { referrers: true } });
  expect(totals._sum.referrers).toBe(customers + 1);
  const run = await db.inviteRun.findUniqueOrThrow({ where: { id: runId } });
  // The fake shop holds Rita too: she is a referrer already.
  expect(run).toMatchObject({ status: "DONE", totalCustomers: customers + 1, processedLines: customers + 1, enrolled: customers, skipped: 1 });
}

describe("inviting customers in batches", () => {
  it("a worker killed inside a batch's transaction leaves nothing of that batch; the next run enrols each customer once", async () => {
    const { p, run, context } = await invitation(400);
    // Batches of 50, 100, 200...: the third batch (lines 151 to 350) dies at its checkpoint.
    await expect(runInvite(context(dyingAtCheckpoint(3)))).rejects.toThrow("killed");
    const after = await db.inviteRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ status: "ENROLLING", processedLines: 150, enrolled: 149, skipped: 1 });
    // Exactly the customers of the committed batches, with their audit trail and totals.
    expect(await db.referrer.count({ where: { shop: p.shop, source: "INVITE" } })).toBe(149);
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "referrer.enrolled", cause: `job:invite-customers:${run.id}` } })).toBe(149);
    expect((await db.dailyStat.aggregate({ where: { shop: p.shop }, _sum: { referrers: true } }))._sum.referrers).toBe(150);

    await runInvite(context());
    await expectEachOnce(p.shop, run.id, 400);
  });

  it("killed again and again, at every batch: still each customer once", async () => {
    const { p, run, context } = await invitation(300);
    for (let attempt = 0; attempt < 10; attempt++) {
      // Each run commits one batch and dies in the next one.
      const outcome = await runInvite(context(dyingAtCheckpoint(2))).then(
        () => "finished",
        (error: Error) => error.message,
      );
      if (outcome === "finished") break;
      expect(outcome).toBe("killed");
    }
    await expectEachOnce(p.shop, run.id, 300);
  });

  it("two workers running the same invitation at once enrol each customer once; the one that falls behind stops", async () => {
    const { p, run, context } = await invitation(500);
    const outcomes = await Promise.allSettled([runInvite(context()), runInvite(context())]);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(LeaseLostError);
    }
    // The survivor may have stopped at the end of its slice: finish the run.
    await runInvite(context());
    await expectEachOnce(p.shop, run.id, 500);
  });

  it("a worker shutting down ends its slice at the next batch and asks for the run to go on", async () => {
    const { p, run, context } = await invitation(200);
    await runInvite({ ...context(), stopRequested: () => true });
    expect(await db.inviteRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "ENROLLING", processedLines: 50 });
    const job = await db.job.findUniqueOrThrow({ where: { shop_kind_key: { shop: p.shop, kind: "invite-customers", key: run.id } } });
    expect(job.availableAt.getTime()).toBeLessThanOrEqual(Date.now());
    await runInvite(context());
    await expectEachOnce(p.shop, run.id, 200);
  });

  it("a customer who joined from the storefront meanwhile is skipped as already a referrer, and a guest with their email keeps the code", async () => {
    const { p, run, context } = await invitation(60);
    const fake = pipeline.shopify.fake;
    const [c3] = [...fake.shop(p.shop).customers.values()].filter((c) => c.firstName === "C3");
    const { enrolReferrer } = await import("~/referrals/referrers.server");
    await enrolReferrer(db, { shop: p.shop, customerId: c3.id, email: "c3@example.com", source: "STOREFRONT", cause: "test" });
    const guest = (await enrolReferrer(db, { shop: p.shop, email: "c7@example.com", source: "GUEST", cause: "test" })).referrer;

    await runInvite(context());
    const done = await db.inviteRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: "DONE", processedLines: 61, enrolled: 58, skipped: 3 });
    expect(JSON.parse(done.skipReasons)).toEqual({ "Already a referrer": 3 });
    const c7 = [...fake.shop(p.shop).customers.values()].find((c) => c.firstName === "C7")!;
    expect(await db.referrer.findUniqueOrThrow({ where: { id: guest.id } })).toMatchObject({ customerId: c7.id, code: guest.code });
    expect(await db.referrer.count({ where: { shop: p.shop } })).toBe(61);
  });
});
