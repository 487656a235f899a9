// Prometheus metrics (prom-client) for /metrics. Two kinds:
// - this process's own counters: Admin API calls by type and outcome, and the
//   cost points Shopify charged (each process is a scrape target of its own);
// - figures read from the database when scraped, the same from every process
//   because the database holds the state: webhook deliveries and jobs by
//   status, the queue's depth and its oldest due work per kind, emails by status.
// No label carries a shop or anything personal.
import client from "prom-client";
import type { Db } from "~/db.server";

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: "referrals_process_" });

const adminCalls = new client.Counter({
  name: "referrals_shopify_admin_calls_total",
  help: "Admin API GraphQL attempts made by this process, by operation type and outcome (ok, throttled, rate-limited, server, network, fatal).",
  labelNames: ["type", "outcome"] as const,
  registers: [registry],
});
const adminCost = new client.Counter({
  name: "referrals_shopify_admin_cost_points_total",
  help: "Admin API cost points Shopify reported for this process's calls (actualQueryCost, else requestedQueryCost).",
  registers: [registry],
});

/** Called by the Admin client after every attempt (app/shopify/admin-client.server.ts). */
export function recordAdminCall(type: "query" | "mutation", outcome: { ok: boolean; kind?: string; cost?: { actualQueryCost?: number | null; requestedQueryCost?: number | null } }) {
  adminCalls.inc({ type, outcome: outcome.ok ? "ok" : (outcome.kind ?? "unknown") });
  const points = outcome.cost?.actualQueryCost ?? outcome.cost?.requestedQueryCost;
  if (typeof points === "number" && points > 0) adminCost.inc(points);
}

let database: Db | null = null;
/** The database the scrape-time figures are read from (set by the /metrics route). */
export function useMetricsDatabase(db: Db) {
  database = db;
}

new client.Gauge({
  name: "referrals_webhook_deliveries",
  help: "Webhook deliveries kept in the inbox, by topic and status (PENDING, RUNNING, DONE, DEAD, INVALID).",
  labelNames: ["topic", "status"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!database) return;
    const rows = await database.webhookDelivery.groupBy({ by: ["topic", "status"], _count: { _all: true } });
    for (const row of rows) this.set({ topic: row.topic, status: row.status }, row._count._all);
  },
});

new client.Gauge({
  name: "referrals_jobs",
  help: "Jobs kept in the queue, by kind and status (PENDING, RUNNING, DONE, DEAD).",
  labelNames: ["kind", "status"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!database) return;
    const rows = await database.job.groupBy({ by: ["kind", "status"], _count: { _all: true } });
    for (const row of rows) this.set({ kind: row.kind, status: row.status }, row._count._all);
  },
});

new client.Gauge({
  name: "referrals_queue_oldest_due_seconds",
  help: "How long the oldest pending work that is due has waited, by queue (webhook, job) and kind (topic or job kind); 0 when none waits.",
  labelNames: ["queue", "kind"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!database) return;
    const now = new Date();
    const due = { status: "PENDING", availableAt: { lte: now } };
    const [deliveries, jobs] = await Promise.all([
      database.webhookDelivery.groupBy({ by: ["topic"], where: due, _min: { availableAt: true } }),
      database.job.groupBy({ by: ["kind"], where: due, _min: { availableAt: true } }),
    ]);
    const age = (at: Date | null) => (at ? Math.max(0, (now.getTime() - at.getTime()) / 1000) : 0);
    for (const row of deliveries) this.set({ queue: "webhook", kind: row.topic }, age(row._min.availableAt));
    for (const row of jobs) this.set({ queue: "job", kind: row.kind }, age(row._min.availableAt));
  },
});

new client.Gauge({
  name: "referrals_emails",
  help: "Emails in the outbox, by kind and status (QUEUED, SENDING, SENT, SUPPRESSED, FAILED...).",
  labelNames: ["kind", "status"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!database) return;
    const rows = await database.emailMessage.groupBy({ by: ["kind", "status"], _count: { _all: true } });
    for (const row of rows) this.set({ kind: row.kind, status: row.status }, row._count._all);
  },
});
