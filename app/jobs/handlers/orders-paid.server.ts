// orders/paid: attribute the order to a referrer (app/referrals/attribution.server.ts).
import { attributeOrder } from "~/referrals/attribution.server";
import { OrderPayloadError, orderFromWebhook } from "~/referrals/order";
import { PermanentError, type WebhookHandler } from "~/queue/types";

export const handleOrdersPaid: WebhookHandler = async (ctx) => {
  await attributeOrder(ctx, parseOrder(ctx.payload));
};

export function parseOrder(payload: unknown) {
  try {
    return orderFromWebhook(payload);
  } catch (error) {
    if (error instanceof OrderPayloadError) throw new PermanentError(error.message);
    throw error;
  }
}
