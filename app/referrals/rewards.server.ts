// Paying referrers: when a referral's hold ends it is approved and its reward
// decided; the reward is then issued in Shopify by a durable job, exactly once
// across retries and crashes (the reward row is unique per referral, its code is
// chosen before the call, and an uncertain call is checked before it is repeated).
import type { Db, Prisma } from "~/db.server";
import type { JobContext, WorkContext } from "~/queue/types";
import { PermanentError } from "~/queue/types";
import { enqueueJob } from "~/queue/queue.server";
import { nudgeWorker } from "~/queue/nudge.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { ShopifyUserError } from "~/shopify/errors";
import { DISCOUNT_BY_CODE, DISCOUNT_DEACTIVATE, REWARD_CODE_CREATE } from "~/shopify/documents";
import { recordAudit } from "./audit.server";
import { kickEvents, recordEvent } from "~/events/record.server";
import { rewardFacts } from "~/events/facts";
import { countedTransaction, ISSUED_REWARD_STATUSES } from "./daily-stats.server";
import { toDecimal } from "./money";
import { isUniqueViolation } from "~/db-errors";
import type { MerchantAction } from "./referrers.server";
import { ReferralStatus, RewardStatus } from "./statuses";
import { ReviewStatus, waitsForReview } from "./review.server";
import type { ProgramRow } from "./programs.server";
import { findReward, type RevocationOutcome, type RewardWithReferrer } from "./reward-row.server";
import { creditStore, debitStore } from "./store-credit.server";
import { decideSecondTierFee } from "./second-tier.server";
import { emailRewardIssued, emailRewardRevoked } from "~/email/events.server";
import { kickOutbox } from "~/email/outbox.server";
import { rewardTerms } from "./reward-terms";
import { cancelMilestoneReward, decideMilestone, MILESTONE_SOURCE } from "./milestones.server";
import { variantIncentive, withIncentive } from "~/experiments/incentive.server";
import { feeAmount, partnerFeeReward, partnerFeeTerms } from "~/partners/fees.server";
import { ReferrerKind } from "~/partners/kinds";
import type { Referral } from "~/generated/sqlite/client";

// The reward jobs, each named here with its handler; the domain asks for them
// through the request functions, never by writing a job kind itself.
export const RELEASE_JOB = "release-referral";
export const ISSUE_JOB = "issue-reward";
export const REVOKE_JOB = "revoke-reward";

/** Asks for a referral's hold to end at `at`: the release job then approves it and decides its reward. */
export function requestRelease(db: Db, { shop, referralId, at, now = at }: { shop: string; referralId: string; at: Date; now?: Date }) {
  return enqueueJob(db, { shop, kind: RELEASE_JOB, key: referralId, availableAt: at }, now);
}

/** Asks for a reward that is (or may be) in Shopify to be taken back by the revoke job. */
export function requestRevoke(db: Db, { shop, rewardId, now }: { shop: string; rewardId: string; now: Date }) {
  return enqueueJob(db, { shop, kind: REVOKE_JOB, key: rewardId, availableAt: now }, now);
}

/** The hold is over: approve the referral and decide its reward (job "release-referral", key = referral id). */
export async function releaseReferral(ctx: JobContext) {
  const { db, shop } = ctx;
  const referral = await db.referral.findFirst({ where: { id: ctx.key, shop }, include: { referrer: true } });
  if (referral?.status === ReferralStatus.APPROVED) {
    // A run that died after approving, before scheduling the issue, is retried
    // here: schedule it (idempotent), or the reward would stay PENDING for ever.
    // The second-tier fee decided with it too.
    const rewards = await db.reward.findMany({ where: { shop, OR: [{ referralId: referral.id }, { sourceKey: `second-tier:${referral.id}` }] } });
    for (const reward of rewards) {
      if (reward.status === RewardStatus.PENDING || reward.status === RewardStatus.ISSUING) {
        await enqueueJob(db, { shop, kind: ISSUE_JOB, key: reward.id, availableAt: ctx.now() });
      }
    }
    return;
  }
  if (!referral || referral.status !== ReferralStatus.PENDING) return;
  // Flagged by a fraud rule: only the merchant's decision releases it (clearReview asks again).
  if (waitsForReview(referral)) return;
  const now = ctx.now();
  if (referral.holdUntil && referral.holdUntil > now) {
    // Run early (e.g. re-requested): come back when the hold really ends.
    await enqueueJob(db, { shop, kind: ctx.kind, key: ctx.key, availableAt: referral.holdUntil });
    return;
  }
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) throw new PermanentError("The shop has no program any more");

  const decided = await decideReward(db, { shop, referral, program, now });
  const rewardIds = await db.$transaction(async (tx) => {
    const approved = await tx.referral.updateMany({
      where: {
        id: referral.id,
        shop,
        status: ReferralStatus.PENDING,
        // Not held for review meanwhile (a rule that fired while this job ran).
        OR: [{ reviewStatus: null }, { reviewStatus: { not: ReviewStatus.WAITING } }],
        // A partner's fee is worked out on the refunds read: none recorded meanwhile.
        ...(decided.partner ? { refundedAmount: referral.refundedAmount } : {}),
      },
      data: { status: ReferralStatus.APPROVED, approvedAt: now },
    });
    if (approved.count === 0) return null; // Reversed, approved or refunded meanwhile.
    await recordAudit(tx, { shop, referralId: referral.id, referrerId: referral.referrerId, action: "referral.approved", fromStatus: ReferralStatus.PENDING, toStatus: ReferralStatus.APPROVED, cause: ctx.cause, detail: `Hold of ${program.holdDays} days over` });
    // A partner's fee of nothing (the order refunded in full) is not recorded: the refund reverses the referral.
    if (decided.partner && !decided.reward.value.greaterThan(0)) return [];
    const { reward, detail } = decided;
    const created = await tx.reward.create({
      data: { shop, referrerId: referral.referrerId, referralId: referral.id, ...reward, status: RewardStatus.PENDING },
    });
    await recordAudit(tx, { shop, referralId: referral.id, rewardId: created.id, referrerId: referral.referrerId, action: "reward.created", toStatus: RewardStatus.PENDING, cause: ctx.cause, detail });
    const feeId = await decideSecondTierFee(tx, { program, referral, cause: ctx.cause });
    return feeId ? [created.id, feeId] : [created.id];
  });
  if (rewardIds === null) {
    // A refund recorded while this ran changed a partner's fee: decide it again from the refunds as they are.
    const current = await db.referral.findFirst({ where: { id: referral.id, shop }, select: { status: true } });
    if (decided.partner && current?.status === ReferralStatus.PENDING) await enqueueJob(db, { shop, kind: ctx.kind, key: ctx.key, availableAt: now });
    return;
  }
  for (const rewardId of rewardIds) await enqueueJob(db, { shop, kind: ISSUE_JOB, key: rewardId, availableAt: now });
}

/**
 * The reward a referral earns: a partner's fee for a partner's referral (in
 * place of the program's reward: app/partners/fees.server.ts), else the reward
 * of the experiment variant the referral was made in, if any (the referrer's
 * promise), else the program's.
 */
async function decideReward(
  db: Db,
  { shop, referral, program, now }: { shop: string; referral: Referral & { referrer: { kind: string } }; program: ProgramRow; now: Date },
) {
  // A customer referrer who became a partner: orders placed before keep the customer reward they were promised.
  const becamePartner = referral.referrer.kind === ReferrerKind.PARTNER ? await db.partner.findFirst({ where: { shop, referrerId: referral.referrerId }, select: { createdAt: true } }) : null;
  const orderedAt = referral.orderCreatedAt ?? referral.createdAt;
  if (referral.referrer.kind === ReferrerKind.PARTNER && !(becamePartner && orderedAt < becamePartner.createdAt)) {
    const terms = await partnerFeeTerms(db, { shop, referrerId: referral.referrerId, program });
    const amount = feeAmount(terms, referral, program.currencyCode);
    return { partner: true, reward: partnerFeeReward(amount, program.currencyCode), detail: amount.detail };
  }
  const variant = await variantIncentive(db, shop, referral.variantId);
  const reward = { ...rewardFor(withIncentive(program, variant), referral.currencyCode, now), variantId: variant?.id ?? null };
  return { partner: false, reward, detail: `${reward.kind} ${reward.value.toString()}${reward.valueType === "PERCENTAGE" ? "%" : ` ${reward.currencyCode}`}` };
}


export function rewardFor(program: ProgramRow, currencyCode: string, now: Date) {
  return rewardTerms({ kind: program.rewardKind, value: program.rewardValue }, program, currencyCode, now);
}

/** Issues a decided reward in Shopify (job "issue-reward", key = reward id). */
export async function issueReward(ctx: JobContext) {
  const { db, shop } = ctx;
  const reward = await findReward(db, shop, ctx.key);
  if (!reward || (reward.status !== RewardStatus.PENDING && reward.status !== RewardStatus.ISSUING)) return;
  if (reward.referral && reward.referral.status === ReferralStatus.REVERSED) {
    await db.reward.updateMany({ where: { id: reward.id, shop, status: RewardStatus.PENDING }, data: { status: RewardStatus.CANCELLED, reason: "The referral was reversed" } });
    return;
  }
  const now = ctx.now();
  // A milestone reward: the referral that reached the milestone (the event names its order).
  const trigger =
    reward.source === MILESTONE_SOURCE && reward.triggerReferralId
      ? await db.referral.findFirst({ where: { id: reward.triggerReferralId, shop }, select: { id: true, status: true, orderId: true, orderName: true } })
      : null;
  if (trigger?.status === ReferralStatus.REVERSED && reward.status === RewardStatus.PENDING) {
    // Reversed before this reward was claimed: it is not given (milestones.server.ts). If
    // another run claimed it meanwhile (ISSUING), the cancel finds nothing and that run issues it.
    const reason = "The referral that reached the milestone was reversed before the reward was issued";
    await cancelMilestoneReward(db, { shop, reward, reason, cause: ctx.cause, now });
    return;
  }
  if (reward.status === RewardStatus.PENDING) {
    const claimed = await db.reward.updateMany({
      where: { id: reward.id, shop, status: RewardStatus.PENDING },
      data: { status: RewardStatus.ISSUING, attemptedAt: now },
    });
    if (claimed.count === 0) return; // Cancelled meanwhile.
  }
  // From here the reward is ISSUING: a crash leaves it so, and the retry below
  // looks for what an earlier attempt may have created before creating anything.
  // A reward found ISSUING is such a retry; one claimed just now is a first attempt.
  const earlierAttemptAt = reward.status === RewardStatus.ISSUING ? (reward.attemptedAt ?? now) : null;
  let shopifyId: string | null = null;
  try {
    if (reward.kind === "CODE") shopifyId = await issueRewardCode(await ctx.admin(), reward);
    if (reward.kind === "STORE_CREDIT") shopifyId = await creditStore(ctx, reward, earlierAttemptAt);
  } catch (error) {
    // Retrying cannot help (Shopify refused the input, or there is no account to
    // credit): park the reward as FAILED for the merchant, with the reason.
    if (error instanceof PermanentError || error instanceof ShopifyUserError) {
      await failReward(ctx, reward, error.message);
      return;
    }
    throw error;
  }

  let deliveries = 0;
  let milestoneRewardId: string | null = null;
  await countedTransaction(db, shop, async (tx, changes) => {
    const issued = await tx.reward.updateMany({
      where: { id: reward.id, shop, status: RewardStatus.ISSUING },
      data: { status: RewardStatus.ISSUED, shopifyId, issuedAt: now },
    }).catch((error: unknown) => {
      // (shop, shopifyId) is unique: another reward's retry claimed the same
      // store credit transaction first. Ours is another one: look again.
      if (isUniqueViolation(error)) throw new Error(`Store credit transaction ${shopifyId} is another reward's; looking for this reward's own`);
      throw error;
    });
    if (issued.count) {
      // A partner's percentage fee may have been lowered by a refund since it was read.
      const value = reward.feeRate ? (await tx.reward.findFirstOrThrow({ where: { id: reward.id, shop }, select: { value: true } })).value : reward.value;
      changes.issuedReward({ ...reward, value }, 1);
      const program = await tx.program.findUnique({ where: { shop }, select: { rewardReminderDays: true } });
      await emailRewardIssued(tx, reward, program?.rewardReminderDays ?? 0, now);
      const source = reward.referral ?? trigger;
      const referral = source ? { id: source.id, orderId: source.orderId, orderName: source.orderName } : null;
      deliveries = await recordEvent(
        tx,
        shop,
        { type: "referral.rewarded", key: `rewarded:${reward.id}`, referrerId: reward.referrerId, referralId: referral?.id ?? null, rewardId: reward.id, occurredAt: now, data: { reward: rewardFacts({ ...reward, value }), referral } },
        now,
      );
    }
    await recordAudit(tx, { shop, rewardId: reward.id, referralId: reward.referralId, referrerId: reward.referrerId, action: "reward.issued", fromStatus: RewardStatus.ISSUING, toStatus: RewardStatus.ISSUED, cause: ctx.cause, detail: shopifyId });
    if (reward.referralId) {
      const rewarded = await tx.referral.updateMany({
        where: { id: reward.referralId, shop, status: ReferralStatus.APPROVED },
        data: { status: ReferralStatus.REWARDED, rewardedAt: now },
      });
      if (rewarded.count) {
        if (reward.referral) changes.add({ at: reward.referral.createdAt, channel: reward.referral.channel, rewarded: 1 });
        await recordAudit(tx, { shop, referralId: reward.referralId, referrerId: reward.referrerId, action: "referral.rewarded", fromStatus: ReferralStatus.APPROVED, toStatus: ReferralStatus.REWARDED, cause: ctx.cause });
        // One more successful referral: did it reach a milestone? Decided here, with
        // the change that counts it, and issued by this same job kind, asked for in
        // this transaction (a crash after the commit cannot lose it).
        milestoneRewardId = await decideMilestone(tx, { shop, referrerId: reward.referrerId, referralId: reward.referralId, cause: ctx.cause, now });
        if (milestoneRewardId) await tx.job.create({ data: { shop, kind: ISSUE_JOB, key: milestoneRewardId, availableAt: now } });
      }
    }
  });
  await kickOutbox(db, shop, now, now);
  if (deliveries > 0) await kickEvents(db, shop, now, now);
  if (milestoneRewardId) nudgeWorker();
}

async function failReward(ctx: WorkContext, reward: RewardWithReferrer, reason: string) {
  const { db, shop } = ctx;
  await db.$transaction(async (tx) => {
    await tx.reward.updateMany({ where: { id: reward.id, shop, status: RewardStatus.ISSUING }, data: { status: RewardStatus.FAILED, reason } });
    if (reward.referralId) await tx.referral.updateMany({ where: { id: reward.referralId, shop }, data: { needsReview: true } });
    await recordAudit(tx, { shop, rewardId: reward.id, referralId: reward.referralId, referrerId: reward.referrerId, action: "reward.failed", fromStatus: RewardStatus.ISSUING, toStatus: RewardStatus.FAILED, cause: ctx.cause, detail: reason });
  });
}


async function issueRewardCode(admin: AdminClient, reward: RewardWithReferrer): Promise<string> {
  const code = reward.code!;
  const lookup = async () => {
    const found = await admin.query(DISCOUNT_BY_CODE, { code });
    return found.codeDiscountNodeByCode?.id ?? null;
  };
  const existing = await lookup();
  if (existing) return existing;
  const value =
    reward.valueType === "PERCENTAGE"
      ? // Divided as Decimal: 14.3 / 100 in floating point is 0.14300000000000002.
        { percentage: toDecimal(reward.value).div(100).toNumber() }
      : { discountAmount: { amount: reward.value.toString(), appliesOnEachItem: false } };
  // A free-product milestone reward: 100% off that one product, nothing else in the cart.
  const items = reward.productId ? { products: { productsToAdd: [reward.productId] } } : { all: true };
  const customerId = reward.referrer.customerId;
  const data = await admin.mutate(
    REWARD_CODE_CREATE,
    {
      discount: {
        title: `Referral reward for ${reward.referrer.code}`,
        code,
        startsAt: (reward.attemptedAt ?? new Date()).toISOString(),
        endsAt: reward.expiresAt?.toISOString() ?? null,
        usageLimit: 1,
        appliesOncePerCustomer: true,
        // Only the referrer can use it; a guest referrer (no account) gets a single-use code.
        context: customerId ? { customers: { add: [customerId] } } : { all: "ALL" as const },
        customerGets: { value, items },
        combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: true },
      },
    },
    {
      verify: async () => {
        const id = await lookup();
        return id ? { discountCodeBasicCreate: { codeDiscountNode: { id }, userErrors: [] } } : null;
      },
    },
  );
  const id = data.discountCodeBasicCreate?.codeDiscountNode?.id;
  if (!id) throw new Error("Shopify returned no discount for the reward code");
  return id;
}

/**
 * Takes back the reward of a reversed referral (job "revoke-reward", key = reward id):
 * an unused code is deactivated, store credit still available is debited; what
 * cannot be taken back is flagged on the referral for the merchant.
 */
export async function revokeRewardJob(ctx: JobContext) {
  const { db, shop } = ctx;
  const reward = await findReward(db, shop, ctx.key);
  if (!reward) return;
  if (reward.status === RewardStatus.ISSUING) throw new Error("The reward is still being issued; trying again later");
  if (reward.status === RewardStatus.PENDING) {
    await db.reward.updateMany({ where: { id: reward.id, shop, status: RewardStatus.PENDING }, data: { status: RewardStatus.CANCELLED } });
    return;
  }
  if (reward.status !== RewardStatus.ISSUED && reward.status !== RewardStatus.PAID) return;
  const now = ctx.now();
  let outcome: RevocationOutcome;
  if (reward.kind === "CODE") outcome = await revokeCode(await ctx.admin(), reward);
  else if (reward.kind === "STORE_CREDIT") outcome = await debitStore(ctx, reward);
  else outcome = reward.status === RewardStatus.PAID ? { revoked: false, note: "The cash fee was already paid out" } : { revoked: true, note: "Cash fee cancelled before payout" };

  let deliveries = 0;
  await countedTransaction(db, shop, async (tx, changes) => {
    // The debit is claimed with the outcome, so no later run takes it for its own or debits again.
    if (outcome.debitId) await tx.reward.updateMany({ where: { id: reward.id, shop }, data: { revokeShopifyId: outcome.debitId } });
    let keptAs = reward.status;
    if (outcome.revoked) {
      const marked = await markRevoked(tx, reward, outcome.note, now);
      if (marked === "paid") {
        outcome = { revoked: false, note: "The cash fee was paid out while it was being taken back" };
        keptAs = RewardStatus.PAID;
      }
      if (marked === "revoked") {
        changes.issuedReward(reward, -1);
        await emailRewardRevoked(tx, reward, now);
        deliveries = await recordEvent(
          tx,
          shop,
          { type: "reward.revoked", key: `revoked:${reward.id}`, referrerId: reward.referrerId, referralId: reward.referralId, rewardId: reward.id, occurredAt: now, data: { reward: rewardFacts(reward), reason: outcome.note } },
          now,
        );
      }
    }
    if (!outcome.revoked && reward.referralId) {
      await tx.referral.updateMany({ where: { id: reward.referralId, shop }, data: { needsReview: true } });
    }
    await recordAudit(tx, {
      shop,
      rewardId: reward.id,
      referralId: reward.referralId,
      referrerId: reward.referrerId,
      action: outcome.revoked ? "reward.revoked" : "reward.kept",
      fromStatus: reward.status,
      toStatus: outcome.revoked ? RewardStatus.REVOKED : keptAs,
      cause: ctx.cause,
      detail: outcome.note,
    });
  });
  if (outcome.revoked) await kickOutbox(db, shop, now, now);
  if (deliveries > 0) await kickEvents(db, shop, now, now);
}

/**
 * Marks a reward taken back, if it is still issued ("gone": a concurrent run
 * took it back first). A cash fee is taken back only while unpaid: a payout
 * that paid it meanwhile wins ("paid"); taken back, it leaves its open payout
 * batch (whose total counts the fees still owed).
 */
async function markRevoked(tx: Prisma.TransactionClient, reward: RewardWithReferrer, reason: string, now: Date): Promise<"revoked" | "paid" | "gone"> {
  const cash = reward.kind === "CASH";
  const revoked = await tx.reward.updateMany({
    where: { id: reward.id, shop: reward.shop, status: cash ? RewardStatus.ISSUED : { in: ISSUED_REWARD_STATUSES } },
    data: { status: RewardStatus.REVOKED, revokedAt: now, reason, ...(cash ? { payoutBatchId: null } : {}) },
  });
  if (revoked.count) return "revoked";
  const current = cash ? await tx.reward.findFirst({ where: { id: reward.id, shop: reward.shop }, select: { status: true } }) : null;
  return current?.status === RewardStatus.PAID ? "paid" : "gone";
}

async function revokeCode(admin: AdminClient, reward: RewardWithReferrer) {
  const found = await admin.query(DISCOUNT_BY_CODE, { code: reward.code! });
  const node = found.codeDiscountNodeByCode;
  if (!node) return { revoked: true, note: "The reward code no longer exists in Shopify" };
  const discount = node.codeDiscount as { asyncUsageCount?: number; status?: string };
  if ((discount.asyncUsageCount ?? 0) > 0) return { revoked: false, note: "The reward code was already used: review this referral" };
  if (discount.status !== "EXPIRED") {
    await admin.mutate(DISCOUNT_DEACTIVATE, { id: node.id }, { verify: async () => null });
  }
  return { revoked: true, note: "Unused reward code deactivated" };
}

/** A reward outside any referral, decided by the program's current settings and issued by the usual job. */
export async function issueManualReward({ db, shop, referrerId, cause, reason, now = new Date() }: MerchantAction) {
  const [referrer, program] = await Promise.all([
    db.referrer.findFirst({ where: { id: referrerId, shop }, select: { id: true } }),
    db.program.findUnique({ where: { shop } }),
  ]);
  if (!referrer || !program) return null;
  const reward = await db.reward.create({
    data: { shop, referrerId, source: "MANUAL", ...rewardFor(program, program.currencyCode, now), status: RewardStatus.PENDING, reason },
  });
  await recordAudit(db, { shop, referrerId, rewardId: reward.id, action: "reward.created", toStatus: RewardStatus.PENDING, cause, detail: `Issued by hand: ${reason}` });
  await enqueueJob(db, { shop, kind: ISSUE_JOB, key: reward.id, availableAt: now }, now);
  return reward;
}
