// What the worker hands to the code that processes a webhook delivery or a job.
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";

export interface WorkContext {
  db: Db;
  shop: string;
  /** Recorded on every audit event this work causes: `webhook:<id>` or `job:<kind>:<key>`. */
  cause: string;
  /**
   * The Admin API for this shop (built lazily from its offline session). The
   * worker's client checks the lease (assertLease) before every call.
   */
  admin(): Promise<AdminClient>;
  now(): Date;
  /**
   * Throws LeaseLostError when another worker has taken this work over (our
   * lease ran out), and otherwise renews the lease for a full term. Absent
   * outside the worker (tests, scripts), where nothing else can take the work.
   */
  assertLease?(): Promise<void>;
  /**
   * True once the worker is shutting down: work done in slices ends its slice
   * at the next checkpoint and asks to run again (another worker goes on with
   * it). Absent outside the worker.
   */
  stopRequested?(): boolean;
}

export interface WebhookContext extends WorkContext {
  topic: string;
  webhookId: string;
  payload: unknown;
  /** What the topic's parser made of the payload, when the worker ran it. */
  parsed?: unknown;
  triggeredAt: Date | null;
}

export interface JobContext extends WorkContext {
  kind: string;
  key: string;
  payload: unknown;
}

/**
 * Runs a webhook delivery. A topic's handler carries its one payload parser
 * (`parse`, the domain's): the worker runs it once, before the handler, parks
 * the delivery INVALID when it throws InvalidPayloadError, and hands the
 * handler what it returned as `ctx.parsed`.
 */
export type WebhookHandler = ((ctx: WebhookContext) => Promise<void>) & {
  parse?: (payload: unknown, delivery: { shop: string; topic: string }) => unknown;
};
export type JobHandler = (ctx: JobContext) => Promise<void>;

/**
 * Thrown when retrying can never help (the payload lacks what the topic needs,
 * the shop is gone...). The delivery or job is parked with this reason for the
 * merchant to see instead of being retried.
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentError";
  }
}

/**
 * The worker lost its claim on the row it was working on: another worker took
 * it over after the lease ran out. Stop before touching Shopify again; the
 * holder of the lease does the rest.
 */
export class LeaseLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LeaseLostError";
  }
}

/**
 * The payload cannot be processed for its topic (incomplete, another topic's,
 * another shop's): retrying cannot help, and the delivery is parked INVALID.
 */
export class InvalidPayloadError extends PermanentError {
  readonly invalidPayload = true;
}

export function isInvalidPayload(error: unknown): error is InvalidPayloadError {
  return error instanceof Error && (error as { invalidPayload?: unknown }).invalidPayload === true;
}
