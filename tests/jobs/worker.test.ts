// The worker over the durable queue: retries, dead letters, leases, and the
// path from a real webhook request to its handler running once.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { claimNext, completeClaim, failClaim } from "~/queue/queue.server";
import { PermanentError, type WebhookHandler } from "~/queue/types";
import { createWorker, type WorkerLogger, type WorkerOptions } from "~/jobs/worker.server";
import { maintenanceTasks, RATE_LIMIT_RETENTION_MS } from "~/jobs/registry.server";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";

const shop = "alpha.myshopify.com";
const T0 = new Date("2026-11-01T12:00:00.000Z");
const order = { id: 1, admin_graphql_api_id: "gid://shopify/Order/1", line_items: [] };
const quiet: WorkerLogger = { info() {}, warn() {} };

let clock: Date;
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

beforeAll(async () => {
  // The door stores deliveries of installed shops only.
  await db.shop.create({ data: { shop } });
});
beforeEach(() => {
  clock = T0;
});
afterEach(async () => {
  await db.webhookDelivery.deleteMany();
  await db.job.deleteMany();
});

function worker(handler: WebhookHandler, options: Partial<WorkerOptions> = {}) {
  return createWorker({
    db,
    webhookHandlers: new Map([["orders/paid", handler]]),
    jobHandlers: new Map(),
    now,
    logger: quiet,
    random: () => 0.5,
    ...options,
  });
}

async function storeOrderPaid(webhookId = "wh-1") {
  return db.webhookDelivery.create({
    data: { shop, webhookId, topic: "orders/paid", payload: JSON.stringify(order), availableAt: T0 },
  });
}

describe("worker", () => {
  it("runs a delivery stored by the real route once, however often Shopify sends it", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const handler = vi.fn<WebhookHandler>(async () => {});
    for (let i = 0; i < 3; i++) {
      const response = await deliverWebhook(
        signedWebhookRequest({ topic: "orders/paid", shop, body: order, webhookId: "dup" }),
      );
      expect(response.status).toBe(200);
    }
    const w = worker(handler, { now: () => new Date() });
    expect((await w.runOnce()).done).toBe(1);
    expect((await w.runOnce()).claimed).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);
    const ctx = handler.mock.calls[0][0];
    expect(ctx).toMatchObject({ shop, topic: "orders/paid", webhookId: "dup", cause: "webhook:dup", payload: order });
    const row = await db.webhookDelivery.findFirstOrThrow();
    // Personal data does not outlive the processing.
    expect(row).toMatchObject({ status: "DONE", payload: null, lockedBy: null, attempts: 1 });
    expect(row.processedAt).not.toBeNull();
  });

  it("retries a failing handler with growing backoff, then succeeds", async () => {
    await storeOrderPaid();
    let calls = 0;
    const w = worker(async () => {
      if (++calls <= 2) throw new Error(`boom ${calls}`);
    });

    expect(await w.runOnce()).toMatchObject({ claimed: 1, retry: 1 });
    let row = await db.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "PENDING", attempts: 1, lastError: "Error: boom 1", lockedBy: null });
    const firstDelay = row.availableAt.getTime() - clock.getTime();
    expect(firstDelay).toBeGreaterThan(0);

    // Not due yet: nothing happens.
    expect((await w.runOnce()).claimed).toBe(0);

    clock = row.availableAt;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, retry: 1 });
    row = await db.webhookDelivery.findFirstOrThrow();
    expect(row.attempts).toBe(2);
    expect(row.availableAt.getTime() - clock.getTime()).toBeGreaterThan(firstDelay);

    clock = row.availableAt;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    row = await db.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "DONE", attempts: 3, lastError: null, payload: null });
    expect(calls).toBe(3);
  });

  it("gives up after maxAttempts: DEAD with the last error, payload kept for a replay", async () => {
    await storeOrderPaid();
    let calls = 0;
    const w = worker(
      async () => {
        throw new Error(`failure ${++calls}`);
      },
      { maxAttempts: 4 },
    );
    for (let i = 0; i < 10; i++) {
      await w.runOnce();
      advance(2 * 60 * 60_000);
    }
    const row = await db.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "DEAD", attempts: 4, lastError: "Error: failure 4", lockedBy: null });
    expect(row.payload).not.toBeNull();
    expect(calls).toBe(4);
  });

  it("defaults to 8 attempts", async () => {
    await storeOrderPaid();
    const handler = vi.fn<WebhookHandler>(async () => {
      throw new Error("down");
    });
    const w = worker(handler);
    for (let i = 0; i < 12; i++) {
      await w.runOnce();
      advance(2 * 60 * 60_000);
    }
    expect(handler).toHaveBeenCalledTimes(8);
    expect((await db.webhookDelivery.findFirstOrThrow()).status).toBe("DEAD");
  });

  it("parks a PermanentError DEAD at once", async () => {
    await storeOrderPaid();
    const handler = vi.fn<WebhookHandler>(async () => {
      throw new PermanentError("order belongs to no program");
    });
    expect(await worker(handler).runOnce()).toMatchObject({ dead: 1 });
    advance(24 * 60 * 60_000);
    expect((await worker(handler).runOnce()).claimed).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await db.webhookDelivery.findFirstOrThrow()).toMatchObject({
      status: "DEAD",
      attempts: 1,
      lastError: "PermanentError: order belongs to no program",
    });
  });

  it("parks a delivery whose topic has no handler DEAD: no handler", async () => {
    const refund = { id: 5, admin_graphql_api_id: "gid://shopify/Refund/5", order_id: 1, refund_line_items: [], transactions: [] };
    await db.webhookDelivery.create({
      data: { shop, webhookId: "x", topic: "refunds/create", payload: JSON.stringify(refund), availableAt: T0 },
    });
    expect(await worker(async () => {}).runOnce()).toMatchObject({ dead: 1 });
    expect((await db.webhookDelivery.findFirstOrThrow()).lastError).toMatch(/no handler for topic refunds\/create/);
  });

  it("parks a delivery it cannot parse, or lacking what its topic needs, INVALID with the reason: never run, never retried", async () => {
    const stored = [
      { webhookId: "not-json", topic: "orders/paid", payload: "{", reason: /^body is not valid JSON: / },
      { webhookId: "incomplete", topic: "orders/paid", payload: JSON.stringify({ id: 1 }), reason: /^payload incomplete for orders\/paid: admin_graphql_api_id/ },
      { webhookId: "unknown-topic", topic: "products/update", payload: JSON.stringify(order), reason: /^unsupported topic "products\/update"$/ },
    ];
    for (const { webhookId, topic, payload } of stored) {
      await db.webhookDelivery.create({ data: { shop, webhookId, topic, payload, availableAt: T0 } });
    }
    const handler = vi.fn<WebhookHandler>(async () => {});
    const warn = vi.fn();
    const w = worker(handler, { logger: { info() {}, warn } });
    expect(await w.runOnce()).toMatchObject({ claimed: 3, invalid: 3, done: 0 });
    advance(24 * 60 * 60_000);
    expect((await w.runOnce()).claimed).toBe(0);
    expect(handler).not.toHaveBeenCalled();
    for (const { webhookId, payload, reason } of stored) {
      const row = await db.webhookDelivery.findUniqueOrThrow({ where: { shop_webhookId: { shop, webhookId } } });
      expect(row).toMatchObject({ status: "INVALID", attempts: 0, payload, lockedBy: null, lockedUntil: null, processedAt: null });
      expect(row.lastError).toMatch(reason);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${webhookId} (${shop}) parked INVALID: `));
    }
  });

  it("never runs INVALID deliveries", async () => {
    await db.webhookDelivery.create({
      data: { shop, webhookId: "x", topic: "orders/paid", payload: "{", status: "INVALID", availableAt: T0 },
    });
    const handler = vi.fn<WebhookHandler>(async () => {});
    expect((await worker(handler).runOnce()).claimed).toBe(0);
    expect(handler).not.toHaveBeenCalled();
  });

  it("reclaims a row whose worker died after its lease ran out, and runs it once", async () => {
    const row = await storeOrderPaid();
    // A worker claimed it and was killed (SIGKILL): RUNNING, never finished.
    const dead = await claimNext(db, "webhook", { workerId: "killed", now: T0, leaseMs: 60_000 });
    expect(dead?.row.id).toBe(row.id);

    const handler = vi.fn<WebhookHandler>(async () => {});
    const w = worker(handler, { leaseMs: 60_000 });
    advance(30_000);
    expect((await w.runOnce()).claimed).toBe(0); // lease still valid: hands off
    advance(31_000);
    expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect((await w.runOnce()).claimed).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);
    // The killed run counts as an attempt: a delivery that crashes its worker cannot loop forever.
    expect(await db.webhookDelivery.findFirstOrThrow()).toMatchObject({ status: "DONE", attempts: 2 });
  });

  it("does not let a worker that lost its lease complete or fail the row", async () => {
    await storeOrderPaid();
    const slow = await claimNext(db, "webhook", { workerId: "slow", now: T0, leaseMs: 1_000 });
    const later = new Date(T0.getTime() + 5_000);
    const fast = await claimNext(db, "webhook", { workerId: "fast", now: later, leaseMs: 60_000 });
    expect(slow && fast).toBeTruthy();

    expect(await completeClaim(db, slow!, later)).toBe("lost");
    expect(await failClaim(db, slow!, new Error("late"), later)).toBe("lost");
    let row = await db.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "RUNNING", lockedBy: fast!.token, lastError: null });

    expect(await completeClaim(db, fast!, later)).toBe("done");
    row = await db.webhookDelivery.findFirstOrThrow();
    expect(row.status).toBe("DONE");
  });

  it("gives each handler a lazily built admin client", async () => {
    await storeOrderPaid("a");
    await storeOrderPaid("b");
    const admin = vi.fn(async () => ({}) as never);
    let used = 0;
    const w = worker(
      async (ctx) => {
        if (ctx.webhookId === "a") {
          await ctx.admin();
          await ctx.admin();
          used++;
        }
      },
      { admin },
    );
    await w.runOnce();
    expect(used).toBe(1);
    expect(admin).toHaveBeenCalledTimes(1);
    expect(admin).toHaveBeenCalledWith(shop, { beforeRetry: expect.any(Function) });
  });

  it("start() picks up a stored delivery when nudged, stop() waits for it", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const w = worker(
      async () => {
        await gate;
        finished = true;
      },
      { now: () => new Date(), pollMs: 60 * 60_000 },
    );
    w.start();
    // The first pass found nothing; only the route's nudge can wake it within the hour.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: order }));
    await vi.waitFor(async () => expect((await db.webhookDelivery.findFirstOrThrow()).status).toBe("RUNNING"));
    const stopped = w.stop();
    release();
    await stopped;
    expect(finished).toBe(true);
    expect((await db.webhookDelivery.findFirstOrThrow()).status).toBe("DONE");
  });

  it("prunes expired rate-limit windows with the app's maintenance tasks, at most once a period; a failing task stops nothing", async () => {
    const keys = ["maint:old", "maint:recent"];
    await db.rateLimit.deleteMany({ where: { key: { in: keys } } });
    await db.rateLimit.createMany({
      data: [
        { key: "maint:old", windowStart: new Date(T0.getTime() - RATE_LIMIT_RETENTION_MS - 60_000), count: 3 },
        { key: "maint:recent", windowStart: new Date(T0.getTime() - 60_000), count: 9 },
      ],
    });
    const warnings: string[] = [];
    const failing = { name: "always fails", everyMs: 1, run: async () => Promise.reject(new Error("boom")) };
    const ran: string[] = [];
    const w = worker(async () => void ran.push("handled"), {
      maintenance: [...maintenanceTasks, failing],
      logger: { info() {}, warn: (m) => void warnings.push(m) },
    });
    await storeOrderPaid("wh-maint");
    await w.runOnce();
    expect(ran).toEqual(["handled"]);
    expect(warnings).toEqual(["always fails failed"]);
    expect((await db.rateLimit.findMany({ where: { key: { in: keys } } })).map((r) => r.key)).toEqual(["maint:recent"]);

    // Within the period the prune does not run again; after it, it does.
    await db.rateLimit.create({ data: { key: "maint:old", windowStart: new Date(T0.getTime() - RATE_LIMIT_RETENTION_MS - 60_000), count: 1 } });
    advance(60_000);
    await w.runOnce();
    expect(await db.rateLimit.count({ where: { key: "maint:old" } })).toBe(1);
    advance(10 * 60_000);
    await w.runOnce();
    expect(await db.rateLimit.count({ where: { key: "maint:old" } })).toBe(0);
    expect(await db.rateLimit.count({ where: { key: "maint:recent" } })).toBe(1);
  });
});
