// Target cart.delivery-options.discounts.generate.run: a free-shipping friend
// offer, on every delivery group, for a referral code that may have it (see
// cart_lines_discounts_generate_run.ts for who may; codes refused there are
// refused here too, as both use checkCode).
import type {
  CartDeliveryOptionsDiscountsGenerateRunInputQuery as Input,
  CartDeliveryOptionsDiscountsGenerateRunResult as Result,
} from "../generated/api";
import { checkCode, offerMessage } from "./friend-offer";

export function cartDeliveryOptionsDiscountsGenerateRun(input: Input): Result {
  const code = input.triggeringDiscountCode;
  // The automatic referral check rejects codes in the cart lines target only.
  if (code === null) return { operations: [] };
  const checked = checkCode(input, code);
  if ("refused" in checked || checked.config.offer.kind !== "FREE_SHIPPING") return { operations: [] };
  const groups = input.cart.deliveryGroups;
  if (groups.length === 0) return { operations: [] };
  return {
    operations: [
      {
        deliveryDiscountsAdd: {
          selectionStrategy: "ALL",
          candidates: [
            {
              targets: groups.map((g) => ({ deliveryGroup: { id: g.id } })),
              value: { percentage: { value: "100" } },
              message: offerMessage(checked.config, input.cart.cost.subtotalAmount.currencyCode, input.presentmentCurrencyRate),
            },
          ],
        },
      },
    ],
  };
}
