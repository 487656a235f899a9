// Concurrent callers must not overdraw Shopify's bucket: a response's
// throttleStatus does not yet include requests still in flight.
import { describe, expect, it } from "vitest";
import { ThrottleTracker } from "~/shopify/throttle.server";

const status = (currentlyAvailable: number) => ({
  requestedQueryCost: 10,
  actualQueryCost: 10,
  throttleStatus: { maximumAvailable: 100, currentlyAvailable, restoreRate: 10 },
});

describe("ThrottleTracker", () => {
  it("counts requests in flight against the bucket Shopify reports", () => {
    const t = new ThrottleTracker();
    const now = 0;
    // Learn the bucket and the operation's cost.
    expect(t.reserve("s", "Op", "mutation", now)).toBe(0);
    t.record("s", "Op", status(30), now, 10);
    // Three requests go out at once: 30 points, all available.
    const waits = [0, 1, 2].map(() => t.reserve("s", "Op", "mutation", now));
    expect(waits).toEqual([0, 0, 0]);
    // The first answers: Shopify says 20 left, but the two others will take 20 more.
    t.record("s", "Op", status(20), now, 10);
    // So a fourth must wait for 10 points at 10/s: one second.
    expect(t.reserve("s", "Op", "mutation", now)).toBe(1000);
  });

  it("releases what a failed request reserved", () => {
    const t = new ThrottleTracker();
    t.reserve("s", "Op", "mutation", 0);
    t.record("s", "Op", status(90), 0, 10);
    t.reserve("s", "Op", "mutation", 0);
    t.record("s", "Op", undefined, 0, 10); // network failure: no cost reported
    t.reserve("s", "Op", "mutation", 0);
    t.record("s", "Op", status(80), 0, 10);
    expect(t.reserve("s", "Op", "mutation", 0)).toBe(0);
  });
});
