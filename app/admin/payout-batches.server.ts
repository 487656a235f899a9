// What the payouts page and the batch files read of payout batches: the
// newest batches with their totals, and a batch's lines, one per recipient.
import type { Db } from "~/db.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { BATCH_FEE_STATUSES } from "~/referrals/payout-batches.server";
import { isPartner, payoutEmail, recipientName, RECIPIENT_SELECT } from "./payout-recipients.server";
import { paypalRecipient } from "./payout-files.server";

export interface BatchLine {
  /** Unique per shop and line: PayPal's "Customer ID" of the line, the same in both files. */
  payoutId: string;
  referrerId: string;
  name: string;
  partner: boolean;
  email: string | null;
  code: string;
  fees: number;
  amount: string;
  currencyCode: string;
}

export interface BatchSummary {
  id: string;
  number: number;
  status: string;
  createdAt: string;
  reference: string | null;
  paidAt: string | null;
  currencyCode: string;
  fees: number;
  total: string;
  recipients: number;
  /** Recipients with no email PayPal can pay: in the CSV, left out of the PayPal file. */
  withoutEmail: number;
}

const SHOWN = 20;

type BatchRef = { id: string; number: number; currencyCode: string };

/** The fees of these batches per recipient: fees still owed in an open batch, or paid with it. */
async function feesPerRecipient(db: Db, shop: string, batchIds: string[]) {
  if (batchIds.length === 0) return { sums: [], recipients: new Map() };
  const sums = await db.reward.groupBy({
    by: ["payoutBatchId", "referrerId"],
    where: { shop, payoutBatchId: { in: batchIds }, status: { in: BATCH_FEE_STATUSES } },
    _sum: { value: true },
    _count: { _all: true },
  });
  const referrers = await db.referrer.findMany({ where: { shop, id: { in: [...new Set(sums.map((s) => s.referrerId))] } }, select: RECIPIENT_SELECT });
  return { sums, recipients: new Map(referrers.map((r) => [r.id, r])) };
}

/** The batch's lines, one per recipient, in code order (the order their payout ids are numbered in). */
export async function batchLines(db: Db, shop: string, batch: BatchRef): Promise<BatchLine[]> {
  const { sums, recipients } = await feesPerRecipient(db, shop, [batch.id]);
  const digits = currencyDigits(batch.currencyCode);
  return sums
    .flatMap((s) => {
      const r = recipients.get(s.referrerId);
      if (!r) return [];
      return [{ referrerId: r.id, name: recipientName(r), partner: isPartner(r), email: payoutEmail(r), code: r.code, fees: s._count._all, amount: toDecimal(s._sum.value).toFixed(digits), currencyCode: batch.currencyCode }];
    })
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((line, i) => ({ payoutId: `B${batch.number}-${i + 1}`, ...line }));
}

/** The shop's newest batches, with what each holds. */
export async function listBatches(db: Db, shop: string): Promise<BatchSummary[]> {
  const batches = await db.payoutBatch.findMany({ where: { shop }, orderBy: { number: "desc" }, take: SHOWN });
  const { sums, recipients } = await feesPerRecipient(db, shop, batches.map((b) => b.id));
  return batches.map((b) => {
    const mine = sums.filter((s) => s.payoutBatchId === b.id);
    const total = mine.reduce((sum, s) => sum.plus(toDecimal(s._sum.value)), new Decimal(0));
    return {
      id: b.id,
      number: b.number,
      status: b.status,
      createdAt: b.createdAt.toISOString(),
      reference: b.reference,
      paidAt: b.paidAt?.toISOString() ?? null,
      currencyCode: b.currencyCode,
      fees: mine.reduce((n, s) => n + s._count._all, 0),
      total: total.toFixed(currencyDigits(b.currencyCode)),
      recipients: mine.length,
      withoutEmail: mine.filter((s) => {
        const r = recipients.get(s.referrerId);
        return !r || !paypalRecipient(payoutEmail(r));
      }).length,
    };
  });
}
