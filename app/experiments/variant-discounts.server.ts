// Each variant of an incentive experiment has its own friend discount in
// Shopify, holding its referrers' codes, so a friend always gets the offer
// their referrer's variant promised (a code belongs to one discount of the
// shop, and a discount gives one offer). It is the program's friend discount
// with the variant's offer: same type (mode), minimum, combinations, pause and
// single-use setting, kept so by this job whenever the program is saved.
//
// Job "experiment-discounts" (key "all"): every variant discount of the shop
// created or brought up to date. Safe to run twice and to crash anywhere: the
// anchor code of each variant's discount was chosen when the experiment
// started, so a retry finds a discount an earlier attempt created instead of
// making another, and ids are recorded only while the variant still owns the
// anchor (moving the codes after the experiment forgets it). Then a code sync
// puts the variants' referrers' codes on them (code-sync.server.ts).
import type { Db } from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import type { JobContext } from "~/queue/types";
import type { AdminClient } from "~/shopify/admin-client.server";
import { DISCOUNT_BY_CODE, DISCOUNT_BY_ID } from "~/shopify/documents";
import { ShopifyUserError } from "~/shopify/errors";
import { referrersOf, requestCodeSync } from "~/referrals/code-sync.server";
import { createFriendDiscount, updateFriendDiscount, type FriendDiscountMode, type FriendDiscountProgram } from "~/referrals/friend-discount.server";
import { settingsOf, type ProgramRow } from "~/referrals/program-row";
import type { ProgramSettings } from "~/referrals/program-settings";
import { withIncentive, type Incentive } from "./incentive.server";

export const VARIANT_DISCOUNTS_JOB = "experiment-discounts";

/** Asks for the shop's variant discounts to be created or updated (nothing when it has none). */
export async function requestVariantDiscounts(db: Db, shop: string, now = new Date()) {
  const any = await db.experimentVariant.findFirst({ where: { shop, discountCode: { not: null } }, select: { id: true } });
  if (any) await enqueueJob(db, { shop, kind: VARIANT_DISCOUNTS_JOB, key: "all", availableAt: now }, now);
}

/** The program's friend discount with the variant's offer, as `mode` (the type the discount has or will have). */
export function variantDiscountProgram(program: ProgramRow, variant: Incentive, startedAt: Date, mode: FriendDiscountMode): FriendDiscountProgram {
  const settings = withIncentive(settingsOf(program), {
    ...variant,
    friendOfferValue: variant.friendOfferValue.toString(),
    rewardValue: variant.rewardValue.toString(),
  } as Incentive) as ProgramSettings;
  return { ...settings, currencyCode: program.currencyCode, createdAt: startedAt, mode };
}

/** A discount's type tells its mode: the function's (DiscountCodeApp) or Shopify's own. */
const modeOf = (typename: string): FriendDiscountMode => (typename === "DiscountCodeApp" ? "FUNCTION" : "BASIC");

async function discountById(admin: AdminClient, id: string) {
  const node = (await admin.query(DISCOUNT_BY_ID, { id })).codeDiscountNode;
  return node?.codeDiscount ? { id: node.id, mode: modeOf(node.codeDiscount.__typename) } : null;
}

async function discountByCode(admin: AdminClient, code: string) {
  const node = (await admin.query(DISCOUNT_BY_CODE, { code })).codeDiscountNodeByCode;
  return node?.codeDiscount ? { id: node.id, mode: modeOf(node.codeDiscount.__typename) } : null;
}

export async function placeVariantDiscounts(ctx: JobContext): Promise<void> {
  const { db, shop } = ctx;
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) return;
  const variants = await db.experimentVariant.findMany({
    where: { shop, discountCode: { not: null } },
    include: { experiment: { select: { status: true, startedAt: true } } },
    orderBy: [{ createdAt: "asc" }, { position: "asc" }],
  });
  let admin: AdminClient | null = null;
  for (const variant of variants) {
    admin ??= await ctx.admin();
    const anchor = variant.discountCode!;
    const now = ctx.now();
    const desired = (mode: FriendDiscountMode) => variantDiscountProgram(program, variant, variant.experiment.startedAt, mode);
    const owned = { id: variant.id, shop, discountCode: anchor };

    // Its recorded discount, or one an interrupted attempt created with the anchor.
    const existing = variant.discountId ? await discountById(admin, variant.discountId) : await discountByCode(admin, anchor);
    if (existing) {
      // A discount keeps its type for the experiment's life (the program's
      // mode may change meanwhile): updated as what it is, no code moves.
      let id: string;
      try {
        id = await updateFriendDiscount(admin, existing.id, desired(existing.mode), now);
      } catch (error) {
        // Deleted since it was looked up (its codes moved to the program meanwhile): nothing to update.
        if (error instanceof ShopifyUserError && !(await discountById(admin, existing.id))) continue;
        throw error;
      }
      await db.experimentVariant.updateMany({ where: owned, data: { discountId: id, discountSyncedAt: now } });
      continue;
    }
    if (variant.discountId) {
      // Deleted outside the app: forgotten, and its referrers' codes go on the one made below.
      const { count } = await db.experimentVariant.updateMany({ where: { ...owned, discountId: variant.discountId }, data: { discountId: null } });
      if (count) await db.referrer.updateMany({ where: { shop, ...referrersOf(variant.id) }, data: { codeSyncedAt: null } });
    }
    // Only a running experiment gets new discounts: an ended one's go when its codes move.
    if (variant.experiment.status !== "RUNNING") continue;
    const id = await createFriendDiscount(admin, desired(program.friendDiscountMode as FriendDiscountMode), anchor, now);
    await db.experimentVariant.updateMany({ where: owned, data: { discountId: id, discountSyncedAt: now } });
  }
  if (variants.length) await requestCodeSync(db, shop, ctx.now());
}
