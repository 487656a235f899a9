// Group commit (app/webhooks/group-commit.ts), the batching under the webhook inbox:
// what arrives in one turn is written together, each caller hears about its
// own item only once the write holding it is done, and one bad item fails alone.
import { describe, expect, it } from "vitest";
import { groupCommit } from "~/webhooks/group-commit";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("groupCommit", () => {
  it("writes what is submitted in one turn as one batch, and answers each caller with its own result", async () => {
    const batches: number[][] = [];
    const commits = groupCommit((items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 10);
    }, { maxInFlight: 1, maxBatch: 100 });
    const first = await Promise.all([1, 2, 3].map((n) => commits.submit(n)));
    const second = await commits.submit(4);
    expect(first).toEqual([10, 20, 30]);
    expect(second).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("does not settle a caller before its write finished, and queues what arrives meanwhile into the next batch", async () => {
    const batches: number[][] = [];
    const release: (() => void)[] = [];
    const commits = groupCommit(async (items: number[]) => {
      batches.push(items);
      await new Promise<void>((resolve) => release.push(resolve));
      return items;
    }, { maxInFlight: 1, maxBatch: 100 });
    let settled = false;
    const a = commits.submit(1).then((r) => ((settled = true), r));
    await nextTurn();
    const b = commits.submit(2);
    const c = commits.submit(3);
    await nextTurn();
    expect(settled).toBe(false);
    expect(batches).toEqual([[1]]);
    release.shift()!();
    expect(await a).toBe(1);
    await nextTurn();
    expect(batches).toEqual([[1], [2, 3]]);
    release.shift()!();
    expect(await Promise.all([b, c])).toEqual([2, 3]);
  });

  it("splits a batch no larger than maxBatch", async () => {
    const sizes: number[] = [];
    const commits = groupCommit((items: number[]) => {
      sizes.push(items.length);
      return items;
    }, { maxInFlight: 1, maxBatch: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => commits.submit(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("writes a failed batch again item by item: only the bad item fails", async () => {
    const commits = groupCommit((items: string[]) => {
      if (items.includes("poison")) throw new Error(`refused: ${items.join(",")}`);
      return items.map((s) => s.toUpperCase());
    }, { maxInFlight: 1, maxBatch: 100 });
    const results = await Promise.allSettled(["a", "poison", "b"].map((s) => commits.submit(s)));
    expect(results).toEqual([
      { status: "fulfilled", value: "A" },
      { status: "rejected", reason: new Error("refused: poison") },
      { status: "fulfilled", value: "B" },
    ]);
  });

  it("drain resolves once everything submitted has been written", async () => {
    const written: number[] = [];
    const commits = groupCommit(async (items: number[]) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      written.push(...items);
      return items;
    }, { maxInFlight: 1, maxBatch: 2 });
    for (let i = 0; i < 5; i++) void commits.submit(i);
    await commits.drain();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    await commits.drain();
  });
});
