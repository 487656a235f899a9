// Which code processes each webhook topic and each job kind: one row each.
// A topic's row is its handler, made by webhookTopic() with the topic's one
// payload parser (shape check, then the domain's reading), which the worker
// runs once before the handler. Subscribing to a topic: this row, the
// shopify.app.toml line, SUBSCRIBED_TOPICS (what the door admits) and the
// topic's schema in webhook-payloads.ts; tests/unit/config.test.ts checks they agree.
import type { JobHandler, WebhookHandler } from "~/queue/types";
import type { RecurringJob } from "~/queue/schedule.server";
import type { MaintenanceTask } from "./worker.server";
import { pruneRateLimits } from "~/storefront/rate-limit.server";
import { env, retentionPolicy } from "~/env.server";
import { applyRetention, totalRemoved } from "./retention.server";
import { handleAppUninstalled } from "~/jobs/handlers/app-uninstalled.server";
import { handleAppScopesUpdate } from "~/jobs/handlers/app-scopes-update.server";
import { customersDataRequest, customersRedact, shopRedact } from "~/jobs/handlers/compliance.server";
import { handleOrdersPaid } from "~/jobs/handlers/orders-paid.server";
import { handleOrdersCancelled } from "~/jobs/handlers/orders-cancelled.server";
import { handleRefundsCreate } from "~/jobs/handlers/refunds-create.server";
import { CODE_SYNC_JOB, syncCodesJob } from "~/referrals/code-sync.server";
import { RETIRE_CODE_JOB, retireCode } from "~/referrals/code-rotation.server";
import { EXPIRE_FRIEND_CODES_EVERY_MS, EXPIRE_FRIEND_CODES_JOB, expireFriendCodes } from "~/referrals/friend-codes.server";
import { RECONCILE_EVERY_MS, RECONCILE_JOB, reconcileOrders } from "~/referrals/reconciliation.server";
import { INVITE_JOB, runInvite } from "~/referrals/invites.server";
import { EMAIL_OUTBOX_JOB, kickDueOutboxes, runOutbox } from "~/email/outbox.server";
import { EMAIL_DIGEST_EVERY_MS, EMAIL_DIGEST_JOB, queueDigest } from "~/email/digest.server";
import { EVENT_OUTBOX_JOB } from "~/events/record.server";
import { kickDueEvents, runEventOutbox } from "~/events/outbox.server";
import "~/events/integrations.server";
import { VARIANT_DISCOUNTS_JOB, placeVariantDiscounts } from "~/experiments/variant-discounts.server";
import { EXPERIMENT_END_JOB, applyWinner } from "~/experiments/lifecycle.server";
import { ISSUE_JOB, issueReward, RELEASE_JOB, releaseReferral, REVOKE_JOB, revokeRewardJob } from "~/referrals/rewards.server";

/** Topic as Shopify writes it in X-Shopify-Topic ("orders/paid") -> handler. */
export const webhookHandlers = new Map<string, WebhookHandler>([
  ["orders/paid", handleOrdersPaid],
  ["orders/cancelled", handleOrdersCancelled],
  ["refunds/create", handleRefundsCreate],
  ["app/uninstalled", handleAppUninstalled],
  ["app/scopes_update", handleAppScopesUpdate],
  // Mandatory compliance topics (shopify.app.toml `compliance_topics`).
  ["customers/data_request", customersDataRequest],
  ["customers/redact", customersRedact],
  ["shop/redact", shopRedact],
]);

/** Job kind -> handler. */
export const jobHandlers = new Map<string, JobHandler>([
  [CODE_SYNC_JOB, syncCodesJob],
  [RETIRE_CODE_JOB, (ctx) => retireCode(ctx)],
  // Every expired code in one run, a batch at a time (the lease is checked before each Admin API call).
  [EXPIRE_FRIEND_CODES_JOB, async (ctx) => void (await drain(() => expireFriendCodes(ctx)))],
  [RELEASE_JOB, releaseReferral],
  [ISSUE_JOB, issueReward],
  [REVOKE_JOB, revokeRewardJob],
  [RECONCILE_JOB, async (ctx) => void (await reconcileOrders(ctx))],
  [INVITE_JOB, async (ctx) => void (await runInvite(ctx))],
  [EMAIL_OUTBOX_JOB, async (ctx) => void (await runOutbox(ctx))],
  [EMAIL_DIGEST_JOB, async (ctx) => void (await queueDigest(ctx))],
  [EVENT_OUTBOX_JOB, async (ctx) => void (await runEventOutbox(ctx))],
  // Incentive experiments (app/experiments): the variants' discounts, and the winner made the program.
  [VARIANT_DISCOUNTS_JOB, placeVariantDiscounts],
  [EXPERIMENT_END_JOB, applyWinner],
]);

/** Per-shop work the worker keeps scheduled for every active shop (see schedule.server.ts). */
export const recurringJobs: RecurringJob[] = [
  { kind: RECONCILE_JOB, everyMs: RECONCILE_EVERY_MS },
  { kind: EMAIL_DIGEST_JOB, everyMs: EMAIL_DIGEST_EVERY_MS },
  { kind: EXPIRE_FRIEND_CODES_JOB, everyMs: EXPIRE_FRIEND_CODES_EVERY_MS },
];

async function drain(batch: () => Promise<{ more: boolean }>) {
  while ((await batch()).more);
}

/** Longest rate-limit window in use is 10 minutes: a row a day old counts nothing. */
export const RATE_LIMIT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Shop-independent housekeeping every worker runs (see MaintenanceTask). */
export const maintenanceTasks: MaintenanceTask[] = [
  {
    name: "prune expired rate-limit windows",
    everyMs: 10 * 60 * 1000,
    run: (db, now) => pruneRateLimits(db, new Date(now.getTime() - RATE_LIMIT_RETENTION_MS)),
  },
  {
    name: "run the outbox of every shop with email due",
    everyMs: 30 * 1000,
    run: (db, now) => kickDueOutboxes(db, now),
  },
  {
    name: "run the event outbox of every shop with an event delivery due",
    everyMs: 30 * 1000,
    run: (db, now) => kickDueEvents(db, now),
  },
  {
    name: "delete data past its retention period",
    everyMs: 60 * 60 * 1000,
    run: async (db, now) => totalRemoved(await applyRetention(db, now, retentionPolicy(env()))),
  },
];

export function registerWebhookHandler(topic: string, handler: WebhookHandler): void {
  webhookHandlers.set(topic, handler);
}

export function registerJobHandler(kind: string, handler: JobHandler, recurring?: { everyMs: number }): void {
  jobHandlers.set(kind, handler);
  if (recurring && !recurringJobs.some((r) => r.kind === kind)) recurringJobs.push({ kind, everyMs: recurring.everyMs });
}
