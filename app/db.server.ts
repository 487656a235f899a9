// The one database client of the process. SQLite (file:) is the zero-setup
// default; PostgreSQL (postgresql://) is the production database. Both clients
// are generated from the same model, so the SQLite client's type describes both.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
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
      await adapter.executeScript(SQLITE_PRAGMAS);
      return adapter;
    },
    connectToShadowDb: () => inner.connectToShadowDb(),
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
