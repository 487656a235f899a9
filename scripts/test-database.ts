// Creates an isolated database with every migration applied: a temp SQLite file,
// or a new database on the PostgreSQL server. Applies the same migration.sql files
// `prisma migrate deploy` applies (tests/db/migrations.test.ts runs the real CLI).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { PROJECT_ROOT } from "~/db-url";

export type Provider = "sqlite" | "postgresql";
export interface TestDatabase {
  provider: Provider;
  url: string;
  drop(): Promise<void>;
}

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function migrationSql(provider: Provider): string[] {
  const dir = path.join(PROJECT_ROOT, provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
}

/** A migrated database of its own. */
export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  const database = await createEmptyDatabase(provider);
  await applySql(database, migrationSql(provider));
  return database;
}

/** An empty database of its own (no tables). */
export async function createEmptyDatabase(provider: Provider): Promise<TestDatabase> {
  return provider === "sqlite" ? createSqlite() : createPostgres();
}

export async function applySql(database: TestDatabase, statements: string[]): Promise<void> {
  if (database.provider === "sqlite") {
    const sqlite = new Database(database.url.slice("file:".length));
    try {
      for (const sql of statements) sqlite.exec(sql);
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

function createSqlite(): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "referrals-test-"));
  const file = path.join(dir, "test.sqlite");
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  return {
    provider: "sqlite",
    url: `file:${file}`,
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgres(): Promise<TestDatabase> {
  const name = `referrals_test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    provider: "postgresql",
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
