// The review queue: referrals a fraud rule flagged wait for the merchant's
// approve or reject, with what the rule saw, and are never rewarded
// automatically (the release job leaves them alone). Rules that only suspect
// (the same device as the referrer, another flat of the referrer's building,
// many friends from one address, a code that leaked) hold; rules that know
// (the friend is the referrer) reject, in attribution.server.ts.
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import { recordAudit } from "./audit.server";
import { sameDevice, type DeviceHashes } from "./device";
import { ReferralStatus } from "./statuses";

export const REVIEW_RULES = ["LEAK", "DEVICE", "ADDRESS_NEAR", "IP_CLUSTER"] as const;
export type ReviewRule = (typeof REVIEW_RULES)[number];

export const ReviewStatus = { WAITING: "WAITING", CLEARED: "CLEARED" } as const;

/** Friends of one referrer ordering from one network address within the hold period, from which they are held. */
export const IP_CLUSTER_FRIENDS = 3;

export interface HoldInput {
  shop: string;
  referralId: string;
  rule: ReviewRule;
  evidence: Record<string, unknown>;
  cause: string;
  now?: Date;
}

/**
 * Flags a referral for `rule` with its evidence, once per referral and rule
 * (a second call, a retried job, changes nothing). A pending referral then
 * waits for review, even one the merchant cleared of another rule before; one
 * already decided (approved, rewarded, rejected, reversed) keeps the flag as
 * information only. Returns whether this call added the flag.
 */
export async function holdForReview(db: Db, input: HoldInput): Promise<boolean> {
  const { shop, referralId, rule } = input;
  const referral = await db.referral.findFirst({ where: { id: referralId, shop }, select: { id: true, status: true, referrerId: true } });
  if (!referral) return false;
  try {
    await db.$transaction(async (tx) => {
      await tx.referralFlag.create({ data: { shop, referralId, rule, evidence: JSON.stringify(input.evidence).slice(0, 20_000), createdAt: input.now } });
      const held = await tx.referral.updateMany({
        where: { id: referralId, shop, status: ReferralStatus.PENDING },
        data: { reviewStatus: ReviewStatus.WAITING },
      });
      await recordAudit(tx, {
        shop,
        referralId,
        referrerId: referral.referrerId,
        action: held.count ? "referral.held-for-review" : "referral.flagged",
        cause: input.cause,
        detail: `${rule}: ${describe(rule, input.evidence)}`,
      });
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

function describe(rule: ReviewRule, evidence: Record<string, unknown>): string {
  const said = typeof evidence.summary === "string" ? evidence.summary : "";
  return said || RULE_SUMMARY[rule];
}

export const RULE_SUMMARY: Record<ReviewRule, string> = {
  LEAK: "the referrer's code looks leaked",
  DEVICE: "same device as the referrer",
  ADDRESS_NEAR: "ships to the referrer's building",
  IP_CLUSTER: "many friends from one network address",
};

/** Whether the release job must leave the referral alone. */
export function waitsForReview(referral: { reviewStatus: string | null }): boolean {
  return referral.reviewStatus === ReviewStatus.WAITING;
}

// ---------------------------------------------------------------- the rules run on a new referral

export interface NewReferral {
  id: string;
  shop: string;
  referrerId: string;
  orderName: string | null;
  createdAt: Date;
}

export interface ReferrerSignals {
  deviceIpHash: string | null;
  deviceUaHash: string | null;
  deviceSeenAt: Date | null;
  streetHash: string | null;
  addressHash: string | null;
}

export interface OrderSignals {
  device: DeviceHashes;
  streetHash: string | null;
  addressHash: string | null;
  createdAt: Date;
}

/**
 * Runs the suspecting rules on a referral just attributed (pending): the same
 * device the referrer joined from (within the hold period), another flat of
 * the referrer's building, and the IP_CLUSTER_FRIENDS-th friend of the
 * referrer ordering from one network address within the hold period (every
 * pending one of them is held). Idempotent, like holdForReview.
 */
export async function reviewNewReferral(db: Db, input: { referral: NewReferral; referrer: ReferrerSignals; order: OrderSignals; holdDays: number; cause: string; now: Date }) {
  const { referral, referrer, order, holdDays, cause, now } = input;
  const windowMs = Math.max(1, holdDays) * 86_400_000;
  // Windows end at the referral's creation, the clock its neighbours were stamped with.
  const at = referral.createdAt.getTime();
  const base = { shop: referral.shop, cause, now };

  const referrerDevice = { ipHash: referrer.deviceIpHash, uaHash: referrer.deviceUaHash };
  if (referrer.deviceSeenAt && at - referrer.deviceSeenAt.getTime() <= windowMs && sameDevice(referrerDevice, order.device)) {
    await holdForReview(db, {
      ...base,
      referralId: referral.id,
      rule: "DEVICE",
      evidence: { summary: "The order came from the browser and network address the referrer joined from", referrerJoinedAt: referrer.deviceSeenAt.toISOString(), orderAt: order.createdAt.toISOString() },
    });
  }

  if (order.streetHash && referrer.streetHash === order.streetHash && referrer.addressHash !== order.addressHash) {
    await holdForReview(db, {
      ...base,
      referralId: referral.id,
      rule: "ADDRESS_NEAR",
      evidence: { summary: "The order ships to the referrer's building (same street address and postcode, another flat or spelling)" },
    });
  }

  if (order.device.ipHash) {
    const since = new Date(at - windowMs);
    const cluster = await db.referral.findMany({
      where: { shop: referral.shop, referrerId: referral.referrerId, friendIpHash: order.device.ipHash, createdAt: { gte: since } },
      select: { id: true, orderName: true, status: true, createdAt: true },
      orderBy: { createdAt: "asc" },
      take: 50,
    });
    if (cluster.length >= IP_CLUSTER_FRIENDS) {
      const evidence = {
        summary: `${cluster.length} friends of this referrer ordered from one network address within ${holdDays} days`,
        orders: cluster.map((r) => ({ order: r.orderName, at: r.createdAt.toISOString() })),
      };
      for (const member of cluster) await holdForReview(db, { ...base, referralId: member.id, rule: "IP_CLUSTER", evidence });
    }
  }
}
