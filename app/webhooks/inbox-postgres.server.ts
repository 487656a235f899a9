// The webhook inbox's own PostgreSQL pool (see inbox.server.ts): one named
// prepared statement admits and inserts a whole batch of rows (arrays unnested)
// in one round trip and one commit, and returns each row's outcome.
import pg from "pg";
import { deliveryCounterKey, windowStartOf, type Admission } from "./inbox-admission";
import type { InboxWriter, StoreOutcome } from "./inbox-types";
import { createLogger } from "~/ops/logger.server";

const log = createLogger({ component: "inbox" });

/** A DateTime as Prisma's pg adapter sends it for TIMESTAMP(3): UTC wall-clock time. */
// (Years 1 to 9999 only, as readWebhookHeaders ensures: toISOString's own form then.)
export const postgresDateTime = (date: Date): string => date.toISOString().replace("T", " ").replace("Z", "");

// Batches overlap: while one waits for its commit, the next is being sent.
const MAX_IN_FLIGHT = 2;

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

const COUNTER_PREFIX = deliveryCounterKey("");

/**
 * The batch, step by step: `admitted` keeps the rows of installed shops (a
 * Shop row, or sessions without one; an inactive Shop: only the topics Shopify
 * sends after an uninstall); `fresh` drops the ones already stored and the
 * repeats within the batch; `counted` adds each shop's fresh rows to its count
 * for the window (a row from an earlier window starts over), and a shop stores
 * as many of them as fit under the limit, in arrival order. The upsert locks
 * the shop's counter row until commit, so concurrent batches of one shop (any
 * process) count one after the other; counters are locked in shop order, so
 * batches of several shops never wait on each other in a cycle.
 */
function statement(schema: string | undefined) {
  // Prisma qualifies every table with the URL's schema, "public" by default: the same tables here.
  const table = (name: string) => `${quoteIdentifier(schema ?? "public")}.${quoteIdentifier(name)}`;
  return `
    WITH input AS (
      -- What the checks need; the bodies are read once, by the INSERT below.
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS r(id, shop, webhook_id, topic, n)
    ),
    installed AS (
      -- A Shop row, or sessions without one (an install whose afterAuth never recorded it).
      SELECT i.id,
        CASE WHEN s."shop" IS NOT NULL THEN true ELSE EXISTS (SELECT 1 FROM ${table("Session")} x WHERE x."shop" = i.shop) END AS known,
        COALESCE(s."active", true) AS active
      FROM input i LEFT JOIN ${table("Shop")} s ON s."shop" = i.shop
    ),
    admitted AS (
      SELECT i.* FROM input i JOIN installed s ON s.id = i.id
      WHERE s.known AND (s.active OR i.topic = ANY($11::text[]))
    ),
    fresh AS (
      SELECT DISTINCT ON (a.shop, a.webhook_id) a.* FROM admitted a
      WHERE NOT EXISTS (SELECT 1 FROM ${table("WebhookDelivery")} d WHERE d."shop" = a.shop AND d."webhookId" = a.webhook_id)
      ORDER BY a.shop, a.webhook_id, a.n
    ),
    ranked AS (
      SELECT f.*, row_number() OVER (PARTITION BY f.shop ORDER BY f.n) AS rank FROM fresh f
    ),
    wanted AS (
      SELECT shop, count(*)::int AS k FROM fresh GROUP BY shop
    ),
    counted AS (
      INSERT INTO ${table("RateLimit")} AS c ("key", "windowStart", "count")
      SELECT $12::text || w.shop, $13::timestamp(3), w.k FROM wanted w ORDER BY w.shop
      ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN excluded."windowStart" > c."windowStart" THEN excluded."count" ELSE c."count" + excluded."count" END,
        "windowStart" = GREATEST(c."windowStart", excluded."windowStart")
      RETURNING c."key", c."count"
    ),
    allowed AS (
      -- The count includes this batch's k: what passes the limit is refused.
      SELECT w.shop, w.k - LEAST(w.k, GREATEST(0, c."count" - $14::int)) AS allowed
      FROM wanted w JOIN counted c ON c."key" = $12::text || w.shop
    ),
    inserted AS (
      INSERT INTO ${table("WebhookDelivery")}
        ("id", "shop", "webhookId", "topic", "apiVersion", "triggeredAt", "payload", "status", "attempts", "lastError", "availableAt", "receivedAt")
      SELECT r.id, r.shop, r.webhook_id, r.topic, b.api_version, b.triggered_at, b.payload, b.status, 0, b.last_error, b.received_at, b.received_at
      FROM ranked r
      JOIN allowed a ON a.shop = r.shop
      JOIN unnest($5::text[], $6::timestamp(3)[], $7::text[], $8::text[], $9::text[], $10::timestamp(3)[])
        WITH ORDINALITY AS b(api_version, triggered_at, payload, status, last_error, received_at, n) ON b.n = r.n
      WHERE r.rank <= a.allowed
      ON CONFLICT ("shop", "webhookId") DO NOTHING
      RETURNING "id"
    )
    SELECT i.id,
      CASE
        WHEN ins."id" IS NOT NULL THEN 'stored'
        WHEN NOT s.known THEN 'not-installed'
        WHEN NOT s.active AND NOT i.topic = ANY($11::text[]) THEN 'uninstalled'
        WHEN r.rank > a.allowed THEN 'over-limit'
        -- Stored before, a repeat within the batch, or stored meanwhile by another transaction.
        ELSE 'duplicate'
      END AS outcome
    FROM input i
    JOIN installed s ON s.id = i.id
    LEFT JOIN inserted ins ON ins."id" = i.id
    LEFT JOIN ranked r ON r.id = i.id
    LEFT JOIN allowed a ON a.shop = i.shop`;
}

export function openPostgresInboxWriter(url: string, schema: string | undefined, admission: Admission): InboxWriter {
  const query = { name: "referrals-webhook-inbox-admit-insert", text: statement(schema) };
  const pool = new pg.Pool({ connectionString: url, max: MAX_IN_FLIGHT, connectionTimeoutMillis: 10_000 });
  // A connection the server closes while it sits idle (restart, failover) is
  // dropped by the pool and replaced on next use; unheard, the error would end the process.
  pool.on("error", (error) => log.warn("an idle PostgreSQL connection failed and was dropped", { error: error.message }));
  const topicsAfterUninstall = [...admission.topicsAfterUninstall];

  return {
    maxInFlight: MAX_IN_FLIGHT,
    async write(rows) {
      const { rows: outcomes } = await pool.query<{ id: string; outcome: StoreOutcome }>({
        ...query,
        values: [
          rows.map((r) => r.id),
          rows.map((r) => r.shop),
          rows.map((r) => r.webhookId),
          rows.map((r) => r.topic),
          rows.map((r) => r.apiVersion),
          rows.map((r) => r.triggeredAt && postgresDateTime(r.triggeredAt)),
          rows.map((r) => r.payload),
          rows.map((r) => r.status),
          rows.map((r) => r.lastError),
          rows.map((r) => postgresDateTime(r.receivedAt)),
          topicsAfterUninstall,
          COUNTER_PREFIX,
          postgresDateTime(windowStartOf(rows[rows.length - 1].receivedAt)),
          admission.perShopPerMinute,
        ],
      });
      const byId = new Map(outcomes.map((o) => [o.id, o.outcome]));
      return rows.map((row) => {
        const outcome = byId.get(row.id);
        if (!outcome) throw new Error(`the inbox statement returned no outcome for row ${row.id}`);
        return outcome;
      });
    },
    close: () => pool.end(),
  };
}
