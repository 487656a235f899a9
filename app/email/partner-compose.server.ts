// What a partner email says (app/email/partner-events.server.ts). A partner
// may have no referrer row yet, so everything the email needs travels in the
// message's payload: the person and business as the merchant or the partner
// typed them, and the one-time sign-in link with its expiry. The link's row
// (PartnerSignIn) is read again when sending: a link already used, expired or
// gone is not mailed, and a partner whose data was erased is not mailed at all.
import type { EmailValues } from "./render.server";

/** What queueing a partner email stores; cleared once the message is finished (the URL holds the token). */
export interface PartnerEmailPayload {
  /** The PartnerSignIn row the link signs in with. */
  signInId: string;
  url: string;
  /** ISO time the link stops working. */
  expiresAt: string;
  name: string;
  businessName: string;
  /** The agreement version a "new agreement" email is about. */
  version?: number;
}

/** The sign-in link's row as it is when sending. */
export interface SignInState {
  usedAt: Date | null;
  expiresAt: Date;
  partner: { redactedAt: Date | null };
}

export function partnerPayload(payload: string | null): PartnerEmailPayload | null {
  try {
    const p = JSON.parse(payload ?? "null") as Partial<PartnerEmailPayload> | null;
    const valid =
      p &&
      typeof p.signInId === "string" &&
      typeof p.url === "string" &&
      /^https?:\/\//.test(p.url) &&
      typeof p.expiresAt === "string" &&
      !Number.isNaN(Date.parse(p.expiresAt)) &&
      typeof p.name === "string" &&
      typeof p.businessName === "string" &&
      (p.version === undefined || Number.isInteger(p.version));
    return valid ? (p as PartnerEmailPayload) : null;
  } catch {
    return null;
  }
}

/** The sign-in rows a batch's partner emails name. */
export function signInIds(messages: { kind: string; payload: string | null }[], isPartner: (kind: string) => boolean): string[] {
  const ids = messages.filter((m) => isPartner(m.kind)).map((m) => partnerPayload(m.payload)?.signInId);
  return [...new Set(ids.filter((id): id is string => Boolean(id)))];
}

/** Why this partner email must not go (erase: the partner's data was erased), or null. */
export function partnerLinkProblem(link: SignInState | undefined, now: Date): { reason: string; erase?: boolean } | null {
  if (!link) return { reason: "The sign-in link no longer exists" };
  if (link.partner.redactedAt) return { reason: "The partner's data was erased", erase: true };
  if (link.usedAt) return { reason: "The sign-in link was used already" };
  if (link.expiresAt <= now) return { reason: "The sign-in link expired before it could be sent" };
  return null;
}

/** A link's expiry with its time and zone, in the recipient's language and the shop's time zone. */
export function dateTimeFormatter(locale: string, timeZone: string | null): (at: Date) => string {
  const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
  try {
    const format = new Intl.DateTimeFormat(locale, { ...options, timeZone: timeZone ?? "UTC" });
    return (at) => format.format(at);
  } catch {
    // A time zone this runtime does not know: UTC, said as such.
    const format = new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
    return (at) => format.format(at);
  }
}

/** The email's values from its payload: the button and {link} go to the sign-in link. */
export function partnerValues(p: PartnerEmailPayload, dateTime: (at: Date) => string): EmailValues {
  return {
    partner_name: p.name.trim(),
    business_name: p.businessName.trim(),
    link: p.url,
    button_href: p.url,
    expires_at: dateTime(new Date(p.expiresAt)),
    agreement_version: p.version === undefined ? "" : String(p.version),
  };
}

/** Sample values for a test send or the Emails page's preview: a made-up link that signs nobody in. */
export function samplePartnerValues(storefrontOrigin: string, dateTime: (at: Date) => string, now: Date): EmailValues {
  return partnerValues(
    {
      signInId: "sample",
      url: `${storefrontOrigin}/apps/referrals/partners/sign-in?token=SAMPLE`,
      expiresAt: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      name: "Rita Sample",
      businessName: "Sample Studio",
      version: 2,
    },
    dateTime,
  );
}
