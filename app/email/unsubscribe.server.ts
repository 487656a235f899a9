// One-click unsubscribe (RFC 8058): each non-essential email carries a link
// signed for its shop and recipient, which works without login, and a POST to
// it (what mail clients send for List-Unsubscribe-Post) unsubscribes at once.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";

export const UNSUBSCRIBED = "UNSUBSCRIBED";
export const UNDELIVERABLE = "UNDELIVERABLE";

function signature(secret: string, shop: string, emailKey: string): string {
  return createHmac("sha256", `${secret}\nemail-unsubscribe`).update(`${shop}\n${emailKey}`).digest("base64url").slice(0, 32);
}

/** The token in an unsubscribe link: shop, recipient key and their signature. */
export function unsubscribeToken(secret: string, shop: string, emailKey: string): string {
  return Buffer.from(JSON.stringify([shop, emailKey, signature(secret, shop, emailKey)])).toString("base64url");
}

/** The link in an email; `lang` only chooses the language of the page it opens. */
export function unsubscribeUrl(appUrl: string, secret: string, shop: string, emailKey: string, lang?: string): string {
  return `${appUrl}/email/unsubscribe/${unsubscribeToken(secret, shop, emailKey)}${lang ? `?lang=${encodeURIComponent(lang)}` : ""}`;
}

/** The shop and recipient a token names, or null when it is not one the app signed. */
export function readUnsubscribeToken(secret: string, token: string): { shop: string; emailKey: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === "string")) return null;
  const [shop, emailKey, given] = parsed as [string, string, string];
  const expected = Buffer.from(signature(secret, shop, emailKey));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return { shop, emailKey };
}

/** Records that the address must not get this shop's mail (kept if already recorded, an unsubscribe wins over nothing). */
export async function suppress(db: Db, input: { shop: string; emailKey: string; reason: typeof UNSUBSCRIBED | typeof UNDELIVERABLE; detail?: string | null }) {
  const { shop, emailKey } = input;
  const existing = await db.emailSuppression.findUnique({ where: { shop_emailKey: { shop, emailKey } } });
  if (existing) return existing;
  try {
    return await db.emailSuppression.create({ data: { shop, emailKey, reason: input.reason, detail: input.detail ?? null } });
  } catch (error) {
    if (isUniqueViolation(error)) return db.emailSuppression.findUnique({ where: { shop_emailKey: { shop, emailKey } } });
    throw error;
  }
}
