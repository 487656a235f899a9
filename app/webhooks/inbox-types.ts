// The types the inbox and its two writers (better-sqlite3, pg) share, apart from
// both so that neither imports the other.
import type { PENDING } from "~/queue/queue.server";

/**
 * "duplicate": this (shop, webhookId) was already stored (Shopify delivers at
 * least once). Not stored: "not-installed" (neither a Shop row nor a session:
 * the shop never installed the app, or shop/redact erased it), "uninstalled"
 * (the topic is not one Shopify sends after an uninstall), "over-limit" (the
 * shop's deliveries this minute reached the limit).
 */
export type StoreOutcome = "stored" | "duplicate" | "not-installed" | "uninstalled" | "over-limit";

/**
 * One provider's admission and INSERT of inbox rows, in one transaction, with
 * one outcome per row in order; the batch counts in the window of its last row.
 */
export interface InboxWriter {
  write(rows: InboxRow[]): StoreOutcome[] | Promise<StoreOutcome[]>;
  /** How many writes may run at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** A WebhookDelivery row as the inbox inserts it; the other columns keep their defaults. */
export interface InboxRow {
  id: string;
  shop: string;
  webhookId: string;
  topic: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  payload: string;
  status: typeof PENDING;
  lastError: null;
  /** Also the row's availableAt: due at once, like Prisma's @default(now()). */
  receivedAt: Date;
}
