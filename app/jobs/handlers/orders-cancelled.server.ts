// orders/cancelled: reverse the order's referral (app/referrals/cancellation.server.ts).
import { cancelOrder } from "~/referrals/cancellation.server";
import { orderFromWebhook } from "~/referrals/order";
import { webhookTopic } from "../webhook-payloads";

export const handleOrdersCancelled = webhookTopic("orders/cancelled", (payload) => orderFromWebhook(payload), async (ctx, order) => {
  await cancelOrder(ctx, order);
});
