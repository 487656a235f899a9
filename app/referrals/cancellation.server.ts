// A cancelled order: its referral is reversed, or recorded reversed when the
// cancellation arrives before the paid order. Apart from the reversal rules,
// which attribution also applies (refunds that arrived first), so neither
// module imports the other.
import type { WorkContext } from "~/queue/types";
import { attributeOrder } from "./attribution.server";
import type { OrderFacts } from "./order";
import { reverseReferral } from "./reversal.server";
import { ReferralStatus } from "./statuses";

/** A cancelled order: reverse its referral, or record it reversed if the paid webhook has not come yet. */
export async function cancelOrder(ctx: WorkContext, order: OrderFacts) {
  const referral = await ctx.db.referral.findUnique({
    where: { shop_orderId: { shop: ctx.shop, orderId: order.orderId } },
    select: { id: true },
  });
  if (referral) return reverseReferral(ctx, referral.id, "The order was cancelled");
  const outcome = await attributeOrder(ctx, order, { cancelled: true });
  // The paid order's referral was created after the lookup above (another worker
  // processed orders/paid at the same time): it must still be reversed.
  if (outcome.kind === "duplicate") return reverseReferral(ctx, outcome.referralId, "The order was cancelled");
  return ReferralStatus.REVERSED;
}
