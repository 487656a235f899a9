// Milestone rewards: besides the per-friend reward, the merchant sets up to
// five milestones ("at 5 successful referrals: $20 store credit"). A successful
// referral is one that reached REWARDED. The referral whose reward makes the
// referrer's count of rewarded referrals equal a milestone's number reaches it,
// in the very transaction that marks it REWARDED (rewards.server.ts): its
// reward is recorded once (Reward.sourceKey, unique per shop, names the
// referrer and the milestone) and issued by the reward job like any other.
// Reversing that referral before its milestone reward is claimed for issuing
// cancels the reward; once claimed (ISSUING) or issued it stays
// (docs/decisions/0018-milestone-rewards.md).
import type { Db, Prisma } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { PRODUCT_BY_IDENTIFIER } from "~/shopify/documents";
import { ShopifyApiError } from "~/shopify/errors";
import { scopeGranted } from "~/shopify/scopes";
import { recordAudit } from "./audit.server";
import { milestoneField, milestoneKey, type MilestoneDraft, type MilestoneErrors, type MilestoneKind } from "./milestone-settings";
import { rewardTerms } from "./reward-terms";
import { ReferralStatus, RewardStatus } from "./statuses";
import { ReferrerKind } from "~/partners/kinds";

type Tx = Prisma.TransactionClient;

export const MILESTONE_SOURCE = "MILESTONE";
/** The optional scope a free-product milestone needs: the product is looked up when the merchant names it. */
export const PRODUCT_SCOPE = "read_products";

export type MilestoneRow = NonNullable<Awaited<ReturnType<Db["milestone"]["findFirst"]>>>;

export function listMilestones(db: Pick<Db, "milestone">, shop: string): Promise<MilestoneRow[]> {
  return db.milestone.findMany({ where: { shop }, orderBy: { referrals: "asc" } });
}

// ---------------------------------------------------------------- settings

export interface ResolvedMilestone {
  referrals: number;
  rewardKind: MilestoneKind;
  rewardValue: string;
  productId: string | null;
  productTitle: string | null;
}

export interface ProductErrorTexts {
  notFound: (n: number) => string;
  access: (n: number) => string;
  unavailable: (n: number) => string;
}

/** What the merchant typed for a product: a gid, a numeric id, a handle, or a product URL ending in its handle. */
export function productIdentifier(typed: string): { id: string } | { handle: string } {
  const text = typed.trim();
  if (/^gid:\/\/shopify\/Product\/\d+$/.test(text)) return { id: text };
  if (/^\d+$/.test(text)) return { id: `gid://shopify/Product/${text}` };
  const path = /\/products\/([^/?#]+)/.exec(text);
  return { handle: decodeURIComponent(path ? path[1] : text).toLowerCase() };
}

/**
 * The products of free-product milestones, looked up in Shopify (read_products,
 * an optional scope: without it the field says to grant it). Errors are keyed
 * by the product field of the milestone they concern.
 */
export async function resolveMilestoneProducts(
  admin: AdminClient,
  { scope, drafts, texts }: { scope: string | null; drafts: MilestoneDraft[]; texts: ProductErrorTexts },
): Promise<{ ok: true; milestones: ResolvedMilestone[] } | { ok: false; errors: MilestoneErrors }> {
  const errors: MilestoneErrors = {};
  const milestones: ResolvedMilestone[] = [];
  for (const [index, draft] of drafts.entries()) {
    const base = { referrals: draft.referrals, rewardKind: draft.rewardKind, rewardValue: draft.rewardValue, productId: null, productTitle: null };
    if (draft.rewardKind !== "FREE_PRODUCT" || !draft.product) {
      milestones.push(base);
      continue;
    }
    const field = milestoneField(index, "product");
    if (!scopeGranted(scope, PRODUCT_SCOPE)) {
      errors[field] = texts.access(index + 1);
      continue;
    }
    try {
      const data = await admin.query(PRODUCT_BY_IDENTIFIER, { identifier: productIdentifier(draft.product) });
      const product = data.productByIdentifier;
      if (!product) errors[field] = texts.notFound(index + 1);
      else milestones.push({ ...base, productId: product.id, productTitle: product.title });
    } catch (error) {
      if (!(error instanceof ShopifyApiError)) throw error;
      const denied = error.details.graphQLErrors?.some((e) => e.extensions?.code === "ACCESS_DENIED");
      errors[field] = denied ? texts.access(index + 1) : texts.unavailable(index + 1);
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, milestones };
}

/**
 * Replaces the shop's milestones with these (by number: a milestone whose
 * number stays keeps its row). Rewards already decided are not touched: they
 * were the milestone's terms when it was reached.
 */
export async function saveMilestones(db: Db, { shop, milestones, cause }: { shop: string; milestones: ResolvedMilestone[]; cause: string }): Promise<void> {
  const before = await listMilestones(db, shop);
  const describe = (list: { referrals: number; rewardKind: string; rewardValue: { toString(): string }; productId: string | null }[]) =>
    JSON.stringify(
      [...list]
        .sort((a, b) => a.referrals - b.referrals)
        .map((m) => ({ referrals: m.referrals, kind: m.rewardKind, value: Number(m.rewardValue.toString()), productId: m.productId })),
    );
  if (describe(before) === describe(milestones)) return;
  await db.$transaction(async (tx) => {
    await tx.milestone.deleteMany({ where: { shop, referrals: { notIn: milestones.map((m) => m.referrals) } } });
    for (const m of milestones) {
      const data = { rewardKind: m.rewardKind, rewardValue: m.rewardValue, productId: m.productId, productTitle: m.productTitle };
      await tx.milestone.upsert({ where: { shop_referrals: { shop, referrals: m.referrals } }, create: { shop, referrals: m.referrals, ...data }, update: data });
    }
    await recordAudit(tx, { shop, action: "program.milestones-updated", cause, detail: describe(milestones) });
  });
}

// ---------------------------------------------------------------- reaching one

/** A referrer's successful referrals: those that reached REWARDED and still stand. */
export function successfulReferrals(db: Pick<Db, "referral">, shop: string, referrerId: string): Promise<number> {
  return db.referral.count({ where: { shop, referrerId, status: ReferralStatus.REWARDED } });
}

/**
 * In the transaction that moved `referralId` to REWARDED: whether it made the
 * referrer reach a milestone, and if so its reward, recorded PENDING once.
 * Returns the new reward's id (the caller asks the issue job for it in the
 * same transaction), or null.
 *
 * The count is taken under the referrer's row lock (a no-op UPDATE: a row lock
 * on PostgreSQL, the write lock on SQLite), which every other milestone
 * decision for this referrer also takes: two referrals rewarded at once are
 * counted one after the other, so each number is reached by exactly one of
 * them. The lock is taken after the referral's row, as reversals and the
 * daily totals take them (referral, then referrer), so none deadlock.
 */
export async function decideMilestone(
  tx: Tx,
  { shop, referrerId, referralId, cause, now }: { shop: string; referrerId: string; referralId: string; cause: string; now: Date },
): Promise<string | null> {
  const milestones = await tx.milestone.count({ where: { shop } });
  if (milestones === 0) return null;
  // Partners are paid a fee per order under their agreement: milestones are for customers.
  const referrer = await tx.referrer.findFirst({ where: { id: referrerId, shop }, select: { kind: true } });
  if (!referrer || referrer.kind === ReferrerKind.PARTNER) return null;
  await tx.referrer.updateMany({ where: { id: referrerId, shop }, data: { referralCount: { increment: 0 } } });
  const count = await successfulReferrals(tx, shop, referrerId);
  const milestone = await tx.milestone.findUnique({ where: { shop_referrals: { shop, referrals: count } } });
  if (!milestone) return null;
  const sourceKey = milestoneKey(referrerId, milestone.referrals);
  // Already reached (say this number again after a reversal): never twice.
  // Checked under the lock; the unique key stays the last word.
  if (await tx.reward.findUnique({ where: { shop_sourceKey: { shop, sourceKey } }, select: { id: true } })) return null;
  const program = await tx.program.findUnique({ where: { shop }, select: { rewardExpiryDays: true, codePrefix: true, currencyCode: true } });
  if (!program) return null;
  // Milestone amounts are set in the shop's currency.
  const terms = rewardTerms({ kind: milestone.rewardKind, value: milestone.rewardValue, productId: milestone.productId }, program, program.currencyCode, now);
  const reward = await tx.reward.create({
    data: {
      shop,
      referrerId,
      source: MILESTONE_SOURCE,
      sourceKey,
      triggerReferralId: referralId,
      ...terms,
      status: RewardStatus.PENDING,
      reason: `Milestone: ${milestone.referrals} successful referrals`,
    },
  });
  const what = milestone.rewardKind === "FREE_PRODUCT" ? `free product ${milestone.productTitle ?? milestone.productId}` : `${terms.kind} ${terms.value.toString()}${terms.valueType === "PERCENTAGE" ? "%" : ` ${terms.currencyCode}`}`;
  await recordAudit(tx, {
    shop,
    referrerId,
    referralId,
    rewardId: reward.id,
    action: "reward.created",
    toStatus: RewardStatus.PENDING,
    cause,
    detail: `Milestone of ${milestone.referrals} successful referrals reached: ${what}`,
  });
  return reward.id;
}

// ---------------------------------------------------------------- reversal

/**
 * Cancels a milestone reward that never started on its way to Shopify
 * (PENDING, or FAILED: Shopify refused it), because the referral that reached
 * it was reversed. Conditional on the status read, so against the issue job's
 * claim (PENDING -> ISSUING) exactly one wins. The cancelled reward gives up
 * its key: the referrer reaches that milestone again with their next
 * successful referral. Returns whether it was cancelled.
 */
export async function cancelMilestoneReward(
  db: Db,
  { shop, reward, reason, cause, now }: { shop: string; reward: { id: string; referrerId: string; status: string; sourceKey: string | null; triggerReferralId: string | null }; reason: string; cause: string; now: Date },
): Promise<boolean> {
  if (reward.status !== RewardStatus.PENDING && reward.status !== RewardStatus.FAILED) return false;
  return db.$transaction(async (tx) => {
    const changed = await tx.reward.updateMany({
      where: { id: reward.id, shop, status: reward.status },
      data: { status: RewardStatus.CANCELLED, reason, revokedAt: now, sourceKey: `${reward.sourceKey}:cancelled:${reward.id}` },
    });
    if (changed.count) {
      await recordAudit(tx, {
        shop,
        referrerId: reward.referrerId,
        rewardId: reward.id,
        referralId: reward.triggerReferralId,
        cause,
        action: "reward.cancelled",
        fromStatus: reward.status,
        toStatus: RewardStatus.CANCELLED,
        detail: `Milestone reward: ${reason}`,
      });
    }
    return changed.count > 0;
  });
}

/**
 * The referral that reached a milestone was reversed: its milestone reward is
 * cancelled if it never started on its way to Shopify (cancelMilestoneReward).
 * One claimed for issuing (ISSUING) or issued stays: the referrer reached the
 * milestone and was (or is being) given it; the audit trail says so.
 */
export async function settleMilestonesOf(db: Db, { shop, referralId, reason, cause, now }: { shop: string; referralId: string; reason: string; cause: string; now: Date }): Promise<void> {
  const rewards = await db.reward.findMany({ where: { shop, triggerReferralId: referralId, source: MILESTONE_SOURCE } });
  for (const reward of rewards) {
    if (await cancelMilestoneReward(db, { shop, reward, reason, cause, now })) continue;
    // Not cancellable, or the issue job claimed it meanwhile: read what it is now.
    const current = await db.reward.findFirst({ where: { id: reward.id, shop }, select: { status: true } });
    const kept: string[] = [RewardStatus.ISSUING, RewardStatus.ISSUED, RewardStatus.PAID];
    if (!current || !kept.includes(current.status)) continue;
    await recordAudit(db, {
      shop,
      referrerId: reward.referrerId,
      rewardId: reward.id,
      referralId,
      cause,
      action: "reward.kept",
      fromStatus: current.status,
      toStatus: current.status,
      detail: `Milestone reward kept: it was ${current.status === RewardStatus.ISSUING ? "being issued" : "issued"} before the referral that reached it was reversed`,
    });
  }
}
