// The cash referral fee ledger. A CASH reward is decided when its referral's
// hold ends (earned), becomes payable once "issued" (there is nothing to send to
// Shopify: issuing only approves it), and PAID when the merchant records the
// payment with a reference.
import type { Db } from "../db.server";
import { recordAudit } from "../referrals/audit.server";
import { currencyDigits, Decimal, toDecimal } from "../referrals/money";
import { RewardStatus } from "../referrals/statuses";

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
}

export async function payoutLedger(db: Db, shop: string): Promise<{ rows: LedgerRow[]; totals: Omit<LedgerRow, "referrerId" | "name" | "email" | "code"> }> {
  const [groups, program] = await Promise.all([
    db.reward.groupBy({
      by: ["referrerId", "status"],
      where: { shop, kind: "CASH", status: { in: EARNED } },
      _sum: { value: true },
    }),
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
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
      };
    })
    .sort((a, b) => Number(b.approved) - Number(a.approved) || a.name.localeCompare(b.name));
  const total = (key: "earned" | "approved" | "paid") => rows.reduce((sum, r) => sum.plus(r[key]), new Decimal(0)).toFixed(digits);
  return { rows, totals: { earned: total("earned"), approved: total("approved"), paid: total("paid"), currencyCode } };
}

/** Marks every approved, unpaid fee of the referrer paid. Null when the referrer is not the shop's. */
export async function markPaid({ db, shop, referrerId, reference, cause, now = new Date() }: { db: Db; shop: string; referrerId: string; reference: string; cause: string; now?: Date }) {
  const referrer = await db.referrer.findFirst({ where: { id: referrerId, shop }, select: { id: true } });
  if (!referrer) return null;
  const owed = await db.reward.findMany({ where: { shop, referrerId, kind: "CASH", status: RewardStatus.ISSUED }, select: { id: true, referralId: true } });
  let paid = 0;
  for (const reward of owed) {
    const changed = await db.reward.updateMany({
      where: { id: reward.id, shop, status: RewardStatus.ISSUED },
      data: { status: RewardStatus.PAID, paidAt: now, payoutReference: reference },
    });
    if (!changed.count) continue;
    await recordAudit(db, { shop, referrerId, rewardId: reward.id, referralId: reward.referralId, action: "reward.paid", fromStatus: RewardStatus.ISSUED, toStatus: RewardStatus.PAID, cause, detail: reference });
    paid++;
  }
  return paid;
}
