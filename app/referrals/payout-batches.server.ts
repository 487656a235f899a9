// Payout batches: cash fees paid together. A batch takes every approved,
// unpaid cash fee not yet in a batch (Reward kind CASH, status ISSUED), of
// everyone, of partners or of customers; the merchant exports it (CSV,
// PayPal's mass payment file), pays it outside the app, and marks it paid with
// the payment's reference, which pays every fee still in it, all or none. A
// fee taken back while its batch is open leaves it (rewards.server.ts
// markRevoked); an open batch can be voided, its fees owed again (the batch is
// kept as VOID: payout-batch.ts).
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import { ReferrerKind } from "~/partners/kinds";
import { recordAudit } from "./audit.server";
import { currencyDigits, Decimal, toDecimal } from "./money";
import { RewardStatus } from "./statuses";
import { BatchStatus, type BatchRecipients } from "./payout-batch";

export { BatchStatus };

/** The fees a batch holds: owed while it is open, paid with it. */
export const BATCH_FEE_STATUSES: string[] = [RewardStatus.ISSUED, RewardStatus.PAID];

export type CreateBatchOutcome =
  | { kind: "created"; batch: { id: string; number: number }; fees: number; total: string; currencyCode: string }
  | { kind: "nothing-owed" };

class NothingOwed extends Error {
  name = "NothingOwed";
}

/** Which referrers' fees: partners' (a few, read by Referrer's (shop, kind) index), customers' (everyone else's), or all. */
async function recipientFilter(db: Db, shop: string, who: BatchRecipients) {
  if (who === "all") return {};
  const partners = (await db.referrer.findMany({ where: { shop, kind: ReferrerKind.PARTNER }, select: { id: true } })).map((r) => r.id);
  return who === "partners" ? { referrerId: { in: partners } } : partners.length ? { referrerId: { notIn: partners } } : {};
}

/**
 * Puts every approved unpaid cash fee in the shop's currency, not yet in a
 * batch, into a new open batch numbered after the shop's last. Two creations
 * at once: the batch number is unique per shop (the second takes the next
 * one), and a fee is taken only while it has no batch, in one conditional
 * update (the second finds it taken). Nothing owed: no batch.
 */
export async function createBatch({
  db,
  shop,
  cause,
  now = new Date(),
  who = "all",
}: {
  db: Db;
  shop: string;
  cause: string;
  now?: Date;
  who?: BatchRecipients;
}): Promise<CreateBatchOutcome> {
  const program = await db.program.findUnique({ where: { shop }, select: { currencyCode: true } });
  if (!program) return { kind: "nothing-owed" };
  const { currencyCode } = program;
  const owed = { shop, kind: "CASH", status: RewardStatus.ISSUED, payoutBatchId: null, currencyCode, ...(await recipientFilter(db, shop, who)) };
  const digits = currencyDigits(currencyCode);
  for (let attempt = 0; attempt < 5; attempt++) {
    // Read before the transaction, which then starts by writing (SQLite shared by processes: see enrolment).
    const last = await db.payoutBatch.findFirst({ where: { shop }, orderBy: { number: "desc" }, select: { number: true } });
    try {
      return await db.$transaction(async (tx) => {
        const batch = await tx.payoutBatch.create({ data: { shop, number: (last?.number ?? 0) + 1, status: BatchStatus.OPEN, currencyCode, createdAt: now, createdBy: cause } });
        const put = await tx.reward.updateMany({ where: owed, data: { payoutBatchId: batch.id } });
        if (put.count === 0) throw new NothingOwed();
        const sum = await tx.reward.aggregate({ where: { shop, payoutBatchId: batch.id, status: RewardStatus.ISSUED }, _sum: { value: true }, _count: { _all: true } });
        const total = toDecimal(sum._sum.value).toFixed(digits);
        await recordAudit(tx, { shop, action: "payout-batch.created", toStatus: BatchStatus.OPEN, cause, detail: `Payout batch #${batch.number} (${who}): ${sum._count._all} fees, ${total} ${currencyCode}` });
        return { kind: "created" as const, batch: { id: batch.id, number: batch.number }, fees: sum._count._all, total, currencyCode };
      });
    } catch (error) {
      if (error instanceof NothingOwed) return { kind: "nothing-owed" };
      // Another creation took this number first: take the next.
      if (isUniqueViolation(error)) continue;
      throw error;
    }
  }
  throw new Error("Could not number a new payout batch: other batches kept being created; try again");
}

export type MarkBatchPaidOutcome =
  | { kind: "paid"; number: number; count: number }
  /** Its fees no longer add up to what the merchant was shown (revoked, lowered by a refund): nothing was paid. */
  | { kind: "changed"; number: number }
  /** Marked paid already (a second submit of the same form finds it so): nothing more was paid. */
  | { kind: "already-paid"; number: number; reference: string | null }
  | { kind: "void"; number: number };

class BatchMoved extends Error {
  name = "BatchMoved";
}

/**
 * Marks an open batch paid with the payment's reference: every fee still in
 * it becomes PAID, all or none, and only if they add up to `amount`, the total
 * the merchant was shown and paid. Null when the batch is not the shop's.
 */
export async function markBatchPaid({
  db,
  shop,
  batchId,
  reference,
  amount,
  cause,
  now = new Date(),
}: {
  db: Db;
  shop: string;
  batchId: string;
  reference: string;
  amount: string;
  cause: string;
  now?: Date;
}): Promise<MarkBatchPaidOutcome | null> {
  const batch = await db.payoutBatch.findFirst({ where: { id: batchId, shop } });
  if (!batch) return null;
  const { number } = batch;
  const settled = () => db.payoutBatch.findFirstOrThrow({ where: { id: batch.id, shop } }).then((b) => (b.status === BatchStatus.PAID ? { kind: "already-paid" as const, number, reference: b.reference } : { kind: "void" as const, number }));
  if (batch.status !== BatchStatus.OPEN) return settled();
  if (!/^\d+(\.\d+)?$/.test(amount)) return { kind: "changed", number };
  const shown = toDecimal(amount);
  try {
    return await db.$transaction(async (tx) => {
      // The batch first: of two submits at once, the second waits for the first and finds the batch paid.
      const closed = await tx.payoutBatch.updateMany({ where: { id: batch.id, shop, status: BatchStatus.OPEN }, data: { status: BatchStatus.PAID, reference, paidAt: now, paidBy: cause } });
      if (closed.count === 0) throw new BatchMoved("settled");
      const fees = await tx.reward.findMany({ where: { shop, payoutBatchId: batch.id, status: RewardStatus.ISSUED }, select: { id: true, referrerId: true, referralId: true, value: true } });
      const total = fees.reduce((sum, f) => sum.plus(f.value), new Decimal(0));
      if (fees.length === 0 || !total.equals(shown)) throw new BatchMoved("changed");
      const ids = fees.map((f) => f.id);
      const paid = await tx.reward.updateMany({ where: { shop, payoutBatchId: batch.id, status: RewardStatus.ISSUED, id: { in: ids } }, data: { status: RewardStatus.PAID, paidAt: now, payoutReference: reference } });
      // One was taken back between the read and the update: pay none of them.
      if (paid.count !== ids.length) throw new BatchMoved("changed");
      // Or lowered by a refund committed in between (PostgreSQL re-reads a row changed
      // under the update, and pays it at its new value): what is paid must be what was shown.
      if (!(await sumOf(tx, shop, ids)).equals(shown)) throw new BatchMoved("changed");
      for (const fee of fees) {
        await recordAudit(tx, { shop, referrerId: fee.referrerId, rewardId: fee.id, referralId: fee.referralId, action: "reward.paid", fromStatus: RewardStatus.ISSUED, toStatus: RewardStatus.PAID, cause, detail: `Payout batch #${number}: ${reference}` });
      }
      const digits = currencyDigits(batch.currencyCode);
      await recordAudit(tx, { shop, action: "payout-batch.paid", fromStatus: BatchStatus.OPEN, toStatus: BatchStatus.PAID, cause, detail: `Payout batch #${number}: ${fees.length} fees, ${total.toFixed(digits)} ${batch.currencyCode}, reference ${reference}` });
      return { kind: "paid" as const, number, count: fees.length };
    });
  } catch (error) {
    if (!(error instanceof BatchMoved)) throw error;
    return error.message === "settled" ? settled() : { kind: "changed", number };
  }
}

export type VoidBatchOutcome = { kind: "voided"; number: number; released: number } | { kind: "not-open"; number: number };

/** Voids an open batch: its fees are owed again, free for the next batch or a referrer's own payment. Null when not the shop's. */
export async function voidBatch({ db, shop, batchId, cause }: { db: Db; shop: string; batchId: string; cause: string }): Promise<VoidBatchOutcome | null> {
  const batch = await db.payoutBatch.findFirst({ where: { id: batchId, shop }, select: { id: true, number: true } });
  if (!batch) return null;
  return db.$transaction(async (tx) => {
    const voided = await tx.payoutBatch.updateMany({ where: { id: batch.id, shop, status: BatchStatus.OPEN }, data: { status: BatchStatus.VOID } });
    if (voided.count === 0) return { kind: "not-open" as const, number: batch.number };
    const released = await tx.reward.updateMany({ where: { shop, payoutBatchId: batch.id, status: RewardStatus.ISSUED }, data: { payoutBatchId: null } });
    await recordAudit(tx, { shop, action: "payout-batch.voided", fromStatus: BatchStatus.OPEN, toStatus: BatchStatus.VOID, cause, detail: `Payout batch #${batch.number}: ${released.count} fees owed again` });
    return { kind: "voided" as const, number: batch.number, released: released.count };
  });
}

/** The fees' values as they are now, inside the transaction (read after its own update). */
async function sumOf(tx: Pick<Db, "reward">, shop: string, ids: string[]) {
  const rows = await tx.reward.findMany({ where: { shop, id: { in: ids } }, select: { value: true } });
  return rows.reduce((sum, r) => sum.plus(r.value), new Decimal(0));
}
