// Who a payout goes to, as the payout pages and files name them: a partner by
// their business and contact person, paid at their payout email; a customer
// referrer by their name, paid at their email.
import { ReferrerKind } from "~/partners/kinds";

export const RECIPIENT_SELECT = {
  id: true,
  firstName: true,
  lastName: true,
  email: true,
  code: true,
  kind: true,
  partner: { select: { name: true, businessName: true, email: true, payoutEmail: true } },
} as const;

export interface RecipientRow {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  code: string;
  kind: string;
  partner: { name: string; businessName: string; email: string; payoutEmail: string | null } | null;
}

export function isPartner(r: RecipientRow): boolean {
  return r.kind === ReferrerKind.PARTNER;
}

/** "Business (Contact)" for a partner; a customer's name, else their email, else their code. */
export function recipientName(r: RecipientRow): string {
  const partner = isPartner(r) ? r.partner : null;
  if (partner) {
    const business = partner.businessName.trim();
    const contact = partner.name.trim();
    if (business && contact && contact !== business) return `${business} (${contact})`;
    if (business || contact) return business || contact;
  }
  return [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email || r.code;
}

/** Where the money goes: a partner's payout email, else their email; a customer's email. Null when there is none. */
export function payoutEmail(r: RecipientRow): string | null {
  const partner = isPartner(r) ? r.partner : null;
  const email = partner ? partner.payoutEmail?.trim() || partner.email.trim() : r.email?.trim();
  return email || null;
}
