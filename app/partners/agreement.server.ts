// The partner agreement (docs/decisions/0021): the merchant writes it in the
// admin; each publication is a new, never-edited version, and the latest is
// current. A partner's link works only while they have accepted the current
// version: publishing a change pauses every partner's link until they accept
// it, and emails them a sign-in link to read and accept it.
import type { Db } from "~/db.server";
import { emailPartnerAgreementChanged } from "~/email/partner-events.server";
import { kickOutbox } from "~/email/outbox.server";
import { storefrontOrigin } from "~/email/compose.server";
import { recordAudit } from "~/referrals/audit.server";
import { requestCodeSync } from "~/referrals/code-sync.server";
import { isUniqueViolation } from "~/db-errors";
import { currentAgreement, refreshPartnerLink, type PartnerAction } from "./partners.server";
import { createSignInLink, WELCOME_LINK_MS } from "./sign-in.server";
import { PARTNER_FIELD_LIMITS, PartnerStatus, type FieldErrors } from "./status";

export const MAX_AGREEMENT_LENGTH = 50_000;

export type PublishOutcome = { ok: true; version: number; paused: number } | { ok: false; errors: FieldErrors };

/**
 * Publishes the text as the agreement's next version. `basedOn` is the version
 * the merchant edited (0 for the first): publishing over a version someone else
 * published meanwhile is refused, so nobody's change is lost unseen. The same
 * text as the current version publishes nothing.
 */
export async function publishAgreement(action: PartnerAction, { body, basedOn }: { body: string; basedOn: number }): Promise<PublishOutcome> {
  const { db, shop, cause, now = new Date() } = action;
  const text = body.replace(/\r\n/g, "\n").trim();
  if (!text) return { ok: false, errors: { body: "required" } };
  if (text.length > MAX_AGREEMENT_LENGTH) return { ok: false, errors: { body: "too_long" } };
  const current = await currentAgreement(db, shop);
  if ((current?.version ?? 0) !== basedOn) return { ok: false, errors: { body: "changed" } };
  if (current && current.body === text) return { ok: true, version: current.version, paused: 0 };
  const program = await db.program.findUnique({ where: { shop } });
  const origin = program ? storefrontOrigin(program) : `https://${shop}`;
  let paused = 0;
  try {
    const version = await db.$transaction(async (tx) => {
      const created = await tx.agreementVersion.create({ data: { shop, version: basedOn + 1, body: text, publishedAt: now, publishedBy: cause } });
      await recordAudit(tx, { shop, action: "partner-agreement.published", toStatus: String(created.version), cause, detail: created.id });
      // Everyone who accepted an earlier version: their link pauses until they accept this one.
      const partners = await tx.partner.findMany({ where: { shop, status: PartnerStatus.APPROVED, redactedAt: null } });
      for (const partner of partners) {
        if (await refreshPartnerLink(tx, shop, partner.id, cause)) paused++;
        const link = await createSignInLink(tx, { shop, partnerId: partner.id, storefrontOrigin: origin, ttlMs: WELCOME_LINK_MS, now });
        await emailPartnerAgreementChanged(tx, partner, link, created.version, now);
      }
      return created.version;
    });
    await requestCodeSync(db, shop, now);
    await kickOutbox(db, shop, now, now);
    return { ok: true, version, paused };
  } catch (error) {
    // Another publication of the same next version won the race.
    if (isUniqueViolation(error)) return { ok: false, errors: { body: "changed" } };
    throw error;
  }
}

export type AcceptOutcome = { ok: true; version: number } | { ok: false; errors: FieldErrors };

/**
 * A signed-in partner accepts the version they were shown: their typed name as
 * the signature, the time, a keyed hash of their address. An invited partner
 * becomes APPROVED; the link works again. Accepting the same version twice
 * records it once. A version that is no longer current is refused ("changed":
 * the page shows the new one).
 */
export async function acceptAgreement(
  db: Db,
  { shop, partnerId, version, signature, accepted, ipHash, now = new Date() }: { shop: string; partnerId: string; version: string; signature: string; accepted: boolean; ipHash: string | null; now?: Date },
): Promise<AcceptOutcome> {
  const errors: FieldErrors = {};
  const name = signature.trim();
  if (!name) errors.signature = "required";
  else if (name.length > PARTNER_FIELD_LIMITS.signature) errors.signature = "too_long";
  if (!accepted) errors.accepted = "required";
  const current = await currentAgreement(db, shop);
  if (!current) return { ok: false, errors: { agreement: "none" } };
  if (version !== String(current.version)) errors.agreement = "changed";
  if (Object.keys(errors).length) return { ok: false, errors };
  const partner = await db.partner.findFirst({ where: { id: partnerId, shop, status: { in: [PartnerStatus.INVITED, PartnerStatus.APPROVED] }, redactedAt: null } });
  if (!partner) return { ok: false, errors: { agreement: "none" } };
  const cause = `partner:${partnerId}`;
  try {
    await db.$transaction(async (tx) => {
      await tx.agreementAcceptance.create({ data: { shop, partnerId, versionId: current.id, version: current.version, signature: name, ipHash, acceptedAt: now } });
      // Conditional on what was read: ended or erased meanwhile, nothing is accepted (the whole transaction is undone).
      const changed = await tx.partner.updateMany({
        where: { id: partnerId, shop, status: partner.status, redactedAt: null },
        data: { acceptedVersionId: current.id, acceptedAt: now, ...(partner.status === PartnerStatus.INVITED ? { status: PartnerStatus.APPROVED } : {}) },
      });
      if (changed.count === 0) throw new PartnerChanged();
      if (partner.status === PartnerStatus.INVITED) {
        await recordAudit(tx, { shop, referrerId: partner.referrerId, action: "partner.approved", fromStatus: PartnerStatus.INVITED, toStatus: PartnerStatus.APPROVED, cause, detail: "Invitation accepted" });
      }
      await recordAudit(tx, { shop, referrerId: partner.referrerId, action: "partner-agreement.accepted", toStatus: String(current.version), cause, detail: partnerId });
      await refreshPartnerLink(tx, shop, partnerId, cause);
    });
  } catch (error) {
    if (error instanceof PartnerChanged) return { ok: false, errors: { agreement: "none" } };
    // Accepted already (a double submit): nothing more to record.
    if (!isUniqueViolation(error)) throw error;
  }
  await requestCodeSync(db, shop, now);
  return { ok: true, version: current.version };
}

/** The partner was ended or erased between the read and the acceptance. */
class PartnerChanged extends Error {
  name = "PartnerChanged";
}
