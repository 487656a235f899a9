// Target cart.lines.discounts.generate.run. Two discounts run this function:
//
// - the friend discount, a CODE discount holding every referrer's code: the
//   code the buyer entered triggers the run (`triggeringDiscountCode`), and the
//   function gives the order discount when the code may have it, nothing when
//   not (Shopify then shows the code as not applicable);
// - the referral check, an AUTOMATIC discount of the same function: it runs on
//   every cart, and rejects each entered referral code the buyer may not use,
//   with the reason, through `enteredDiscountCodesReject` (which Shopify allows
//   only to functions backed by an automatic discount).
import type {
  CartLinesDiscountsGenerateRunInputQuery as Input,
  CartLinesDiscountsGenerateRunResult as Result,
  CartOperation,
  OrderDiscountCandidateValue,
} from "../generated/api";
import { amountInCartCurrency, checkCode, isReferralCode, offerMessage } from "./friend-offer";

export function cartLinesDiscountsGenerateRun(input: Input): Result {
  const code = input.triggeringDiscountCode;
  if (code === null) return { operations: rejections(input) };

  const checked = checkCode(input, code);
  if ("refused" in checked) return { operations: [] };
  const { config } = checked;
  // A free-shipping offer is the delivery target's.
  if (config.offer.kind === "FREE_SHIPPING") return { operations: [] };

  let value: OrderDiscountCandidateValue;
  if (config.offer.kind === "PERCENTAGE") {
    value = { percentage: { value: config.offer.value } };
  } else {
    const amount = amountInCartCurrency(config, input.presentmentCurrencyRate);
    if (amount === null) return { operations: [] };
    value = { fixedAmount: { amount } };
  }
  return {
    operations: [
      {
        orderDiscountsAdd: {
          selectionStrategy: "FIRST",
          candidates: [
            {
              targets: [{ orderSubtotal: { excludedCartLineIds: [] } }],
              value,
              message: offerMessage(config, input.cart.cost.subtotalAmount.currencyCode, input.presentmentCurrencyRate),
            },
          ],
        },
      },
    ],
  };
}

/** The automatic referral check: one reject operation per reason, naming its codes. */
function rejections(input: Input): CartOperation[] {
  const byMessage = new Map<string, string[]>();
  for (const entered of input.enteredDiscountCodes) {
    if (!entered.rejectable || !isReferralCode(entered.code)) continue;
    const checked = checkCode(input, entered.code);
    if (!("refused" in checked)) continue;
    const codes = byMessage.get(checked.refused.message) ?? [];
    codes.push(entered.code);
    byMessage.set(checked.refused.message, codes);
  }
  return [...byMessage].map(([message, codes]) => ({
    enteredDiscountCodesReject: { codes: codes.map((code) => ({ code })), message },
  }));
}
