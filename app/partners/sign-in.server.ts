// Partner portal sign-in without a password (docs/decisions/0021): a one-time
// link emailed to the partner, then a short-lived signed session.
//
// The link's token is 32 random bytes; only its SHA-256 is kept
// (PartnerSignIn.tokenHash), so a copy of the database cannot sign anyone in
// with an unused link. A link works once, before it expires, and only on the
// shop it was made for (the app proxy's signed `shop`).
//
// Shopify's app proxy drops cookies, so the portal cannot keep a session in
// one: after the link is redeemed, the session is an HMAC-signed token the
// portal's forms carry (never in a URL), naming the shop, the partner and
// when it ends. It cannot be revoked, so it is short (PORTAL_SESSION_MS), and
// each request checks that the partner may still sign in.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db, Prisma } from "~/db.server";
import { PartnerStatus } from "./status";

type Tx = Prisma.TransactionClient;

/** An emailed sign-in link asked for on the partner page. */
export const SIGN_IN_LINK_MS = 30 * 60_000;
/** A link sent with an invitation, an approval or a new agreement version: the partner may read it days later. */
export const WELCOME_LINK_MS = 7 * 86_400_000;
export const PORTAL_SESSION_MS = 2 * 3_600_000;
/** The app proxy path of the page that redeems a link (app/routes/apps.referrals.partners.sign-in.tsx). */
export const SIGN_IN_PATH = "/apps/referrals/partners/sign-in";

/** Partners who may sign in: invited (to accept the agreement) or approved. */
export const CAN_SIGN_IN: readonly string[] = [PartnerStatus.INVITED, PartnerStatus.APPROVED];

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface NewSignInLink {
  id: string;
  token: string;
  url: string;
  expiresAt: Date;
}

/**
 * Makes a one-time sign-in link for a partner of the shop (inside the caller's
 * transaction when given one), on the storefront's own domain.
 */
export async function createSignInLink(
  db: Db | Tx,
  { shop, partnerId, storefrontOrigin, ttlMs, now }: { shop: string; partnerId: string; storefrontOrigin: string; ttlMs: number; now: Date },
): Promise<NewSignInLink> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ttlMs);
  const row = await db.partnerSignIn.create({ data: { shop, partnerId, tokenHash: hashToken(token), expiresAt, createdAt: now } });
  const url = `${storefrontOrigin.replace(/\/$/, "")}${SIGN_IN_PATH}?${new URLSearchParams({ token })}`;
  return { id: row.id, token, url, expiresAt };
}

export type Redemption = { ok: true; partnerId: string } | { ok: false; reason: "invalid" | "expired" | "used" };

/**
 * Redeems a link: once, before it expires, on its own shop, for a partner who
 * may still sign in. Two tabs redeeming the same link at once: one wins.
 * Another shop's link is "invalid", exactly as a made-up one.
 */
export async function redeemSignIn(db: Db, { shop, token, now }: { shop: string; token: string; now: Date }): Promise<Redemption> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, reason: "invalid" };
  const link = await db.partnerSignIn.findUnique({ where: { tokenHash: hashToken(token) }, include: { partner: { select: { status: true, redactedAt: true } } } });
  if (!link || link.shop !== shop || !CAN_SIGN_IN.includes(link.partner.status) || link.partner.redactedAt) return { ok: false, reason: "invalid" };
  if (link.usedAt) return { ok: false, reason: "used" };
  if (link.expiresAt <= now) return { ok: false, reason: "expired" };
  const claimed = await db.partnerSignIn.updateMany({ where: { id: link.id, shop, usedAt: null }, data: { usedAt: now } });
  if (claimed.count === 0) return { ok: false, reason: "used" };
  return { ok: true, partnerId: link.partnerId };
}

export interface PortalSession {
  shop: string;
  partnerId: string;
  expiresAt: Date;
}

function signature(secret: string, body: string) {
  return createHmac("sha256", secret).update(`partner-portal-v1\u0000${body}`).digest("base64url");
}

export function portalSessionToken(secret: string, { shop, partnerId, now }: { shop: string; partnerId: string; now: Date }): string {
  const body = Buffer.from(JSON.stringify({ s: shop, p: partnerId, e: now.getTime() + PORTAL_SESSION_MS })).toString("base64url");
  return `${body}.${signature(secret, body)}`;
}

export type SessionCheck = { ok: true; session: PortalSession } | { ok: false; reason: "invalid" | "expired" };

/** A session token made by this app for this shop and not expired. */
export function readPortalSession(secret: string, token: string, { shop, now }: { shop: string; now: Date }): SessionCheck {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || body.length > 600) return { ok: false, reason: "invalid" };
  const expected = Buffer.from(signature(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
  let data: { s?: unknown; p?: unknown; e?: unknown };
  try {
    data = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (typeof data.s !== "string" || typeof data.p !== "string" || typeof data.e !== "number") return { ok: false, reason: "invalid" };
  if (data.s !== shop) return { ok: false, reason: "invalid" };
  if (data.e <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, session: { shop: data.s, partnerId: data.p, expiresAt: new Date(data.e) } };
}

/** Sign-in links past their expiry are of no use to anyone: retention deletes them. */
export function deleteExpiredSignIns(db: Db, now: Date) {
  return db.partnerSignIn.deleteMany({ where: { expiresAt: { lt: now } } });
}
