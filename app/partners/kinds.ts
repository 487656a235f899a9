// What a referrer is, and the reward a partner earns, as the domain and the
// admin pages name them (the pages' client code may import this module).

/** Referrer.kind: a customer of the shop, or a business under a partner agreement. */
export const ReferrerKind = {
  CUSTOMER: "CUSTOMER",
  PARTNER: "PARTNER",
} as const;
export type ReferrerKind = (typeof ReferrerKind)[keyof typeof ReferrerKind];

/** Reward.source of a partner's referral fee. */
export const PARTNER_FEE_SOURCE = "PARTNER_FEE";

/** A fee as a percentage of the referred order's subtotal after refunds, or a fixed amount in the shop's currency. */
export const FEE_KINDS = ["PERCENT", "FIXED"] as const;
export type FeeKind = (typeof FEE_KINDS)[number];
