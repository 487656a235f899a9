// One process's queries next to its own transactions. On SQLite the process has
// one connection: a query made outside a transaction while another's is open
// must not run inside it (and be rolled back with it). On PostgreSQL each
// query has its own connection; the same holds there by construction.
import type { SqlDriverAdapter, SqlQuery } from "@prisma/driver-adapter-utils";
import { describe, expect, it } from "vitest";
import db, { oneTransactionAtATime } from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import { uniqueShop } from "../helpers/shops";

describe("queries outside a transaction", () => {
  it("are not rolled back with another request's transaction", async () => {
    const shop = uniqueShop();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    // One request's transaction: writes, waits, then fails (a unique violation, say) and rolls back.
    const failing = db
      .$transaction(async (tx) => {
        await tx.job.create({ data: { shop, kind: "doomed", key: "1" } });
        inside();
        await held;
        throw new Error("rolled back");
      })
      .catch((error: Error) => error.message);
    await started;
    // Meanwhile another request of the same process enqueues its own work (a read, then a write).
    const other = enqueueJob(db, { shop, kind: "kept", key: "1" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect(await failing).toBe("rolled back");
    await other;
    expect((await db.job.findMany({ where: { shop }, select: { kind: true } })).map((j) => j.kind)).toEqual(["kept"]);
  });
});

/** A stand-in driver adapter: records statements, and refuses COMMIT when told to. */
function recordingAdapter(options: { refuseCommit: boolean }) {
  const statements: string[] = [];
  const result = { columnNames: [], columnTypes: [], rows: [] };
  const queryable = {
    provider: "sqlite" as const,
    adapterName: "recording",
    queryRaw: async (q: SqlQuery) => (statements.push(q.sql), result),
    executeRaw: async (q: SqlQuery) => {
      statements.push(q.sql);
      if (options.refuseCommit && q.sql === "COMMIT") throw new Error("disk I/O error");
      return 0;
    },
  };
  const adapter = {
    ...queryable,
    executeScript: async () => {},
    dispose: async () => {},
    startTransaction: async () => ({ ...queryable, options: { usePhantomQuery: false }, commit: async () => void statements.push("(commit)"), rollback: async () => void statements.push("(rollback)") }),
  } as unknown as SqlDriverAdapter;
  return { adapter, statements };
}

const q = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

describe("the SQLite adapter's one-transaction-at-a-time wrapper", () => {
  it("makes a query outside wait for the open transaction, then run", async () => {
    const { adapter, statements } = recordingAdapter({ refuseCommit: false });
    const wrapped = oneTransactionAtATime(adapter);
    const tx = await wrapped.startTransaction();
    await tx.executeRaw(q("BEGIN-WORK"));
    const outside = wrapped.queryRaw(q("SELECT outside"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statements).toEqual(["BEGIN-WORK"]);
    await tx.executeRaw(q("COMMIT"));
    await tx.commit();
    await outside;
    expect(statements).toEqual(["BEGIN-WORK", "COMMIT", "(commit)", "SELECT outside"]);
  });

  it("a refused COMMIT rolls the transaction back and frees the process (later queries run; a second rollback is a no-op)", async () => {
    const { adapter, statements } = recordingAdapter({ refuseCommit: true });
    const wrapped = oneTransactionAtATime(adapter);
    const tx = await wrapped.startTransaction();
    await expect(tx.executeRaw(q("COMMIT"))).rejects.toThrow("disk I/O error");
    await tx.rollback();
    await wrapped.queryRaw(q("SELECT after"));
    expect(statements).toEqual(["COMMIT", "ROLLBACK", "(rollback)", "SELECT after"]);
  });
});
