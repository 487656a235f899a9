// The webhook inbox's own SQLite connection (see inbox.server.ts): the same
// file as Prisma's (WAL lets several connections and processes share it), the
// same settings as app/db.server.ts, and prepared statements: the shop's
// install state, the INSERT, the shop's count for the minute.
//
// better-sqlite3 is synchronous: a connection waiting for the write lock would
// stall the whole event loop, and when the holder is Prisma's connection in
// this same process (a transaction in progress across awaits), it would wait for
// a commit that cannot happen until it gives up. So this connection never waits
// inside SQLite (busy timeout 0): it tries again after yielding to the event
// loop, for as long as db.server.ts lets Prisma wait (10 s). Its own
// transaction never spans an await, so it never holds the lock against Prisma.
import Database from "better-sqlite3";
import { deliveryCounterKey, windowStartOf, type Admission } from "./inbox-admission";
import type { InboxRow, InboxWriter, StoreOutcome } from "./inbox-types";
import { startCheckpointer, type Checkpointer } from "./sqlite-checkpointer.server";
import { createLogger } from "~/ops/logger.server";

const log = createLogger({ component: "inbox" });

/** A DateTime as Prisma's better-sqlite3 adapter stores it: ISO-8601 text, UTC as "+00:00". */
export const sqliteDateTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

const INSERT = `INSERT INTO "WebhookDelivery"
  ("id", "shop", "webhookId", "topic", "apiVersion", "triggeredAt", "payload", "status", "attempts", "lastError", "availableAt", "receivedAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
  ON CONFLICT ("shop", "webhookId") DO NOTHING`;

const SHOP_ACTIVE = `SELECT "active" FROM "Shop" WHERE "shop" = ?`;
const HAS_SESSION = `SELECT 1 FROM "Session" WHERE "shop" = ? LIMIT 1`;

// A batch's new deliveries of one shop, added to its count for the window. A
// row from an earlier window starts over; a window earlier than the row's (a
// process whose clock lags) counts in the row's, so processes never reset each
// other's count.
const COUNT = `INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (?, ?, ?)
  ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN excluded."windowStart" > "windowStart" THEN excluded."count" ELSE "count" + excluded."count" END,
    "windowStart" = MAX("windowStart", excluded."windowStart")
  RETURNING "count"`;

const UNDO_INSERT = `DELETE FROM "WebhookDelivery" WHERE "id" = ?`;

const LOCK_WAIT_MS = 10_000;
const MAX_RETRY_DELAY_MS = 20;

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? "").startsWith("SQLITE_BUSY");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Connection {
  db: Database.Database;
  insertAll: Database.Transaction<(rows: InboxRow[]) => StoreOutcome[]>;
  checkpointer: Checkpointer;
}

function connect(filePath: string, admission: Admission): Connection {
  let db: Database.Database;
  try {
    // An inbox needs the app's migrated file: never create an empty one.
    db = new Database(filePath, { fileMustExist: true, timeout: 0 });
  } catch (error) {
    throw new Error(`the webhook inbox cannot open the SQLite file ${filePath} (run \`npm run setup\` to create and migrate it): ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Checkpoints happen in another thread (sqlite-checkpointer.server.ts), never inside a commit here.
    db.pragma("wal_autocheckpoint = 0");
    const insert = db.prepare(INSERT);
    const shopActive = db.prepare<[string], number>(SHOP_ACTIVE).pluck();
    const hasSession = db.prepare<[string], number>(HAS_SESSION).pluck();
    const count = db.prepare<[string, string, number], number>(COUNT).pluck();
    const undoInsert = db.prepare(UNDO_INSERT);
    const afterUninstall = new Set(admission.topicsAfterUninstall);
    const insertAll = db.transaction((rows: InboxRow[]) => {
      const outcomes: StoreOutcome[] = [];
      // Per shop in the batch: its install state (Prisma stores a Boolean as 1
      // or 0; sessions without a Shop row are an install whose afterAuth never
      // recorded it, app/uninstalled deletes them), and the rows inserted.
      const shops = new Map<string, { active: number | undefined; inserted: number[] }>();
      rows.forEach((row, i) => {
        let shop = shops.get(row.shop);
        if (!shop) shops.set(row.shop, (shop = { active: shopActive.get(row.shop) ?? hasSession.get(row.shop), inserted: [] }));
        if (shop.active === undefined) return void (outcomes[i] = "not-installed");
        if (!shop.active && !afterUninstall.has(row.topic)) return void (outcomes[i] = "uninstalled");
        const at = sqliteDateTime(row.receivedAt);
        const { changes } = insert.run(
          row.id,
          row.shop,
          row.webhookId,
          row.topic,
          row.apiVersion,
          row.triggeredAt && sqliteDateTime(row.triggeredAt),
          row.payload,
          row.status,
          row.lastError,
          at,
          at,
        );
        // Inserted before counting, so a repeat (already stored) never counts.
        if (changes !== 1) return void (outcomes[i] = "duplicate");
        outcomes[i] = "stored";
        shop.inserted.push(i);
      });
      const windowStart = sqliteDateTime(windowStartOf(rows[rows.length - 1].receivedAt));
      for (const [shop, { inserted }] of shops) {
        if (!inserted.length) continue;
        const over = count.get(deliveryCounterKey(shop), windowStart, inserted.length)! - admission.perShopPerMinute;
        // The count includes this batch's: the last ones past the limit are taken back.
        for (const i of inserted.slice(inserted.length - Math.min(Math.max(over, 0), inserted.length))) {
          undoInsert.run(rows[i].id);
          outcomes[i] = "over-limit";
        }
      }
      return outcomes;
    });
    const checkpointer = startCheckpointer(filePath, {
      onFailure(message) {
        // Back to SQLite's own checkpoints (slower commits now and then, but a bounded WAL).
        log.warn("the checkpoint thread failed; checkpointing in the inbox's commits instead", { error: message });
        if (db.open) db.pragma("wal_autocheckpoint = 1000");
      },
    });
    return { db, insertAll, checkpointer };
  } catch (error) {
    db.close();
    throw error;
  }
}

export function openSqliteInboxWriter(filePath: string, admission: Admission): InboxWriter {
  if (filePath === ":memory:") {
    throw new Error("DATABASE_URL=file::memory: cannot hold the webhook inbox: every connection to it is a separate empty database; use a file");
  }
  let connection: Connection | undefined;
  return {
    maxInFlight: 1,
    async write(rows) {
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (let delay = 1; ; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
        try {
          connection ??= connect(filePath, admission);
          // BEGIN IMMEDIATE: take the write lock up front, or fail at once with SQLITE_BUSY.
          return connection.insertAll.immediate(rows);
        } catch (error) {
          if (!isBusy(error) || Date.now() >= deadline) throw error;
        }
        await sleep(delay);
      }
    },
    async close() {
      const closing = connection;
      connection = undefined;
      if (!closing) return;
      closing.db.close();
      await closing.checkpointer.stop();
    },
  };
}
