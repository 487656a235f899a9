// What a signed-in partner sees on their portal (the storefront's partner page,
// app/storefront/partners): their link while it works, the agreement to
// accept, the orders they referred and the fees those earned. Every query is
// scoped by the shop and the partner's own referrer row. Nothing about the
// customers they referred leaves here: an order is its name, date, subtotal
// and status, never a name, an email or an address.
import type { Db } from "~/db.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { ReferralStatus, RewardStatus } from "~/referrals/statuses";
import { currentAgreement } from "./partners.server";
import { CAN_SIGN_IN } from "./sign-in.server";
import { effectiveFee, feeAmount, type FeeTerms } from "./fees.server";
import { PARTNER_FEE_SOURCE } from "./kinds";
/** The portal lists this many of the latest referred orders and paid fees; the totals count them all. */
export const PORTAL_LIST_LIMIT = 100;

export interface PortalOrder {
  orderName: string | null;
  placedAt: Date;
  subtotal: string;
  currencyCode: string;
  /** The referral's status (ReferralStatus): the page says it in words. */
  status: string;
}

export interface PortalFee {
  orderName: string | null;
  amount: string;
  currencyCode: string;
  /** Pending: when the order's return window ends. */
  releaseAt: Date | null;
  /** Pending and not decided yet: worked out from the partner's fee as it is now. */
  estimated: boolean;
  approvedAt: Date | null;
  paidAt: Date | null;
  reference: string | null;
}

export interface PortalData {
  partner: { id: string; businessName: string; status: string; locale: string | null };
  program: { shopName: string; currencyCode: string; timezone: string | null; enabled: boolean; linkOnly: boolean; storefrontUrl: string | null };
  /** The partner's referrer row: their link and code (null before the merchant gave them one). */
  referrer: { id: string; code: string; live: boolean } | null;
  agreement: {
    current: { id: string; version: number; body: string } | null;
    /** Their latest acceptance: the version, when, and the name they typed. */
    accepted: { versionId: string; version: number; signature: string; acceptedAt: Date } | null;
    /** The current version is published and not accepted by them: their link is paused until it is. */
    mustAccept: boolean;
  };
  orders: PortalOrder[];
  fees: { pending: PortalFee[]; approved: PortalFee[]; paid: PortalFee[]; totals: { pending: string; approved: string; paid: string }; currencyCode: string };
}

/**
 * The portal of a partner of the shop who may still sign in (invited or
 * approved, not erased); null for anyone else, so a session outliving an
 * ended agreement shows nothing.
 */
export async function partnerPortal(db: Db, { shop, partnerId }: { shop: string; partnerId: string }): Promise<PortalData | null> {
  const partner = await db.partner.findFirst({
    where: { id: partnerId, shop, status: { in: [...CAN_SIGN_IN] }, redactedAt: null },
    include: { group: { select: { feeKind: true, feeValue: true } }, referrer: { select: { id: true, code: true, status: true, redactedAt: true } } },
  });
  if (!partner) return null;
  const [program, current, accepted] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    currentAgreement(db, shop),
    db.agreementAcceptance.findFirst({ where: { shop, partnerId }, orderBy: { acceptedAt: "desc" } }),
  ]);
  if (!program) return null;
  const currencyCode = program.currencyCode;
  const referrer = partner.referrer && !partner.referrer.redactedAt ? partner.referrer : null;
  const activity = referrer ? await referrerActivity(db, shop, referrer.id, currencyCode, effectiveFee(partner, program)) : null;
  return {
    partner: { id: partner.id, businessName: partner.businessName, status: partner.status, locale: partner.locale },
    program: {
      shopName: program.shopName?.trim() || shop.replace(/\.myshopify\.com$/, ""),
      currencyCode,
      timezone: program.timezone,
      enabled: program.enabled,
      linkOnly: program.friendCodeMode === "SINGLE_USE",
      storefrontUrl: program.storefrontUrl,
    },
    referrer: referrer ? { id: referrer.id, code: referrer.code, live: referrer.status === "ACTIVE" } : null,
    agreement: {
      current: current ? { id: current.id, version: current.version, body: current.body } : null,
      accepted: accepted ? { versionId: accepted.versionId, version: accepted.version, signature: accepted.signature, acceptedAt: accepted.acceptedAt } : null,
      mustAccept: current !== null && partner.acceptedVersionId !== current.id,
    },
    orders: activity?.orders ?? [],
    fees: activity?.fees ?? { pending: [], approved: [], paid: [], totals: { pending: zero(currencyCode), approved: zero(currencyCode), paid: zero(currencyCode) }, currencyCode },
  };
}

/** The text of the agreement version the partner accepted last, with their acceptance: what the PDF prints. */
export async function acceptedAgreement(db: Db, { shop, partnerId }: { shop: string; partnerId: string }) {
  const acceptance = await db.agreementAcceptance.findFirst({ where: { shop, partnerId }, orderBy: { acceptedAt: "desc" } });
  if (!acceptance) return null;
  const version = await db.agreementVersion.findFirst({ where: { id: acceptance.versionId, shop } });
  return version ? { version, acceptance } : null;
}

const zero = (currencyCode: string) => new Decimal(0).toFixed(currencyDigits(currencyCode));

/** Referrals that have not earned their fee yet, but may: still in the return window, or approved a moment ago. */
const WAITING: string[] = [ReferralStatus.PENDING, ReferralStatus.APPROVED];
const PENDING_FEE: string[] = [RewardStatus.PENDING, RewardStatus.ISSUING];

async function referrerActivity(db: Db, shop: string, referrerId: string, currencyCode: string, terms: FeeTerms) {
  const digits = currencyDigits(currencyCode);
  const feeWhere = { shop, referrerId, source: PARTNER_FEE_SOURCE, kind: "CASH" };
  const referralFields = { orderName: true, holdUntil: true } as const;
  const [orders, waiting, undecided, approved, paid, paidTotal] = await Promise.all([
    db.referral.findMany({
      where: { shop, referrerId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: PORTAL_LIST_LIMIT,
      select: { orderName: true, orderCreatedAt: true, createdAt: true, subtotalAmount: true, currencyCode: true, status: true },
    }),
    // Waiting referrals whose fee is not decided yet (no fee row).
    db.referral.findMany({
      where: { shop, referrerId, status: { in: WAITING }, reward: { is: null } },
      orderBy: [{ holdUntil: "asc" }, { id: "asc" }],
      select: { orderName: true, holdUntil: true, subtotalAmount: true, refundedAmount: true },
    }),
    db.reward.findMany({ where: { ...feeWhere, status: { in: PENDING_FEE } }, orderBy: { createdAt: "asc" }, include: { referral: { select: referralFields } } }),
    db.reward.findMany({ where: { ...feeWhere, status: RewardStatus.ISSUED }, orderBy: { createdAt: "asc" }, include: { referral: { select: referralFields } } }),
    db.reward.findMany({ where: { ...feeWhere, status: RewardStatus.PAID }, orderBy: [{ paidAt: "desc" }, { id: "desc" }], take: PORTAL_LIST_LIMIT, include: { referral: { select: referralFields } } }),
    db.reward.aggregate({ where: { ...feeWhere, status: RewardStatus.PAID }, _sum: { value: true } }),
  ]);
  const fee = (r: (typeof approved)[number], extra: Partial<PortalFee> = {}): PortalFee => ({
    orderName: r.referral?.orderName ?? null,
    amount: toDecimal(r.value).toFixed(digits),
    currencyCode: r.currencyCode ?? currencyCode,
    releaseAt: null,
    estimated: false,
    approvedAt: r.issuedAt,
    paidAt: r.paidAt,
    reference: r.payoutReference,
    ...extra,
  });
  const pending: PortalFee[] = [
    ...waiting.map((r) => ({
      orderName: r.orderName,
      amount: feeAmount(terms, r, currencyCode).value.toFixed(digits),
      currencyCode,
      releaseAt: r.holdUntil,
      estimated: true,
      approvedAt: null,
      paidAt: null,
      reference: null,
    })),
    ...undecided.map((r) => fee(r, { releaseAt: r.referral?.holdUntil ?? null, approvedAt: null })),
  ];
  const sum = (rows: PortalFee[]) => rows.reduce((total, r) => total.plus(r.amount), new Decimal(0)).toFixed(digits);
  return {
    orders: orders.map((r) => ({
      orderName: r.orderName,
      placedAt: r.orderCreatedAt ?? r.createdAt,
      subtotal: toDecimal(r.subtotalAmount).toFixed(currencyDigits(r.currencyCode)),
      currencyCode: r.currencyCode,
      status: r.status,
    })),
    fees: {
      pending,
      approved: approved.map((r) => fee(r)),
      paid: paid.map((r) => fee(r)),
      totals: { pending: sum(pending), approved: sum(approved.map((r) => fee(r))), paid: toDecimal(paidTotal._sum.value).toFixed(digits) },
      currencyCode,
    },
  };
}
