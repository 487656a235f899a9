// SQLite runs in WAL mode with a busy timeout, so the web process and workers
// can share the file. (PostgreSQL needs no such settings.)
import { describe, expect, it } from "vitest";
import db, { providerOf } from "~/db.server";

describe("database connection settings", () => {
  it.runIf(providerOf(db) === "sqlite")("SQLite uses WAL, synchronous NORMAL and a busy timeout", async () => {
    const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    const [sync] = await db.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
    const [busy] = await db.$queryRawUnsafe<{ timeout: bigint | number }[]>("PRAGMA busy_timeout");
    expect(mode.journal_mode).toBe("wal");
    expect(Number(sync.synchronous)).toBe(1);
    expect(Number(busy.timeout)).toBe(10_000);
  });

  it.runIf(providerOf(db) === "postgresql")("PostgreSQL answers through the pg adapter", async () => {
    const [row] = await db.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one");
    expect(Number(row.one)).toBe(1);
  });
});
