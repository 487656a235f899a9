// Runs what the queue says is due: stored webhook deliveries and jobs. Any
// number of workers (in the web process, in `npm run worker`, on several
// machines) can share one database; the queue's claims keep each row with one
// of them at a time, and a killed worker's rows come back after their lease.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { isInvalidPayload, LeaseLostError, PermanentError, type JobHandler, type WebhookHandler, type WorkContext } from "~/queue/types";
import {
  claimNext,
  completeClaim,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  extendLease,
  failClaim,
  rejectClaim,
  releaseClaim,
  type Claim,
  type Outcome,
  type QueueName,
} from "~/queue/queue.server";
import { scheduleRecurring, type RecurringJob } from "~/queue/schedule.server";
import { onNudge } from "~/queue/nudge.server";
import { parseShopifyJson } from "~/webhooks/shopify-json";
import { createLogger, withLogContext } from "~/ops/logger.server";
import { payloadParser } from "./webhook-payloads";

export interface WorkerLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface StopOptions {
  /**
   * How long to wait for the work in hand; past it the rows still held are
   * released (PENDING, due now, the attempt not counted) so another worker
   * takes them at once, and stop() returns. Default: wait until it is done.
   */
  graceMs?: number;
}

export interface WorkerOptions {
  db: Db;
  webhookHandlers: ReadonlyMap<string, WebhookHandler>;
  jobHandlers: ReadonlyMap<string, JobHandler>;
  recurringJobs?: readonly RecurringJob[];
  /** Shop-independent housekeeping (see MaintenanceTask), run by every worker at its own pace. */
  maintenance?: readonly MaintenanceTask[];
  /**
   * The Admin API for a shop; default: its offline session (adminForShop).
   * `beforeRetry` checks the lease: a client that runs it before each retry of
   * a call (AdminClientOptions.beforeRetry) stops a worker that lost its lease
   * during a backoff too, not only before its next call.
   */
  admin?: (shop: string, options: { beforeRetry: () => Promise<void> }) => Promise<AdminClient>;
  now?: () => Date;
  workerId?: string;
  leaseMs?: number;
  pollMs?: number;
  /** Rows processed per runOnce, at most. */
  batch?: number;
  /**
   * Rows worked on at once (default 1). Most of a reward's time is spent
   * waiting on Shopify, so a worker with several slots issues that many
   * rewards in the time of one. The slots are shared fairly: a row is taken
   * first from a shop that has none in hand, and one shop holds at most
   * `perShopConcurrency` of them (default: all), so a shop with a backlog of
   * thousands does not keep the others waiting. Rows are safe to run in any
   * order and in parallel already (several workers share the queue).
   */
  concurrency?: number;
  perShopConcurrency?: number;
  maxAttempts?: number;
  /** 0..1, for backoff jitter. */
  random?: () => number;
  /** How often recurring jobs are re-armed. */
  scheduleEveryMs?: number;
  logger?: WorkerLogger;
}

export type RunCounts = Record<Outcome, number> & { claimed: number };

/**
 * Housekeeping that belongs to no shop (pruning expired rate-limit windows).
 * Each worker runs it at most every `everyMs`; it must be safe to run in
 * several workers at once and to be cut off halfway (a DELETE of expired rows is).
 */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(db: Db, now: Date): Promise<number>;
}

export interface Worker {
  readonly workerId: string;
  /** Claims and processes what is due now (up to `batch` rows), then returns. */
  runOnce(): Promise<RunCounts>;
  /** Runs until stop(): processes, then sleeps pollMs or until nudged. */
  start(): void;
  /**
   * Stops claiming, asks the work in hand to end early (WorkContext.stopRequested),
   * and waits for it to finish, or releases it after `graceMs`.
   */
  stop(options?: StopOptions): Promise<void>;
}

// Failed handlers are expected (they are retried): a warning, not an error.
const defaultLogger: WorkerLogger = createLogger({ component: "worker" });

export function createWorker(options: WorkerOptions): Worker {
  const { db, webhookHandlers, jobHandlers } = options;
  const now = options.now ?? (() => new Date());
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? 2_000;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const perShopConcurrency = Math.max(1, Math.min(concurrency, options.perShopConcurrency ?? concurrency));
  const batch = Math.max(options.batch ?? 50, concurrency);
  const logger = options.logger ?? defaultLogger;
  const scheduleEveryMs = options.scheduleEveryMs ?? 60_000;
  const recurringJobs = options.recurringJobs ?? [];
  const maintenance = (options.maintenance ?? []).map((task) => ({ task, lastRunAt: -Infinity }));
  const adminFor =
    options.admin ??
    (async (shop: string, adminOptions: { beforeRetry: () => Promise<void> }) => {
      // Loaded on first use so the worker (and its tests) do not need the Shopify app configured.
      const { adminForShop } = await import("~/shopify/admin-for-shop.server");
      return adminForShop(shop, adminOptions);
    });
  let lastScheduledAt = -Infinity;

  /** Whether a claim is still ours; set false by the heartbeat or a check that found the row taken over. */
  interface Lease {
    held: boolean;
  }

  function context(claim: Claim, lease: Lease, cause: string): WorkContext {
    const shop = claim.row.shop;
    let admin: Promise<AdminClient> | undefined;
    const assertLease = async () => {
      // Renewing is the check: the conditional UPDATE succeeds only for the
      // holder of the claim, and a renewed lease gives the call that follows a
      // full term before any other worker may take the row.
      if (lease.held) lease.held = await extendLease(db, claim, now(), leaseMs);
      if (!lease.held) throw new LeaseLostError(`${describe(claim)}: another worker took this work over after our lease ran out`);
    };
    return {
      db,
      shop,
      cause,
      now,
      assertLease,
      admin: () => (admin ??= adminFor(shop, { beforeRetry: assertLease }).then((client) => leaseChecked(client, assertLease))),
      stopRequested: () => stopping,
    };
  }

  /** `payload`: a webhook's JSON; `parsed`: what its topic's parser made of it (undefined when the row has none). */
  async function dispatch(claim: Claim, lease: Lease, payload: unknown, parsed: unknown): Promise<void> {
    if (claim.queue === "webhook") {
      const { row } = claim;
      const handler = webhookHandlers.get(row.topic);
      if (!handler) throw new PermanentError(`no handler for topic ${row.topic}`);
      if (row.payload == null) throw new PermanentError("payload is missing");
      await handler({
        ...context(claim, lease, `webhook:${row.webhookId}`),
        topic: row.topic,
        webhookId: row.webhookId,
        payload,
        parsed,
        triggeredAt: row.triggeredAt,
      });
    } else {
      const { row } = claim;
      const handler = jobHandlers.get(row.kind);
      if (!handler) throw new PermanentError(`no handler for job kind ${row.kind}`);
      await handler({
        ...context(claim, lease, `job:${row.kind}:${row.key}`),
        kind: row.kind,
        key: row.key,
        payload: row.payload == null ? null : JSON.parse(row.payload),
      });
    }
  }

  /** The delivery's JSON and its topic's parse of it, or why it cannot be processed. */
  function readWebhookPayload(row: { topic: string; shop: string; payload: string }):
    | { ok: true; payload: unknown; parsed: unknown }
    | { ok: false; reason: string } {
    let payload: unknown;
    try {
      payload = parseShopifyJson(row.payload);
    } catch (error) {
      return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}` };
    }
    const parse = payloadParser(row.topic, webhookHandlers.get(row.topic));
    if (!parse) return { ok: false, reason: `unsupported topic "${row.topic}"` };
    try {
      return { ok: true, payload, parsed: parse(payload, row) };
    } catch (error) {
      if (isInvalidPayload(error)) return { ok: false, reason: error.message };
      throw error;
    }
  }

  /** Claims in hand, with their leases: released if a stop's grace period runs out. */
  const inHand = new Map<Claim, Lease>();

  function processClaim(claim: Claim): Promise<Outcome> {
    const row = claim.row;
    // Every log line of this work, the handler's included, names it and its shop.
    const context = { queue: claim.queue, jobId: row.id, kind: claim.queue === "job" ? claim.row.kind : claim.row.topic, shop: row.shop };
    return withLogContext(context, () => processClaimInContext(claim));
  }

  async function processClaimInContext(claim: Claim): Promise<Outcome> {
    // Keep the lease while a slow handler (throttled Admin calls) is still
    // working. A renewal that finds the row taken over marks the lease lost:
    // the handler's next Admin call (or assertLease) then stops it.
    const lease: Lease = { held: true };
    inHand.set(claim, lease);
    const heartbeat = setInterval(() => {
      if (!lease.held) return;
      extendLease(db, claim, now(), leaseMs).then(
        (held) => {
          if (held || !lease.held) return;
          lease.held = false;
          logger.warn(`${describe(claim)}: lease lost to another worker; stopping before the next Shopify call`);
        },
        (error: unknown) => logger.warn("could not extend lease", { id: claim.row.id, error: String(error) }),
      );
    }, Math.max(1_000, Math.floor(leaseMs / 3)));
    try {
      // The door stores a signed JSON object of an installed shop as it came:
      // one that cannot be read, lacks what its topic needs, or does not fit the
      // topic or shop its headers name, is parked here, never run, never
      // retried. The topic's parser runs once; the handler gets what it made.
      let payload: unknown;
      let parsed: unknown;
      if (claim.queue === "webhook" && claim.row.payload != null) {
        const read = readWebhookPayload({ ...claim.row, payload: claim.row.payload });
        if (!read.ok) {
          const outcome = await rejectClaim(db, claim, read.reason, now());
          if (outcome === "invalid") logger.warn(`${describe(claim)} parked INVALID: ${read.reason}`);
          return outcome;
        }
        ({ payload, parsed } = read);
      }
      await dispatch(claim, lease, payload, parsed);
      return await completeClaim(db, claim, now());
    } catch (error) {
      const outcome = await failClaim(db, claim, error, now(), {
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        random: options.random,
      });
      logger.warn(`${describe(claim)} failed (${outcome})`, { attempt: claim.row.attempts, error: String(error) });
      return outcome;
    } finally {
      clearInterval(heartbeat);
      inHand.delete(claim);
    }
  }

  async function runOnce(): Promise<RunCounts> {
    const counts: RunCounts = { claimed: 0, done: 0, retry: 0, dead: 0, rerun: 0, lost: 0, invalid: 0 };
    if (recurringJobs.length && now().getTime() - lastScheduledAt >= scheduleEveryMs) {
      lastScheduledAt = now().getTime();
      for (const job of recurringJobs) await scheduleRecurring(db, job, now());
    }
    for (const slot of maintenance) {
      if (stopping) break;
      if (now().getTime() - slot.lastRunAt < slot.task.everyMs) continue;
      slot.lastRunAt = now().getTime();
      try {
        const removed = await slot.task.run(db, now());
        if (removed > 0) logger.info(`${slot.task.name}: ${removed} row(s)`);
      } catch (error) {
        // Housekeeping never stops the real work; it is tried again next period.
        logger.warn(`${slot.task.name} failed`, { error: String(error) });
      }
    }
    // Webhooks first: Shopify is waiting on nothing, but merchants see their effects.
    const running = new Set<Promise<void>>();
    let failure: unknown;
    const heldByShop = new Map<string, number>();
    for (const queue of ["webhook", "job"] as QueueName[]) {
      while (counts.claimed < batch && !stopping && failure === undefined) {
        if (running.size >= concurrency) {
          await Promise.race(running);
          continue;
        }
        const claim = await claimFairly(queue, heldByShop);
        if (!claim) break;
        counts.claimed++;
        const shop = claim.row.shop;
        heldByShop.set(shop, (heldByShop.get(shop) ?? 0) + 1);
        const work: Promise<void> = processClaim(claim)
          .then(
            (outcome) => void counts[outcome]++,
            // The database failed under the claim: the pass ends once the others are done, and is tried again.
            (error: unknown) => void (failure ??= error),
          )
          .finally(() => {
            running.delete(work);
            const held = (heldByShop.get(shop) ?? 1) - 1;
            if (held > 0) heldByShop.set(shop, held);
            else heldByShop.delete(shop);
          });
        running.add(work);
      }
    }
    await Promise.all(running);
    if (failure !== undefined) throw failure;
    return counts;
  }

  /**
   * The next due row, from a shop with nothing in hand if there is one, else
   * from a shop below its share of the slots.
   */
  async function claimFairly(queue: QueueName, heldByShop: ReadonlyMap<string, number>): Promise<Claim | null> {
    const base = { workerId, now: now(), leaseMs };
    if (heldByShop.size === 0) return claimNext(db, queue, base);
    const fresh = await claimNext(db, queue, { ...base, excludeShops: [...heldByShop.keys()] });
    if (fresh) return fresh;
    const full = [...heldByShop].filter(([, n]) => n >= perShopConcurrency).map(([shop]) => shop);
    return claimNext(db, queue, { ...base, excludeShops: full });
  }

  /** The stop's grace period ran out: whatever is still held goes back to the queue, for another worker now. */
  async function releaseInHand() {
    for (const [claim, lease] of inHand) {
      // The handler, still running until the process exits, stops before its next Shopify call.
      lease.held = false;
      const released = await releaseClaim(db, claim, now()).catch((error: unknown) => {
        logger.warn("could not release a claim", { id: claim.row.id, error: String(error) });
        return false;
      });
      if (released) withLogContext({ queue: claim.queue, jobId: claim.row.id, shop: claim.row.shop }, () => logger.info(`${describe(claim)} released for another worker (stopping)`));
    }
  }

  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let nudged = false;

  async function run(): Promise<void> {
    const unsubscribe = onNudge(() => {
      nudged = true;
      wake?.();
    });
    try {
      while (running) {
        let counts: RunCounts | undefined;
        try {
          counts = await runOnce();
        } catch (error) {
          // The database was unreachable or similar: try again on the next poll.
          logger.warn("worker pass failed", { error: String(error) });
        }
        if (!running) break;
        // More may be due right now, or a delivery arrived during the pass.
        if ((counts && counts.claimed >= batch) || nudged) {
          nudged = false;
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        nudged = false;
      }
    } finally {
      unsubscribe();
    }
  }

  return {
    workerId,
    runOnce,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      logger.info("started", { workerId });
      loop = run();
    },
    async stop({ graceMs }: StopOptions = {}) {
      running = false;
      stopping = true;
      wake?.();
      const finished = loop ?? Promise.resolve();
      if (graceMs === undefined) {
        await finished;
      } else {
        let timer: NodeJS.Timeout | undefined;
        const inTime = await Promise.race([finished.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, graceMs, false)))]);
        clearTimeout(timer);
        if (!inTime) await releaseInHand();
      }
      loop = undefined;
    },
  };
}

/** The Admin client a handler gets: every call first checks this worker still holds the work. */
function leaseChecked(client: AdminClient, assertLease: () => Promise<void>): AdminClient {
  return {
    async query(document, variables) {
      await assertLease();
      return client.query(document, variables);
    },
    async mutate(document, variables, options) {
      await assertLease();
      return client.mutate(document, variables, options);
    },
  };
}

function describe(claim: Claim): string {
  return claim.queue === "webhook"
    ? `webhook ${claim.row.topic} ${claim.row.webhookId} (${claim.row.shop})`
    : `job ${claim.row.kind}:${claim.row.key} (${claim.row.shop})`;
}
