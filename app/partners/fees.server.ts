// A partner's referral fee. It is decided when a referred order's hold ends,
// in place of the program's reward (rewards.server.ts releaseReferral), and
// paid in cash (the payout ledger and payout batches). The fee that applies is
// the partner's own, else their group's, else the program's partner fee. A
// percentage is worked out on the order's subtotal after refunds, and the
// rate is kept on the reward (Reward.feeRate): a partial refund before the fee
// is paid lowers it (reversal.server.ts applyRefunds, lowerPartnerFee below).
import type { Db, Prisma } from "~/db.server";
import { recordAudit } from "~/referrals/audit.server";
import type { StatChanges } from "~/referrals/daily-stats.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { RewardStatus } from "~/referrals/statuses";
import { FEE_KINDS, PARTNER_FEE_SOURCE, type FeeKind } from "./kinds";

type Tx = Prisma.TransactionClient;
type Amount = Decimal | string | number;

export interface FeeSetting {
  feeKind: string | null;
  feeValue: Amount | null;
}

export interface FeeTerms {
  kind: FeeKind;
  value: Decimal;
  /** Whose setting it is: the partner's own, their group's, or the program's. */
  from: "partner" | "group" | "program";
}

const FROM_TEXT: Record<FeeTerms["from"], string> = {
  partner: "the partner's own fee",
  group: "their group's fee",
  program: "the program's partner fee",
};

function settingOf(s: FeeSetting | null | undefined): Omit<FeeTerms, "from"> | null {
  if (!s || s.feeKind === null || s.feeValue === null) return null;
  if (!(FEE_KINDS as readonly string[]).includes(s.feeKind)) return null;
  return { kind: s.feeKind as FeeKind, value: toDecimal(s.feeValue) };
}

/** The fee that applies to a partner (null: a partner row that is gone), whose own setting wins over their group's, which wins over the program's. */
export function effectiveFee(
  partner: (FeeSetting & { group?: FeeSetting | null }) | null,
  program: { partnerFeeKind: string; partnerFeeValue: Amount },
): FeeTerms {
  const own = settingOf(partner);
  if (own) return { ...own, from: "partner" };
  const group = settingOf(partner?.group);
  if (group) return { ...group, from: "group" };
  return { kind: program.partnerFeeKind === "FIXED" ? "FIXED" : "PERCENT", value: toDecimal(program.partnerFeeValue), from: "program" };
}

/** `rate`% of what is left of the subtotal after refunds, rounded half up to the currency's digits; never below zero. */
export function percentFee(rate: Amount, subtotal: Amount, refunded: Amount, currencyCode: string): Decimal {
  const base = Decimal.max(0, toDecimal(subtotal).minus(toDecimal(refunded)));
  return base.times(toDecimal(rate)).dividedBy(100).toDecimalPlaces(currencyDigits(currencyCode), Decimal.ROUND_HALF_UP);
}

export interface FeeAmount {
  value: Decimal;
  /** The percentage, kept so that a refund can lower the fee; null for a fixed fee. */
  feeRate: Decimal | null;
  /** How it was computed, for the audit trail. */
  detail: string;
}

export function feeAmount(terms: FeeTerms, referral: { subtotalAmount: Amount; refundedAmount: Amount }, currencyCode: string): FeeAmount {
  const digits = currencyDigits(currencyCode);
  const fmt = (d: Decimal) => `${d.toFixed(digits)} ${currencyCode}`;
  if (terms.kind === "FIXED") {
    const value = terms.value.toDecimalPlaces(digits, Decimal.ROUND_HALF_UP);
    return { value, feeRate: null, detail: `Partner fee: fixed ${fmt(value)} (${FROM_TEXT[terms.from]})` };
  }
  const subtotal = toDecimal(referral.subtotalAmount);
  const refunded = toDecimal(referral.refundedAmount);
  const value = percentFee(terms.value, subtotal, refunded, currencyCode);
  const base = refunded.isZero() ? `subtotal ${fmt(subtotal)}` : `subtotal ${fmt(subtotal)} minus ${fmt(refunded)} refunded`;
  return { value, feeRate: terms.value, detail: `Partner fee: ${terms.value.toString()}% of ${base} = ${fmt(value)} (${FROM_TEXT[terms.from]})` };
}

/** The fee of the partner behind a referrer of kind PARTNER, as it applies now. */
export async function partnerFeeTerms(
  db: Pick<Db, "partner">,
  { shop, referrerId, program }: { shop: string; referrerId: string; program: { partnerFeeKind: string; partnerFeeValue: Amount } },
): Promise<FeeTerms> {
  const partner = await db.partner.findFirst({
    where: { shop, referrerId },
    select: { feeKind: true, feeValue: true, group: { select: { feeKind: true, feeValue: true } } },
  });
  return effectiveFee(partner, program);
}

/** The Reward row's fields for a partner's fee (issued by the usual job: a cash fee is approved, then paid). */
export function partnerFeeReward(amount: FeeAmount, currencyCode: string) {
  return {
    source: PARTNER_FEE_SOURCE,
    kind: "CASH",
    valueType: "FIXED_AMOUNT",
    value: amount.value,
    currencyCode,
    feeRate: amount.feeRate,
    code: null,
    expiresAt: null,
    productId: null,
    variantId: null,
    reason: amount.detail,
  };
}

/** A fee not yet paid: a refund may still lower it. */
const UNPAID: string[] = [RewardStatus.PENDING, RewardStatus.ISSUING, RewardStatus.ISSUED];

/**
 * In the transaction that records a partial refund of a referral that still
 * stands: its percentage fee, if not paid yet, becomes the rate of what is
 * left of the subtotal. The change is conditional on the fee's status and
 * value as read (the issue job or a payout may move it meanwhile: it is then
 * read again). A fee already paid is left as paid and the referral flagged
 * for the merchant, as a paid reward whose order is refunded is.
 */
export async function lowerPartnerFee(
  tx: Tx,
  changes: StatChanges,
  { shop, referralId, subtotal, refunded, cause }: { shop: string; referralId: string; subtotal: Decimal; refunded: Decimal; cause: string },
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const fee = await tx.reward.findFirst({ where: { shop, referralId, source: PARTNER_FEE_SOURCE, feeRate: { not: null } } });
    if (!fee?.feeRate) return;
    const currencyCode = fee.currencyCode ?? "USD";
    const value = percentFee(fee.feeRate, subtotal, refunded, currencyCode);
    if (value.equals(fee.value)) return;
    const digits = currencyDigits(currencyCode);
    const audit = { shop, referralId, rewardId: fee.id, referrerId: fee.referrerId, cause };
    if (fee.status === RewardStatus.PAID) {
      await tx.referral.updateMany({ where: { id: referralId, shop }, data: { needsReview: true } });
      await recordAudit(tx, {
        ...audit,
        action: "reward.kept",
        fromStatus: fee.status,
        toStatus: fee.status,
        detail: `The partner fee of ${fee.value.toFixed(digits)} ${currencyCode} was paid before this refund; at ${fee.feeRate.toString()}% of what is left it would be ${value.toFixed(digits)} ${currencyCode}: review this referral`,
      });
      return;
    }
    if (!UNPAID.includes(fee.status)) return;
    const changed = await tx.reward.updateMany({ where: { id: fee.id, shop, status: fee.status, value: fee.value }, data: { value } });
    if (changed.count === 0) continue;
    if (fee.status === RewardStatus.ISSUED) {
      changes.issuedReward(fee, -1);
      changes.issuedReward({ ...fee, value }, 1);
    }
    await recordAudit(tx, {
      ...audit,
      action: "reward.fee-lowered",
      fromStatus: fee.status,
      toStatus: fee.status,
      detail: `Partner fee lowered from ${fee.value.toFixed(digits)} to ${value.toFixed(digits)} ${currencyCode}: ${fee.feeRate.toString()}% of ${Decimal.max(0, subtotal.minus(refunded)).toFixed(digits)} ${currencyCode} left after refunds`,
    });
    return;
  }
  throw new Error("The partner fee kept changing while a refund was lowering it; trying again");
}
