// Partner states and the fields of the partner forms. Import-free: shared by
// the server, the admin pages and the storefront pages.

export const PartnerStatus = {
  /** Invited by the merchant: becomes APPROVED when they accept the agreement. */
  INVITED: "INVITED",
  /** Applied on the public partner page: waits for the merchant. */
  APPLIED: "APPLIED",
  APPROVED: "APPROVED",
  DECLINED: "DECLINED",
  /** The merchant ended the agreement: the link stops, fees already earned are still paid. */
  ENDED: "ENDED",
} as const;
export type PartnerStatus = (typeof PartnerStatus)[keyof typeof PartnerStatus];
export const PARTNER_STATUSES = Object.values(PartnerStatus);

/** Why a partner's referrer row is DISABLED (Referrer.disabledReason). */
export const PartnerLinkPause = {
  /** Not approved yet, or the current agreement version is not accepted: back once it is. */
  AGREEMENT: "PARTNER_AGREEMENT",
  /** Declined or ended by the merchant. */
  ENDED: "PARTNER_ENDED",
} as const;

export { FEE_KINDS, type FeeKind } from "./kinds";

/** The fields of the application and invitation forms, and their limits. */
export const PARTNER_FIELD_LIMITS = {
  name: 120,
  businessName: 160,
  email: 254,
  website: 300,
  pitch: 2000,
  payoutEmail: 254,
  signature: 120,
} as const;
export type PartnerField = keyof typeof PARTNER_FIELD_LIMITS | "accepted" | "feeKind" | "feeValue" | "groupId" | "body" | "groupName" | "agreement";

/**
 * Why a field was refused, as a code each page translates:
 * required, too_long, invalid_email, invalid_url, invalid_number, too_large,
 * taken, unknown, changed (the agreement shown is no longer current), none (no agreement published).
 */
export type FieldError = "required" | "too_long" | "invalid_email" | "invalid_url" | "invalid_number" | "too_large" | "taken" | "unknown" | "changed" | "none";
export type FieldErrors = Partial<Record<PartnerField, FieldError>>;
