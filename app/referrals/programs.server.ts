// The shop's referral program: its settings in the database and its friend
// discount in Shopify, kept in step.
import type { Db } from "../db.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { SHOP_INFO } from "../shopify/documents";
import { recordAudit } from "./audit.server";
import { setShopTimezone, UTC } from "./daily-stats.server";
import { createFriendDiscount, isFreeShipping, newAnchorCode, updateFriendDiscount } from "./friend-discount.server";
import { DEFAULT_PROGRAM_SETTINGS, type ProgramSettings } from "./program-settings";
import { requestCodeSync } from "./code-sync.server";

export type ProgramRow = NonNullable<Awaited<ReturnType<Db["program"]["findUnique"]>>>;

export async function getProgram(db: Db, shop: string) {
  return db.program.findUnique({ where: { shop } });
}

/** The settings of a stored program, in the form the settings schema produces. */
export function settingsOf(program: ProgramRow): ProgramSettings {
  return {
    enabled: program.enabled,
    friendOfferKind: program.friendOfferKind as ProgramSettings["friendOfferKind"],
    friendOfferValue: program.friendOfferValue.toString(),
    rewardKind: program.rewardKind as ProgramSettings["rewardKind"],
    rewardValue: program.rewardValue.toString(),
    rewardExpiryDays: program.rewardExpiryDays,
    minimumOrderAmount: program.minimumOrderAmount?.toString() ?? null,
    holdDays: program.holdDays,
    maxRewardsPerReferrer: program.maxRewardsPerReferrer,
    firstOrderOnly: program.firstOrderOnly,
    codePrefix: program.codePrefix,
    combinesWithProduct: program.combinesWithProduct,
    combinesWithOrder: program.combinesWithOrder,
    combinesWithShipping: program.combinesWithShipping,
    terms: program.terms,
    shareMessage: program.shareMessage,
  };
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
  const existing = await getProgram(db, shop);
  const info = await shopInfo(admin);
  const currencyCode = existing?.currencyCode ?? info.currencyCode;
  const createdAt = existing?.createdAt ?? now;
  const desired = { ...settings, currencyCode, createdAt };

  // A free-shipping discount and an amount-off discount are different Shopify
  // types: switching between them needs a new discount (and its codes re-added).
  const sameType = existing?.discountId && isFreeShipping(existing.friendOfferKind) === isFreeShipping(settings.friendOfferKind);
  let discountId: string;
  let discountCode = existing?.discountCode ?? null;
  if (existing?.discountId && sameType) {
    discountId = await updateFriendDiscount(admin, existing.discountId, desired, now);
  } else {
    if (!discountCode || existing?.discountId) {
      discountCode = newAnchorCode(settings.codePrefix);
      // Remember the anchor before creating, so a retry finds the discount instead of making another.
      if (existing) await db.program.update({ where: { shop }, data: { discountCode } });
    }
    discountId = await createFriendDiscount(admin, desired, discountCode, now);
  }

  const data = {
    ...settings,
    currencyCode,
    storefrontUrl: info.primaryDomain.url,
    discountId,
    discountCode,
    discountSyncedAt: now,
  };
  const program = await db.program.upsert({
    where: { shop },
    create: { shop, ...data, createdAt },
    update: data,
  });
  // The shop may have moved time zone since: its dashboard days move with it.
  await setShopTimezone(db, shop, info.ianaTimezone);
  if (existing && existing.discountId !== discountId) {
    // Codes live on the discount: a new discount needs every referrer's code again.
    await db.referrer.updateMany({ where: { shop }, data: { codeSyncedAt: null } });
    await requestCodeSync(db, shop, now);
  }
  await recordAudit(db, {
    shop,
    action: existing ? "program.updated" : "program.created",
    cause,
    detail: JSON.stringify({ friendOffer: `${settings.friendOfferKind} ${settings.friendOfferValue}`, enabled: settings.enabled }),
  });
  return program;
}

/**
 * First run: the program with sensible defaults (friend 10% off, referrer a 10%
 * code, 30-day hold). A program saved before time zones (or the storefront's
 * domain) were recorded learns them here.
 */
export async function ensureProgram(args: Omit<SaveArgs, "settings">) {
  const program = await getProgram(args.db, args.shop);
  if (!program) return saveProgram({ ...args, settings: DEFAULT_PROGRAM_SETTINGS });
  if (program.timezone === null || program.storefrontUrl === null) return { ...program, ...(await learnShop(args.db, args.admin, args.shop)) };
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
  await db.program.updateMany({ where: { shop }, data: { storefrontUrl: info.primaryDomain.url } });
  await setShopTimezone(db, shop, info.ianaTimezone);
  return { timezone: info.ianaTimezone, storefrontUrl: info.primaryDomain.url };
}

async function shopInfo(admin: AdminClient) {
  const data = await admin.query(SHOP_INFO);
  return data.shop;
}
