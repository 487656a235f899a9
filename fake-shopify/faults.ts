// Faults the fake injects, so tests can prove the client copes with what
// Shopify and the network really do.
export type Fault =
  /** HTTP 200 + errors[0].extensions.code THROTTLED (as if the bucket were empty). */
  | { kind: "throttled" }
  /** HTTP 429 with a Retry-After header (seconds). */
  | { kind: "http429"; retryAfterSeconds?: number }
  /** HTTP 5xx (Shopify did or did not run it: the client cannot tell). */
  | { kind: "http5xx"; status?: number }
  /** Connection refused/reset before Shopify ran anything. */
  | { kind: "network" }
  /** Never answers; resolves only when the client aborts the request. */
  | { kind: "timeout" }
  /** Shopify ran the operation (state changed), then the connection dropped. */
  | { kind: "executedThenDropped" }
  /** Answers normally after `ms` of the fake's (injectable) sleep. */
  | { kind: "latency"; ms: number };

/** Small seeded PRNG (mulberry32) so random faults replay identically. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultPlan {
  private queues = new Map<string, Fault[]>();
  private random: { rate: number; faults: Fault[]; rng: () => number; operations?: string[] } | undefined;

  /** Next requests named `operation` ("*" for any) get these faults, in order. */
  queue(operation: string, ...faults: Fault[]) {
    this.queues.set(operation, [...(this.queues.get(operation) ?? []), ...faults]);
  }

  /** Each request (optionally only those operations) fails with probability `rate`. */
  randomly(opts: { rate: number; faults: Fault[]; seed: number; operations?: string[] }) {
    this.random = { ...opts, rng: seededRandom(opts.seed) };
  }

  clear() {
    this.queues.clear();
    this.random = undefined;
  }

  next(operation: string): Fault | undefined {
    for (const key of [operation, "*"]) {
      const q = this.queues.get(key);
      if (q?.length) return q.shift();
    }
    const r = this.random;
    if (r && (!r.operations || r.operations.includes(operation)) && r.rng() < r.rate) {
      return r.faults[Math.floor(r.rng() * r.faults.length)];
    }
    return undefined;
  }
}
