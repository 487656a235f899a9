// The one database client of the process. SQLite (file:) is the zero-setup
// default; PostgreSQL (postgresql://) is the production database. Both clients
// are generated from the same model, so the SQLite client's type describes both.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "~/generated/sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "~/generated/postgresql/client";
import { databaseTarget, type DatabaseTarget } from "./db-url";

export type Db = PrismaClient;
export type DbProvider = DatabaseTarget["provider"];
export { Prisma } from "~/generated/sqlite/client";

const providers = new WeakMap<Db, DbProvider>();

export function createDb(url?: string): Db {
  const target = databaseTarget(url);
  let client: Db;
  if (target.provider === "postgresql") {
    const adapter = new PrismaPg({ connectionString: target.url, max: 10 }, { schema: target.schema });
    client = new PostgresPrismaClient({ adapter }) as unknown as Db;
  } else {
    client = new PrismaClient({ adapter: sqliteAdapter(target.url) });
  }
  providers.set(client, target.provider);
  return client;
}

// WAL lets the web process and worker processes read while one writes, and with
// synchronous=NORMAL a commit no longer waits for an fsync of the main file
// (durable across process crashes; an OS crash can lose the last commits).
const SQLITE_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";

function sqliteAdapter(url: string) {
  const inner = new PrismaBetterSQLite3({ url, timeout: 10_000 });
  return {
    provider: "sqlite" as const,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      keepFractionsOfComputedNumbers(adapter);
      await adapter.executeScript(SQLITE_PRAGMAS);
      return oneTransactionAtATime(adapter);
    },
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}

type RawResult = { declaredTypes: (string | null)[]; columnNames: string[]; values: unknown[][] };
type Queryable = { performIO(query: unknown): Promise<RawResult> };
const patchedQueryables = new WeakSet<object>();

/**
 * A computed column (SUM, AVG...) has no declared type in SQLite, so the
 * better-sqlite3 adapter types it by its first non-null value; with safe
 * integers on, that value is a bigint when the first group's sum is whole, the
 * column is then typed as a 64-bit integer, and every later group's fraction is
 * truncated (a referrer's 7.50 in a grouped money total came back as 7). Prisma
 * means such columns to be "unknown numbers", integer or not (prisma-engines
 * #4292): a computed column holding a fractional number has its bigints read
 * as numbers, so it is typed so. Patched on the adapter's shared query method
 * (its own statements and its transactions'); tests/db/computed-numbers.test.ts
 * fails if an upgrade of the adapter changes what this relies on.
 */
function keepFractionsOfComputedNumbers(adapter: object) {
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as Queryable;
  if (typeof proto.performIO !== "function") throw new Error("The SQLite adapter has no performIO any more: check keepFractionsOfComputedNumbers");
  if (patchedQueryables.has(proto)) return;
  patchedQueryables.add(proto);
  const performIO = proto.performIO;
  proto.performIO = async function (this: Queryable, query: unknown) {
    const result = await performIO.call(this, query);
    result.declaredTypes?.forEach((declared, column) => {
      if (declared) return;
      if (!result.values.some((row) => typeof row[column] === "number" && !Number.isInteger(row[column]))) return;
      for (const row of result.values) if (typeof row[column] === "bigint") row[column] = Number(row[column]);
    });
    return result;
  };
}

/**
 * The better-sqlite3 adapter has one connection per process and queues
 * transactions behind each other, but not the queries made outside them: a
 * query of one request while another's interactive transaction is open ran on
 * the same connection, inside that transaction, and was rolled back with it
 * (a job enqueued by one worker slot lost when another slot's transaction hit
 * a unique violation). Here every query outside a transaction waits for the
 * open transaction to end, as it would on PostgreSQL's separate connections.
 * Code must therefore never use the global client inside a transaction of its
 * own (it would wait for itself): inside $transaction, use `tx`.
 */
export function oneTransactionAtATime(adapter: SqlDriverAdapter): SqlDriverAdapter {
  let open: Promise<void> = Promise.resolve();
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    for (;;) {
      const current = open;
      await current;
      if (current === open) return work();
    }
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => exclusive(() => adapter.queryRaw(query)),
    executeRaw: (query) => exclusive(() => adapter.executeRaw(query)),
    executeScript: (script) => exclusive(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel) {
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      // Chained, so transactions keep their order; the adapter's own mutex stays the guard between them.
      const before = open;
      open = before.then(() => ended);
      await before;
      try {
        const tx = await adapter.startTransaction(isolationLevel);
        // Once only, however it ends: commit, rollback, or a COMMIT the database refused.
        let finished = false;
        const finish = async (how: () => Promise<void>) => {
          if (finished) return;
          finished = true;
          try {
            await how();
          } finally {
            end();
          }
        };
        // Prisma sends COMMIT (or ROLLBACK) as a statement, then calls commit(). A refused
        // COMMIT (disk full, I/O error) would leave the transaction open and every later
        // query of the process waiting: roll it back and end it here.
        const ending = async <T>(sql: string, run: () => Promise<T>): Promise<T> => {
          try {
            return await run();
          } catch (error) {
            if (/^\s*(COMMIT|ROLLBACK)\b/i.test(sql)) {
              await finish(async () => {
                await tx.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => 0);
                await tx.rollback();
              });
            }
            throw error;
          }
        };
        return {
          provider: tx.provider,
          adapterName: tx.adapterName,
          options: tx.options,
          queryRaw: (query) => ending(query.sql, () => tx.queryRaw(query)),
          executeRaw: (query) => ending(query.sql, () => tx.executeRaw(query)),
          commit: () => finish(() => tx.commit()),
          rollback: () => finish(() => tx.rollback()),
        };
      } catch (error) {
        end();
        throw error;
      }
    },
  };
}

export function providerOf(client: Db): DbProvider {
  return providers.get(client) ?? "sqlite";
}

declare global {
  var __referralDb: Db | undefined;
}

// Survives Vite's module reloads in development, so dev does not leak connections.
const db: Db = globalThis.__referralDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__referralDb = db;

export default db;
