// The webhook inbox's own PostgreSQL pool (see inbox.server.ts): one named
// prepared statement inserts a whole batch of rows (arrays unnested) in one
// round trip and one commit, and returns the ids it actually inserted.
import pg from "pg";
import type { InboxRow, InboxWriter, StoreOutcome } from "./inbox.server";

/** A DateTime as Prisma's pg adapter sends it for TIMESTAMP(3): UTC wall-clock time. */
// (Years 1 to 9999 only, as readWebhookHeaders ensures: toISOString's own form then.)
export const postgresDateTime = (date: Date): string => date.toISOString().replace("T", " ").replace("Z", "");

// Batches overlap: while one waits for its commit, the next is being sent.
const MAX_IN_FLIGHT = 2;

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function openPostgresInboxWriter(url: string, schema: string | undefined): InboxWriter {
  // Prisma qualifies every table with the URL's schema, "public" by default: the same table here.
  const table = `${quoteIdentifier(schema ?? "public")}."WebhookDelivery"`;
  const insert = {
    name: "referrals-webhook-inbox-insert",
    text: `INSERT INTO ${table}
      ("id", "shop", "webhookId", "topic", "apiVersion", "triggeredAt", "payload", "status", "attempts", "lastError", "availableAt", "receivedAt")
      SELECT r.id, r.shop, r.webhook_id, r.topic, r.api_version, r.triggered_at, r.payload, r.status, 0, r.last_error, r.received_at, r.received_at
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp(3)[], $7::text[], $8::text[], $9::text[], $10::timestamp(3)[])
        AS r(id, shop, webhook_id, topic, api_version, triggered_at, payload, status, last_error, received_at)
      ON CONFLICT ("shop", "webhookId") DO NOTHING
      RETURNING "id"`,
  };
  const pool = new pg.Pool({ connectionString: url, max: MAX_IN_FLIGHT, connectionTimeoutMillis: 10_000 });
  // A connection the server closes while it sits idle (restart, failover) is
  // dropped by the pool and replaced on next use; unheard, the error would end the process.
  pool.on("error", (error) => console.warn(`[inbox] an idle PostgreSQL connection failed and was dropped: ${error.message}`));

  return {
    maxInFlight: MAX_IN_FLIGHT,
    async write(rows) {
      // The same delivery twice in one batch: the first is inserted, the others are its duplicates.
      const firstOfKey = new Map<string, InboxRow>();
      for (const row of rows) {
        const key = `${row.shop}\n${row.webhookId}`;
        if (!firstOfKey.has(key)) firstOfKey.set(key, row);
      }
      const sent = [...firstOfKey.values()];
      const { rows: inserted } = await pool.query<{ id: string }>({
        ...insert,
        values: [
          sent.map((r) => r.id),
          sent.map((r) => r.shop),
          sent.map((r) => r.webhookId),
          sent.map((r) => r.topic),
          sent.map((r) => r.apiVersion),
          sent.map((r) => r.triggeredAt && postgresDateTime(r.triggeredAt)),
          sent.map((r) => r.payload),
          sent.map((r) => r.status),
          sent.map((r) => r.lastError),
          sent.map((r) => postgresDateTime(r.receivedAt)),
        ],
      });
      const stored = new Set(inserted.map((r) => r.id));
      return rows.map((row): StoreOutcome => (stored.has(row.id) ? "stored" : "duplicate"));
    },
    close: () => pool.end(),
  };
}
