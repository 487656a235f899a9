// customers/redact for a large shop: 200,000 audit events with one customer
// spread across them, erased through the real route and worker in small
// transactions; a worker that dies halfway leaves a resumable erasure that a
// later run finishes with the same result, counting nothing twice.
import { beforeAll, describe, expect, it } from "vitest";
import db, { type Db } from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { CUSTOMER_REDACT_ACTION } from "~/referrals/privacy.server";
import { customersRedactPayload } from "../../fake-shopify/payloads";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";
import { mentionsOf } from "./every-row";
import { ALICE, ALICE_NEEDLES, BOB, seedShop } from "./seed";

const EVENTS = 200_000;
const ALICE_EVERY = 1_000;
const quiet = { info() {}, warn() {} };

/**
 * Fills the shop's audit trail: Alice in one event of each ALICE_EVERY (each
 * spelling in turn), Bob in the rest. One INSERT ... SELECT on the server: row
 * by row through the client would take most of a minute.
 */
async function seedAuditTrail(shop: string) {
  const spellings = [ALICE.requestEmail, ALICE.referrerEmail.toUpperCase(), `customer ${ALICE.gid}`, `landing=/?email=${encodeURIComponent(ALICE.friendEmail)}`];
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const who = `CASE WHEN i % ${ALICE_EVERY} = 0 THEN CASE (i / ${ALICE_EVERY}) % 4 ${spellings.map((w, k) => `WHEN ${k} THEN ${quote(w)}`).join(" ")} END ELSE ${quote(BOB.email)} END`;
  const columns = `'${shop}-' || i, ${quote(shop)}, 'scale.note', 'webhook:seed-' || i, '{"note":"order ' || i || ' by ' || ${who} || '","amount":"10.00"}'`;
  const insert = `INSERT INTO "AuditEvent" ("id", "shop", "action", "cause", "detail", "createdAt")`;
  const last = EVENTS - 1;
  if (process.env.TEST_DATABASE === "postgresql") {
    await db.$executeRawUnsafe(`${insert} SELECT ${columns}, TIMESTAMP '2026-06-01 00:00:00' FROM generate_series(0, ${last}) AS n(i)`);
  } else {
    await db.$executeRawUnsafe(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${last}) ${insert} SELECT ${columns}, '2026-06-01T00:00:00.000+00:00' FROM n`,
    );
  }
}

async function deliverRedact(shop: string, webhookId: string) {
  const response = await deliverWebhook(
    signedWebhookRequest({ topic: "customers/redact", shop, webhookId, body: customersRedactPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail, ordersToRedact: [] }) }),
  );
  expect(response.status).toBe(200);
}

/** The same database client, whose `failOn`-th erasure page write fails (a worker dying mid-erasure). */
function dyingAt(failOn: number): Db {
  let pages = 0;
  return db.$extends({
    query: {
      erasure: {
        async updateMany({ args, query }) {
          if (args.data && "cursor" in args.data && ++pages === failOn) throw new Error("worker killed mid-erasure");
          return query(args);
        },
      },
    },
  }) as unknown as Db;
}

const summaryOf = async (shop: string) =>
  JSON.parse((await db.auditEvent.findFirstOrThrow({ where: { shop, action: CUSTOMER_REDACT_ACTION } })).detail!) as Record<string, number>;

const aliceEvents = (shop: string) =>
  db.auditEvent.count({
    where: {
      shop,
      action: "scale.note",
      OR: [{ detail: { contains: "liddell" } }, { detail: { contains: "LIDDELL" } }, { detail: { contains: ALICE.id } }],
    },
  });

describe("customers/redact at scale", () => {
  const whole = "redact-scale-whole.myshopify.com";
  const crashed = "redact-scale-crash.myshopify.com";

  beforeAll(async () => {
    for (const shop of [whole, crashed]) {
      await seedShop(db, shop);
      await seedAuditTrail(shop);
      // Only the redact deliveries below run.
      await db.webhookDelivery.updateMany({ where: { shop }, data: { availableAt: new Date("2099-01-01T00:00:00Z") } });
      await db.job.updateMany({ where: { shop }, data: { availableAt: new Date("2099-01-01T00:00:00Z") } });
    }
  }, 300_000);

  it("erases one customer from 200,000 audit events in small transactions", async () => {
    expect(await aliceEvents(whole)).toBe(EVENTS / ALICE_EVERY);
    await deliverRedact(whole, "redact-scale-1");
    const counts = await createWorker({ db, webhookHandlers, jobHandlers, logger: quiet }).runOnce();
    expect(counts).toMatchObject({ claimed: 1, done: 1 });

    expect(await aliceEvents(whole)).toBe(0);
    // Bob's events are untouched.
    expect(await db.auditEvent.count({ where: { shop: whole, detail: { contains: BOB.email } } })).toBe(EVENTS - EVENTS / ALICE_EVERY);
    const summary = await summaryOf(whole);
    expect(summary.auditEvents).toBeGreaterThanOrEqual(EVENTS / ALICE_EVERY);
    // Finished: the erasure keeps counts only, no longer the customer's marks.
    const erasure = await db.erasure.findFirstOrThrow({ where: { shop: whole } });
    expect(erasure).toMatchObject({ phase: "finished", marks: null, cursor: null });
    expect(erasure.finishedAt).not.toBeNull();
  }, 300_000);

  it("resumes after a worker dies halfway, with the same result and counts", async () => {
    await deliverRedact(crashed, "redact-scale-2");
    const first = await createWorker({ db: dyingAt(60), webhookHandlers, jobHandlers, logger: quiet }).runOnce();
    expect(first).toMatchObject({ claimed: 1, retry: 1 });

    // Halfway: the pages before the crash are committed with their position, the rest is not scanned.
    const halfway = await db.erasure.findFirstOrThrow({ where: { shop: crashed } });
    expect(halfway).toMatchObject({ phase: "auditEvents", finishedAt: null });
    expect(halfway.cursor).not.toBeNull();
    const left = await aliceEvents(crashed);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(EVENTS / ALICE_EVERY);
    // The customer's own rows went in the first step, before any page.
    expect(await db.referrer.count({ where: { shop: crashed, customerId: ALICE.gid } })).toBe(0);

    // The retry (after its backoff) resumes and finishes.
    const later = () => new Date(Date.now() + 2 * 60 * 60_000);
    const second = await createWorker({ db, webhookHandlers, jobHandlers, logger: quiet, now: later }).runOnce();
    expect(second).toMatchObject({ claimed: 1, done: 1 });
    expect(await aliceEvents(crashed)).toBe(0);
    expect(await mentionsOf(db, crashed, ALICE_NEEDLES)).toEqual([]);
    // Nothing counted twice, nothing missed: the same summary as the uninterrupted erasure.
    expect(await summaryOf(crashed)).toEqual(await summaryOf(whole));
    expect(await db.auditEvent.count({ where: { shop: crashed, action: CUSTOMER_REDACT_ACTION } })).toBe(1);
  }, 300_000);

  it("a redelivery of a finished erasure changes nothing and records nothing twice", async () => {
    await db.webhookDelivery.updateMany({ where: { shop: whole, webhookId: "redact-scale-1" }, data: { status: "PENDING", payload: JSON.stringify(customersRedactPayload({ shop: whole, customerId: ALICE.id, email: ALICE.requestEmail, ordersToRedact: [] })), availableAt: new Date(0) } });
    const counts = await createWorker({ db, webhookHandlers, jobHandlers, logger: quiet }).runOnce();
    expect(counts).toMatchObject({ claimed: 1, done: 1 });
    expect(await db.auditEvent.count({ where: { shop: whole, action: CUSTOMER_REDACT_ACTION } })).toBe(1);
  });
});
