// The emails the app sends, what each may say (placeholders) and which ones a
// person can opt out of. Import-free: shared by the server, the admin page and tests.

export const EMAIL_KINDS = [
  "INVITATION",
  "YOUR_LINK",
  "FRIEND_ORDERED",
  "REWARD_ISSUED",
  "REWARD_REMINDER",
  "REWARD_REVOKED",
  "CODE_CHANGED",
  "MERCHANT_DIGEST",
  "PARTNER_INVITED",
  "PARTNER_APPROVED",
  "PARTNER_SIGN_IN",
  "PARTNER_AGREEMENT_CHANGED",
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/**
 * The emails to the businesses of the partner program (app/email/partner-events.server.ts):
 * each carries a one-time sign-in link to the partner portal, read from its
 * payload, and needs no referrer.
 */
export const PARTNER_EMAIL_KINDS = ["PARTNER_INVITED", "PARTNER_APPROVED", "PARTNER_SIGN_IN", "PARTNER_AGREEMENT_CHANGED"] as const satisfies readonly EmailKind[];
export type PartnerEmailKind = (typeof PARTNER_EMAIL_KINDS)[number];

export function isPartnerEmailKind(kind: string): kind is PartnerEmailKind {
  return (PARTNER_EMAIL_KINDS as readonly string[]).includes(kind);
}

/**
 * Mail that is not to shoppers, so it goes from the app even when the
 * merchant's Klaviyo flows send the shopper emails: the merchant's digest,
 * and the partner emails (a business's sign-in link and agreement, which no
 * Klaviyo flow receives).
 */
export const NOT_SHOPPER_MAIL: ReadonlySet<EmailKind> = new Set(["MERCHANT_DIGEST", ...PARTNER_EMAIL_KINDS]);
/** A test send from the Emails page: rendered as the kind it tests, with sample values. */
export const TEST_KIND = "TEST";

export function isEmailKind(value: unknown): value is EmailKind {
  return typeof value === "string" && (EMAIL_KINDS as readonly string[]).includes(value);
}

/**
 * Essential mail goes even to someone who unsubscribed: it tells them about
 * their own money (a reward, a reward taken back) or answers what they just
 * asked for (their link), or replaces the code they share (a code changed
 * after a leak: without it their friends' old code stops working unannounced).
 * A partner's sign-in link they asked for, their approval, and a new
 * agreement version (their link is paused until they accept it) are
 * essential too; the merchant's invitation to become a partner is not.
 * Everything else carries a one-click unsubscribe.
 */
export const ESSENTIAL: ReadonlySet<EmailKind> = new Set([
  "YOUR_LINK",
  "REWARD_ISSUED",
  "REWARD_REVOKED",
  "CODE_CHANGED",
  "PARTNER_APPROVED",
  "PARTNER_SIGN_IN",
  "PARTNER_AGREEMENT_CHANGED",
]);

/** On unless the merchant switched them off; the digest only when switched on. */
export const ON_BY_DEFAULT: ReadonlySet<EmailKind> = new Set(EMAIL_KINDS.filter((k) => k !== "MERCHANT_DIGEST"));

export const PLACEHOLDERS = [
  "referrer_first_name",
  "friend_offer",
  "reward",
  "link",
  "code",
  "expires_on",
  "reward_date",
  "shop_name",
  "old_code",
  "partner_name",
  "business_name",
  "expires_at",
  "agreement_version",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

const PLACEHOLDER = /\{([a-z_]+)\}/g;

const REFERRER: Placeholder[] = ["referrer_first_name", "friend_offer", "reward", "link", "code", "shop_name"];
const PARTNER: Placeholder[] = ["partner_name", "business_name", "link", "expires_at", "shop_name"];
/** What each email can fill in (a reward's {code} is the reward code, when the reward is one). */
export const KIND_PLACEHOLDERS: Record<EmailKind, readonly Placeholder[]> = {
  INVITATION: REFERRER,
  YOUR_LINK: REFERRER,
  FRIEND_ORDERED: [...REFERRER, "reward_date"],
  REWARD_ISSUED: [...REFERRER, "expires_on"],
  REWARD_REMINDER: [...REFERRER, "expires_on"],
  REWARD_REVOKED: REFERRER,
  // {code} and {link} are the new ones; {expires_on} is the last day of the old code.
  CODE_CHANGED: [...REFERRER, "old_code", "expires_on"],
  MERCHANT_DIGEST: ["shop_name"],
  // {link} is the partner's one-time sign-in link; {expires_at} when it stops working (date and time).
  PARTNER_INVITED: PARTNER,
  PARTNER_APPROVED: PARTNER,
  PARTNER_SIGN_IN: PARTNER,
  PARTNER_AGREEMENT_CHANGED: [...PARTNER, "agreement_version"],
};

/** The placeholders a text uses that the app does not know (a typo the merchant must fix), or that this email cannot fill in. */
export function unknownPlaceholders(text: string, kind?: EmailKind): string[] {
  const allowed: readonly string[] = kind ? KIND_PLACEHOLDERS[kind] : PLACEHOLDERS;
  const unknown = new Set<string>();
  for (const [, name] of text.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(name)) unknown.add(`{${name}}`);
  }
  return [...unknown];
}

/**
 * Fills {placeholders} in one pass (a value that itself contains "{link}" is
 * not filled again), each value passed through `escape` first.
 */
export function fill(text: string, values: PlaceholderValues, escape: (s: string) => string = (s) => s): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as Placeholder];
    return value === undefined ? whole : escape(value);
  });
}

/** The languages the default texts are written in. */
export const EMAIL_LOCALES = ["en", "hi", "mt", "es", "fr", "de"] as const;
export type EmailLocale = (typeof EMAIL_LOCALES)[number];

/**
 * The first candidate the app has texts for ("fr-CA" -> "fr"), else English.
 * Candidates in order: the recipient's language, the shop's primary locale.
 */
export function pickLocale(...candidates: (string | null | undefined)[]): EmailLocale {
  for (const candidate of candidates) {
    const language = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (language && (EMAIL_LOCALES as readonly string[]).includes(language)) return language as EmailLocale;
  }
  return "en";
}
