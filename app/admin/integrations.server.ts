// The Integrations page: what each integration is doing, and the latest event
// deliveries across them (the shop's own, newest first).
import type { Db } from "~/db.server";

const RECENT = 50;
const WEEK_MS = 7 * 86_400_000;

export interface RecentDelivery {
  id: string;
  occurredAt: string;
  type: string;
  /** flow, klaviyo or webhook (the endpoint's id is not shown here). */
  targetKind: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
}

export async function recentDeliveries(db: Db, shop: string): Promise<RecentDelivery[]> {
  const rows = await db.eventDelivery.findMany({
    where: { shop },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: RECENT,
    select: { id: true, target: true, status: true, attempts: true, responseStatus: true, lastError: true, event: { select: { type: true, occurredAt: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    occurredAt: r.event.occurredAt.toISOString(),
    type: r.event.type,
    targetKind: r.target.split(":")[0],
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.responseStatus,
    lastError: r.lastError,
  }));
}

/** Per target kind: deliveries sent and failed over the last 7 days. */
export async function weekTotals(db: Db, shop: string, now: Date): Promise<Record<string, { sent: number; failed: number }>> {
  const rows = await db.eventDelivery.groupBy({
    by: ["target", "status"],
    where: { shop, createdAt: { gte: new Date(now.getTime() - WEEK_MS) }, status: { in: ["SENT", "FAILED"] } },
    _count: { _all: true },
  });
  const totals: Record<string, { sent: number; failed: number }> = {};
  for (const row of rows) {
    const kind = row.target.split(":")[0];
    const t = (totals[kind] ??= { sent: 0, failed: 0 });
    if (row.status === "SENT") t.sent += row._count._all;
    else t.failed += row._count._all;
  }
  return totals;
}

export async function integrationsOverview(db: Db, shop: string, now: Date) {
  const [recent, week] = await Promise.all([recentDeliveries(db, shop), weekTotals(db, shop, now)]);
  return { recent, week, ...(await integrationStates(db, shop)) };
}

/** Each integration's state in one line: Klaviyo connected or broken, the shop's endpoints, its active API keys. */
async function integrationStates(db: Db, shop: string) {
  const [klaviyo, webhookEndpoints, apiKeys] = await Promise.all([
    db.klaviyoConnection.findUnique({ where: { shop }, select: { status: true } }),
    db.webhookEndpoint.count({ where: { shop } }),
    db.apiKey.count({ where: { shop, revokedAt: null } }),
  ]);
  return { klaviyo: klaviyo?.status ?? null, webhookEndpoints, apiKeys };
}
