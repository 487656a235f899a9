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

export type MarkPaidOutcome =
  | { kind: "paid"; count: number }
  /** The fees shown are no longer exactly what is owed (paid, revoked or changed meanwhile): nothing was paid. */
  | { kind: "changed" };

/**
 * Marks paid exactly the fees the merchant was shown (`rewardIds`, adding up to
 * `amount`), all or none: if any of them is no longer approved and unpaid, or
 * they no longer add up to `amount`, nothing is paid. A fee approved since the
 * page was loaded is left owed. Null when the referrer is not the shop's.
 */
export async function markPaid({
  db,
  shop,
  referrerId,
  rewardIds,
  amount,
  reference,
  cause,
  now = new Date(),
}: {
  db: Db;
  shop: string;
  referrerId: string;
  rewardIds: string[];
  amount: string;
  reference: string;
  cause: string;
  now?: Date;
}): Promise<MarkPaidOutcome | null> {
  const referrer = await db.referrer.findFirst({ where: { id: referrerId, shop }, select: { id: true } });
  if (!referrer) return null;
  const ids = [...new Set(rewardIds)];
  // A form that does not name fees and their total cannot match what is owed.
  if (!ids.length || !/^\d+(\.\d+)?$/.test(amount)) return { kind: "changed" };
  const shown = toDecimal(amount);
  return db.$transaction(async (tx) => {
    const owed = await tx.reward.findMany({
      where: { shop, referrerId, kind: "CASH", status: RewardStatus.ISSUED, id: { in: ids } },
      select: { id: true, referralId: true, value: true },
    });
    const total = owed.reduce((sum, r) => sum.plus(r.value), new Decimal(0));
    if (owed.length !== ids.length || !total.equals(shown)) return { kind: "changed" as const };
    const changed = await tx.reward.updateMany({
      where: { shop, referrerId, kind: "CASH", status: RewardStatus.ISSUED, id: { in: ids } },
      data: { status: RewardStatus.PAID, paidAt: now, payoutReference: reference },
    });
    // One of them was revoked or paid between the read and the update: pay none of them.
    if (changed.count !== ids.length) throw new PayoutChanged();
    for (const reward of owed) {
      await recordAudit(tx, { shop, referrerId, rewardId: reward.id, referralId: reward.referralId, action: "reward.paid", fromStatus: RewardStatus.ISSUED, toStatus: RewardStatus.PAID, cause, detail: reference });
    }
    return { kind: "paid" as const, count: owed.length };
  }).catch((error: unknown) => {
    if (error instanceof PayoutChanged) return { kind: "changed" as const };
    throw error;
  });
}

class PayoutChanged extends Error {
  name = "PayoutChanged";
}
