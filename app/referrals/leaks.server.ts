// Leaked codes: a referrer whose code ended up on coupon sites gets orders
// from strangers who type the code without ever following the referrer's link.
//
// Which browser followed a link: the storefront embed keeps the code of a
// referral link the visitor followed in that browser (localStorage, and a
// cookie as fallback) and writes it on the cart as `_referral_code`; an order
// that landed on a `?ref=` page carries it in landing_site. Those are the
// per-browser traces the app has. Click events (LinkEvent) carry no browser
// or visitor identity (only referrer, channel and time): "some click of this
// referrer before the order" says nothing about this buyer, and a popular
// referrer would never be flagged, so they are not used.
//
// An order counts as "typed without a link" when its referrer was found by a
// typed code, no referral link naming that referrer (any of their codes) is
// on the cart or landing page, and the buyer is unrelated to the referrer:
// not the referrer (self-referrals are rejected before), not someone this
// referrer referred before by link, and neither the referrer's own referrer
// nor a referrer they brought in.
//
// Detection runs in the attribution path, right after the referral is created
// and before its release is scheduled (attribution.server.ts, review), rather
// than in a recurring job: the order that crosses the threshold is itself held
// for review (review.server.ts, rule LEAK) before anything can reward it. A delivery retried
// after a crash runs it again through the same path; every write is
// conditional (flag only while unflagged), so running it twice changes nothing.
import type { Db } from "~/db.server";
import type { WorkContext } from "~/queue/types";
import { recordAudit } from "./audit.server";
import { kickEvents, recordEvent } from "~/events/record.server";
import { canonicalCode } from "./codes";
import { couponSiteOf } from "./coupon-sites";
import { rotateReferrerCode } from "./code-rotation.server";
import { normaliseEmail } from "./email";
import { linkCodeOf, type OrderFacts } from "./order";
import { ReferralStatus } from "./statuses";

/** Longest landing or referring site kept (Shopify's are URLs; anything longer is cut). */
export const MAX_SITE_LENGTH = 1000;

export interface LeakFacts {
  landingSite: string | null;
  referringSite: string | null;
  couponSite: string | null;
  typedWithoutLink: boolean;
}

interface ReferrerFacts {
  id: string;
  code: string;
  customerId: string | null;
  emailKey: string | null;
  referredByOrderId: string | null;
}

const clip = (s: string | null) => (s ? s.slice(0, MAX_SITE_LENGTH) : null);

/** What leak detection records about one attributed order. */
export async function leakFactsOf(
  db: Db,
  shop: string,
  referrer: ReferrerFacts,
  order: OrderFacts,
  attributedBy: "CODE" | "LINK",
): Promise<LeakFacts> {
  const facts = {
    landingSite: clip(order.landingSite),
    referringSite: clip(order.referringSite),
    couponSite: couponSiteOf(order.referringSite, order.landingSite),
  };
  if (attributedBy !== "CODE") return { ...facts, typedWithoutLink: false };
  const linked = linkCodeOf(order);
  if (linked && (await isReferrersCode(db, shop, referrer, canonicalCode(linked)))) return { ...facts, typedWithoutLink: false };
  return { ...facts, typedWithoutLink: !(await relatedBuyer(db, shop, referrer, order)) };
}

async function isReferrersCode(db: Db, shop: string, referrer: ReferrerFacts, code: string): Promise<boolean> {
  if (code === referrer.code) return true;
  return (await db.referrerCode.count({ where: { shop, referrerId: referrer.id, code } })) > 0;
}

/** Whether the buyer is someone the referrer knows by the app's own records. */
async function relatedBuyer(db: Db, shop: string, referrer: ReferrerFacts, order: OrderFacts): Promise<boolean> {
  const emailKey = order.email ? normaliseEmail(order.email) : null;
  if ((order.customerId && order.customerId === referrer.customerId) || (emailKey && emailKey === referrer.emailKey)) return true;
  const buyer = [...(order.customerId ? [{ customerId: order.customerId }] : []), ...(emailKey ? [{ emailKey }] : [])];
  const asFriend = [...(order.customerId ? [{ friendCustomerId: order.customerId }] : []), ...(emailKey ? [{ friendEmailKey: emailKey }] : [])];
  if (buyer.length === 0) return false;
  const [linkedBefore, broughtIn, ownReferral] = await Promise.all([
    // The same buyer came by this referrer's link before (on another device, say).
    db.referral.count({ where: { shop, referrerId: referrer.id, attributedBy: "LINK", orderId: { not: order.orderId }, OR: asFriend } }),
    // A referrer this one brought in.
    db.referrer.count({ where: { shop, referredByReferrerId: referrer.id, OR: buyer } }),
    // The order that brought this referrer in: its referrer is theirs.
    referrer.referredByOrderId
      ? db.referral.findUnique({ where: { shop_orderId: { shop, orderId: referrer.referredByOrderId } }, select: { referrerId: true } })
      : null,
  ]);
  if (linkedBefore > 0 || broughtIn > 0) return true;
  if (!ownReferral) return false;
  return (await db.referrer.count({ where: { shop, id: ownReferral.referrerId, OR: buyer } })) > 0;
}

export interface LeakCounts {
  /** The referrer's orders counted since their last rotation or dismissal (test orders left out). */
  orders: number;
  /** Of those, the ones typed without a link by an unrelated buyer. */
  typedWithoutLink: number;
}

export async function leakCounts(db: Db, shop: string, referrer: { id: string; leakSince: Date | null }): Promise<LeakCounts> {
  const where = { shop, referrerId: referrer.id, test: false, ...(referrer.leakSince ? { createdAt: { gte: referrer.leakSince } } : {}) };
  const [orders, typedWithoutLink] = await Promise.all([db.referral.count({ where }), db.referral.count({ where: { ...where, typedWithoutLink: true } })]);
  return { orders, typedWithoutLink };
}

export function passesThreshold(counts: LeakCounts, program: { leakMinOrders: number; leakThresholdPercent: number }): boolean {
  return counts.orders >= program.leakMinOrders && counts.typedWithoutLink * 100 >= program.leakThresholdPercent * counts.orders;
}

export const sharePercent = (c: LeakCounts) => (c.orders === 0 ? 0 : Math.round((c.typedWithoutLink * 100) / c.orders));

export type LeakCheck =
  | { state: "not-flagged" }
  /** Flagged now or before; `since`: where the counting that flagged them started (null: since they joined). */
  | { state: "flagged" | "already-flagged"; since: Date | null; evidence: string };

/**
 * After a referral of `referrerId` was recorded: flags the referrer when their
 * orders pass the program's threshold (and, with automatic rotation on,
 * rotates their code). Idempotent.
 */
export async function checkForLeak(ctx: WorkContext, referrerId: string): Promise<LeakCheck> {
  const { db, shop } = ctx;
  const [program, referrer] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { leakMinOrders: true, leakThresholdPercent: true, leakGraceDays: true, leakAutoRotate: true } }),
    db.referrer.findFirst({ where: { id: referrerId, shop }, select: { id: true, code: true, status: true, leakFlaggedAt: true, leakSince: true } }),
  ]);
  if (!program || !referrer) return { state: "not-flagged" };
  const counts = await leakCounts(db, shop, referrer);
  const evidence = `${counts.typedWithoutLink} of ${counts.orders} orders (${sharePercent(counts)}%) typed the code without a referral link`;
  if (referrer.leakFlaggedAt) return { state: "already-flagged", since: referrer.leakSince, evidence };
  if (referrer.status !== "ACTIVE" || !passesThreshold(counts, program)) return { state: "not-flagged" };

  const now = ctx.now();
  // Only while unflagged and counted from the same start: a rotation or a
  // dismissal that committed meanwhile wins, and a second run flags nothing.
  const { count, deliveries } = await db.$transaction(async (tx) => {
    const flagged = await tx.referrer.updateMany({
      where: { id: referrer.id, shop, leakFlaggedAt: null, leakSince: referrer.leakSince },
      data: { leakFlaggedAt: now },
    });
    if (flagged.count !== 1) return { count: flagged.count, deliveries: 0 };
    const event = { type: "leak.suspected" as const, key: `leak:${referrer.id}:${now.toISOString()}`, referrerId: referrer.id, occurredAt: now, data: { code: referrer.code, evidence } };
    return { count: flagged.count, deliveries: await recordEvent(tx, shop, event, now) };
  });
  if (deliveries > 0) await kickEvents(db, shop, now, now);
  if (count !== 1) {
    // Flagged by a concurrent run (its holds may have missed this order), or rotated or dismissed meanwhile.
    const current = await db.referrer.findFirst({ where: { id: referrer.id, shop }, select: { leakFlaggedAt: true, leakSince: true } });
    return current?.leakFlaggedAt ? { state: "already-flagged", since: current.leakSince, evidence } : { state: "not-flagged" };
  }
  await recordAudit(db, { shop, referrerId: referrer.id, action: "referrer.leak-flagged", cause: ctx.cause, detail: `Possible leak: ${evidence}` });
  if (program.leakAutoRotate) {
    await rotateReferrerCode({
      db,
      shop,
      referrerId: referrer.id,
      expectedCode: null,
      graceDays: program.leakGraceDays,
      cause: ctx.cause,
      reason: `Rotated automatically: ${evidence}.`,
      now,
    });
  }
  return { state: "flagged", since: referrer.leakSince, evidence };
}

const fromSite = (site: string | null) => (site ? `; this order came from ${site}` : "");

export interface LeakSuspect {
  referralId: string;
  /** What the review queue shows: no landing or referring site (personal data kept on the referral only). */
  evidence: Record<string, unknown>;
}

/**
 * The referrer's pending orders that must wait for the merchant's review after
 * `referral` was recorded: while the referrer is flagged, every pending order
 * typed without a link since the counting that flagged them started; else this
 * order, when it was typed without a link with one of the referrer's former
 * codes (rotated after a leak, still in its grace period).
 */
export async function leakSuspects(
  db: Db,
  shop: string,
  referral: { id: string; referrerId: string; codeUsed: string | null; typedWithoutLink: boolean },
  check: LeakCheck,
): Promise<LeakSuspect[]> {
  const pending = { shop, referrerId: referral.referrerId, status: ReferralStatus.PENDING, typedWithoutLink: true, test: false };
  const select = { id: true, codeUsed: true, couponSite: true } as const;
  if (check.state !== "not-flagged") {
    const rows = await db.referral.findMany({ where: { ...pending, ...(check.since ? { createdAt: { gte: check.since } } : {}) }, select });
    return rows.map((r) => ({
      referralId: r.id,
      evidence: { why: "referrer-flagged", summary: `Possible leak: ${check.evidence}${fromSite(r.couponSite)}`, code: r.codeUsed, couponSite: r.couponSite },
    }));
  }
  if (!referral.typedWithoutLink || !referral.codeUsed) return [];
  const former = await db.referrerCode.findFirst({ where: { shop, referrerId: referral.referrerId, code: referral.codeUsed }, select: { createdAt: true, retireAt: true } });
  if (!former) return [];
  const row = await db.referral.findFirst({ where: { ...pending, id: referral.id }, select });
  if (!row) return [];
  return [{ referralId: row.id, evidence: { why: "former-code", summary: `Typed without a link with ${row.codeUsed}, a code rotated after a leak${fromSite(row.couponSite)}`, code: row.codeUsed, couponSite: row.couponSite, rotatedAt: former.createdAt.toISOString(), worksUntil: former.retireAt.toISOString() } }];
}

/** The merchant looked at the evidence and keeps the code: the flag goes, and counting starts again from now. */
export async function dismissLeak({ db, shop, referrerId, cause, reason, now = new Date() }: { db: Db; shop: string; referrerId: string; cause: string; reason: string; now?: Date }) {
  const referrer = await db.referrer.findFirst({ where: { id: referrerId, shop }, select: { id: true, leakFlaggedAt: true } });
  if (!referrer) return "not-found" as const;
  const { count } = await db.referrer.updateMany({ where: { id: referrerId, shop, leakFlaggedAt: { not: null } }, data: { leakFlaggedAt: null, leakSince: now } });
  if (count === 1) await recordAudit(db, { shop, referrerId, action: "referrer.leak-dismissed", cause, detail: reason || null });
  return count === 1 ? ("dismissed" as const) : ("not-flagged" as const);
}
