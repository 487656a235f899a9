// The friend offer as ONE Shopify code discount holding every referrer's code:
// enrolment costs 1/100 of a bulk-add call per referrer, and changing the offer
// is a single update. (One discount per referrer would cost a mutation each and
// N updates on every change.)
import type { AdminClient } from "~/shopify/admin-client.server";
import {
  DISCOUNT_BY_CODE,
  DISCOUNT_BY_ID,
  FREE_SHIPPING_OFFER_CREATE,
  FREE_SHIPPING_OFFER_UPDATE,
  FRIEND_FUNCTION_OFFER_CREATE,
  FRIEND_FUNCTION_OFFER_UPDATE,
  FRIEND_OFFER_CREATE,
  FRIEND_OFFER_DELETE,
  FRIEND_OFFER_UPDATE,
} from "~/shopify/documents";
import { CONFIG_KEY, CONFIG_NAMESPACE, CONFIG_VERSION, type FriendOfferConfig } from "../../extensions/referral-discount/src/config";
import { randomCodePart } from "./codes";
import { toDecimal } from "./money";
import type { ProgramSettings } from "./program-settings";

/**
 * BASIC: Shopify's own code discount (basic or free shipping). FUNCTION: a code
 * discount of the app's discount function, which also refuses returning
 * customers and a referrer's own code at checkout (docs/decisions/0008).
 */
export type FriendDiscountMode = "BASIC" | "FUNCTION";
/** The function's handle (extensions/referral-discount/shopify.extension.toml). */
export const FUNCTION_HANDLE = "referral-discount";

export interface FriendDiscountProgram extends ProgramSettings {
  currencyCode: string;
  createdAt: Date;
  mode: FriendDiscountMode;
}

export function friendOfferTitle(p: Pick<ProgramSettings, "friendOfferKind" | "friendOfferValue">, currencyCode: string) {
  if (p.friendOfferKind === "FREE_SHIPPING") return "Referral: free shipping on your first order";
  if (p.friendOfferKind === "PERCENTAGE") return `Referral: ${toDecimal(p.friendOfferValue).toString()}% off your first order`;
  return `Referral: ${p.friendOfferValue} ${currencyCode} off your first order`;
}

/** The discount's own first code: random and never shown, so nobody can guess it. */
export function newAnchorCode(prefix: string): string {
  return `${prefix}-PROGRAM-${randomCodePart(16)}`;
}

function commonFields(p: FriendDiscountProgram, now: Date) {
  return {
    title: friendOfferTitle(p, p.currencyCode),
    startsAt: p.createdAt.toISOString(),
    // A paused program's codes stop working at checkout; resuming reopens them.
    // With single-use friend codes the referrer's code gives nothing either:
    // friends get codes of their own (friend-codes.server.ts).
    // (Shopify wants an end after the start: a program created already ended ends a second in.)
    endsAt: p.enabled && p.friendCodeMode !== "SINGLE_USE" ? null : (now > p.createdAt ? now : new Date(p.createdAt.getTime() + 1000)).toISOString(),
    appliesOncePerCustomer: true,
    context: { all: "ALL" as const },
    combinesWith: {
      productDiscounts: p.combinesWithProduct,
      orderDiscounts: p.combinesWithOrder,
      shippingDiscounts: p.combinesWithShipping,
    },
    minimumRequirement: p.minimumOrderAmount
      ? { subtotal: { greaterThanOrEqualToSubtotal: p.minimumOrderAmount } }
      : null,
  };
}

function basicInput(p: FriendDiscountProgram, now: Date) {
  const value =
    p.friendOfferKind === "PERCENTAGE"
      ? // Divided as Decimal: 14.3 / 100 in floating point is 0.14300000000000002.
        { percentage: toDecimal(p.friendOfferValue).div(100).toNumber() }
      : { discountAmount: { amount: p.friendOfferValue, appliesOnEachItem: false } };
  return { ...commonFields(p, now), customerGets: { value, items: { all: true } } };
}

function freeShippingInput(p: FriendDiscountProgram, now: Date) {
  return { ...commonFields(p, now), destination: { all: true } };
}

export const isFreeShipping = (kind: string) => kind === "FREE_SHIPPING";

/**
 * The Shopify discount type the program's friend discount is: one type cannot
 * be converted into another, so a change of type moves the codes to a new
 * discount (friend-offer-switch.server.ts). The function's discount is one type
 * whatever the offer: switching its offer to or from free shipping is an update.
 */
export function discountTypeOf(mode: FriendDiscountMode, kind: string): "APP" | "FREE_SHIPPING" | "BASIC" {
  if (mode === "FUNCTION") return "APP";
  return isFreeShipping(kind) ? "FREE_SHIPPING" : "BASIC";
}

/** What the function reads from the discount's metafield (extensions/referral-discount/src/config.ts). */
export function friendOfferConfig(p: Pick<FriendDiscountProgram, "friendOfferKind" | "friendOfferValue" | "minimumOrderAmount" | "currencyCode" | "combinesWithProduct" | "combinesWithOrder" | "combinesWithShipping">): FriendOfferConfig {
  return {
    version: CONFIG_VERSION,
    offer: { kind: p.friendOfferKind, value: isFreeShipping(p.friendOfferKind) ? "100" : toDecimal(p.friendOfferValue).toString() },
    minimumSubtotal: p.minimumOrderAmount ? toDecimal(p.minimumOrderAmount).toString() : null,
    currencyCode: p.currencyCode,
    combinesWith: { productDiscounts: p.combinesWithProduct, orderDiscounts: p.combinesWithOrder, shippingDiscounts: p.combinesWithShipping },
  };
}

export function configMetafield(p: FriendDiscountProgram, referrerCode?: string) {
  const config: FriendOfferConfig = { ...friendOfferConfig(p), ...(referrerCode ? { referrerCode } : {}) };
  return { namespace: CONFIG_NAMESPACE, key: CONFIG_KEY, type: "json", value: JSON.stringify(config) };
}

/** The function's discount: no Shopify minimum (the function checks it, with its message), the offer in its config. */
function appInput(p: FriendDiscountProgram, now: Date, referrerCode?: string) {
  const { minimumRequirement: _checkedByTheFunction, ...common } = commonFields(p, now);
  return {
    ...common,
    discountClasses: [isFreeShipping(p.friendOfferKind) ? ("SHIPPING" as const) : ("ORDER" as const)],
    metafields: [configMetafield(p, referrerCode)],
  };
}

/**
 * A single-use friend code (friend-codes.server.ts): a discount of its own,
 * as the program's friend discount is (same type, title, offer, combinations),
 * usable once (Shopify's usageLimit counts a whole discount's uses), from now
 * until `endsAt`. On the function's discount its configuration names the
 * referrer's code, so the referrer cannot use a code made from their own link.
 */
export interface SingleUse {
  endsAt: Date;
  referrerCode: string;
  /** A code made just now, never sent to Shopify before: no lookup first (the shopper is waiting). */
  fresh?: boolean;
}

/** Creates the discount with `anchorCode`, or finds it if an earlier attempt already did. */
export async function createFriendDiscount(
  admin: AdminClient,
  program: FriendDiscountProgram,
  anchorCode: string,
  now: Date,
  singleUse?: SingleUse,
): Promise<string> {
  // A friend code is open from now until its end, whatever the shared discount does.
  const p: FriendDiscountProgram = singleUse ? { ...program, enabled: true, friendCodeMode: "SHARED", createdAt: now } : program;
  const once = singleUse ? { usageLimit: 1, endsAt: singleUse.endsAt.toISOString() } : {};
  const verify = async () => {
    const found = await admin.query(DISCOUNT_BY_CODE, { code: anchorCode });
    const id = found.codeDiscountNodeByCode?.id;
    return id ? { id } : null;
  };
  // An ambiguous failure of the create is still verified by this lookup (below).
  const existing = singleUse?.fresh ? null : await verify();
  if (existing) return existing.id;

  if (p.mode === "FUNCTION") {
    const data = await admin.mutate(
      FRIEND_FUNCTION_OFFER_CREATE,
      { discount: { ...appInput(p, now, singleUse?.referrerCode), ...once, functionHandle: FUNCTION_HANDLE, code: anchorCode } },
      { verify: async () => wrapApp(await verify()) },
    );
    return required(data.discountCodeAppCreate?.codeAppDiscount?.discountId);
  }
  if (isFreeShipping(p.friendOfferKind)) {
    const data = await admin.mutate(
      FREE_SHIPPING_OFFER_CREATE,
      { discount: { ...freeShippingInput(p, now), ...once, code: anchorCode } },
      { verify: async () => wrapFreeShipping(await verify()) },
    );
    return required(data.discountCodeFreeShippingCreate?.codeDiscountNode?.id);
  }
  const data = await admin.mutate(
    FRIEND_OFFER_CREATE,
    { discount: { ...basicInput(p, now), ...once, code: anchorCode } },
    { verify: async () => wrapBasic(await verify()) },
  );
  return required(data.discountCodeBasicCreate?.codeDiscountNode?.id);
}

// An update sets the same fields to the same values however often it runs, so
// after an ambiguous failure it is safe to send again: "verify" says "not applied".
const REPEATABLE = { verify: async () => null };

/** Updates the discount in place (same id, same codes). */
export async function updateFriendDiscount(admin: AdminClient, id: string, p: FriendDiscountProgram, now: Date) {
  if (p.mode === "FUNCTION") {
    const data = await admin.mutate(FRIEND_FUNCTION_OFFER_UPDATE, { id, discount: appInput(p, now) }, REPEATABLE);
    return required(data.discountCodeAppUpdate?.codeAppDiscount?.discountId);
  }
  if (isFreeShipping(p.friendOfferKind)) {
    const input = { id, discount: freeShippingInput(p, now) };
    const data = await admin.mutate(FREE_SHIPPING_OFFER_UPDATE, input, REPEATABLE);
    return required(data.discountCodeFreeShippingUpdate?.codeDiscountNode?.id);
  }
  const data = await admin.mutate(FRIEND_OFFER_UPDATE, { id, discount: basicInput(p, now) }, REPEATABLE);
  return required(data.discountCodeBasicUpdate?.codeDiscountNode?.id);
}

/** The id of the discount holding `code` in this shop, or null. */
export async function discountIdOfCode(admin: AdminClient, code: string): Promise<string | null> {
  const found = await admin.query(DISCOUNT_BY_CODE, { code });
  return found.codeDiscountNodeByCode?.id ?? null;
}

/**
 * Deletes the discount (and with it every code it holds). Deleting one that is
 * already gone is done, so a retry after a crash or an ambiguous failure converges.
 */
export async function deleteFriendDiscount(admin: AdminClient, id: string): Promise<void> {
  const gone = async () => !(await admin.query(DISCOUNT_BY_ID, { id })).codeDiscountNode;
  if (await gone()) return;
  await admin.mutate(
    FRIEND_OFFER_DELETE,
    { id },
    { verify: async () => ((await gone()) ? { discountCodeDelete: { deletedCodeDiscountId: id, userErrors: [] } } : null) },
  );
}

function wrapBasic(found: { id: string } | null) {
  return found ? { discountCodeBasicCreate: { codeDiscountNode: { id: found.id }, userErrors: [] } } : null;
}
function wrapApp(found: { id: string } | null) {
  return found ? { discountCodeAppCreate: { codeAppDiscount: { discountId: found.id }, userErrors: [] } } : null;
}
function wrapFreeShipping(found: { id: string } | null) {
  return found ? { discountCodeFreeShippingCreate: { codeDiscountNode: { id: found.id }, userErrors: [] } } : null;
}

function required(id: string | null | undefined): string {
  if (!id) throw new Error("Shopify returned no discount id and no userErrors");
  return id;
}
