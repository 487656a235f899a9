// The shop's referral program: its settings in the database and its friend
// discount in Shopify, kept in step.
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { SHOP_INFO, SHOP_LOCALES } from "~/shopify/documents";
import { ShopifyApiError, ShopifyUserError } from "~/shopify/errors";
import { recordAudit } from "./audit.server";
import { setShopTimezone, UTC } from "./daily-stats.server";
import { nudgeWorker } from "~/queue/nudge.server";
import { createFriendDiscount, discountTypeOf, newAnchorCode, updateFriendDiscount, type FriendDiscountMode, type FriendDiscountProgram } from "./friend-discount.server";
import { friendDiscountModeFor, type ModeDecision } from "./friend-discount-mode.server";
import { abandonSwitch, createReplacementDiscount, retirePreviousDiscount } from "./friend-offer-switch.server";
import { ensureReferralCheck, removeReferralCheck } from "./referral-check.server";
import { DEFAULT_PROGRAM_SETTINGS, type ProgramSettings } from "./program-settings";
import { referrersOf, requestCodeSync } from "./code-sync.server";
import { requestVariantDiscounts } from "~/experiments/variant-discounts.server";

import { settingsOf, type ProgramRow } from "./program-row";

export { settingsOf, type ProgramRow };

export async function getProgram(db: Db, shop: string) {
  return db.program.findUnique({ where: { shop } });
}

interface SaveArgs {
  db: Db;
  admin: AdminClient;
  shop: string;
  settings: ProgramSettings;
  cause: string;
  now?: Date;
}

/**
 * Creates or updates the program and its Shopify friend discount. Shopify is
 * changed first and the row written after, so a refused change (userErrors,
 * thrown as ShopifyUserError) leaves the stored program as it was.
 */
export async function saveProgram({ db, admin, shop, settings, cause, now = new Date() }: SaveArgs) {
  let existing = await getProgram(db, shop);
  const info = await shopInfo(admin);
  const currencyCode = existing?.currencyCode ?? info.currencyCode;
  const createdAt = existing?.createdAt ?? now;
  // The function's discount when the function is deployed to the shop (docs/decisions/0008).
  let mode: ModeDecision = await friendDiscountModeFor(admin);
  const desiredIn = (m: FriendDiscountMode): FriendDiscountProgram => ({ ...settings, currencyCode, createdAt, mode: m });

  let placed: Placed;
  try {
    placed = await placeFriendDiscount({ db, admin, shop, existing, desired: desiredIn(mode.mode), now });
  } catch (error) {
    if (mode.mode !== "FUNCTION" || !(error instanceof ShopifyUserError)) throw error;
    // Shopify refused the function's discount: the program keeps (or gets)
    // Shopify's basic discount, and the admin shows Shopify's reason.
    mode = { mode: "BASIC", reason: "FUNCTION_REFUSED", detail: error.message };
    existing = await getProgram(db, shop);
    placed = await placeFriendDiscount({ db, admin, shop, existing, desired: desiredIn("BASIC"), now });
  }
  const { discountId, discountCode, switched } = placed;

  const data = {
    ...settings,
    friendDiscountMode: mode.mode,
    friendDiscountModeReason: mode.reason,
    friendDiscountModeDetail: mode.detail,
    currencyCode,
    storefrontUrl: info.primaryDomain.url,
    shopName: info.name,
    shopEmail: info.email,
    primaryLocale: await primaryLocale(admin),
    discountId,
    discountCode,
    nextDiscountCode: null,
    ...(switched ? { previousDiscountId: existing!.discountId } : {}),
    discountSyncedAt: now,
  };
  const write = db.program.upsert({
    where: { shop },
    create: { shop, ...data, createdAt },
    update: data,
  });
  const moved = Boolean(existing) && existing!.discountId !== discountId;
  // Codes live on the discount: on a new one every referrer's code is added
  // again, and the program moves to it in the same transaction, so that
  // "codeSyncedAt set" always means "on the program's discount".
  const program = moved
    ? (
        await db.$transaction([
          write,
          // (An experiment variant's referrers keep their codes on its own discount.)
          db.referrer.updateMany({ where: { shop, ...referrersOf(null) }, data: { codeSyncedAt: null } }),
          // Former codes in their grace period move too (code-sync.server.ts).
          db.referrerCode.updateMany({ where: { shop, removedAt: null, referrer: referrersOf(null) }, data: { discountId: null } }),
        ])
      )[0]
    : await write;
  const checked = await placeReferralCheck({ db, admin, shop, program, desired: desiredIn(mode.mode), now });
  // The shop may have moved time zone since: its dashboard days move with it.
  await setShopTimezone(db, shop, info.ianaTimezone);
  // A pending previousDiscountId (a switch whose sync was never asked for) is asked for again.
  if (moved || program.previousDiscountId) {
    await requestCodeSync(db, shop, now);
    // The old offer stays live until the sync deletes its discount: an in-process worker starts on it now.
    if (switched) nudgeWorker();
  }
  // The experiment variants' discounts copy the program's minimum, combinations and pause.
  if (existing) await requestVariantDiscounts(db, shop, now);
  await recordAudit(db, {
    shop,
    action: existing ? "program.updated" : "program.created",
    cause,
    detail: JSON.stringify({ friendOffer: `${settings.friendOfferKind} ${settings.friendOfferValue}`, enabled: settings.enabled, friendDiscount: checked.friendDiscountMode }),
  });
  return checked;
}

interface Placed {
  discountId: string;
  discountCode: string | null;
  switched: boolean;
}

/** The friend discount created, updated in place, or replaced by one of another Shopify type (the codes then move). */
async function placeFriendDiscount({ db, admin, shop, existing, desired, now }: { db: Db; admin: AdminClient; shop: string; existing: ProgramRow | null; desired: FriendDiscountProgram; now: Date }): Promise<Placed> {
  if (!existing?.discountId) {
    const discountCode = existing?.discountCode ?? newAnchorCode(desired.codePrefix);
    // Remember the anchor before creating, so a retry finds the discount instead of making another.
    if (existing) await db.program.update({ where: { shop }, data: { discountCode } });
    return { discountId: await createFriendDiscount(admin, desired, discountCode, now), discountCode, switched: false };
  }
  const current = discountTypeOf(existing.friendDiscountMode as FriendDiscountMode, existing.friendOfferKind);
  if (current === discountTypeOf(desired.mode, desired.friendOfferKind)) {
    await abandonSwitch({ db, admin, shop, program: existing });
    return { discountId: await updateFriendDiscount(admin, existing.discountId, desired, now), discountCode: existing.discountCode, switched: false };
  }
  // Another Shopify type (free shipping and an amount off; the function's
  // discount and Shopify's own): a new discount, and the codes move to it
  // (friend-offer-switch.server.ts). Switching again before the last switch's
  // codes moved: its old discount goes first, as there is one previousDiscountId.
  await retirePreviousDiscount({ db, admin, shop, program: existing });
  const { discountId, discountCode } = await createReplacementDiscount({ db, admin, shop, program: existing, desired, now });
  return { discountId, discountCode, switched: true };
}

/**
 * In FUNCTION mode, the referral check (the automatic discount that tells a
 * refused buyer why) created or updated; otherwise deleted. Shopify refusing
 * it (e.g. the shop's limit of 25 active automatic discounts) leaves the
 * friend discount working, its refusals without a reason: the admin says so.
 */
async function placeReferralCheck({ db, admin, shop, program, desired, now }: { db: Db; admin: AdminClient; shop: string; program: ProgramRow; desired: FriendDiscountProgram; now: Date }): Promise<ProgramRow> {
  if (desired.mode !== "FUNCTION") {
    if (!program.referralCheckDiscountId) return program;
    await removeReferralCheck(admin, program.referralCheckDiscountId);
    return db.program.update({ where: { shop }, data: { referralCheckDiscountId: null, referralCheckTitle: null } });
  }
  try {
    const check = await ensureReferralCheck({ db, admin, shop, program, desired, now });
    return db.program.update({ where: { shop }, data: { referralCheckDiscountId: check.id, referralCheckTitle: check.title } });
  } catch (error) {
    if (!(error instanceof ShopifyUserError)) throw error;
    return db.program.update({ where: { shop }, data: { friendDiscountModeReason: "CHECK_REFUSED", friendDiscountModeDetail: error.message } });
  }
}

/**
 * First run: the program with sensible defaults (friend 10% off, referrer a 10%
 * code, 30-day hold). A program saved before time zones (or the storefront's
 * domain) were recorded learns them here.
 */
export async function ensureProgram(args: Omit<SaveArgs, "settings">) {
  const program = await getProgram(args.db, args.shop);
  if (!program) return saveProgram({ ...args, settings: DEFAULT_PROGRAM_SETTINGS });
  // A switch of the offer's type committed, but the code sync that finishes it
  // was never asked for (the process died in between): ask on the next visit.
  if (program.previousDiscountId) await requestCodeSync(args.db, args.shop, args.now);
  if (program.timezone === null || program.storefrontUrl === null || program.shopName === null) return { ...program, ...(await learnShop(args.db, args.admin, args.shop)) };
  return program;
}

/** The shop's time zone, for its dashboard days (UTC without a program). */
export async function programTimezone({ db, admin, shop }: { db: Db; admin: AdminClient; shop: string }): Promise<string> {
  const program = await db.program.findUnique({ where: { shop }, select: { timezone: true } });
  if (!program) return UTC;
  return program.timezone ?? (await learnShop(db, admin, shop)).timezone;
}

/** What the program keeps of Shopify's shop: its time zone and its storefront's primary domain. */
async function learnShop(db: Db, admin: AdminClient, shop: string) {
  const info = await shopInfo(admin);
  await db.program.updateMany({
    where: { shop },
    data: { storefrontUrl: info.primaryDomain.url, shopName: info.name, shopEmail: info.email, primaryLocale: await primaryLocale(admin) },
  });
  await setShopTimezone(db, shop, info.ianaTimezone);
  return { timezone: info.ianaTimezone, storefrontUrl: info.primaryDomain.url, shopName: info.name, shopEmail: info.email };
}

/** The shop's primary locale ("fr", "pt-BR"), or null when Shopify will not say (read_locales not granted yet). */
async function primaryLocale(admin: AdminClient): Promise<string | null> {
  try {
    const data = await admin.query(SHOP_LOCALES);
    return data.shopLocales.find((l) => l.primary)?.locale ?? null;
  } catch (error) {
    if (error instanceof ShopifyApiError && !error.retryable) return null;
    throw error;
  }
}

async function shopInfo(admin: AdminClient) {
  const data = await admin.query(SHOP_INFO);
  return data.shop;
}
