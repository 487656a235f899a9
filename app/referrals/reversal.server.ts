// Cancellations and refunds. The rule for partial refunds: a referral is
// reversed when what is left of the order after refunds (its subtotal minus the
// refunded merchandise) is zero or falls below the program's minimum order;
// otherwise it stands, with the refunded amount recorded.
// Refund amounts count merchandise (refund_line_items subtotals, before tax);
// a refund with no line items (an arbitrary amount) counts its successful
// refund transactions.
import { z } from "zod";
import type { Db } from "~/db.server";
import type { WorkContext } from "~/queue/types";
import { recordAudit } from "./audit.server";
import { requestRevoke } from "./rewards.server";
import { secondTierFeesOf } from "./second-tier.server";
import { settleMilestonesOf } from "./milestones.server";
import { countedTransaction, LIVE_REFERRAL_FIELDS } from "./daily-stats.server";
import { Decimal, toDecimal } from "./money";
import { isUniqueViolation } from "~/db-errors";
import { lowerPartnerFee } from "~/partners/fees.server";
import { LIVE_REFERRAL_STATUSES, ReferralStatus, RewardStatus } from "./statuses";


const money = z.union([z.string(), z.number()]).nullish();
const shopMoney = z.object({ shop_money: z.object({ amount: money, currency_code: z.string().nullish() }) }).nullish();
const refundSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  admin_graphql_api_id: z.string().nullish(),
  order_id: z.union([z.string(), z.number()]).transform(String),
  refund_line_items: z.array(z.object({ subtotal: money, subtotal_set: shopMoney })).nullish(),
  transactions: z
    .array(z.object({ kind: z.string().nullish(), status: z.string().nullish(), amount: money, currency: z.string().nullish() }))
    .nullish(),
});

export interface RefundFacts {
  refundId: string;
  orderId: string;
  amount: Decimal;
  currencyCode: string | null;
}

export function refundFromWebhook(payload: unknown): RefundFacts {
  const r = refundSchema.parse(payload);
  const lines = r.refund_line_items ?? [];
  let amount = new Decimal(0);
  let currencyCode: string | null = null;
  if (lines.length) {
    for (const line of lines) {
      amount = amount.plus(toDecimal(line.subtotal_set?.shop_money.amount ?? line.subtotal ?? 0));
      currencyCode ??= line.subtotal_set?.shop_money.currency_code ?? null;
    }
  } else {
    for (const t of r.transactions ?? []) {
      if (t.kind !== "refund" || (t.status && t.status !== "success")) continue;
      amount = amount.plus(toDecimal(t.amount ?? 0));
      currencyCode ??= t.currency ?? null;
    }
  }
  return {
    refundId: r.admin_graphql_api_id ?? `gid://shopify/Refund/${r.id}`,
    orderId: `gid://shopify/Order/${r.order_id}`,
    amount,
    currencyCode,
  };
}

/** Records a refund once, whenever it arrives, and applies it if the order is a referral. */
export async function recordRefund(ctx: WorkContext, refund: RefundFacts) {
  const { db, shop } = ctx;
  try {
    await db.orderRefund.create({
      data: { shop, orderId: refund.orderId, refundId: refund.refundId, amount: refund.amount, currencyCode: refund.currencyCode ?? "" },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // The same refund delivered again: already counted.
  }
  const referral = await db.referral.findUnique({ where: { shop_orderId: { shop, orderId: refund.orderId } }, select: { id: true } });
  if (referral) await applyRefunds(ctx, referral.id);
}

/** Brings a referral's refunded amount up to date and reverses it if the rule says so. Returns its status. */
export async function applyRefunds(ctx: WorkContext, referralId: string): Promise<string> {
  const { db, shop } = ctx;
  const referral = await db.referral.findFirst({ where: { id: referralId, shop } });
  if (!referral) return "MISSING";
  const refunds = await db.orderRefund.findMany({ where: { shop, orderId: referral.orderId }, select: { amount: true } });
  if (refunds.length === 0) return referral.status;
  const refunded = refunds.reduce((sum, r) => sum.plus(r.amount), new Decimal(0));
  const remaining = referral.subtotalAmount.minus(refunded);
  const program = await db.program.findUnique({ where: { shop }, select: { minimumOrderAmount: true } });
  const minimum = program?.minimumOrderAmount;
  const stands = remaining.greaterThan(0) && !(minimum && remaining.lessThan(minimum));
  if (!refunded.equals(referral.refundedAmount)) {
    await countedTransaction(db, shop, async (tx, changes) => {
      // Conditional on the amount read: a concurrent run that already wrote it counts it, this one does not.
      const where = { id: referral.id, shop, refundedAmount: referral.refundedAmount };
      const live = await tx.referral.updateMany({ where: { ...where, status: { in: LIVE_REFERRAL_STATUSES } }, data: { refundedAmount: refunded } });
      if (live.count) {
        const less = referral.refundedAmount.minus(refunded);
        changes.add({ at: referral.createdAt, channel: referral.channel, revenue: less });
        changes.referrer({ referrerId: referral.referrerId, referrals: 0, revenue: less });
        // A partner's percentage fee follows what is left of the order, with the amount it is worked out on.
        // (A referral this refund reverses has its fee taken back by the reversal below instead.)
        if (stands) await lowerPartnerFee(tx, changes, { shop, referralId: referral.id, subtotal: referral.subtotalAmount, refunded, cause: ctx.cause });
      } else {
        await tx.referral.updateMany({ where: { ...where, status: { notIn: LIVE_REFERRAL_STATUSES } }, data: { refundedAmount: refunded } });
      }
    });
  }
  if (remaining.lessThanOrEqualTo(0)) {
    return (await reverseReferral(ctx, referral.id, "The order was refunded in full")) ?? referral.status;
  }
  if (minimum && remaining.lessThan(minimum)) {
    const reason = `Partly refunded: ${remaining.toFixed(2)} ${referral.currencyCode} left, below the minimum of ${minimum.toFixed(2)}`;
    return (await reverseReferral(ctx, referral.id, reason)) ?? referral.status;
  }
  return referral.status;
}

/**
 * Moves a live referral to REVERSED (once: the status change is conditional) and
 * takes its reward back: a reward not yet sent to Shopify is simply cancelled;
 * one that is (or may be) in Shopify is clawed back by a durable job.
 */
export async function reverseReferral(ctx: WorkContext, referralId: string, reason: string): Promise<string | null> {
  const { db, shop } = ctx;
  const now = ctx.now();
  const before = await db.referral.findFirst({ where: { id: referralId, shop }, select: { status: true, referrerId: true } });
  if (!before) return null;
  // One conditional update per live status group: the one that succeeds says which status it left (a
  // rewarded referral counts in the totals as rewarded). Live statuses only move forward, towards
  // REWARDED, so a referral rewarded between the first two tries is caught by the third.
  const fromStatus = await countedTransaction(db, shop, async (tx, changes) => {
    const data = { status: ReferralStatus.REVERSED, reason, reversedAt: now };
    const rewarded = [ReferralStatus.REWARDED];
    const attempts: string[][] = [rewarded, [ReferralStatus.PENDING, ReferralStatus.APPROVED], rewarded];
    for (const from of attempts) {
      const changed = await tx.referral.updateMany({ where: { id: referralId, shop, status: { in: from } }, data });
      if (!changed.count) continue;
      const referral = await tx.referral.findFirstOrThrow({ where: { id: referralId, shop }, select: LIVE_REFERRAL_FIELDS });
      changes.liveReferral(referral, -1, { rewarded: from[0] === ReferralStatus.REWARDED });
      return from.includes(before.status) ? before.status : from[0];
    }
    return null;
  });
  if (fromStatus === null) return before.status;
  await recordAudit(db, {
    shop,
    referralId,
    referrerId: before.referrerId,
    action: "referral.reversed",
    fromStatus,
    toStatus: ReferralStatus.REVERSED,
    cause: ctx.cause,
    detail: reason,
  });

  const reward = await db.reward.findUnique({ where: { referralId } });
  if (reward) await revokeReward(db, { shop, rewardId: reward.id, cause: ctx.cause, reason, now });
  // The upstream referrer's second-tier fee for this order goes back the same way.
  for (const fee of await secondTierFeesOf(db, shop, referralId)) {
    await revokeReward(db, { shop, rewardId: fee.id, cause: ctx.cause, reason, now });
  }
  // A milestone this referral reached: its reward is taken back only if not yet on its way to Shopify.
  await settleMilestonesOf(db, { shop, referralId, reason: `The referral that reached the milestone was reversed before the reward was issued (${reason})`, cause: ctx.cause, now });
  return ReferralStatus.REVERSED;
}


export type RevokeOutcome = "not-found" | "not-revocable" | "cancelled" | "revoking";

/**
 * Takes a reward back, the one way both a reversed referral and the merchant
 * do it: a reward that never reached Shopify (PENDING, or FAILED) is cancelled
 * at once; one that is or may be in Shopify (ISSUING, ISSUED, PAID) is revoked by
 * the durable revoke job. A reward already revoked or cancelled is left as it is.
 */
export async function revokeReward(
  db: Db,
  { shop, rewardId, referrerId, cause, reason, now }: { shop: string; rewardId: string; referrerId?: string; cause: string; reason: string; now: Date },
): Promise<RevokeOutcome> {
  const reward = await db.reward.findFirst({ where: { id: rewardId, shop, ...(referrerId ? { referrerId } : {}) } });
  if (!reward) return "not-found";
  const audit = { shop, referrerId: reward.referrerId, rewardId, referralId: reward.referralId, cause };
  if (reward.status === RewardStatus.PENDING || reward.status === RewardStatus.FAILED) {
    const changed = await db.reward.updateMany({
      where: { id: rewardId, shop, status: reward.status },
      data: { status: RewardStatus.CANCELLED, reason, revokedAt: now },
    });
    if (changed.count) {
      await recordAudit(db, { ...audit, action: "reward.cancelled", fromStatus: reward.status, toStatus: RewardStatus.CANCELLED, detail: reason });
      return "cancelled";
    }
    // It moved on since it was read (the issue job took it): it may reach
    // Shopify now, so the revoke job takes it back (it waits out ISSUING).
  } else {
    const inShopify: string[] = [RewardStatus.ISSUING, RewardStatus.ISSUED, RewardStatus.PAID];
    if (!inShopify.includes(reward.status)) return "not-revocable";
  }
  await recordAudit(db, { ...audit, action: "reward.revoke-requested", fromStatus: reward.status, detail: reason });
  await requestRevoke(db, { shop, rewardId, now });
  return "revoking";
}
