// A worker with several slots: rows run side by side up to the bound, each
// exactly once, a shop with a backlog does not keep another shop waiting, and
// one shop holds no more slots than it is allowed.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import type { WebhookHandler } from "~/queue/types";
import { createWorker, type WorkerLogger, type WorkerOptions } from "~/jobs/worker.server";

const A = "busy-concurrency.myshopify.com";
const B = "quiet-concurrency.myshopify.com";
const T0 = new Date("2026-11-01T12:00:00.000Z");
const quiet: WorkerLogger = { info() {}, warn() {} };

beforeAll(async () => {
  for (const shop of [A, B]) await db.shop.upsert({ where: { shop }, create: { shop }, update: {} });
});
afterEach(async () => {
  await db.webhookDelivery.deleteMany({ where: { shop: { in: [A, B] } } });
});

/** `n` orders/paid deliveries of `shop`, the first due at `from`, one a second after. */
async function store(shop: string, n: number, from = T0) {
  for (let i = 0; i < n; i++) {
    await db.webhookDelivery.create({
      data: { shop, webhookId: `${shop}-${i}`, topic: "orders/paid", payload: JSON.stringify({ id: i, admin_graphql_api_id: `gid://shopify/Order/${i}`, line_items: [] }), availableAt: new Date(from.getTime() + i * 1000) },
    });
  }
}

/** A handler that records who runs, and holds each run until released, to see what runs at once. */
function gatedHandler() {
  const started: { shop: string; webhookId: string }[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;
  const maxByShop = new Map<string, number>();
  const waiting: (() => void)[] = [];
  let lastStart = 0;
  const handler: WebhookHandler = async (ctx) => {
    lastStart = Date.now();
    started.push({ shop: ctx.shop, webhookId: ctx.webhookId });
    inFlight.set(ctx.shop, (inFlight.get(ctx.shop) ?? 0) + 1);
    const total = [...inFlight.values()].reduce((a, b) => a + b, 0);
    maxInFlight = Math.max(maxInFlight, total);
    maxByShop.set(ctx.shop, Math.max(maxByShop.get(ctx.shop) ?? 0, inFlight.get(ctx.shop)!));
    await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight.set(ctx.shop, inFlight.get(ctx.shop)! - 1);
  };
  // Lets the waiting runs go once no new run has started for a while: the
  // worker has taken all the rows its slots allow.
  const pump = setInterval(() => {
    if (Date.now() - lastStart > 60) waiting.splice(0).forEach((go) => go());
  }, 5);
  return { handler, started, stats: () => ({ maxInFlight, maxByShop }), stop: () => clearInterval(pump) };
}

function worker(handler: WebhookHandler, options: Partial<WorkerOptions>) {
  return createWorker({ db, webhookHandlers: new Map([["orders/paid", handler]]), jobHandlers: new Map(), now: () => new Date(T0.getTime() + 3_600_000), logger: quiet, random: () => 0.5, ...options });
}

describe("worker concurrency", () => {
  it("runs up to `concurrency` rows at once, each exactly once", async () => {
    await store(A, 12);
    const gate = gatedHandler();
    try {
      const counts = await worker(gate.handler, { concurrency: 4 }).runOnce();
      expect(counts).toMatchObject({ claimed: 12, done: 12 });
      expect(gate.stats().maxInFlight).toBe(4);
      expect(new Set(gate.started.map((s) => s.webhookId)).size).toBe(12);
      expect(gate.started).toHaveLength(12);
      expect(await db.webhookDelivery.count({ where: { shop: A, status: "DONE", attempts: 1 } })).toBe(12);
    } finally {
      gate.stop();
    }
  });

  it("runs one row at a time by default", async () => {
    await store(A, 3);
    const gate = gatedHandler();
    try {
      expect(await worker(gate.handler, {}).runOnce()).toMatchObject({ claimed: 3, done: 3 });
      expect(gate.stats().maxInFlight).toBe(1);
    } finally {
      gate.stop();
    }
  });

  it("takes a quiet shop's row next to a busy shop's backlog, not after it", async () => {
    // 40 of A's rows are older than B's one: a queue served oldest first would reach B last.
    await store(A, 40);
    await store(B, 1, new Date(T0.getTime() + 60_000));
    const gate = gatedHandler();
    try {
      expect(await worker(gate.handler, { concurrency: 2, batch: 50 }).runOnce()).toMatchObject({ claimed: 41, done: 41 });
      expect(gate.started.slice(0, 2).map((s) => s.shop).sort()).toEqual([A, B]);
    } finally {
      gate.stop();
    }
  });

  it("holds at most `perShopConcurrency` slots for one shop, leaving the rest to others", async () => {
    await store(A, 10);
    await store(B, 10);
    const gate = gatedHandler();
    try {
      expect(await worker(gate.handler, { concurrency: 4, perShopConcurrency: 2 }).runOnce()).toMatchObject({ claimed: 20, done: 20 });
      expect(gate.stats().maxByShop.get(A)).toBe(2);
      expect(gate.stats().maxByShop.get(B)).toBe(2);
      expect(gate.stats().maxInFlight).toBeLessThanOrEqual(4);
    } finally {
      gate.stop();
    }
  });

  it("two workers with several slots each share the queue without running any row twice", async () => {
    await store(A, 15);
    await store(B, 15);
    const gate = gatedHandler();
    try {
      const [one, two] = await Promise.all([worker(gate.handler, { concurrency: 3, workerId: "one" }).runOnce(), worker(gate.handler, { concurrency: 3, workerId: "two" }).runOnce()]);
      expect(one.done + two.done).toBe(30);
      expect(gate.started).toHaveLength(30);
      expect(new Set(gate.started.map((s) => s.webhookId)).size).toBe(30);
      expect(await db.webhookDelivery.count({ where: { shop: { in: [A, B] }, status: "DONE", attempts: 1 } })).toBe(30);
    } finally {
      gate.stop();
    }
  });
});
