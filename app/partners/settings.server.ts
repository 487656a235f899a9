// The program's partner settings: the fee of a partner with no fee of their
// own and no group, and whether the public partner page takes applications.
import { recordAudit } from "~/referrals/audit.server";
import { parseFee, type PartnerAction } from "./partners.server";
import type { FieldErrors } from "./status";

export type PartnerProgramOutcome = { ok: true } | { ok: false; errors: FieldErrors } | { ok: false; reason: "no-program" };

/** Saves the default partner fee (a kind and a value, both required) and whether applications are open. */
export async function savePartnerProgram(action: PartnerAction, input: Record<string, unknown>): Promise<PartnerProgramOutcome> {
  const { db, shop, cause } = action;
  const fee = parseFee(input, { required: true });
  if (!fee.ok) return { ok: false, errors: fee.errors };
  const open = input.applicationsOpen === "true" || input.applicationsOpen === "on" || input.applicationsOpen === true;
  const before = await db.program.findUnique({ where: { shop }, select: { partnerFeeKind: true, partnerFeeValue: true, partnerApplicationsOpen: true } });
  if (!before) return { ok: false, reason: "no-program" };
  const data = { partnerFeeKind: fee.fee.feeKind!, partnerFeeValue: fee.fee.feeValue!, partnerApplicationsOpen: open };
  await db.program.updateMany({ where: { shop }, data });
  await recordAudit(db, {
    shop,
    action: "partner-program.changed",
    cause,
    detail: `fee ${before.partnerFeeKind} ${before.partnerFeeValue.toString()} -> ${data.partnerFeeKind} ${data.partnerFeeValue}; applications ${before.partnerApplicationsOpen ? "open" : "closed"} -> ${open ? "open" : "closed"}`,
  });
  return { ok: true };
}
