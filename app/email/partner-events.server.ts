// The moments the partner program emails a partner (app/partners), each with
// a one-time sign-in link to the partner portal. Each is queued inside the
// caller's transaction when given one (the caller kicks the outbox after it
// commits), keyed by the sign-in link it carries, so reporting it twice
// records one email. What the email says travels in its payload
// (partner-compose.server.ts): a partner may have no referrer row yet. The
// payload holds the link's token, so the outbox clears it once the message
// is finished.
import type { Db, Prisma } from "~/db.server";
import type { PartnerEmailKind } from "./kinds";
import { addToOutbox, type QueueOutcome } from "./outbox.server";
import type { PartnerEmailPayload } from "./partner-compose.server";

type Tx = Prisma.TransactionClient;

export interface PartnerContact {
  id: string;
  shop: string;
  referrerId: string | null;
  email: string;
  name: string;
  businessName: string;
  locale: string | null;
}

export interface SignInLink {
  /** The PartnerSignIn row. */
  id: string;
  url: string;
  expiresAt: Date;
}

function queuePartnerEmail(db: Db | Tx, kind: PartnerEmailKind, key: string, partner: PartnerContact, link: SignInLink, now: Date, version?: number): Promise<QueueOutcome> {
  const payload: PartnerEmailPayload = {
    signInId: link.id,
    url: link.url,
    expiresAt: link.expiresAt.toISOString(),
    name: partner.name,
    businessName: partner.businessName,
    ...(version === undefined ? {} : { version }),
  };
  return addToOutbox(
    db,
    // The partner's language, else (when sending) the shop's primary one.
    { shop: partner.shop, kind, key, recipient: partner.email, locale: partner.locale, referrerId: partner.referrerId, payload },
    now,
  );
}

/** The merchant invited them: what the program is; sign in to read and accept the agreement. Honours an unsubscribe. */
export function emailPartnerInvited(db: Db | Tx, partner: PartnerContact, link: SignInLink, now: Date): Promise<QueueOutcome> {
  return queuePartnerEmail(db, "PARTNER_INVITED", `partner-invited:${link.id}`, partner, link, now);
}

/** Their application was approved: sign in for their link, code and material. */
export function emailPartnerApproved(db: Db | Tx, partner: PartnerContact, link: SignInLink, now: Date): Promise<QueueOutcome> {
  return queuePartnerEmail(db, "PARTNER_APPROVED", `partner-approved:${link.id}`, partner, link, now);
}

/** They asked for a sign-in link on the partner page. */
export function emailPartnerSignIn(db: Db | Tx, partner: PartnerContact, link: SignInLink, now: Date): Promise<QueueOutcome> {
  return queuePartnerEmail(db, "PARTNER_SIGN_IN", `partner-sign-in:${link.id}`, partner, link, now);
}

/** A new agreement version was published: their link is paused until they accept it. */
export function emailPartnerAgreementChanged(db: Db | Tx, partner: PartnerContact, link: SignInLink, version: number, now: Date): Promise<QueueOutcome> {
  return queuePartnerEmail(db, "PARTNER_AGREEMENT_CHANGED", `partner-agreement:${version}:${link.id}`, partner, link, now, version);
}
