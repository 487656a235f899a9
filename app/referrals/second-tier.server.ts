// The second-tier referral fee, off by default: when it is on, a referrer also
// earns a smaller fee (cash for payout, or store credit) when someone they
// referred, who became a referrer in turn, brings a paying friend. Never deeper
// than two levels: the fee goes to the referrer of the referrer whose friend
// ordered, and to nobody above them.
//
// Multi-level referral schemes are regulated or banned in some places, so the
// merchant turns it on only after reading a plain warning and saying so; the
// acknowledgement (the warning's version, when, who) is kept on the program and
// in the audit trail, and the program terms shown to shoppers then describe it.
//
// The fee is decided when the friend's order qualifies (the same release that
// approves the referral and decides the direct reward, in its transaction),
// once per order whatever retries and duplicate deliveries do (Reward.sourceKey
// is unique), and issued by the same durable job as every reward. Reversing
// the order takes it back like the direct reward.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db, Prisma } from "~/db.server";
import { recordAudit } from "./audit.server";
import { toDecimal } from "./money";
import { LIVE_REFERRAL_STATUSES, RewardStatus } from "./statuses";
import { SECOND_TIER_KINDS, type SecondTierField } from "./second-tier";
import { ReferrerKind } from "~/partners/kinds";

type Tx = Prisma.TransactionClient;


/**
 * The warning the merchant acknowledges, in English: its digest is the version
 * recorded with the acknowledgement, so any change to the text is a new
 * version (the admin shows the same text in the merchant's language, and a
 * test keeps every translation's key in step).
 */
export const SECOND_TIER_WARNING_EN =
  "Paying referrers for the customers that their referred friends bring in is a multi-level referral scheme. " +
  "Such schemes are regulated, and in some countries or states banned, under laws on pyramid selling, multi-level marketing and consumer protection. " +
  "Check the rules of every place you sell to, and ask a lawyer, before you turn this on. " +
  "You are responsible for your program complying with them.";

export const SECOND_TIER_WARNING_VERSION = `w1-${createHash("sha256").update(SECOND_TIER_WARNING_EN).digest("hex").slice(0, 12)}`;

const amount = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+(\.\d{1,4})?$/.test(v) && Number(v) > 0, "Enter an amount greater than 0, like 2 or 2.50");

export const secondTierFormSchema = z.object({
  enabled: z.boolean(),
  kind: z.enum(SECOND_TIER_KINDS, {
    errorMap: () => ({ message: "Choose cash or store credit" }),
  }),
  value: amount,
  acknowledged: z.boolean(),
  // The warning version the page showed: a warning changed meanwhile must be read again.
  warningVersion: z.string().max(40),
});
export type SecondTierForm = z.infer<typeof secondTierFormSchema>;

/** Why a save was refused: the page words each reason in the merchant's language. */
export type SecondTierProblem = "noProgram" | "tooLarge" | "notAcknowledged" | "staleWarning";

export class SecondTierError extends Error {
  constructor(
    message: string,
    readonly field: SecondTierField,
    readonly problem: SecondTierProblem,
    /** For tooLarge: the referrer's own reward, the bound. */
    readonly bound?: { amount: string; currencyCode: string },
  ) {
    super(message);
    this.name = "SecondTierError";
  }
}

/**
 * Saves the second-tier settings. Turning the fee on (from off) needs the
 * acknowledgement of the current warning, recorded with who and when; while it
 * stays on, its amount can change without a new acknowledgement. Turning it
 * off keeps the last acknowledgement on record (the audit trail has each one).
 */
export async function saveSecondTier(db: Db, { shop, form, cause, now = new Date() }: { shop: string; form: SecondTierForm; cause: string; now?: Date }) {
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) throw new SecondTierError("Set up the program first", "enabled", "noProgram");
  // "A smaller fee": below the direct reward when that is an amount. A
  // percentage code's worth depends on the next order: nothing to compare.
  if (form.enabled && program.rewardKind !== "CODE_PERCENTAGE" && !toDecimal(form.value).lessThan(program.rewardValue)) {
    const bound = { amount: toDecimal(program.rewardValue).toString(), currencyCode: program.currencyCode };
    throw new SecondTierError(`The second-tier fee must be smaller than the referrer's own reward (${bound.amount} ${bound.currencyCode})`, "value", "tooLarge", bound);
  }
  const turningOn = form.enabled && !program.secondTierEnabled;
  if (turningOn) {
    if (!form.acknowledged) throw new SecondTierError("Read the warning and confirm it to turn on second-tier fees", "acknowledged", "notAcknowledged");
    if (form.warningVersion !== SECOND_TIER_WARNING_VERSION) throw new SecondTierError("The warning has changed since this page was opened: read it again", "acknowledged", "staleWarning");
  }
  return db.$transaction(async (tx) => {
    const updated = await tx.program.update({
      where: { shop },
      data: {
        secondTierEnabled: form.enabled,
        secondTierKind: form.kind,
        secondTierValue: toDecimal(form.value),
        ...(turningOn
          ? {
              secondTierAckVersion: SECOND_TIER_WARNING_VERSION,
              secondTierAckAt: now,
              secondTierAckBy: cause,
            }
          : {}),
      },
    });
    if (turningOn) {
      await recordAudit(tx, {
        shop,
        action: "program.second-tier-acknowledged",
        cause,
        detail: SECOND_TIER_WARNING_VERSION,
      });
    }
    if (form.enabled !== program.secondTierEnabled || form.kind !== program.secondTierKind || !toDecimal(form.value).equals(program.secondTierValue)) {
      await recordAudit(tx, {
        shop,
        action: form.enabled ? (turningOn ? "program.second-tier-on" : "program.second-tier-changed") : "program.second-tier-off",
        cause,
        detail: `${form.kind} ${toDecimal(form.value).toString()} ${program.currencyCode}`,
      });
    }
    return updated;
  });
}

/** The program's fields this module reads. */
export interface SecondTierProgram {
  secondTierEnabled: boolean;
  secondTierKind: string;
  secondTierValue: Prisma.Decimal;
}

interface QualifiedReferral {
  id: string;
  shop: string;
  createdAt: Date;
  currencyCode: string;
  friendCustomerId: string | null;
  friendEmailKey: string | null;
  referrer: {
    id: string;
    kind: string;
    customerId: string | null;
    emailKey: string | null;
    referredByReferrerId: string | null;
  };
}

/**
 * Who referred the referrer whose friend ordered: the referrer the loop
 * recorded when they joined from their own referred order's thank-you or
 * account page, else the referrer of their own earliest live referred order
 * (they were a referred friend who joined some other way). Null when they were
 * never referred, or when that referrer is disabled, erased, or the buyer.
 */
export async function upstreamReferrer(tx: Tx, referral: QualifiedReferral) {
  const middle = referral.referrer;
  let upstreamId = middle.referredByReferrerId;
  if (!upstreamId) {
    const asFriend = [...(middle.customerId ? [{ friendCustomerId: middle.customerId }] : []), ...(middle.emailKey ? [{ friendEmailKey: middle.emailKey }] : [])];
    if (asFriend.length === 0) return null;
    const first = await tx.referral.findFirst({
      where: {
        shop: referral.shop,
        status: { in: LIVE_REFERRAL_STATUSES },
        createdAt: { lt: referral.createdAt },
        OR: asFriend,
      },
      orderBy: { createdAt: "asc" },
      select: { referrerId: true },
    });
    upstreamId = first?.referrerId ?? null;
  }
  if (!upstreamId || upstreamId === middle.id) return null;
  const upstream = await tx.referrer.findFirst({
    where: {
      id: upstreamId,
      shop: referral.shop,
      status: "ACTIVE",
      redactedAt: null,
    },
    select: { id: true, kind: true, customerId: true, emailKey: true },
  });
  // A partner is paid for the orders they refer, not for their referred friends' referrals.
  if (!upstream || upstream.kind === ReferrerKind.PARTNER) return null;
  // The friend who ordered is the upstream referrer themselves: no fee for buying.
  const isBuyer = (upstream.customerId && upstream.customerId === referral.friendCustomerId) || (upstream.emailKey && upstream.emailKey === referral.friendEmailKey);
  return isBuyer ? null : upstream;
}

/**
 * Decides the second-tier fee of a referral whose hold just ended, in the
 * transaction that approves it: only the run whose approval went through
 * decides, so it is decided once; (shop, sourceKey) being unique is the
 * database's guarantee of the same. Returns the new reward's id, or null (off,
 * or nobody upstream).
 */
export async function decideSecondTierFee(
  tx: Tx,
  {
    program,
    referral,
    cause,
  }: {
    program: SecondTierProgram;
    referral: QualifiedReferral;
    cause: string;
  }
): Promise<string | null> {
  if (!program.secondTierEnabled || toDecimal(program.secondTierValue).lessThanOrEqualTo(0)) return null;
  // A partner's order earns the partner's fee and nothing up the chain: partners stand outside the referral loop.
  if (referral.referrer.kind === ReferrerKind.PARTNER) return null;
  const upstream = await upstreamReferrer(tx, referral);
  if (!upstream) return null;
  const kind = program.secondTierKind === "STORE_CREDIT" ? "STORE_CREDIT" : "CASH";
  const reward = await tx.reward.create({
    data: {
      shop: referral.shop,
      referrerId: upstream.id,
      source: "SECOND_TIER",
      sourceKey: `second-tier:${referral.id}`,
      triggerReferralId: referral.id,
      kind,
      valueType: "FIXED_AMOUNT",
      value: toDecimal(program.secondTierValue),
      currencyCode: referral.currencyCode,
      status: RewardStatus.PENDING,
      reason: "Second-tier fee: a friend they referred brought a paying friend",
    },
  });
  await recordAudit(tx, {
    shop: referral.shop,
    rewardId: reward.id,
    referrerId: upstream.id,
    referralId: referral.id,
    action: "reward.created",
    toStatus: RewardStatus.PENDING,
    cause,
    detail: `Second-tier ${kind} ${reward.value.toString()} ${referral.currencyCode}`,
  });
  return reward.id;
}

/** A history entry's fee ("CASH 2 USD", as the save records it), for the page to word. */
function feeOfDetail(detail: string | null) {
  const [kind, value, currencyCode] = (detail ?? "").split(" ");
  return (SECOND_TIER_KINDS as readonly string[]).includes(kind) && value && currencyCode ? { kind, value, currencyCode } : null;
}

/** The page: the settings, the acknowledgement on record, and the history of both. */
export async function secondTierPage(db: Db, shop: string) {
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) return null;
  const history = await db.auditEvent.findMany({
    where: { shop, action: { startsWith: "program.second-tier" } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
    select: { id: true, action: true, cause: true, detail: true, createdAt: true },
  });
  return {
    enabled: program.secondTierEnabled,
    kind: program.secondTierKind,
    value: toDecimal(program.secondTierValue).toString(),
    currencyCode: program.currencyCode,
    reward: { kind: program.rewardKind, value: toDecimal(program.rewardValue).toString() },
    acknowledgement: program.secondTierAckAt ? { version: program.secondTierAckVersion, at: program.secondTierAckAt.toISOString(), by: program.secondTierAckBy ?? "" } : null,
    warningVersion: SECOND_TIER_WARNING_VERSION,
    history: history.map((e) => ({ ...e, createdAt: e.createdAt.toISOString(), fee: feeOfDetail(e.detail) })),
  };
}

/** The second-tier fees a reversed referral made due: taken back with its own reward. */
export function secondTierFeesOf(db: Db, shop: string, referralId: string) {
  return db.reward.findMany({
    where: { shop, triggerReferralId: referralId, source: "SECOND_TIER" },
    select: { id: true },
  });
}
