// refunds/create: record the refund once and apply the partial/full refund rule
// (app/referrals/reversal.server.ts).
import { ZodError } from "zod";
import { recordRefund, refundFromWebhook } from "~/referrals/reversal.server";
import { PermanentError, type WebhookHandler } from "~/queue/types";

export const handleRefundsCreate: WebhookHandler = async (ctx) => {
  let refund;
  try {
    refund = refundFromWebhook(ctx.payload);
  } catch (error) {
    if (error instanceof ZodError) throw new PermanentError(`refund payload is incomplete: ${error.message}`);
    throw error;
  }
  await recordRefund(ctx, refund);
};
