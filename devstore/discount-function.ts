// The dev store's checkout running the app's discount function, as Shopify's
// checkout runs it for a discount whose type the function provides: the
// function's own code (extensions/referral-discount/src), on inputs built
// from the cart the way its input queries select them. First every active
// automatic discount of the function (the app's referral check) may reject the
// entered code with its message; then the code's own discount runs, triggered
// by the code, and gives what its operations say (or nothing: not applicable).
import type { CartLinesDiscountsGenerateRunInputQuery } from "../extensions/referral-discount/generated/api";
import { cartDeliveryOptionsDiscountsGenerateRun } from "../extensions/referral-discount/src/cart_delivery_options_discounts_generate_run";
import { cartLinesDiscountsGenerateRun } from "../extensions/referral-discount/src/cart_lines_discounts_generate_run";
import type { FakeDiscount, ShopState } from "../fake-shopify/store";

const HANDLE = "referral-discount";
/** The dev store sells in its shop's currency only: the presentment rate is 1. */
const RATE = "1.0";
/** One delivery group: the dev store ships everything together (and charges nothing for it). */
const DELIVERY_GROUP = "gid://shopify/CartDeliveryGroup/1";
/** The dev store's checkout is in English. */
const LOCALIZATION = { language: { isoCode: "EN" as const } };

interface Run {
  state: ShopState;
  discount: FakeDiscount;
  /** The code as the discount holds it. */
  code: string;
  itemsCents: number;
  currency: "USD";
  /** The logged-in customer's gid; null for a guest (Shopify does not know a guest at checkout). */
  buyer: string | null;
}

/** The cents the function's discount takes off for `code`, or the message it is refused with. */
export function runDiscountFunction({ state, discount, code, itemsCents, currency, buyer }: Run): { cents: number } | { error: string } {
  const customer = buyer ? state.customers.get(buyer) : undefined;
  const metafield = (ownerId: string, key: string) => state.metafields.get(`${ownerId}|$app:referral|${key}`);
  const configOf = (ownerId: string) => {
    const m = metafield(ownerId, "friend-offer");
    return m ? { jsonValue: JSON.parse(m.value) as unknown } : null;
  };
  const cart = {
    buyerIdentity: {
      isAuthenticated: Boolean(customer),
      customer: customer ? { numberOfOrders: customer.numberOfOrders, referralCode: metafield(customer.id, "code") ? { value: metafield(customer.id, "code")!.value } : null } : null,
    },
    cost: { subtotalAmount: { amount: (itemsCents / 100).toFixed(2), currencyCode: currency } },
  };
  const entered = [{ code, rejectable: true }];

  for (const check of state.automaticDiscounts.values()) {
    if (check.functionHandle !== HANDLE || state.automaticStatus(check) !== "ACTIVE") continue;
    const input: CartLinesDiscountsGenerateRunInputQuery = {
      cart,
      discount: { discountClasses: check.discountClasses as ("ORDER" | "PRODUCT" | "SHIPPING")[], config: configOf(check.id) },
      enteredDiscountCodes: entered,
      triggeringDiscountCode: null,
      presentmentCurrencyRate: RATE,
      localization: LOCALIZATION,
    };
    for (const op of cartLinesDiscountsGenerateRun(input).operations) {
      const reject = op.enteredDiscountCodesReject;
      if (reject?.codes.some((c) => c.code.toUpperCase() === code.toUpperCase())) return { error: reject.message };
    }
  }

  const common = {
    discount: { discountClasses: (discount.discountClasses ?? []) as ("ORDER" | "PRODUCT" | "SHIPPING")[], config: configOf(discount.id) },
    enteredDiscountCodes: entered,
    triggeringDiscountCode: code,
    presentmentCurrencyRate: RATE,
    localization: LOCALIZATION,
  };
  const notApplicable = { error: `${code} can't be used on this order.` };
  if (discount.discountClasses?.includes("SHIPPING")) {
    const result = cartDeliveryOptionsDiscountsGenerateRun({ ...common, cart: { ...cart, deliveryGroups: [{ id: DELIVERY_GROUP }] } });
    // Shipping is free in the dev store already: the discount applies and takes nothing off.
    return result.operations.some((op) => op.deliveryDiscountsAdd?.candidates.length) ? { cents: 0 } : notApplicable;
  }
  const result = cartLinesDiscountsGenerateRun({ ...common, cart });
  const candidate = result.operations.flatMap((op) => op.orderDiscountsAdd?.candidates ?? [])[0];
  if (!candidate) return notApplicable;
  if (candidate.value.percentage) return { cents: Math.round((itemsCents * Number(candidate.value.percentage.value)) / 100) };
  if (candidate.value.fixedAmount) return { cents: Math.min(itemsCents, Math.round(Number(candidate.value.fixedAmount.amount) * 100)) };
  return notApplicable;
}
