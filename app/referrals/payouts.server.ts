// Paying cash referral fees: the merchant records a payment for exactly the
// fees they were shown, all or none. Fees in an open payout batch are paid
// with their batch (payout-batches.server.ts), never one referrer at a time.
import type { Db } from "~/db.server";
import { recordAudit } from "./audit.server";
import { Decimal, toDecimal } from "./money";
import { RewardStatus } from "./statuses";

export type MarkPaidOutcome =
  | { kind: "paid"; count: number }
  /** The fees shown are no longer exactly what is owed (paid, revoked or changed meanwhile): nothing was paid. */
  | { kind: "changed" };

/**
 * Marks paid exactly the fees the merchant was shown (`rewardIds`, adding up to
 * `amount`), all or none: if any of them is no longer approved and unpaid, was
 * put in a payout batch, or they no longer add up to `amount`, nothing is
 * paid. A fee approved since the page was loaded is left owed. Null when the
 * referrer is not the shop's.
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
  // The update first, then what it paid read back: a transaction that starts by
  // reading fails on SQLite shared by several processes when another one writes
  // in between (SQLITE_BUSY_SNAPSHOT); one that starts by writing waits its turn.
  return db.$transaction(async (tx) => {
    const changed = await tx.reward.updateMany({
      where: { shop, referrerId, kind: "CASH", status: RewardStatus.ISSUED, payoutBatchId: null, id: { in: ids } },
      data: { status: RewardStatus.PAID, paidAt: now, payoutReference: reference },
    });
    // One of them was revoked, paid or batched meanwhile: pay none of them.
    if (changed.count !== ids.length) throw new PayoutChanged();
    // Or its value is not what was shown (lowered by a refund since the page was loaded,
    // or committed under the update on PostgreSQL): what is paid must be what was shown.
    const paid = await tx.reward.findMany({ where: { shop, referrerId, id: { in: ids } }, select: { id: true, referralId: true, value: true } });
    if (!paid.reduce((sum, r) => sum.plus(r.value), new Decimal(0)).equals(shown)) throw new PayoutChanged();
    for (const reward of paid) {
      await recordAudit(tx, { shop, referrerId, rewardId: reward.id, referralId: reward.referralId, action: "reward.paid", fromStatus: RewardStatus.ISSUED, toStatus: RewardStatus.PAID, cause, detail: reference });
    }
    return { kind: "paid" as const, count: paid.length };
  }).catch((error: unknown) => {
    if (error instanceof PayoutChanged) return { kind: "changed" as const };
    throw error;
  });
}

class PayoutChanged extends Error {
  name = "PayoutChanged";
}
