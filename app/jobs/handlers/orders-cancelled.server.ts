// orders/cancelled: reverse the order's referral, or record it reversed when the
// cancellation arrives before the paid order (app/referrals/reversal.server.ts).
import { cancelOrder } from "~/referrals/cancellation.server";
import type { WebhookHandler } from "~/queue/types";
import { parseOrder } from "./orders-paid.server";

export const handleOrdersCancelled: WebhookHandler = async (ctx) => {
  await cancelOrder(ctx, parseOrder(ctx.payload));
};
