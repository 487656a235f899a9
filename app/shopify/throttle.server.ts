// Cost-aware pacing. Shopify's leaky bucket is the truth: every response
// reports `throttleStatus`, and from it we predict how full the bucket is
// now (it refills at restoreRate points per second). Before sending, we wait
// until the bucket should cover the operation's cost, so a burst of calls
// slows down instead of hitting THROTTLED. State is per process and shop;
// with several processes Shopify may still throttle, and the client retries.
import type { Cost } from "./classify-failure.server";

interface Seen {
  available: number;
  maximumAvailable: number;
  restoreRate: number;
  at: number;
}

/** Cost guess before we have seen an operation: one mutation, or a small query. */
const DEFAULT_COST = { query: 50, mutation: 10 };
/**
 * Before the first response for a shop, assume the smallest bucket
 * (Standard plan: 1000 points, 100/s) so that concurrent first calls
 * still pace each other; the first throttleStatus replaces it.
 */
const ASSUMED_BUCKET = { maximumAvailable: 1000, restoreRate: 100 };

export class ThrottleTracker {
  private shops = new Map<string, Seen>();
  private costs = new Map<string, number>();
  // Points reserved by requests sent but not answered yet: Shopify's
  // throttleStatus in a response does not include them, so without this,
  // concurrent callers would overdraw the bucket after every response.
  private inFlight = new Map<string, number>();

  /**
   * Remembers Shopify's view of the bucket and what the operation cost, and
   * releases the `reserved` points the request held while in flight.
   */
  record(shop: string, operation: string, cost: Cost | undefined, now: number, reserved = 0) {
    const pending = Math.max(0, (this.inFlight.get(shop) ?? 0) - reserved);
    this.inFlight.set(shop, pending);
    if (!cost) return;
    const spent = cost.requestedQueryCost ?? cost.actualQueryCost;
    // The bucket is checked against the *requested* cost before running.
    if (spent != null) this.costs.set(`${shop}|${operation}`, spent);
    const t = cost.throttleStatus;
    if (t) {
      const available = t.currentlyAvailable - pending;
      this.shops.set(shop, { available, maximumAvailable: t.maximumAvailable, restoreRate: t.restoreRate, at: now });
    }
  }

  /** The points `reserve` counted for the operation (to hand back to `record`). */
  estimate(shop: string, operation: string, type: "query" | "mutation"): number {
    const max = this.shops.get(shop)?.maximumAvailable ?? ASSUMED_BUCKET.maximumAvailable;
    return Math.min(this.costs.get(`${shop}|${operation}`) ?? DEFAULT_COST[type], max);
  }

  /** Milliseconds to wait before sending `operation`; reserves its cost until `record`. */
  reserve(shop: string, operation: string, type: "query" | "mutation", now: number): number {
    const seen = this.shops.get(shop) ?? { ...ASSUMED_BUCKET, available: ASSUMED_BUCKET.maximumAvailable, at: now };
    if (seen.restoreRate <= 0) return 0;
    const estimate = this.estimate(shop, operation, type);
    this.inFlight.set(shop, (this.inFlight.get(shop) ?? 0) + estimate);
    const available = Math.min(seen.maximumAvailable, seen.available + ((now - seen.at) / 1000) * seen.restoreRate);
    const waitMs = available >= estimate ? 0 : Math.ceil(((estimate - available) / seen.restoreRate) * 1000);
    // Count the points as spent at send time, so concurrent callers queue
    // behind each other; the response's throttleStatus then corrects this.
    this.shops.set(shop, { ...seen, available: available - estimate + (waitMs / 1000) * seen.restoreRate, at: now + waitMs });
    return waitMs;
  }
}

/** Shared by every client in this process (Shopify's bucket is per app and shop). */
export const processThrottle = new ThrottleTracker();
