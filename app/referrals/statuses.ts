// The life of a referral and of a reward, in one place.
export const ReferralStatus = {
  PENDING: "PENDING", // attributed, waiting out the hold period
  APPROVED: "APPROVED", // hold over, reward being issued
  REWARDED: "REWARDED",
  REJECTED: "REJECTED", // never qualified (self-referral, minimum, cap...)
  REVERSED: "REVERSED", // qualified, then cancelled or refunded
} as const;
export type ReferralStatus = (typeof ReferralStatus)[keyof typeof ReferralStatus];

export const RewardStatus = {
  PENDING: "PENDING", // decided, not yet sent to Shopify
  ISSUING: "ISSUING", // a call to Shopify is (or was) under way
  ISSUED: "ISSUED",
  REVOKED: "REVOKED", // taken back after the referral was reversed
  CANCELLED: "CANCELLED", // cancelled before it was issued (a referral is REVERSED; its reward is CANCELLED or REVOKED)
  FAILED: "FAILED", // could not be issued; the merchant must look
  PAID: "PAID", // cash fee paid out
} as const;
export type RewardStatus = (typeof RewardStatus)[keyof typeof RewardStatus];

/** Referral states that count towards a referrer's cap. */
export const LIVE_REFERRAL_STATUSES: string[] = [ReferralStatus.PENDING, ReferralStatus.APPROVED, ReferralStatus.REWARDED];
