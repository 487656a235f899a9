// Who may have the program's friend offer at checkout, shared by both targets.
// A referral code works for a buyer who has not ordered before, on an order of
// at least the program's minimum, and never for the referrer's own code.
// Guests are unknown here (no customer): they pass, and the app's order
// webhooks still refuse to reward a self-referral or a returning customer.
import { parseConfig, type FriendOfferConfig, type OfferKind } from "./config";
import { greaterOrEqual, multiply, round } from "./decimal";
import { message } from "./messages";

// Codes.ts in the app: 31 symbols (no 0/O, 1/I/L), 8 of them, after an optional prefix of up to 12.
const REFERRAL_CODE = /^(?:[A-Z0-9]{1,12}-)?[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;

export const canonical = (code: string) => code.trim().toUpperCase();

/** A referrer's code, as the app makes them (the discount's hidden anchor code is not one). */
export function isReferralCode(code: string): boolean {
  return REFERRAL_CODE.test(canonical(code));
}

export type RefusalReason = "NOT_CONFIGURED" | "NOT_A_REFERRAL_CODE" | "RETURNING_CUSTOMER" | "OWN_CODE" | "BELOW_MINIMUM";

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

/** What both targets' input queries select, in the shape they select it. */
export interface CheckoutFacts {
  cart: {
    buyerIdentity: { customer: { numberOfOrders: number; referralCode: { value: string } | null } | null } | null;
    cost: { subtotalAmount: { amount: string; currencyCode: string } };
  };
  discount: { discountClasses: readonly string[]; config: { jsonValue: unknown } | null };
  presentmentCurrencyRate: string;
  /** The buyer's checkout language: refusals are written in it. */
  localization: { language: { isoCode: string } };
}

function refusal(reason: Exclude<RefusalReason, "BELOW_MINIMUM">, facts: CheckoutFacts): Refusal {
  return { reason, message: message(reason, facts.localization.language.isoCode) };
}

/** The discount class the offer belongs to: Shopify runs the target of that class. */
export const classOf = (kind: OfferKind) => (kind === "FREE_SHIPPING" ? "SHIPPING" : "ORDER");

/**
 * The program's configuration if `code` may have the friend offer in this
 * cart, else why not. A configuration that is missing, malformed or
 * contradicts the discount's classes refuses every code (fails closed).
 */
export function checkCode(facts: CheckoutFacts, code: string): { config: FriendOfferConfig } | { refused: Refusal } {
  const config = parseConfig(facts.discount.config?.jsonValue);
  if (!config || !facts.discount.discountClasses.includes(classOf(config.offer.kind))) return { refused: refusal("NOT_CONFIGURED", facts) };
  if (!isReferralCode(code)) return { refused: refusal("NOT_A_REFERRAL_CODE", facts) };

  const customer = facts.cart.buyerIdentity?.customer ?? null;
  if (customer) {
    const own = customer.referralCode?.value;
    // A single-use friend code is the referrer's own when it was made from their link.
    const ownCodes = [code, config.referrerCode].filter((c): c is string => Boolean(c)).map(canonical);
    if (own && ownCodes.includes(canonical(own))) return { refused: refusal("OWN_CODE", facts) };
    if (customer.numberOfOrders > 0) return { refused: refusal("RETURNING_CUSTOMER", facts) };
  }

  if (config.minimumSubtotal !== null) {
    // The minimum is in the shop's currency, the cart in the buyer's.
    const minimum = multiply(config.minimumSubtotal, facts.presentmentCurrencyRate);
    const subtotal = facts.cart.cost.subtotalAmount;
    const enough = minimum === null ? null : greaterOrEqual(subtotal.amount, minimum);
    if (enough === null) return { refused: refusal("NOT_CONFIGURED", facts) };
    if (!enough) {
      const shown = round(minimum!, 2)!;
      const text = message("BELOW_MINIMUM", facts.localization.language.isoCode, { amount: shown, currency: subtotal.currencyCode });
      return { refused: { reason: "BELOW_MINIMUM", message: text } };
    }
  }
  return { config };
}

/** The fixed amount in the buyer's currency, or null if the rate is unusable. */
export function amountInCartCurrency(config: FriendOfferConfig, rate: string): string | null {
  return multiply(config.offer.value, rate);
}

export function offerMessage(config: FriendOfferConfig, cartCurrency: string, rate: string): string {
  if (config.offer.kind === "FREE_SHIPPING") return "Referral: free shipping on your first order";
  if (config.offer.kind === "PERCENTAGE") return `Referral: ${config.offer.value}% off your first order`;
  return `Referral: ${round(amountInCartCurrency(config, rate) ?? config.offer.value, 2)} ${cartCurrency} off your first order`;
}
