// orders/paid: attribute the order to a referrer (app/referrals/attribution.server.ts).
import { attributeOrder } from "~/referrals/attribution.server";
import { OrderPayloadError, orderFromWebhook } from "~/referrals/order";
import { PermanentError } from "~/queue/types";
import { webhookTopic } from "../webhook-payloads";

export const handleOrdersPaid = webhookTopic("orders/paid", (payload) => orderFromWebhook(payload), async (ctx, order) => {
  await attributeOrder(ctx, order);
});

/** An order payload read as the domain's facts (PermanentError when it cannot be). */
export function parseOrder(payload: unknown) {
  try {
    return orderFromWebhook(payload);
  } catch (error) {
    if (error instanceof OrderPayloadError) throw new PermanentError(error.message);
    throw error;
  }
}
