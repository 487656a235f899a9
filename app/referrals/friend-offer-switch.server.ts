// Switching the friend discount to another Shopify discount type: between free
// shipping and an amount off (DiscountCodeFreeShipping, DiscountCodeBasic), and
// between Shopify's own discount and the app's discount function's
// (DiscountCodeApp, docs/decisions/0008; discountTypeOf says which type a
// program has). Shopify converts no type into another, and a code belongs to
// one discount of the shop: so the switch makes a new discount and MOVES every
// referrer's code onto it, unchanged, so that shared codes and links keep working (with the new
// offer) and keep attributing orders. Each step is recorded on the Program, so a
// crash or a retry at any step resumes, and ends with one live discount holding
// every code:
//
//   1. nextDiscountCode := a new anchor code (a retry finds the new discount by it);
//   2. the new discount is created with that anchor (the old one, with every
//      code, keeps working meanwhile);
//   3. one transaction (saveProgram): the new settings, discountId := the new
//      discount, previousDiscountId := the old one, nextDiscountCode := null,
//      every referrer's codeSyncedAt := null; then a code sync is requested;
//   4. the code sync deletes the old discount, which frees all its codes in one
//      call, clears previousDiscountId, and adds every active referrer's code to
//      the new discount, 100 a call.
//
// Resuming: saving the new type again picks steps 1-2 up (same anchor), saving
// the old type abandons them (abandonSwitch); after step 3, every save and
// every admin visit asks for the sync again while previousDiscountId is set,
// and the sync job is retried until step 4 is done.
//
// Why this order: a code cannot be on two discounts, so each code stops working
// when it leaves the old discount and works again once it is on the new one.
// Until step 4 the old discount stays whole, and step 4 deletes it right before
// the re-adding, in the same job: the codes are dead only while they are added
// back (one discountRedeemCodeBulkAdd per 100 codes), not also while the job
// waits for a worker. Freeing the codes batch by batch instead
// (discountCodeRedeemCodeBulkDelete, then adding the same batch) would shorten
// each code's gap, but that mutation takes redeem-code ids: one look-up per
// code, where adding them back costs one call per 100 codes, and the codes not
// yet moved would go on giving the old offer for that much longer.
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import {
  createFriendDiscount,
  deleteFriendDiscount,
  discountIdOfCode,
  newAnchorCode,
  updateFriendDiscount,
  type FriendDiscountProgram,
} from "./friend-discount.server";

/** Where a program's friend discount stands in a switch. */
export interface SwitchState {
  discountId: string | null;
  nextDiscountCode: string | null;
  previousDiscountId: string | null;
}

interface Args {
  db: Db;
  admin: AdminClient;
  shop: string;
  program: SwitchState;
}

/**
 * Steps 1 and 2: the replacement discount, created, or found and brought up to
 * date when an interrupted attempt (same nextDiscountCode) created it already.
 * The caller commits step 3.
 */
export async function createReplacementDiscount({ db, admin, shop, program, desired, now }: Args & { desired: FriendDiscountProgram; now: Date }) {
  const resumed = program.nextDiscountCode;
  const code = resumed ?? newAnchorCode(desired.codePrefix);
  if (!resumed) await db.program.update({ where: { shop }, data: { nextDiscountCode: code } });
  const id = await createFriendDiscount(admin, desired, code, now);
  // Found from an earlier attempt, it carries that attempt's settings.
  return { discountId: resumed ? await updateFriendDiscount(admin, id, desired, now) : id, discountCode: code };
}

/**
 * A switch interrupted before step 3 that the merchant no longer wants (the
 * offer was saved with its current type since): the half-made replacement,
 * which holds only its anchor code, is deleted.
 */
export async function abandonSwitch({ db, admin, shop, program }: Args): Promise<void> {
  const code = program.nextDiscountCode;
  if (!code) return;
  const id = await discountIdOfCode(admin, code);
  if (id && id !== program.discountId) await deleteFriendDiscount(admin, id);
  await db.program.updateMany({ where: { shop, nextDiscountCode: code }, data: { nextDiscountCode: null } });
}

/**
 * The first half of step 4: the replaced discount deleted (its codes freed) and
 * forgotten. Returns whether there was one. Safe to repeat: a discount already
 * deleted is done.
 */
export async function retirePreviousDiscount({ db, admin, shop, program }: Omit<Args, "program"> & { program: Omit<SwitchState, "nextDiscountCode"> }): Promise<boolean> {
  const previous = program.previousDiscountId;
  if (!previous || previous === program.discountId) return false;
  await deleteFriendDiscount(admin, previous);
  await db.program.updateMany({ where: { shop, previousDiscountId: previous }, data: { previousDiscountId: null } });
  return true;
}
