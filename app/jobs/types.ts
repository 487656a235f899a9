// What the worker hands to the code that processes a webhook delivery or a job.
import type { Db } from "../db.server";
import type { AdminClient } from "../shopify/admin-client.server";

export interface WorkContext {
  db: Db;
  shop: string;
  /** Recorded on every audit event this work causes: `webhook:<id>` or `job:<kind>:<key>`. */
  cause: string;
  /** The Admin API for this shop (built lazily from its offline session). */
  admin(): Promise<AdminClient>;
  now(): Date;
}

export interface WebhookContext extends WorkContext {
  topic: string;
  webhookId: string;
  payload: unknown;
  triggeredAt: Date | null;
}

export interface JobContext extends WorkContext {
  kind: string;
  key: string;
  payload: unknown;
}

export type WebhookHandler = (ctx: WebhookContext) => Promise<void>;
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
