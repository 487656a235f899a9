// Single-use friend codes (the program's friendCodeMode SINGLE_USE): a friend
// who arrives by a referrer's link gets a code of their own, made on the click,
// that works once. A code posted on a coupon site then gives one discount, not
// thousands. Shopify's usageLimit counts the uses of a whole discount (all its
// codes together), so each friend code is a discount of its own with
// usageLimit 1, of the same type and offer as the program's friend discount
// (docs/decisions/0011).
//
// Bounded: at most friendCodesPerDay codes per referrer in 24 hours (a row is
// written first, then counted, so concurrent clicks never pass the bound), and
// the same browser following the same link again gets its code back. The code
// is recorded before its discount is created, so a retry after an ambiguous
// failure finds the discount by its code instead of making another.
import { logger } from "~/ops/logger.server";
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { JobContext } from "~/queue/types";
import { isUniqueViolation } from "~/db-errors";
import { canonicalCode, generateReferralCode } from "./codes";
import { createFriendDiscount, deleteFriendDiscount, discountIdOfCode, type FriendDiscountMode } from "./friend-discount.server";
import { settingsOf, type ProgramRow } from "./programs.server";
import { programFor } from "~/experiments/incentive.server";

export const EXPIRE_FRIEND_CODES_JOB = "expire-friend-codes";
export const EXPIRE_FRIEND_CODES_EVERY_MS = 60 * 60_000;
/** Expired codes whose discounts one run deletes; the next run takes the rest. */
export const EXPIRE_BATCH = 200;
/** A code handed back to the same browser has at least this long left; else a new one is made. */
const REUSE_MIN_LEFT_MS = 24 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export type FriendCodeResult =
  | { code: string }
  | { code: null; reason: "SHARED_MODE" | "DAILY_LIMIT" | "UNAVAILABLE" };

export interface FriendCodeRequest {
  shop: string;
  program: ProgramRow;
  referrer: { id: string; code: string };
  /** Keyed hashes of the friend's browser (device.ts); null when unknown. */
  visitor: { ipHash: string | null; uaHash: string | null };
  admin: () => Promise<AdminClient>;
  now: Date;
}

/** The friend's single-use code for this referrer's link, made now if needed; or why there is none. */
export async function friendCodeFor(db: Db, req: FriendCodeRequest): Promise<FriendCodeResult> {
  const { shop, program, referrer, visitor, now } = req;
  if (program.friendCodeMode !== "SINGLE_USE") return { code: null, reason: "SHARED_MODE" };

  const again = visitor.ipHash && visitor.uaHash ? await sameBrowserCode(db, shop, referrer.id, visitor, now) : null;
  const row = again ?? (await newCodeRow(db, req));
  if (!row) return { code: null, reason: "DAILY_LIMIT" };
  if (row.discountId) return { code: row.code };

  try {
    // The offer of the referrer's experiment variant, if they are in one (their shared code's would give it).
    const link = await db.referrer.findFirst({ where: { id: referrer.id, shop }, select: { variantId: true, variantMovedAt: true } });
    const offered = link ? await programFor(db, shop, program, link) : program;
    const discountId = await createFriendDiscount(await req.admin(), friendDiscountProgram(offered), row.code, now, {
      endsAt: row.expiresAt,
      referrerCode: referrer.code,
      // A row found again may have had its create land without an answer: looked up first.
      fresh: !again,
    });
    await db.friendCode.updateMany({ where: { id: row.id, shop }, data: { discountId } });
    return { code: row.code };
  } catch (error) {
    // Shopify unavailable or refusing: the friend has the link (the cart
    // attribute still attributes the order); the row stays, its discount
    // (if the create did land) is found by its code when the same browser
    // comes back, and deleted by the expiry job otherwise.
    logger.warn("friend code: not created", { shop, error });
    return { code: null, reason: "UNAVAILABLE" };
  }
}

/** The program's friend discount as friend codes copy it: same type (mode), offer and combinations. */
function friendDiscountProgram(program: ProgramRow) {
  return { ...settingsOf(program), currencyCode: program.currencyCode, createdAt: program.createdAt, mode: program.friendDiscountMode as FriendDiscountMode };
}

type CodeRow = { id: string; code: string; discountId: string | null; expiresAt: Date };
const CODE_ROW = { id: true, code: true, discountId: true, expiresAt: true } as const;

async function sameBrowserCode(db: Db, shop: string, referrerId: string, visitor: { ipHash: string | null; uaHash: string | null }, now: Date): Promise<CodeRow | null> {
  return db.friendCode.findFirst({
    where: {
      shop,
      referrerId,
      ipHash: visitor.ipHash,
      uaHash: visitor.uaHash,
      usedAt: null,
      deletedAt: null,
      expiresAt: { gt: new Date(now.getTime() + REUSE_MIN_LEFT_MS) },
    },
    orderBy: { createdAt: "desc" },
    select: CODE_ROW,
  });
}

/** A new code's row, or null when the referrer's codes of the last 24 hours reached the bound. */
async function newCodeRow(db: Db, { shop, program, referrer, visitor, now }: FriendCodeRequest): Promise<CodeRow | null> {
  const expiresAt = new Date(now.getTime() + program.friendCodeDays * DAY_MS);
  let row: CodeRow | null = null;
  for (let attempt = 0; !row; attempt++) {
    try {
      row = await db.friendCode.create({
        data: { shop, referrerId: referrer.id, code: generateReferralCode(program.codePrefix), ipHash: visitor.ipHash, uaHash: visitor.uaHash, expiresAt, createdAt: now },
        select: CODE_ROW,
      });
    } catch (error) {
      // 31^8 codes per prefix: a collision is rare, two in a row rarer still.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
  // Written, then counted: of concurrent clicks past the bound, none gets a code.
  const made = await db.friendCode.count({ where: { shop, referrerId: referrer.id, createdAt: { gt: new Date(now.getTime() - DAY_MS) } } });
  if (made > program.friendCodesPerDay) {
    await db.friendCode.deleteMany({ where: { id: row.id, shop } });
    return null;
  }
  return row;
}

/** The referrer whose link made one of these (typed) codes, marking it used by the order; null if none is a friend code. */
export async function referrerOfFriendCode(db: Db, shop: string, codes: string[], order: { orderId: string; at: Date }) {
  const wanted = codes.map(canonicalCode).filter(Boolean);
  if (wanted.length === 0) return null;
  const found = await db.friendCode.findFirst({ where: { shop, code: { in: wanted } }, include: { referrer: true } });
  if (!found) return null;
  // The first order with the code uses it (Shopify lets it be used once).
  await db.friendCode.updateMany({ where: { id: found.id, shop, usedAt: null }, data: { usedAt: order.at, orderId: order.orderId } });
  return { referrer: found.referrer, code: found.code };
}

/**
 * The expiry job: the discounts of unused friend codes past their end are
 * deleted from Shopify (the shop's discount list does not fill with dead
 * codes), oldest first, EXPIRE_BATCH a run. Used codes keep their discount
 * (Shopify's record of the order's discount). Safe to run twice: a discount
 * already gone is done, and one created after an ambiguous failure with no
 * id recorded is found by its code.
 */
export async function expireFriendCodes(ctx: JobContext): Promise<{ deleted: number; more: boolean }> {
  const { db, shop } = ctx;
  const now = ctx.now();
  const due = await db.friendCode.findMany({
    where: { shop, deletedAt: null, expiresAt: { lte: now } },
    orderBy: { expiresAt: "asc" },
    take: EXPIRE_BATCH + 1,
    select: { id: true, code: true, discountId: true, usedAt: true },
  });
  let deleted = 0;
  for (const row of due.slice(0, EXPIRE_BATCH)) {
    if (!row.usedAt) {
      const admin = await ctx.admin();
      const id = row.discountId ?? (await discountIdOfCode(admin, row.code));
      if (id) {
        await deleteFriendDiscount(admin, id);
        deleted++;
      }
    }
    await db.friendCode.updateMany({ where: { id: row.id, shop }, data: { deletedAt: ctx.now() } });
  }
  return { deleted, more: due.length > EXPIRE_BATCH };
}
