// The durable queue under both the webhook inbox (WebhookDelivery) and scheduled
// work (Job). Both tables share the queue columns, so one set of operations
// serves both. Every state change is a conditional UPDATE whose WHERE clause
// restates what the caller believes (compare-and-set): it is atomic on one
// PostgreSQL (the row lock makes a concurrent UPDATE re-check the WHERE) and on
// SQLite (one writer at a time), so any number of worker processes can share it.
//
// Row life: PENDING -> RUNNING (claimed: lockedBy = a token unique to this claim,
// lockedUntil = lease end) -> DONE, or back to PENDING with a backoff, or DEAD
// after maxAttempts or a permanent error, or (a webhook delivery whose payload
// cannot be processed) INVALID without running. A RUNNING row whose lease ran out
// (its worker was killed) is claimable again. Only the holder of the claim
// token can finish a row, so a worker that lost its lease cannot overwrite the
// work of the one that took over.
//
// Re-running a RUNNING job: while a row runs, availableAt means "when its next
// run is due" and holds NO_RERUN when none was asked for. enqueueJob lowers it;
// completion finds it lowered and leaves the row PENDING instead of DONE.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import type { Job, WebhookDelivery } from "~/generated/sqlite/client";

export type QueueName = "webhook" | "job";
export const PENDING = "PENDING";
export const RUNNING = "RUNNING";
export const DONE = "DONE";
export const DEAD = "DEAD";
/** Webhook deliveries only: unparseable or incomplete, found so by the worker before running it; never run nor retried. */
export const INVALID = "INVALID";

/** availableAt of a RUNNING row for which no further run was requested. */
export const NO_RERUN = new Date("9999-12-31T00:00:00.000Z");

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_LEASE_MS = 2 * 60_000;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;
const CANDIDATES = 20;

export type Claim =
  | { queue: "webhook"; token: string; row: WebhookDelivery }
  | { queue: "job"; token: string; row: Job };

type Where = Record<string, unknown>;
type Data = Record<string, unknown>;
// The two Prisma delegates have the same shape for the columns used here, but
// TypeScript cannot call a union of them; this is the part both satisfy.
interface QueueTable {
  findMany(args: { where: Where; orderBy: Where; take: number; select: { id: true } }): Promise<{ id: string }[]>;
  findFirst(args: { where: Where }): Promise<Claim["row"] | null>;
  updateMany(args: { where: Where; data: Data }): Promise<{ count: number }>;
}
function table(db: Db, queue: QueueName): QueueTable {
  return (queue === "job" ? db.job : db.webhookDelivery) as unknown as QueueTable;
}

function due(now: Date): Where {
  return {
    OR: [
      { status: PENDING, availableAt: { lte: now } },
      { status: RUNNING, lockedUntil: { lt: now } },
    ],
  };
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  leaseMs?: number;
  /** Shops whose rows are not to be claimed this time (a worker sharing its slots fairly). */
  excludeShops?: readonly string[];
}

/** Claims one due row of the queue, or returns null when nothing is due. */
export async function claimNext(db: Db, queue: QueueName, options: ClaimOptions): Promise<Claim | null> {
  const t = table(db, queue);
  const { now } = options;
  const where = options.excludeShops?.length ? { AND: [due(now), { shop: { notIn: [...options.excludeShops] } }] } : due(now);
  const candidates = await t.findMany({
    where,
    orderBy: { availableAt: "asc" },
    take: CANDIDATES,
    select: { id: true },
  });
  // Start at a random candidate so several workers do not all fight over the first.
  const offset = Math.floor(Math.random() * candidates.length);
  for (let i = 0; i < candidates.length; i++) {
    const { id } = candidates[(offset + i) % candidates.length];
    const token = `${options.workerId}/${randomUUID()}`;
    const { count } = await t.updateMany({
      where: { id, ...due(now) },
      data: {
        status: RUNNING,
        lockedBy: token,
        lockedUntil: new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)),
        availableAt: NO_RERUN,
        attempts: { increment: 1 },
      },
    });
    if (count !== 1) continue; // another worker got it first
    const row = await t.findFirst({ where: { id, lockedBy: token } });
    if (row) return { queue, token, row } as Claim;
  }
  return null;
}

/** Pushes the lease of a claim still being worked on; false when it was lost. */
export async function extendLease(db: Db, claim: Claim, now: Date, leaseMs = DEFAULT_LEASE_MS): Promise<boolean> {
  const { count } = await table(db, claim.queue).updateMany({
    where: { id: claim.row.id, lockedBy: claim.token },
    data: { lockedUntil: new Date(now.getTime() + leaseMs) },
  });
  return count === 1;
}

const unlocked = { lockedBy: null, lockedUntil: null };

/**
 * Gives a claimed row back untouched by this attempt, for another worker to
 * take at once (its holder is shutting down): PENDING, due now, the attempt
 * not counted. False when the claim was lost already.
 */
export async function releaseClaim(db: Db, claim: Claim, now: Date): Promise<boolean> {
  const { count } = await table(db, claim.queue).updateMany({
    where: { id: claim.row.id, lockedBy: claim.token },
    data: { status: PENDING, availableAt: now, attempts: { decrement: 1 }, ...unlocked },
  });
  return count === 1;
}

/** What became of a claimed row once its holder reported back. */
export type Outcome = "done" | "retry" | "dead" | "rerun" | "lost" | "invalid";

/** Marks a claim DONE (clearing a webhook's payload), or PENDING again if a re-run was requested meanwhile. */
export async function completeClaim(db: Db, claim: Claim, now: Date): Promise<Outcome> {
  const t = table(db, claim.queue);
  const finished: Data =
    claim.queue === "webhook"
      ? // Processed payloads hold customers' personal data: do not keep them.
        { status: DONE, payload: null, processedAt: now, lastError: null, availableAt: now, ...unlocked }
      : { status: DONE, lastError: null, availableAt: now, ...unlocked };
  const done = await t.updateMany({
    where: { id: claim.row.id, lockedBy: claim.token, availableAt: NO_RERUN },
    data: finished,
  });
  if (done.count === 1) return "done";
  return requeueForRerun(t, claim, null);
}

export interface FailOptions {
  maxAttempts?: number;
  /** 0..1, for the backoff jitter. */
  random?: () => number;
}

/** Records a failed run: retry later with backoff, or DEAD when retrying cannot help or the attempts are spent. */
export async function failClaim(db: Db, claim: Claim, error: unknown, now: Date, options: FailOptions = {}): Promise<Outcome> {
  const t = table(db, claim.queue);
  const lastError = describeError(error);
  const giveUp = isPermanent(error) || claim.row.attempts >= (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  if (!giveUp) {
    const { count } = await t.updateMany({
      where: { id: claim.row.id, lockedBy: claim.token },
      data: {
        status: PENDING,
        lastError,
        availableAt: new Date(now.getTime() + backoffMs(claim.row.attempts, options.random)),
        ...unlocked,
      },
    });
    return count === 1 ? "retry" : "lost";
  }
  const dead = await t.updateMany({
    where: { id: claim.row.id, lockedBy: claim.token, availableAt: NO_RERUN },
    data: {
      status: DEAD,
      lastError,
      availableAt: now,
      ...unlocked,
      ...(claim.queue === "webhook" ? { processedAt: now } : {}),
    },
  });
  if (dead.count === 1) return "dead";
  // Someone asked for a fresh run while this one failed: that request gets its own attempts.
  return requeueForRerun(t, claim, lastError);
}

/**
 * Parks a claimed webhook delivery INVALID with the reason its payload cannot be
 * processed: as if it had never been attempted (attempts 0), never retried, the
 * payload kept for the merchant to see (and for the privacy erasure to find).
 */
export async function rejectClaim(db: Db, claim: Claim, reason: string, now: Date): Promise<Outcome> {
  if (claim.queue !== "webhook") throw new Error(`only webhook deliveries can be INVALID, not job ${claim.row.kind}:${claim.row.key}`);
  const { count } = await db.webhookDelivery.updateMany({
    where: { shop: claim.row.shop, id: claim.row.id, lockedBy: claim.token },
    data: { status: INVALID, attempts: 0, lastError: reason, availableAt: now, ...unlocked },
  });
  return count === 1 ? "invalid" : "lost";
}

async function requeueForRerun(t: QueueTable, claim: Claim, lastError: string | null): Promise<Outcome> {
  const { count } = await t.updateMany({
    where: { id: claim.row.id, lockedBy: claim.token },
    data: { status: PENDING, attempts: 0, lastError, ...unlocked },
  });
  return count === 1 ? "rerun" : "lost";
}

/** Exponential backoff with jitter: 30 s, 1 min, 2 min... capped at 1 h, each between half and all of that. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Retrying cannot fix these: the handler said so (PermanentError), or Shopify
 * refused the input (ShopifyUserError) or failed for good (ShopifyApiError that
 * is not retryable). Matched by name, not instanceof, because the worker and the
 * handlers may come from different module graphs (Vite SSR vs tsx).
 */
export function isPermanent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "PermanentError" || error.name === "ShopifyUserError") return true;
  return error.name === "ShopifyApiError" && (error as { retryable?: unknown }).retryable === false;
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}

export interface EnqueueJobInput {
  shop: string;
  kind: string;
  /** Identifies the work within shop and kind: enqueueing the same key again does not duplicate it. */
  key: string;
  /** Stored as JSON; when given on a re-request it replaces the stored payload. */
  payload?: unknown;
  /** Not before this time (default: now). */
  availableAt?: Date;
}

export type EnqueueOutcome = "created" | "reset" | "rescheduled" | "rerun-requested" | "unchanged";

/**
 * Asks for a job to run, idempotently by (shop, kind, key): creates it; revives
 * a DONE or DEAD one; brings a PENDING one forward (never back); and makes a
 * RUNNING one run again after the current run.
 */
export async function enqueueJob(db: Db, input: EnqueueJobInput, now: Date = new Date()): Promise<EnqueueOutcome> {
  const { shop, kind, key } = input;
  const at = input.availableAt ?? now;
  const payload = input.payload === undefined ? undefined : JSON.stringify(input.payload);
  // Each round reads the row and writes only if it is still as read; a lost race re-reads.
  for (let round = 0; round < 20; round++) {
    const existing = await db.job.findUnique({ where: { shop_kind_key: { shop, kind, key } } });
    if (!existing) {
      try {
        await db.job.create({ data: { shop, kind, key, payload: payload ?? null, availableAt: at } });
        return "created";
      } catch (error) {
        if (isUniqueViolation(error)) continue;
        throw error;
      }
    }
    if (existing.status === DONE || existing.status === DEAD) {
      const { count } = await db.job.updateMany({
        where: { id: existing.id, status: existing.status },
        data: {
          status: PENDING,
          attempts: 0,
          lastError: null,
          availableAt: at,
          ...(payload === undefined ? {} : { payload }),
        },
      });
      if (count === 1) return "reset";
      continue;
    }
    const nextAt = at < existing.availableAt ? at : existing.availableAt;
    const samePayload = payload === undefined || payload === existing.payload;
    if (nextAt.getTime() === existing.availableAt.getTime() && samePayload) return "unchanged";
    const { count } = await db.job.updateMany({
      where: { id: existing.id, status: existing.status, availableAt: existing.availableAt },
      data: { availableAt: nextAt, ...(payload === undefined ? {} : { payload }) },
    });
    if (count === 1) return existing.status === RUNNING ? "rerun-requested" : "rescheduled";
  }
  throw new Error(`enqueueJob(${shop}, ${kind}, ${key}): the job kept changing under us`);
}

export type RetryOutcome = "retried" | "not-found" | "not-retryable";

/**
 * Puts a DEAD row of the shop back in its queue with fresh attempts, due now.
 * A webhook delivery whose body was erased (for privacy) cannot run again.
 */
export async function retryDead(db: Db, queue: QueueName, { shop, id, now }: { shop: string; id: string; now: Date }): Promise<RetryOutcome> {
  const t = table(db, queue);
  const row = await t.findFirst({ where: { shop, id } });
  if (!row) return "not-found";
  const runnable = queue === "webhook" ? { payload: { not: null } } : {};
  const { count } = await t.updateMany({
    where: { shop, id, status: DEAD, ...runnable },
    data: { status: PENDING, attempts: 0, availableAt: now, ...(queue === "webhook" ? { processedAt: null } : {}) },
  });
  return count === 1 ? "retried" : "not-retryable";
}
