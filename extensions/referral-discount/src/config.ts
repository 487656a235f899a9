// The friend offer's configuration, as the app writes it into the discount's
// metafield `$app:referral` / `friend-offer` (type json) and the function reads
// it. Versioned: a shape the function does not know (another version, a field
// missing or malformed) is refused as a whole, so a half-understood offer never
// gives a discount ("fails closed").
//
// Version 1:
// {
//   "version": 1,
//   "offer": { "kind": "PERCENTAGE" | "FIXED_AMOUNT" | "FREE_SHIPPING", "value": "10" },
//   "minimumSubtotal": "50.00" | null,     // in currencyCode, the shop's currency
//   "currencyCode": "USD",                 // the shop's currency (fixed amounts and minimum)
//   "combinesWith": { "productDiscounts": false, "orderDiscounts": false, "shippingDiscounts": true },
//   "referrerCode": "FRIEND-7KQ4XM9P"      // optional: on a single-use friend code's own discount,
//                                          // the referrer whose link made it (they may not use it)
// }
//
// `value` and `minimumSubtotal` are decimal strings, never floats. PERCENTAGE
// values are 0 < value <= 100; FIXED_AMOUNT values are > 0; FREE_SHIPPING
// ignores its value ("100" by convention). combinesWith mirrors the discount's
// own `combinesWith`, which Shopify itself enforces between discounts; the
// function requires it well-formed, and requires the discount's classes to
// match the offer (ORDER for an amount off, SHIPPING for free shipping).

export const CONFIG_NAMESPACE = "$app:referral";
export const CONFIG_KEY = "friend-offer";
export const CONFIG_VERSION = 1;

export type OfferKind = "PERCENTAGE" | "FIXED_AMOUNT" | "FREE_SHIPPING";

export interface FriendOfferConfig {
  version: typeof CONFIG_VERSION;
  offer: { kind: OfferKind; value: string };
  minimumSubtotal: string | null;
  currencyCode: string;
  combinesWith: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };
  referrerCode?: string;
}

const DECIMAL = /^\d{1,12}(\.\d{1,4})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const REFERRER_CODE = /^[A-Z0-9-]{4,40}$/;
const KINDS: readonly string[] = ["PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING"];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isDecimal = (v: unknown): v is string => typeof v === "string" && DECIMAL.test(v);

/** The configuration, or null when it is missing or not a shape this function understands. */
export function parseConfig(json: unknown): FriendOfferConfig | null {
  if (!isObject(json) || json.version !== CONFIG_VERSION) return null;
  const { offer, minimumSubtotal, currencyCode, combinesWith, referrerCode } = json;
  if (referrerCode !== undefined && (typeof referrerCode !== "string" || !REFERRER_CODE.test(referrerCode))) return null;
  if (!isObject(offer) || typeof offer.kind !== "string" || !KINDS.includes(offer.kind) || !isDecimal(offer.value)) return null;
  const value = Number(offer.value);
  if (offer.kind === "PERCENTAGE" && !(value > 0 && value <= 100)) return null;
  if (offer.kind === "FIXED_AMOUNT" && !(value > 0)) return null;
  if (minimumSubtotal !== null && !isDecimal(minimumSubtotal)) return null;
  if (typeof currencyCode !== "string" || !CURRENCY.test(currencyCode)) return null;
  if (!isObject(combinesWith)) return null;
  const flags = ["productDiscounts", "orderDiscounts", "shippingDiscounts"] as const;
  if (!flags.every((f) => typeof combinesWith[f] === "boolean")) return null;
  return {
    version: CONFIG_VERSION,
    offer: { kind: offer.kind as OfferKind, value: offer.value },
    minimumSubtotal,
    currencyCode,
    combinesWith: {
      productDiscounts: combinesWith.productDiscounts as boolean,
      orderDiscounts: combinesWith.orderDiscounts as boolean,
      shippingDiscounts: combinesWith.shippingDiscounts as boolean,
    },
    ...(referrerCode !== undefined ? { referrerCode } : {}),
  };
}
