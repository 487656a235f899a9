// The cash referral fee ledger. A CASH reward is decided when its referral's
// hold ends (earned), becomes payable once "issued" (there is nothing to send to
// Shopify: issuing only approves it), and PAID when the merchant records the
// payment with a reference.
import type { Db } from "~/db.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { RewardStatus } from "~/referrals/statuses";

const EARNED = [RewardStatus.PENDING, RewardStatus.ISSUING, RewardStatus.ISSUED, RewardStatus.PAID];

export interface LedgerRow {
  referrerId: string;
  name: string;
  email: string | null;
  code: string;
  earned: string;
  approved: string;
  paid: string;
  currencyCode: string;
  /** The approved, unpaid fees making up `approved`: what "Mark paid" pays, exactly. */
  owedRewardIds: string[];
}

export async function payoutLedger(db: Db, shop: string): Promise<{ rows: LedgerRow[]; totals: Omit<LedgerRow, "referrerId" | "name" | "email" | "code" | "owedRewardIds"> }> {
  const [groups, owed, program] = await Promise.all([
    db.reward.groupBy({
      by: ["referrerId", "status"],
      where: { shop, kind: "CASH", status: { in: EARNED } },
      _sum: { value: true },
    }),
    db.reward.findMany({ where: { shop, kind: "CASH", status: RewardStatus.ISSUED }, select: { id: true, referrerId: true }, orderBy: { id: "asc" } }),
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
  const owedIds = new Map<string, string[]>();
  for (const r of owed) owedIds.set(r.referrerId, [...(owedIds.get(r.referrerId) ?? []), r.id]);
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
  const referrers = await db.referrer.findMany({
    where: { shop, id: { in: [...sums.keys()] } },
    select: { id: true, firstName: true, lastName: true, email: true, code: true },
  });
  const rows = referrers
    .map((r) => {
      const s = sums.get(r.id)!;
      return {
        referrerId: r.id,
        name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email || r.code,
        email: r.email,
        code: r.code,
        earned: s.earned.toFixed(digits),
        approved: s.approved.toFixed(digits),
        paid: s.paid.toFixed(digits),
        currencyCode,
        owedRewardIds: owedIds.get(r.id) ?? [],
      };
    })
    .sort((a, b) => new Decimal(b.approved).comparedTo(a.approved) || a.name.localeCompare(b.name));
  const total = (key: "earned" | "approved" | "paid") => rows.reduce((sum, r) => sum.plus(r[key]), new Decimal(0)).toFixed(digits);
  return { rows, totals: { earned: total("earned"), approved: total("approved"), paid: total("paid"), currencyCode } };
}
