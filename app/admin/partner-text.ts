// The Partners pages' words for what the domain answers in codes: a field's
// refusal (app/partners/status.ts FieldError) and a fee. Client-safe.
import { formatMoney, numberFormat } from "~/i18n/format";
import type { Messages } from "~/i18n/messages";
import { PARTNER_FIELD_LIMITS, PartnerStatus, type FieldError } from "~/partners/status";

/**
 * The longest text each field takes: the partner fields' limits, a group's
 * name (saveGroup) and the agreement (agreement.server.ts MAX_AGREEMENT_LENGTH).
 */
export const FIELD_LIMITS: Record<string, number> = { ...PARTNER_FIELD_LIMITS, groupName: 80, body: 50_000 };

/** The message for `code` on `field`, in the admin's language; `feeKind` tells which bound a too large fee passed. */
export function fieldErrorText(t: Messages, field: string, code: FieldError | string, feeKind?: string): string {
  const e = t.partners.errors;
  switch (code) {
    case "required":
      return e.required[field] ?? e.requiredOther;
    case "too_long":
      return e.tooLong(FIELD_LIMITS[field] ?? 0);
    case "invalid_email":
      return e.invalidEmail;
    case "invalid_url":
      return e.invalidUrl;
    case "invalid_number":
      return e.invalidNumber;
    case "too_large":
      return feeKind === "FIXED" ? e.tooLargeAmount : e.tooLargePercent;
    case "taken":
      return field === "groupName" ? e.groupTaken : e.emailTaken;
    case "unknown":
      return field === "groupId" ? e.groupUnknown : e.kindUnknown;
    case "changed":
      return e.agreementChanged;
    case "none":
      return e.agreementNone;
    default:
      return e.requiredOther;
  }
}

/** Every refused field's message. */
export function fieldErrorTexts(t: Messages, errors: Record<string, string> | undefined, feeKind?: string): Record<string, string> {
  return Object.fromEntries(Object.entries(errors ?? {}).map(([field, code]) => [field, fieldErrorText(t, field, code, feeKind)]));
}

/** A fee as the merchant reads it: "10%", "12.5%", "$15.00". */
export function feeText(fee: { kind: string; value: string }, currencyCode: string, locale: string): string {
  if (fee.kind === "FIXED") return formatMoney(fee.value, currencyCode, locale);
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(Number(fee.value) / 100);
}

/** The Partners list's tabs, applications to review first. */
export type PartnerTab = PartnerStatus | "ALL";
export const PARTNER_TABS: PartnerTab[] = [PartnerStatus.APPLIED, PartnerStatus.APPROVED, PartnerStatus.INVITED, PartnerStatus.DECLINED, PartnerStatus.ENDED, "ALL"];

export function partnerTab(value: string | null): PartnerTab {
  return PARTNER_TABS.includes(value as PartnerTab) ? (value as PartnerTab) : "ALL";
}
