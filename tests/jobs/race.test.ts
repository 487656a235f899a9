// Two workers with their own database connections (as two processes would
// have) draining the same queue: every row is processed exactly once. On the
// PostgreSQL project this is a real race between two connection pools.
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "~/db.server";
import { createWorker, type Worker } from "~/jobs/worker.server";
import type { JobHandler, WebhookHandler } from "~/queue/types";

const url = process.env.DATABASE_URL!;
const clients = [createDb(url), createDb(url)];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
});

describe("two workers on one database", () => {
  it("process each of 200 rows exactly once", async () => {
    const [a, b] = clients;
    await a.webhookDelivery.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({
        shop: `shop-${i % 7}.myshopify.com`,
        webhookId: `wh-${i}`,
        topic: "orders/paid",
        payload: JSON.stringify({ id: i, admin_graphql_api_id: `gid://shopify/Order/${i}`, line_items: [] }),
      })),
    });
    await a.job.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({ shop: `shop-${i % 7}.myshopify.com`, kind: "work", key: `k-${i}` })),
    });

    const seen = new Map<string, string[]>();
    const record = (id: string, workerId: string) => seen.set(id, [...(seen.get(id) ?? []), workerId]);
    // Yield inside the handler so the two workers' database calls interleave.
    const pause = () => new Promise((resolve) => setImmediate(resolve));

    const make = (db: (typeof clients)[number], workerId: string): Worker => {
      const onWebhook: WebhookHandler = async (ctx) => {
        record(ctx.cause, workerId);
        await pause();
      };
      const onJob: JobHandler = async (ctx) => {
        record(ctx.cause, workerId);
        await pause();
      };
      return createWorker({
        db,
        workerId,
        batch: 10,
        webhookHandlers: new Map([["orders/paid", onWebhook]]),
        jobHandlers: new Map([["work", onJob]]),
        logger: { info() {}, warn() {} },
      });
    };
    const drain = async (worker: Worker) => {
      let total = 0;
      for (;;) {
        const counts = await worker.runOnce();
        if (counts.claimed === 0) return total;
        expect(counts.lost).toBe(0);
        total += counts.done;
      }
    };

    const [doneA, doneB] = await Promise.all([drain(make(a, "A")), drain(make(b, "B"))]);

    expect(doneA + doneB).toBe(200);
    expect(seen.size).toBe(200);
    expect([...seen.values()].filter((runs) => runs.length !== 1)).toEqual([]);
    // Both really took part, so the claims were contended.
    expect(doneA).toBeGreaterThan(0);
    expect(doneB).toBeGreaterThan(0);
    expect(await a.webhookDelivery.count({ where: { status: "DONE" } })).toBe(100);
    expect(await a.job.count({ where: { status: "DONE" } })).toBe(100);
  });
});
