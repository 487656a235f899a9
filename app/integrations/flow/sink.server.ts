// The "flow" event sink: each referral event with a Flow trigger
// (triggers.ts) starts the merchant's workflows through the shop's Admin API
// (flowTriggerReceive), once per event: the outbox's delivery row is the guard.
// Only triggers a workflow of the shop uses are sent, as Shopify asks
// (trigger-use.server.ts, kept by Flow's lifecycle callback).
import { registerEventSink, type EventSink } from "~/events/sinks.server";
import type { DeliveryResult } from "~/events/types";
import { FLOW_TRIGGER_RECEIVE } from "~/shopify/documents";
import { ShopifyApiError, ShopifyUserError } from "~/shopify/errors";
import { customerNumber, flowTriggerOf } from "./triggers";
import { triggerInUse } from "./trigger-use.server";

export const FLOW_TARGET = "flow";

export const flowSink: EventSink = {
  name: FLOW_TARGET,

  async targets(tx, shop, type) {
    const trigger = flowTriggerOf(type);
    return trigger && (await triggerInUse(tx, shop, trigger.handle)) ? [FLOW_TARGET] : [];
  },

  async deliver(ctx, _target, event): Promise<DeliveryResult> {
    const trigger = flowTriggerOf(event.type);
    if (!trigger) return { outcome: "skipped", reason: `No Flow trigger for ${event.type}` };
    if (!event.referrer) return { outcome: "skipped", reason: "The referrer was erased" };
    // Flow's trigger takes the referrer as a Shopify customer: a referrer known
    // only by email has none for a workflow to act on.
    const customerId = customerNumber(event.referrer.customerId);
    if (customerId === null) return { outcome: "skipped", reason: "The referrer is not a Shopify customer" };
    // Workflows may have been turned off since the event was recorded.
    if (!(await triggerInUse(ctx.db, ctx.shop, trigger.handle))) return { outcome: "skipped", reason: `No enabled workflow uses the ${trigger.name} trigger` };

    const payload = trigger.payload(event, event.referrer, customerId);
    try {
      const admin = await ctx.admin();
      // No `verify`: Shopify cannot be asked whether a trigger ran, so after a
      // 5xx or a dropped connection the client throws and the outbox retries
      // later; a workflow may then run twice, and tells by the payload's Event ID.
      await admin.mutate(FLOW_TRIGGER_RECEIVE, { handle: trigger.handle, payload });
      return { outcome: "sent" };
    } catch (error) {
      if (error instanceof ShopifyUserError) return { outcome: "failed", error: `Shopify refused the ${trigger.name} trigger: ${error.message}` };
      if (error instanceof ShopifyApiError) {
        const status = error.details.status;
        return error.retryable ? { outcome: "retry", error: error.message, status } : { outcome: "failed", error: error.message, status };
      }
      throw error;
    }
  },

  // The outbox's backoff over 12 attempts spans hours: Shopify outages and
  // throttling pass; a refused trigger fails at once (above).
  retry: { maxAttempts: 12 },
};

registerEventSink(flowSink);
