// The merchant's webhook endpoints: adding one (its URL checked, its secret
// made and shown once), switching it on and off, deleting it, its delivery
// log, and the failure count that switches off an endpoint that keeps failing.
import { randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import { EVENT_TYPES, isEventType, type EventType } from "~/events/types";
import { recordAudit } from "~/referrals/audit.server";
import { checkEndpointUrl, WebhookAddressError, type UrlProblem, type WebhookNetwork } from "./network.server";

export const SINK_NAME = "webhook";
export const MAX_ENDPOINTS = 10;
/** Deliveries given up on in a row, or hours of them, before the endpoint is switched off. */
export const DISABLE_AFTER_FAILURES = 10;
export const DISABLE_AFTER_MS = 24 * 60 * 60_000;
export const LOG_SIZE = 50;

export const DisabledReason = { MERCHANT: "MERCHANT", FAILING: "FAILING", GONE: "GONE" } as const;
/** Reasons the app chose (the merchant is told), as against the merchant's own switch. */
const APP_REASONS = [DisabledReason.FAILING, DisabledReason.GONE];

export function webhookTarget(endpointId: string): string {
  return `${SINK_NAME}:${endpointId}`;
}

export function endpointIdOf(target: string): string {
  return target.slice(SINK_NAME.length + 1);
}

export function eventsOf(json: string): EventType[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((e): e is EventType => typeof e === "string" && isEventType(e)) : [];
  } catch {
    return [];
  }
}

/** A Standard Webhooks secret: "whsec_" and the base64 of 32 random bytes. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export type EndpointErrors = { url?: UrlProblem | "TOO_MANY"; events?: "NONE" };

export type AddResult = { ok: true; id: string; secret: string } | { ok: false; errors: EndpointErrors; detail?: string };

export async function addEndpoint(
  db: Db,
  input: { shop: string; url: string; events: string[]; cause: string; network: WebhookNetwork },
): Promise<AddResult> {
  const { shop } = input;
  const errors: EndpointErrors = {};
  let detail: string | undefined;
  const events = EVENT_TYPES.filter((type) => input.events.includes(type));
  if (events.length === 0) errors.events = "NONE";
  let url: URL | null = null;
  try {
    url = await checkEndpointUrl(input.url, input.network);
  } catch (error) {
    if (!(error instanceof WebhookAddressError)) throw error;
    errors.url = error.problem;
    detail = error.message;
  }
  if (!errors.url && (await db.webhookEndpoint.count({ where: { shop } })) >= MAX_ENDPOINTS) errors.url = "TOO_MANY";
  if (errors.url || errors.events || !url) return { ok: false, errors, detail };
  const secret = newSecret();
  const endpoint = await db.webhookEndpoint.create({ data: { shop, url: url.href, events: JSON.stringify(events), secret }, select: { id: true } });
  await recordAudit(db, { shop, action: "webhook.added", cause: input.cause, detail: `${endpoint.id} ${url.href} (${events.join(", ")})` });
  return { ok: true, id: endpoint.id, secret };
}

/** Switches the shop's endpoint on (its failure count starts again) or off; false when it is not the shop's. */
export async function setEndpointEnabled(db: Db, input: { shop: string; id: string; enabled: boolean; cause: string }): Promise<boolean> {
  const { shop, id, enabled } = input;
  const { count } = await db.webhookEndpoint.updateMany({
    where: { id, shop },
    data: enabled ? { enabled, disabledReason: null, consecutiveFailures: 0, failingSince: null } : { enabled, disabledReason: DisabledReason.MERCHANT },
  });
  if (count === 1) await recordAudit(db, { shop, action: enabled ? "webhook.enabled" : "webhook.disabled", toStatus: enabled ? "ENABLED" : "DISABLED", cause: input.cause, detail: id });
  return count === 1;
}

/** Deletes the shop's endpoint with its delivery log (and whatever was still to be sent to it). */
export async function deleteEndpoint(db: Db, input: { shop: string; id: string; cause: string }): Promise<boolean> {
  const { shop, id } = input;
  const [, deleted] = await db.$transaction([
    db.eventDelivery.deleteMany({ where: { shop, target: webhookTarget(id) } }),
    db.webhookEndpoint.deleteMany({ where: { id, shop } }),
  ]);
  if (deleted.count === 1) await recordAudit(db, { shop, action: "webhook.deleted", cause: input.cause, detail: id });
  return deleted.count === 1;
}

/** The shop's endpoints as the page lists them: never their secrets. */
export async function listEndpoints(db: Db, shop: string) {
  const rows = await db.webhookEndpoint.findMany({
    where: { shop },
    orderBy: { createdAt: "asc" },
    select: { id: true, url: true, events: true, enabled: true, disabledReason: true, consecutiveFailures: true, createdAt: true },
  });
  return rows.map((row) => ({ ...row, events: eventsOf(row.events) }));
}

/** Endpoints the app switched off (failing, gone) that the merchant has not dealt with: the banner's. */
export function endpointsSwitchedOff(db: Db, shop: string): Promise<number> {
  return db.webhookEndpoint.count({ where: { shop, enabled: false, disabledReason: { in: APP_REASONS } } });
}

/** The endpoint's latest deliveries, newest first; null when it is not the shop's. */
export async function deliveryLog(db: Db, shop: string, id: string) {
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id, shop }, select: { id: true, url: true } });
  if (!endpoint) return null;
  const rows = await db.eventDelivery.findMany({
    where: { shop, target: webhookTarget(id) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LOG_SIZE,
    select: { id: true, status: true, attempts: true, responseStatus: true, lastError: true, durationMs: true, createdAt: true, sentAt: true, event: { select: { id: true, type: true } } },
  });
  return { endpoint, deliveries: rows.map(({ event, createdAt, sentAt, ...row }) => ({ ...row, createdAt: createdAt.toISOString(), sentAt: sentAt?.toISOString() ?? null, eventId: event.id, type: event.type })) };
}

/** A delivery went through: the endpoint's failures in a row start again. */
export async function recordSent(db: Db, shop: string, id: string): Promise<void> {
  await db.webhookEndpoint.updateMany({ where: { id, shop, OR: [{ consecutiveFailures: { gt: 0 } }, { failingSince: { not: null } }] }, data: { consecutiveFailures: 0, failingSince: null } });
}

/**
 * A delivery was given up on: counted, and the endpoint switched off once
 * DISABLE_AFTER_FAILURES of them came in a row or they have gone on for
 * DISABLE_AFTER_MS (the merchant sees why on the Webhooks page and the home page).
 */
export async function recordGivenUp(db: Db, input: { shop: string; id: string; error: string; now: Date; cause: string }): Promise<void> {
  const { shop, id, now } = input;
  await db.webhookEndpoint.updateMany({ where: { id, shop }, data: { consecutiveFailures: { increment: 1 } } });
  await db.webhookEndpoint.updateMany({ where: { id, shop, failingSince: null }, data: { failingSince: now } });
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id, shop, enabled: true }, select: { consecutiveFailures: true, failingSince: true } });
  if (!endpoint) return;
  const tooMany = endpoint.consecutiveFailures >= DISABLE_AFTER_FAILURES;
  const tooLong = endpoint.failingSince !== null && now.getTime() - endpoint.failingSince.getTime() >= DISABLE_AFTER_MS;
  if (tooMany || tooLong) {
    await switchOff(db, { shop, id, reason: DisabledReason.FAILING, cause: input.cause, detail: `${endpoint.consecutiveFailures} deliveries given up in a row; the last: ${input.error}` });
  }
}

/** The app switches an endpoint off (once: the audit says why). */
export async function switchOff(db: Db, input: { shop: string; id: string; reason: (typeof APP_REASONS)[number]; cause: string; detail: string }): Promise<void> {
  const { shop, id, reason } = input;
  const { count } = await db.webhookEndpoint.updateMany({ where: { id, shop, enabled: true }, data: { enabled: false, disabledReason: reason } });
  if (count === 1) {
    await recordAudit(db, { shop, action: "webhook.disabled", fromStatus: "ENABLED", toStatus: "DISABLED", cause: input.cause, detail: `${id} ${reason}: ${input.detail}`.slice(0, 1000) });
  }
}
