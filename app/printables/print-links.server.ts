// Short-lived signed links to a referrer's printables, for the customer
// account page. That page is a UI extension in Shopify's sandbox: it calls the
// app with a session token in a header, which a plain link (a download the
// browser opens) cannot carry, and it is not behind the app proxy, so there is
// no proxy signature either. So its API answers with links that carry their
// own proof: the shop, the referrer, the language and an expiry, signed with
// a key derived from the app secret (docs/decisions/0019-printable-material.md).
// A link works for anyone who has it until it expires, like the referral link
// printed on the page it opens: it shows nothing the referrer did not mean to
// hand out.
import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a link from the account page works: the page is reloaded on each visit, and the link with it. */
export const PRINT_LINK_TTL_MS = 60 * 60_000;

export interface PrintGrant {
  shop: string;
  referrerId: string;
  /** The storefront language of the words on the page. */
  language: string;
  /** The locale tag for numbers and amounts (e.g. "fr-CA"). */
  localeTag: string;
  /** Seconds since the epoch after which the link is refused. */
  expires: number;
}

function signature(secret: string, payload: string): Buffer {
  return createHmac("sha256", `${secret}\nprintables`).update(payload).digest();
}

export function printToken(secret: string, grant: PrintGrant): string {
  const payload = Buffer.from(JSON.stringify([grant.shop, grant.referrerId, grant.language, grant.localeTag, grant.expires])).toString("base64url");
  return `${payload}.${signature(secret, payload).toString("base64url")}`;
}

export type TokenCheck = { ok: true; grant: PrintGrant } | { ok: false; reason: "invalid" | "expired" };

/** The grant a token carries, when the app signed it and it has not expired. */
export function readPrintToken(secret: string, token: string, now: Date): TokenCheck {
  const [payload, given, ...rest] = token.split(".");
  if (!payload || !given || rest.length || token.length > 1024) return { ok: false, reason: "invalid" };
  const expected = signature(secret, payload);
  const actual = Buffer.from(given, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: "invalid" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) return { ok: false, reason: "invalid" };
  const [shop, referrerId, language, localeTag, expires] = parsed as unknown[];
  if (typeof shop !== "string" || typeof referrerId !== "string" || typeof language !== "string" || typeof localeTag !== "string" || typeof expires !== "number") {
    return { ok: false, reason: "invalid" };
  }
  if (now.getTime() / 1000 > expires) return { ok: false, reason: "expired" };
  return { ok: true, grant: { shop, referrerId, language, localeTag, expires } };
}

/** The account page's links: the brochure and the poster, each valid for PRINT_LINK_TTL_MS. */
export function accountPrintLinks(
  appUrl: string,
  secret: string,
  who: Omit<PrintGrant, "expires">,
  now: Date,
): { brochure: string; poster: string; expiresAt: string } {
  const expires = Math.floor((now.getTime() + PRINT_LINK_TTL_MS) / 1000);
  const base = `${appUrl.replace(/\/+$/, "")}/printables/${printToken(secret, { ...who, expires })}`;
  return { brochure: `${base}?kind=brochure`, poster: `${base}?kind=poster`, expiresAt: new Date(expires * 1000).toISOString() };
}
