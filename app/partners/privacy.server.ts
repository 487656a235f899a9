// A partner's personal data under the privacy webhooks (app/referrals/privacy.server.ts):
// a partner is a business, but its contact is a person, found by email.
import type { Prisma } from "~/db.server";

type Tx = Prisma.TransactionClient;

/** The partners of the shop a privacy request names: by email, or through their referrer row. */
export function partnersOf(tx: Tx, shop: string, { emailKeys, referrerIds }: { emailKeys: string[]; referrerIds: string[] }) {
  return tx.partner.findMany({
    where: { shop, OR: [{ emailKey: { in: emailKeys } }, { referrerId: { in: referrerIds } }] },
    include: { acceptances: { orderBy: { acceptedAt: "asc" } } },
    orderBy: { createdAt: "asc" },
  });
}

/** What the app holds about them as a partner, for customers/data_request. */
export function partnerReport(partner: Awaited<ReturnType<typeof partnersOf>>[number]) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    partnerId: partner.id,
    status: partner.status,
    name: partner.name,
    businessName: partner.businessName,
    email: partner.email,
    website: partner.website,
    howTheyRefer: partner.pitch,
    payoutEmail: partner.payoutEmail,
    appliedOrInvitedAt: iso(partner.createdAt),
    decidedAt: iso(partner.decidedAt),
    // The agreement versions they accepted: the name they typed; their address only as a keyed hash.
    acceptances: partner.acceptances.map((a) => ({ version: a.version, signedName: a.signature, acceptedAt: iso(a.acceptedAt), addressHashHeld: a.ipHash !== null })),
  };
}

/**
 * Erases the partners' personal data (contact, email, website, pitch, signed
 * names, address hashes, sign-in links). The row stays as an anonymous shell
 * (redactedAt): the fees it earned and was paid still add up, and its link
 * stops (refreshPartnerLink treats an erased partner as ended). The business
 * name goes too: a sole trader's business is often their own name.
 */
export async function erasePartners(tx: Tx, shop: string, partnerIds: string[], now: Date): Promise<number> {
  if (!partnerIds.length) return 0;
  for (const id of partnerIds) {
    await tx.partner.updateMany({
      where: { id, shop },
      data: { name: "", businessName: "", email: "", emailKey: `erased:${id}`, website: null, pitch: null, payoutEmail: null, locale: null, decisionNote: null, redactedAt: now },
    });
  }
  await tx.agreementAcceptance.updateMany({ where: { shop, partnerId: { in: partnerIds } }, data: { signature: "", ipHash: null } });
  await tx.partnerSignIn.deleteMany({ where: { shop, partnerId: { in: partnerIds } } });
  return partnerIds.length;
}
