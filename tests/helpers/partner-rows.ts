// A partner as the partner module leaves one once approved: a Partner row
// (APPROVED) and its referrer row of kind PARTNER, with a code of its own.
import db from "~/db.server";
import { randomCodePart } from "~/referrals/codes";
import { normaliseEmail } from "~/referrals/email";
import { testClock } from "./admin";

export interface PartnerOptions {
  name?: string;
  businessName?: string;
  email?: string;
  payoutEmail?: string | null;
  feeKind?: "PERCENT" | "FIXED" | null;
  feeValue?: string | null;
  groupId?: string | null;
}

export async function addPartner(shop: string, options: PartnerOptions = {}) {
  const part = randomCodePart(8);
  const email = options.email ?? `partner-${part.toLowerCase()}@example.com`;
  const referrer = await db.referrer.create({
    data: { shop, kind: "PARTNER", status: "ACTIVE", code: `PARTNER-${part}`, email, emailKey: normaliseEmail(email), source: "ADMIN" },
  });
  const partner = await db.partner.create({
    data: {
      shop,
      referrerId: referrer.id,
      status: "APPROVED",
      name: options.name ?? "Pat Jones",
      businessName: options.businessName ?? "Pat's Bikes",
      email,
      emailKey: normaliseEmail(email) ?? email,
      payoutEmail: options.payoutEmail ?? null,
      feeKind: options.feeKind ?? null,
      feeValue: options.feeValue ?? null,
      groupId: options.groupId ?? null,
      // A partner since now on the pipeline's clock: their orders (placed on that clock) earn the fee.
      createdAt: new Date(testClock.now()),
    },
  });
  return { referrer, partner };
}

export function addPartnerGroup(shop: string, { name, feeKind, feeValue }: { name: string; feeKind: "PERCENT" | "FIXED"; feeValue: string }) {
  return db.partnerGroup.create({ data: { shop, name, feeKind, feeValue } });
}
