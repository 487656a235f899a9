// refunds/create: apply the refund rule to the order's referral (app/referrals/reversal.server.ts).
import { recordRefund, refundFromWebhook } from "~/referrals/reversal.server";
import { webhookTopic } from "../webhook-payloads";

export const handleRefundsCreate = webhookTopic("refunds/create", (payload) => refundFromWebhook(payload), async (ctx, refund) => {
  await recordRefund(ctx, refund);
});
