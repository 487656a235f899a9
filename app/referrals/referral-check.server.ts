// The referral check: an automatic discount of the app's discount function that
// gives nothing and rejects, with the reason, a referral code the buyer may not
// use ("Referral codes are for a first order..."). Shopify lets only functions
// of AUTOMATIC discounts reject entered codes; the friend discount (a code
// discount of the same function) gives nothing to such a buyer either, so
// without the check a refused code is only "not applicable" (docs/decisions/0008).
//
// Created with a title unique to the program, recorded before the creation, so
// that a retry after an ambiguous failure finds it by title instead of making a second one.
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { REFERRAL_CHECK_BY_ID, REFERRAL_CHECK_BY_TITLE, REFERRAL_CHECK_CREATE, REFERRAL_CHECK_DELETE, REFERRAL_CHECK_UPDATE } from "~/shopify/documents";
import { randomCodePart } from "./codes";
import { configMetafield, FUNCTION_HANDLE, type FriendDiscountProgram } from "./friend-discount.server";

export interface ReferralCheckState {
  referralCheckDiscountId: string | null;
  referralCheckTitle: string | null;
}

function checkInput(p: FriendDiscountProgram, now: Date) {
  return {
    startsAt: p.createdAt.toISOString(),
    // A paused program's codes stop working; so does its check.
    endsAt: p.enabled ? null : now.toISOString(),
    // It never discounts, so it must never keep another discount out.
    combinesWith: { productDiscounts: true, orderDiscounts: true, shippingDiscounts: true },
    discountClasses: ["ORDER" as const],
    metafields: [configMetafield(p)],
  };
}

const automaticId = (nodeId: string) => nodeId.replace("/DiscountNode/", "/DiscountAutomaticNode/");
/** Shopify's search syntax: the title quoted, its quotes and backslashes escaped. */
const titleQuery = (title: string) => `title:'${title.replace(/[\\']/g, (c) => `\\${c}`)}'`;

async function findByTitle(admin: AdminClient, title: string): Promise<string | null> {
  const data = await admin.query(REFERRAL_CHECK_BY_TITLE, { query: titleQuery(title) });
  const node = data.discountNodes.nodes.find((n) => n.discount.__typename === "DiscountAutomaticApp" && n.discount.title === title);
  return node ? automaticId(node.id) : null;
}

/** Creates the check, or brings it up to date; returns its id. The caller records it on the program. */
export async function ensureReferralCheck({ db, admin, shop, program, desired, now }: { db: Db; admin: AdminClient; shop: string; program: ReferralCheckState; desired: FriendDiscountProgram; now: Date }): Promise<{ id: string; title: string }> {
  const input = checkInput(desired, now);
  const known = program.referralCheckDiscountId;
  if (known && program.referralCheckTitle && (await admin.query(REFERRAL_CHECK_BY_ID, { id: known })).automaticDiscountNode) {
    // Same fields, same values: safe to send again after an ambiguous failure.
    const data = await admin.mutate(REFERRAL_CHECK_UPDATE, { id: known, discount: input }, { verify: async () => null });
    return { id: required(data.discountAutomaticAppUpdate?.automaticAppDiscount?.discountId), title: program.referralCheckTitle };
  }
  // None yet, or deleted in Shopify's admin since: a new one, under a title recorded first.
  const title = known ? newTitle() : (program.referralCheckTitle ?? newTitle());
  if (title !== program.referralCheckTitle) await db.program.update({ where: { shop }, data: { referralCheckTitle: title, referralCheckDiscountId: null } });
  const found = await findByTitle(admin, title);
  if (found) {
    const data = await admin.mutate(REFERRAL_CHECK_UPDATE, { id: found, discount: input }, { verify: async () => null });
    return { id: required(data.discountAutomaticAppUpdate?.automaticAppDiscount?.discountId), title };
  }
  const data = await admin.mutate(
    REFERRAL_CHECK_CREATE,
    { discount: { ...input, title, functionHandle: FUNCTION_HANDLE } },
    {
      verify: async () => {
        const id = await findByTitle(admin, title);
        return id ? { discountAutomaticAppCreate: { automaticAppDiscount: { discountId: id }, userErrors: [] } } : null;
      },
    },
  );
  return { id: required(data.discountAutomaticAppCreate?.automaticAppDiscount?.discountId), title };
}

/** Deletes the check (the friend discount went back to Shopify's basic discount). Deleting one already gone is done. */
export async function removeReferralCheck(admin: AdminClient, id: string): Promise<void> {
  const gone = async () => !(await admin.query(REFERRAL_CHECK_BY_ID, { id })).automaticDiscountNode;
  if (await gone()) return;
  await admin.mutate(
    REFERRAL_CHECK_DELETE,
    { id },
    { verify: async () => ((await gone()) ? { discountAutomaticDelete: { deletedAutomaticDiscountId: id, userErrors: [] } } : null) },
  );
}

const newTitle = () => `Referral check ${randomCodePart(8)}: referral codes for first orders only`;

function required(id: string | null | undefined): string {
  if (!id) throw new Error("Shopify returned no discount id and no userErrors");
  return id;
}
