// Which code processes each webhook topic and each job kind. The worker looks
// handlers up here; a stored delivery whose topic has no handler goes DEAD
// ("no handler"), so add a line here when you subscribe to a topic in
// shopify.app.toml (and its payload check in webhook-payloads.ts).
import type { JobHandler, WebhookHandler } from "./types";
import type { RecurringJob } from "./schedule.server";
import { handleAppUninstalled } from "./handlers/app-uninstalled.server";
import { handleAppScopesUpdate } from "./handlers/app-scopes-update.server";
import { customersDataRequest, customersRedact, shopRedact } from "./handlers/compliance.server";

/** Topic as Shopify writes it in X-Shopify-Topic ("orders/paid") -> handler. */
export const webhookHandlers = new Map<string, WebhookHandler>([
  ["app/uninstalled", handleAppUninstalled],
  ["app/scopes_update", handleAppScopesUpdate],
  // Mandatory compliance topics (shopify.app.toml `compliance_topics`).
  ["customers/data_request", customersDataRequest],
  ["customers/redact", customersRedact],
  ["shop/redact", shopRedact],
]);

/** Job kind -> handler. */
export const jobHandlers = new Map<string, JobHandler>();

/** Per-shop work the worker keeps scheduled for every active shop (see schedule.server.ts). */
export const recurringJobs: RecurringJob[] = [];

export function registerWebhookHandler(topic: string, handler: WebhookHandler): void {
  webhookHandlers.set(topic, handler);
}

export function registerJobHandler(kind: string, handler: JobHandler, recurring?: { everyMs: number }): void {
  jobHandlers.set(kind, handler);
  if (recurring && !recurringJobs.some((r) => r.kind === kind)) recurringJobs.push({ kind, everyMs: recurring.everyMs });
}
