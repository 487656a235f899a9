// Inputs for the referral-discount function, in the shapes its input queries
// select (types generated from Shopify's Discount Function API schema), and a
// check that a result is a valid value of the target's result type in that schema.
import { buildClientSchema, coerceInputValue, isInputType, type GraphQLSchema } from "graphql";
import type {
  CartDeliveryOptionsDiscountsGenerateRunInputQuery,
  CartLinesDiscountsGenerateRunInputQuery,
} from "../../extensions/referral-discount/generated/api";
import type { FriendOfferConfig } from "../../extensions/referral-discount/src/config";
import { readDiscountFunctionIntrospection } from "../../scripts/fetch-admin-schema";

let schema: GraphQLSchema | undefined;
export function discountFunctionSchema(): GraphQLSchema {
  schema ??= buildClientSchema(readDiscountFunctionIntrospection() as never);
  return schema;
}

export const percentOffer = (overrides: Partial<FriendOfferConfig> = {}): FriendOfferConfig => ({
  version: 1,
  offer: { kind: "PERCENTAGE", value: "10" },
  minimumSubtotal: null,
  currencyCode: "USD",
  combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: true },
  ...overrides,
});

export interface Buyer {
  numberOfOrders: number;
  ownCode?: string | null;
}

interface InputOptions {
  /** The configuration's JSON as stored; `null` = no metafield. */
  config?: unknown;
  discountClasses?: ("ORDER" | "PRODUCT" | "SHIPPING")[];
  /** null = a guest. */
  buyer?: Buyer | null;
  subtotal?: string;
  currencyCode?: "USD" | "EUR" | "GBP";
  rate?: string;
  /** The code that triggered the run (a code discount); null = an automatic discount's run. */
  triggering?: string | null;
  entered?: { code: string; rejectable?: boolean }[];
  deliveryGroups?: string[];
  /** Shopify's LanguageCode of the buyer's checkout (default EN). */
  language?: "EN" | "DE" | "ES" | "FR" | "HI" | "MT" | "PT_BR";
}

function common(o: InputOptions) {
  const config = o.config === undefined ? percentOffer() : o.config;
  const buyer = o.buyer === undefined ? { numberOfOrders: 0 } : o.buyer;
  const triggering = o.triggering === undefined ? "FRIEND-7KQ4XM9P" : o.triggering;
  return {
    triggeringDiscountCode: triggering,
    presentmentCurrencyRate: o.rate ?? "1.0",
    discount: {
      discountClasses: o.discountClasses ?? [classFor(config)],
      config: config === null ? null : { jsonValue: config },
    },
    enteredDiscountCodes: (o.entered ?? (triggering ? [{ code: triggering }] : [])).map((e) => ({ code: e.code, rejectable: e.rejectable ?? true })),
    buyerIdentity: {
      isAuthenticated: buyer !== null,
      customer: buyer
        ? { numberOfOrders: buyer.numberOfOrders, referralCode: buyer.ownCode ? { value: buyer.ownCode } : null }
        : null,
    },
    cost: { subtotalAmount: { amount: o.subtotal ?? "120.0", currencyCode: o.currencyCode ?? "USD" } },
    localization: { language: { isoCode: o.language ?? "EN" } },
  };
}

function classFor(config: unknown): "ORDER" | "SHIPPING" {
  const kind = (config as { offer?: { kind?: string } } | null)?.offer?.kind;
  return kind === "FREE_SHIPPING" ? "SHIPPING" : "ORDER";
}

export function linesInput(o: InputOptions = {}): CartLinesDiscountsGenerateRunInputQuery {
  const c = common(o);
  return {
    triggeringDiscountCode: c.triggeringDiscountCode,
    presentmentCurrencyRate: c.presentmentCurrencyRate,
    discount: c.discount,
    enteredDiscountCodes: c.enteredDiscountCodes,
    localization: c.localization,
    cart: { buyerIdentity: c.buyerIdentity, cost: c.cost },
  };
}

export function deliveryInput(o: InputOptions = {}): CartDeliveryOptionsDiscountsGenerateRunInputQuery {
  const c = common(o);
  return {
    triggeringDiscountCode: c.triggeringDiscountCode,
    presentmentCurrencyRate: c.presentmentCurrencyRate,
    discount: c.discount,
    enteredDiscountCodes: c.enteredDiscountCodes,
    localization: c.localization,
    cart: {
      buyerIdentity: c.buyerIdentity,
      cost: c.cost,
      deliveryGroups: (o.deliveryGroups ?? ["gid://shopify/CartDeliveryGroup/1"]).map((id) => ({ id })),
    },
  };
}

/** The errors of `value` as a `typeName` (a target's result type) in the Discount Function schema; [] when valid. */
export function resultErrors(typeName: "CartLinesDiscountsGenerateRunResult" | "CartDeliveryOptionsDiscountsGenerateRunResult", value: unknown): string[] {
  const type = discountFunctionSchema().getType(typeName);
  if (!type || !isInputType(type)) throw new Error(`${typeName} is not an input type of the Discount Function schema`);
  const errors: string[] = [];
  coerceInputValue(value, type, (path, _invalid, error) => errors.push(`${path.join(".")}: ${error.message}`));
  return errors;
}
