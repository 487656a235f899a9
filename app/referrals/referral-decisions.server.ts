// The merchant's decisions on referrals on hold: end the hold now (the release
// job approves them and issues their rewards), clear the ones a fraud rule held
// for review (they then wait out their hold as any other), or reject them with
// a reason.
import type { Db } from "~/db.server";
import { requestRelease } from "./rewards.server";
import { recordAudit } from "./audit.server";
import { kickEvents, recordEvent } from "~/events/record.server";
import { referralFacts } from "~/events/facts";
import { countedTransaction, LIVE_REFERRAL_FIELDS } from "./daily-stats.server";
import { ReviewStatus } from "./review.server";
import { ReferralStatus } from "./statuses";

export interface BulkArgs {
  db: Db;
  shop: string;
  ids: string[];
  cause: string;
  now?: Date;
}

/** The referrals among `ids` that are the shop's; null when any is not (the route answers 404). */
async function ownReferrals(db: Db, shop: string, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await db.referral.findMany({ where: { shop, id: { in: unique } }, select: { id: true, status: true, referrerId: true, reviewStatus: true, holdUntil: true } });
  return rows.length === unique.length ? rows : null;
}

/** Ends the hold of referrals on hold now: the release job approves them and issues their rewards. */
export async function approveReferrals({ db, shop, ids, cause, now = new Date() }: BulkArgs) {
  const rows = await ownReferrals(db, shop, ids);
  if (!rows) return null;
  let approved = 0;
  for (const row of rows.filter((r) => r.status === ReferralStatus.PENDING)) {
    // Approving the hold away is also the merchant's word on any review.
    const review = row.reviewStatus === ReviewStatus.WAITING ? { reviewStatus: ReviewStatus.CLEARED } : {};
    const changed = await db.referral.updateMany({ where: { id: row.id, shop, status: ReferralStatus.PENDING }, data: { holdUntil: now, ...review } });
    if (!changed.count) continue;
    await recordAudit(db, { shop, referralId: row.id, referrerId: row.referrerId, action: "referral.hold-ended", cause, detail: "Approved by the merchant before the hold ended" });
    await requestRelease(db, { shop, referralId: row.id, at: now });
    approved++;
  }
  return { approved, skipped: rows.length - approved };
}

/**
 * The merchant looked at referrals a fraud rule held and found them fair: they
 * leave the review queue and wait out the rest of their hold (the return window
 * still matters), then are rewarded as any other.
 */
export async function clearReview({ db, shop, ids, cause, now = new Date() }: BulkArgs) {
  const rows = await ownReferrals(db, shop, ids);
  if (!rows) return null;
  let cleared = 0;
  for (const row of rows.filter((r) => r.status === ReferralStatus.PENDING && r.reviewStatus === ReviewStatus.WAITING)) {
    const changed = await db.referral.updateMany({
      where: { id: row.id, shop, status: ReferralStatus.PENDING, reviewStatus: ReviewStatus.WAITING },
      data: { reviewStatus: ReviewStatus.CLEARED },
    });
    if (!changed.count) continue;
    await recordAudit(db, { shop, referralId: row.id, referrerId: row.referrerId, action: "referral.review-cleared", cause, detail: "Cleared by the merchant after review" });
    const at = row.holdUntil && row.holdUntil > now ? row.holdUntil : now;
    await requestRelease(db, { shop, referralId: row.id, at, now });
    cleared++;
  }
  return { cleared, skipped: rows.length - cleared };
}

export async function rejectReferrals({ db, shop, ids, cause, reason, now = new Date() }: BulkArgs & { reason: string }) {
  const rows = await ownReferrals(db, shop, ids);
  if (!rows) return null;
  let rejected = 0;
  let deliveries = 0;
  for (const row of rows.filter((r) => r.status === ReferralStatus.PENDING)) {
    const changed = await countedTransaction(db, shop, async (tx, changes) => {
      const { count } = await tx.referral.updateMany({
        where: { id: row.id, shop, status: ReferralStatus.PENDING },
        data: { status: ReferralStatus.REJECTED, reason, rejectedAt: now, holdUntil: null, ...(row.reviewStatus === ReviewStatus.WAITING ? { reviewStatus: ReviewStatus.CLEARED } : {}) },
      });
      if (!count) return 0;
      changes.liveReferral(await tx.referral.findFirstOrThrow({ where: { id: row.id, shop }, select: LIVE_REFERRAL_FIELDS }), -1);
      const referral = await tx.referral.findFirstOrThrow({ where: { id: row.id, shop } });
      deliveries += await recordEvent(
        tx,
        shop,
        { type: "referral.rejected", key: `rejected:${row.id}`, referrerId: row.referrerId, referralId: row.id, occurredAt: now, data: { referral: referralFacts(referral), reason } },
        now,
      );
      return count;
    });
    if (!changed) continue;
    await recordAudit(db, { shop, referralId: row.id, referrerId: row.referrerId, action: "referral.rejected", fromStatus: ReferralStatus.PENDING, toStatus: ReferralStatus.REJECTED, cause, detail: reason });
    rejected++;
  }
  if (deliveries > 0) await kickEvents(db, shop, now, now);
  return { rejected, skipped: rows.length - rejected };
}
