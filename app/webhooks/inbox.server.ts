// The webhook inbox: one row per delivery, written before Shopify gets its 200,
// so nothing is lost if the process dies before the worker gets to it.
//
// The write also admits the delivery, in the same transaction, so every app
// process behind a load balancer gives the same answer with nothing cached: the
// shop must have installed the app (a Shop row, or sessions an install left
// without one; once it uninstalled, only TOPICS_AFTER_UNINSTALL), and a shop's
// new deliveries are counted per minute in RateLimit (key "webhooks:<shop>"),
// the ones past the limit refused. Both are a primary-key or index lookup in a
// transaction the write needs anyway (on PostgreSQL, in the same statement), so
// a per-process cache of installed shops would save next to nothing and make
// the answer depend on which process got the request: there is none.
//
// This is the one write on the path of every webhook, so it does not go through
// Prisma (about 1 ms of Prisma per row, against 0.07 ms for the INSERT itself on
// SQLite): a connection of its own runs prepared statements (an INSERT ... ON
// CONFLICT DO NOTHING and the checks around it: inbox-sqlite.server.ts, one
// statement for a whole batch in inbox-postgres.server.ts), and deliveries
// arriving together share one commit (group-commit.ts).
// Everything else (the worker claiming, finishing and erasing rows) uses Prisma,
// so the row written here is exactly the row Prisma's create would write: the
// same id format, the same DateTime encoding per provider, every default explicit.
import os from "node:os";
import { randomInt } from "node:crypto";
import { databaseTarget } from "~/db-url";
import { DEFAULT_WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE, env } from "~/env.server";
import { groupCommit } from "./group-commit";
import type { InboxRow, StoreOutcome } from "./inbox-types";
import type { Admission } from "./inbox-admission";
import { openPostgresInboxWriter } from "./inbox-postgres.server";
import { openSqliteInboxWriter } from "./inbox-sqlite.server";
import { PENDING } from "~/queue/queue.server";
import type { WebhookHeaders } from "./verify-webhook.server";
import { TOPICS_AFTER_UNINSTALL } from "./webhook-topics";

export interface DeliveryToStore extends WebhookHeaders {
  payload: string;
}

export type { InboxRow, InboxWriter, StoreOutcome } from "./inbox-types";

export interface Inbox {
  /** Resolves once the delivery is committed (or known to be stored already). */
  store(delivery: DeliveryToStore): Promise<StoreOutcome>;
  /** Writes what was submitted, then closes the connection; store() fails afterwards. */
  close(): Promise<void>;
}


export function inboxRow(delivery: DeliveryToStore, now: Date): InboxRow {
  return {
    id: newRowId(now),
    shop: delivery.shop,
    webhookId: delivery.webhookId,
    topic: delivery.topic,
    apiVersion: delivery.apiVersion,
    triggeredAt: delivery.triggeredAt,
    payload: delivery.payload,
    status: PENDING,
    lastError: null,
    receivedAt: now,
  };
}

// The schema's @default(cuid()) is Prisma's cuid (v1): "c", the time in ms,
// a counter, a fingerprint of the process and host, 8 random characters, all
// base 36 (25 characters). Ids made here have the same form, so nothing can
// tell which of the two wrote a row; the random part comes from node:crypto.
const base36 = (n: number, width: number) => n.toString(36).padStart(width, "0").slice(-width);
const FINGERPRINT =
  base36(process.pid, 2) + base36([...os.hostname()].reduce((sum, c) => sum + c.charCodeAt(0), os.hostname().length + 36), 2);
let counter = 0;
const BLOCK = 36 ** 4;

export function newRowId(now = new Date()): string {
  counter = (counter + 1) % BLOCK;
  return `c${now.getTime().toString(36)}${base36(counter, 4)}${FINGERPRINT}${base36(randomInt(BLOCK), 4)}${base36(randomInt(BLOCK), 4)}`;
}

// A batch stays well under SQLite's 32766 bound parameters and PostgreSQL's
// arrays alike, and 200 rows of ~10 KB commit in a few milliseconds.
const MAX_BATCH = 200;

export interface InboxOptions {
  /** WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE. */
  deliveriesPerShopPerMinute?: number;
  /** The clock rows are stamped (and counted) with. */
  now?: () => Date;
}

/** The inbox of the database `url` names (DATABASE_URL by default), on a connection of its own. */
export function openInbox(url?: string, options: InboxOptions = {}): Inbox {
  const target = databaseTarget(url);
  const admission: Admission = {
    perShopPerMinute: options.deliveriesPerShopPerMinute ?? DEFAULT_WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE,
    topicsAfterUninstall: TOPICS_AFTER_UNINSTALL,
  };
  const writer =
    target.provider === "postgresql" ? openPostgresInboxWriter(target.url, target.schema, admission) : openSqliteInboxWriter(target.filePath, admission);
  const commits = groupCommit((rows: InboxRow[]) => writer.write(rows), { maxInFlight: writer.maxInFlight, maxBatch: MAX_BATCH });
  const now = options.now ?? (() => new Date());
  let closed = false;
  return {
    store(delivery) {
      if (closed) return Promise.reject(new Error("the webhook inbox is closed (the server is shutting down)"));
      return commits.submit(inboxRow(delivery, now()));
    },
    async close() {
      closed = true;
      await commits.drain();
      await writer.close();
    },
  };
}

declare global {
  var __referralInbox: Inbox | undefined;
}

/**
 * The process's inbox, opened on first use. Kept on globalThis so the server's
 * own /webhooks handler (server.ts, loaded by tsx) and the Remix route (the
 * build's copy of this module) share one connection and one commit queue.
 */
export function getInbox(): Inbox {
  return (globalThis.__referralInbox ??= openInbox(undefined, { deliveriesPerShopPerMinute: env().WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE }));
}

/** Closes the process's inbox, if it was opened (server shutdown, end of a test file). */
export async function closeInbox(): Promise<void> {
  const inbox = globalThis.__referralInbox;
  globalThis.__referralInbox = undefined;
  await inbox?.close();
}
