// Outgoing webhooks as an event sink: each of the shop's endpoints that wants
// an event gets it, signed the Standard Webhooks way (https://www.standardwebhooks.com:
// webhook-id, webhook-timestamp, webhook-signature). webhook-id is the event's
// id, the same on every retry, so a receiver can drop a repeat.
import { Webhook } from "standardwebhooks";
import { registerEventSink, type EventSink } from "~/events/sinks.server";
import type { DeliverableEvent, DeliveryResult } from "~/events/types";
import { DisabledReason, endpointIdOf, eventsOf, recordGivenUp, recordSent, SINK_NAME, switchOff, webhookTarget } from "./endpoints.server";
import { defaultNetwork, postWebhook, type WebhookAnswer, type WebhookNetwork } from "./network.server";

const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** The body a receiver gets: the event's facts, and the referrer as known now (null once erased). */
export function webhookBody(event: DeliverableEvent) {
  const facts = event.data as Record<string, unknown>;
  const known = typeof facts.referrer === "object" && facts.referrer !== null ? facts.referrer : {};
  const { referrer } = event;
  return {
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: {
      ...facts,
      referrer: referrer
        ? { ...known, id: referrer.id, customer_id: referrer.customerId, email: referrer.email, first_name: referrer.firstName, code: referrer.code, link: referrer.link }
        : null,
    },
  };
}

export function createWebhookSink(network: () => WebhookNetwork = defaultNetwork): EventSink {
  return {
    name: SINK_NAME,
    retry: { maxAttempts: 30, maxAgeMs: 24 * 60 * 60_000 },
    async targets(tx, shop, type) {
      const endpoints = await tx.webhookEndpoint.findMany({ where: { shop, enabled: true }, select: { id: true, events: true } });
      return endpoints.filter((e) => eventsOf(e.events).includes(type)).map((e) => webhookTarget(e.id));
    },
    async deliver(ctx, target, event): Promise<DeliveryResult> {
      const id = endpointIdOf(target);
      const endpoint = await ctx.db.webhookEndpoint.findFirst({ where: { id, shop: ctx.shop } });
      if (!endpoint) return { outcome: "skipped", reason: "The endpoint was deleted" };
      if (!endpoint.enabled) return { outcome: "skipped", reason: "The endpoint is switched off" };
      if (!eventsOf(endpoint.events).includes(event.type)) return { outcome: "skipped", reason: `The endpoint no longer wants ${event.type}` };
      const body = JSON.stringify(webhookBody(event));
      // The wall clock, not the job's: receivers compare it with theirs to refuse replays.
      const sentAt = new Date();
      const headers = {
        "webhook-id": event.id,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": new Webhook(endpoint.secret).sign(event.id, sentAt, body),
      };
      let answer: WebhookAnswer;
      try {
        answer = await postWebhook(new URL(endpoint.url), headers, body, network());
      } catch (error) {
        return { outcome: "retry", error: error instanceof Error ? error.message : String(error) };
      }
      return judge(answer, async (detail) => switchOff(ctx.db, { shop: ctx.shop, id, reason: DisabledReason.GONE, cause: ctx.cause, detail }));
    },
    async onSent(ctx, target) {
      await recordSent(ctx.db, ctx.shop, endpointIdOf(target));
    },
    async onGiveUp(ctx, target, error) {
      await recordGivenUp(ctx.db, { shop: ctx.shop, id: endpointIdOf(target), error, now: ctx.now(), cause: ctx.cause });
    },
  };
}

/**
 * 2xx: sent. 410 Gone: the receiver says the endpoint is no more, so it is
 * switched off. Anything else (3xx included: redirects are not followed, the
 * target could be anywhere) is tried again later, after Retry-After when given.
 */
async function judge(answer: WebhookAnswer, gone: (detail: string) => Promise<void>): Promise<DeliveryResult> {
  const { status } = answer;
  if (status >= 200 && status < 300) return { outcome: "sent", status };
  const said = answer.body.trim().replace(/\s+/g, " ").slice(0, 200);
  const error = `HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}${said ? `: ${said}` : ""}`;
  if (status === 410) {
    await gone(error);
    return { outcome: "failed", error, status };
  }
  const retryAfterMs = retryAfter(answer.retryAfter);
  return { outcome: "retry", error, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

registerEventSink(createWebhookSink());
