// The cash referral fee ledger. A CASH reward is decided when its referral's
// hold ends (earned), becomes payable once "issued" (there is nothing to send to
// Shopify: issuing only approves it), and PAID when the merchant records the
// payment with a reference, for one referrer here or for a payout batch
// (app/referrals/payout-batches.server.ts). Fees in an open batch are owed, but
// paid with their batch: "Mark paid" pays the referrer's other fees.
import type { Db } from "~/db.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { RewardStatus } from "~/referrals/statuses";
import { isPartner, payoutEmail, recipientName, RECIPIENT_SELECT } from "./payout-recipients.server";

const EARNED = [RewardStatus.PENDING, RewardStatus.ISSUING, RewardStatus.ISSUED, RewardStatus.PAID];

export interface LedgerRow {
  referrerId: string;
  name: string;
  email: string | null;
  code: string;
  /** A partner (paid a fee under their agreement), not a customer referrer. */
  partner: boolean;
  earned: string;
  approved: string;
  /** The part of `approved` in an open payout batch: paid with the batch. */
  inBatch: string;
  paid: string;
  currencyCode: string;
  /** The approved, unpaid fees in no batch: what "Mark paid" pays, exactly (adding up to approved minus inBatch). */
  owedRewardIds: string[];
  payable: string;
}

type Totals = Pick<LedgerRow, "earned" | "approved" | "inBatch" | "paid" | "currencyCode">;

export async function payoutLedger(db: Db, shop: string): Promise<{ rows: LedgerRow[]; totals: Totals }> {
  const [groups, owed, program] = await Promise.all([
    db.reward.groupBy({
      by: ["referrerId", "status"],
      where: { shop, kind: "CASH", status: { in: EARNED } },
      _sum: { value: true },
    }),
    db.reward.findMany({ where: { shop, kind: "CASH", status: RewardStatus.ISSUED }, select: { id: true, referrerId: true, value: true, payoutBatchId: true }, orderBy: { id: "asc" } }),
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
  const owedIds = new Map<string, string[]>();
  const batched = new Map<string, Decimal>();
  for (const r of owed) {
    if (r.payoutBatchId) batched.set(r.referrerId, (batched.get(r.referrerId) ?? new Decimal(0)).plus(r.value));
    else owedIds.set(r.referrerId, [...(owedIds.get(r.referrerId) ?? []), r.id]);
  }
  const currencyCode = program?.currencyCode ?? "USD";
  const digits = currencyDigits(currencyCode);
  const sums = new Map<string, { earned: Decimal; approved: Decimal; paid: Decimal }>();
  for (const g of groups) {
    const s = sums.get(g.referrerId) ?? { earned: new Decimal(0), approved: new Decimal(0), paid: new Decimal(0) };
    const value = toDecimal(g._sum.value);
    s.earned = s.earned.plus(value);
    if (g.status === RewardStatus.ISSUED) s.approved = s.approved.plus(value);
    if (g.status === RewardStatus.PAID) s.paid = s.paid.plus(value);
    sums.set(g.referrerId, s);
  }
  const referrers = await db.referrer.findMany({ where: { shop, id: { in: [...sums.keys()] } }, select: RECIPIENT_SELECT });
  const rows = referrers
    .map((r) => {
      const s = sums.get(r.id)!;
      const inBatch = batched.get(r.id) ?? new Decimal(0);
      return {
        referrerId: r.id,
        name: recipientName(r),
        email: payoutEmail(r),
        code: r.code,
        partner: isPartner(r),
        earned: s.earned.toFixed(digits),
        approved: s.approved.toFixed(digits),
        inBatch: inBatch.toFixed(digits),
        paid: s.paid.toFixed(digits),
        currencyCode,
        owedRewardIds: owedIds.get(r.id) ?? [],
        payable: s.approved.minus(inBatch).toFixed(digits),
      };
    })
    .sort((a, b) => new Decimal(b.approved).comparedTo(a.approved) || a.name.localeCompare(b.name));
  const total = (key: "earned" | "approved" | "inBatch" | "paid") => rows.reduce((sum, r) => sum.plus(r[key]), new Decimal(0)).toFixed(digits);
  return { rows, totals: { earned: total("earned"), approved: total("approved"), inBatch: total("inBatch"), paid: total("paid"), currencyCode } };
}
