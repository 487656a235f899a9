// The "klaviyo" event sink: every referral event of a shop with an active
// Klaviyo connection becomes a Klaviyo event on the referrer's profile
// (klaviyo-event.ts). Klaviyo's limits are counted per shop in the database
// (every app process shares them) and a delivery over them waits its turn.
import { registerEventSink, type EventSink } from "~/events/sinks.server";
import type { DeliverableEvent, DeliveryResult } from "~/events/types";
import { hitRateLimits, type RateLimitRule } from "~/storefront/rate-limit.server";
import { createEvent, klaviyoFailure } from "./client.server";
import { activeKey, KlaviyoStatus, markBroken } from "./connection.server";
import { klaviyoEvent } from "./klaviyo-event";

/**
 * Klaviyo's published limits for Create Event (POST /api/events, revision
 * 2026-07-15, as the SDK's EventsApi.createEvent documents them): burst 350 a
 * second, steady 3,500 a minute, fixed windows of 1 s and 1 min, per account
 * (developers.klaviyo.com/en/docs/rate_limits_and_error_handling, tier XL).
 * A private key shares its account's quota with the merchant's other
 * integrations, so staying under these is not enough: a 429 still waits for
 * its Retry-After. Each key names the shop as one ":"-separated part, so
 * shop/redact finds the rows.
 */
export const CREATE_EVENT_LIMITS = { burstPerSecond: 350, steadyPerMinute: 3500 } as const;

export function klaviyoRules(shop: string): RateLimitRule[] {
  return [
    { key: `klaviyo:burst:${shop}`, limit: CREATE_EVENT_LIMITS.burstPerSecond, windowMs: 1000 },
    { key: `klaviyo:steady:${shop}`, limit: CREATE_EVENT_LIMITS.steadyPerMinute, windowMs: 60_000 },
  ];
}

async function deliver(ctx: Parameters<EventSink["deliver"]>[0], event: DeliverableEvent): Promise<DeliveryResult> {
  const { db, shop } = ctx;
  const key = await activeKey(db, shop);
  if ("none" in key) return { outcome: "skipped", reason: key.none };
  if ("broken" in key) return { outcome: "failed", error: key.broken };
  const referrer = event.referrer;
  if (!referrer) return { outcome: "skipped", reason: "The event has no referrer, or the referrer was erased" };
  const email = referrer.email;
  if (!email) return { outcome: "skipped", reason: "The referrer has no email address: Klaviyo profiles are found by email" };
  const limited = await hitRateLimits(db, klaviyoRules(shop), ctx.now());
  if (!limited.ok) return { outcome: "retry", error: "Over Klaviyo's Create Event limit: waiting for the next window", retryAfterMs: limited.retryAfterSeconds * 1000 };
  try {
    const status = await createEvent(key.apiKey, klaviyoEvent(event, { ...referrer, email }));
    return { outcome: "sent", status };
  } catch (error) {
    const failure = klaviyoFailure(error, ctx.now());
    if (failure.kind === "refused") {
      await markBroken(db, shop, failure.message);
      return { outcome: "failed", error: failure.message, status: failure.status };
    }
    if (failure.kind === "rejected") return { outcome: "failed", error: failure.message, status: failure.status };
    return { outcome: "retry", error: failure.message, status: failure.status, retryAfterMs: failure.kind === "throttled" ? failure.retryAfterMs : undefined };
  }
}

export const klaviyoSink: EventSink = {
  name: "klaviyo",
  async targets(tx, shop) {
    const connection = await tx.klaviyoConnection.findFirst({ where: { shop, status: KlaviyoStatus.ACTIVE }, select: { id: true } });
    return connection ? ["klaviyo"] : [];
  },
  deliver: (ctx, _target, event) => deliver(ctx, event),
  retry: { maxAttempts: 20 },
};

registerEventSink(klaviyoSink);
