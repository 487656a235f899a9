// What the admin's Partners pages read: the partners with their figures (a
// shop has hundreds at most, so one list without paging), one partner with
// their history, the agreement's versions, and the partner settings. Figures
// are those of each partner's referrer row: live referrals and their revenue,
// and their fees (CASH rewards with source PARTNER_FEE), summed per referrer
// in grouped queries and added up as Decimal to the currency's precision.
import type { Db } from "~/db.server";
import { storefrontOrigin } from "~/email/compose.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { LIVE_REFERRAL_STATUSES, RewardStatus } from "~/referrals/statuses";
import { referralLink } from "~/storefront/share-text";
import { PARTNER_STATUSES, PartnerStatus, type FeeKind } from "~/partners/status";
import { currentAgreement } from "~/partners/partners.server";
import { effectiveFee, type FeeSetting, type FeeTerms } from "~/partners/fees.server";
import { PARTNER_FEE_SOURCE } from "~/partners/kinds";
import type { PartnerTab } from "./partner-text";

/** Fees that count as earned: decided, being approved, payable or paid (not cancelled or taken back). */
const EARNED = [RewardStatus.PENDING, RewardStatus.ISSUING, RewardStatus.ISSUED, RewardStatus.PAID];
/** More partners than a shop has; past it the list says it shows the newest. */
export const PARTNER_LIST_LIMIT = 1000;
/** The public partner page on the storefront (the app proxy). */
export const PARTNER_PAGE_PATH = "/apps/referrals/partners";

export type FeeSource = "OWN" | "GROUP" | "PROGRAM";
export interface FeeView {
  kind: FeeKind;
  value: string;
  source: FeeSource;
}

const feeKind = (kind: string): FeeKind => (kind === "FIXED" ? "FIXED" : "PERCENT");
const SOURCE: Record<FeeTerms["from"], FeeSource> = { partner: "OWN", group: "GROUP", program: "PROGRAM" };
/** A shop without a program yet: the schema's default partner fee. */
const DEFAULT_PROGRAM = { partnerFeeKind: "PERCENT", partnerFeeValue: "10" };

/** The fee a partner earns (the fee module's rule: their own, else their group's, else the program's), for the page. */
export function feeOf(partner: FeeSetting & { group: FeeSetting | null }, program: { partnerFeeKind: string; partnerFeeValue: Decimal | string } | null): FeeView {
  const fee = effectiveFee(partner, program ?? DEFAULT_PROGRAM);
  return { kind: fee.kind, value: fee.value.toString(), source: SOURCE[fee.from] };
}

export interface PartnerFigures {
  orders: number;
  revenue: string;
  feesEarned: string;
  feesPaid: string;
}

/** Live referred orders, their revenue after refunds, and fees earned and paid, per referrer, in two grouped queries. */
export async function partnerFigures(db: Db, shop: string, referrerIds: string[], currencyCode: string): Promise<Map<string, PartnerFigures>> {
  const digits = currencyDigits(currencyCode);
  const sums = new Map(referrerIds.map((id) => [id, { orders: 0, revenue: new Decimal(0), earned: new Decimal(0), paid: new Decimal(0) }]));
  if (referrerIds.length) {
    const [referrals, fees] = await Promise.all([
      db.referral.groupBy({
        by: ["referrerId"],
        // As the dashboard counts them: live orders, not test orders, revenue after refunds.
        where: { shop, referrerId: { in: referrerIds }, test: false, status: { in: LIVE_REFERRAL_STATUSES } },
        _count: { _all: true },
        _sum: { totalAmount: true, refundedAmount: true },
      }),
      db.reward.groupBy({
        by: ["referrerId", "status"],
        where: { shop, referrerId: { in: referrerIds }, kind: "CASH", source: PARTNER_FEE_SOURCE, status: { in: EARNED } },
        _sum: { value: true },
      }),
    ]);
    for (const r of referrals) {
      const s = sums.get(r.referrerId)!;
      s.orders = r._count._all;
      s.revenue = toDecimal(r._sum.totalAmount).minus(toDecimal(r._sum.refundedAmount));
    }
    for (const f of fees) {
      const s = sums.get(f.referrerId)!;
      s.earned = s.earned.plus(toDecimal(f._sum.value));
      if (f.status === RewardStatus.PAID) s.paid = s.paid.plus(toDecimal(f._sum.value));
    }
  }
  return new Map(
    [...sums].map(([id, s]) => [id, { orders: s.orders, revenue: s.revenue.toFixed(digits), feesEarned: s.earned.toFixed(digits), feesPaid: s.paid.toFixed(digits) }]),
  );
}

const NO_FIGURES = (digits: number): PartnerFigures => ({ orders: 0, revenue: (0).toFixed(digits), feesEarned: (0).toFixed(digits), feesPaid: (0).toFixed(digits) });

/** The agreement a partner accepted last, against the current version. */
function acceptedOf(acceptedVersionId: string | null, versions: Map<string, number>, current: { id: string } | null) {
  if (!acceptedVersionId) return null;
  return { version: versions.get(acceptedVersionId) ?? null, current: acceptedVersionId === current?.id };
}


/** The Partners list: one tab's partners with their figures and the totals, the count of each tab, and what the invite form needs. */
export async function listPartners(db: Db, shop: string, tab: PartnerTab) {
  const [program, current, versions, counts, groups, partners] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { currencyCode: true, partnerFeeKind: true, partnerFeeValue: true } }),
    currentAgreement(db, shop),
    db.agreementVersion.findMany({ where: { shop }, select: { id: true, version: true } }),
    db.partner.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    db.partnerGroup.findMany({ where: { shop }, orderBy: { name: "asc" }, select: { id: true, name: true, feeKind: true, feeValue: true } }),
    db.partner.findMany({
      where: { shop, ...(tab === "ALL" ? {} : { status: tab }) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: PARTNER_LIST_LIMIT,
      include: { group: { select: { name: true, feeKind: true, feeValue: true } }, referrer: { select: { status: true } } },
    }),
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  const digits = currencyDigits(currencyCode);
  const versionOf = new Map(versions.map((v) => [v.id, v.version]));
  const figures = await partnerFigures(db, shop, partners.flatMap((p) => (p.referrerId ? [p.referrerId] : [])), currencyCode);
  const items = partners.map((p) => ({
    id: p.id,
    name: p.name,
    businessName: p.businessName,
    email: p.email,
    status: p.status,
    group: p.group?.name ?? null,
    fee: feeOf(p, program),
    accepted: acceptedOf(p.acceptedVersionId, versionOf, current),
    linkLive: p.referrer?.status === "ACTIVE",
    createdAt: p.createdAt.toISOString(),
    ...(p.referrerId ? figures.get(p.referrerId)! : NO_FIGURES(digits)),
  }));
  const total = (key: "revenue" | "feesEarned" | "feesPaid") => items.reduce((sum, i) => sum.plus(i[key]), new Decimal(0)).toFixed(digits);
  const tabCounts = Object.fromEntries(PARTNER_STATUSES.map((s) => [s, 0])) as Record<PartnerStatus, number>;
  for (const c of counts) if (c.status in tabCounts) tabCounts[c.status as PartnerStatus] = c._count._all;
  return {
    tab,
    items,
    truncated: items.length === PARTNER_LIST_LIMIT,
    totals: { orders: items.reduce((n, i) => n + i.orders, 0), revenue: total("revenue"), feesEarned: total("feesEarned"), feesPaid: total("feesPaid") },
    counts: { ...tabCounts, ALL: Object.values(tabCounts).reduce((a, b) => a + b, 0) },
    currencyCode,
    agreementVersion: current?.version ?? null,
    groups: groups.map((g) => ({ id: g.id, name: g.name, fee: { kind: feeKind(g.feeKind), value: g.feeValue.toString(), source: "GROUP" as const } })),
    programFee: feeOf({ feeKind: null, feeValue: null, group: null }, program),
  };
}

const SHOWN = 50;

/** One partner: contact, terms, link, acceptances, their latest referred orders and fees. Null when not the shop's. */
export async function getPartner(db: Db, shop: string, id: string) {
  const partner = await db.partner.findFirst({
    where: { id, shop },
    include: { group: { select: { id: true, name: true, feeKind: true, feeValue: true } }, referrer: { select: { id: true, code: true, status: true, disabledReason: true } } },
  });
  if (!partner) return null;
  const referrerId = partner.referrerId;
  const [program, current, acceptedVersion, acceptances, groups, referrals, fees] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    currentAgreement(db, shop),
    partner.acceptedVersionId ? db.agreementVersion.findFirst({ where: { id: partner.acceptedVersionId, shop }, select: { id: true, version: true } }) : null,
    db.agreementAcceptance.findMany({ where: { shop, partnerId: id }, orderBy: { acceptedAt: "desc" }, take: SHOWN }),
    db.partnerGroup.findMany({ where: { shop }, orderBy: { name: "asc" }, select: { id: true, name: true, feeKind: true, feeValue: true } }),
    referrerId
      ? db.referral.findMany({
          where: { shop, referrerId },
          orderBy: { createdAt: "desc" },
          take: SHOWN,
          select: { id: true, orderName: true, createdAt: true, subtotalAmount: true, refundedAmount: true, currencyCode: true, status: true },
        })
      : [],
    referrerId
      ? db.reward.findMany({
          where: { shop, referrerId, kind: "CASH", source: PARTNER_FEE_SOURCE },
          orderBy: { createdAt: "desc" },
          take: SHOWN,
          include: { referral: { select: { orderName: true, holdUntil: true } } },
        })
      : [],
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  const batchIds = [...new Set(fees.flatMap((f) => (f.payoutBatchId ? [f.payoutBatchId] : [])))];
  const batches = batchIds.length ? await db.payoutBatch.findMany({ where: { shop, id: { in: batchIds } }, select: { id: true, number: true, reference: true } }) : [];
  const batchOf = new Map(batches.map((b) => [b.id, b]));
  const figures = referrerId ? (await partnerFigures(db, shop, [referrerId], currencyCode)).get(referrerId)! : NO_FIGURES(currencyDigits(currencyCode));
  const origin = program ? storefrontOrigin(program) : `https://${shop}`;
  return {
    partner: {
      id: partner.id,
      name: partner.name,
      businessName: partner.businessName,
      email: partner.email,
      website: partner.website,
      pitch: partner.pitch,
      payoutEmail: partner.payoutEmail,
      status: partner.status,
      locale: partner.locale,
      redacted: partner.redactedAt !== null,
      createdAt: partner.createdAt.toISOString(),
      decidedAt: partner.decidedAt?.toISOString() ?? null,
      decidedBy: partner.decidedBy,
      decisionNote: partner.decisionNote,
      groupId: partner.groupId,
      ownFee: partner.feeKind && partner.feeValue !== null ? { kind: feeKind(partner.feeKind), value: partner.feeValue.toString() } : null,
      fee: feeOf(partner, program),
      accepted: acceptedVersion ? { version: acceptedVersion.version, current: acceptedVersion.id === current?.id } : null,
    },
    referrer: partner.referrer
      ? { id: partner.referrer.id, code: partner.referrer.code, status: partner.referrer.status, disabledReason: partner.referrer.disabledReason, link: referralLink(origin, partner.referrer.code) }
      : null,
    figures,
    currentVersion: current?.version ?? null,
    acceptances: acceptances.map((a) => ({ id: a.id, version: a.version, signature: a.signature, acceptedAt: a.acceptedAt.toISOString(), addressHash: a.ipHash ? a.ipHash.slice(0, 8) : null })),
    referrals: referrals.map((r) => ({
      id: r.id,
      orderName: r.orderName,
      createdAt: r.createdAt.toISOString(),
      subtotal: r.subtotalAmount.toString(),
      refunded: r.refundedAmount.toString(),
      currencyCode: r.currencyCode,
      status: r.status,
    })),
    fees: fees.map((f) => ({
      id: f.id,
      orderName: f.referral?.orderName ?? null,
      amount: f.value.toString(),
      currencyCode: f.currencyCode ?? currencyCode,
      rate: f.feeRate?.toString() ?? null,
      status: f.status,
      releaseAt: f.referral?.holdUntil?.toISOString() ?? null,
      paidAt: f.paidAt?.toISOString() ?? null,
      reference: f.payoutReference ?? (f.payoutBatchId ? (batchOf.get(f.payoutBatchId)?.reference ?? null) : null),
      batch: f.payoutBatchId ? (batchOf.get(f.payoutBatchId)?.number ?? null) : null,
    })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, fee: { kind: feeKind(g.feeKind), value: g.feeValue.toString(), source: "GROUP" as const } })),
    programFee: feeOf({ feeKind: null, feeValue: null, group: null }, program),
    currencyCode,
    timezone: program?.timezone ?? "UTC",
  };
}

/** The agreement page: the current text, every version with its acceptances, and what publishing would pause. */
export async function agreementPage(db: Db, shop: string, viewVersion: number | null) {
  const [program, versions, acceptances, approved, current, viewing] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { timezone: true } }),
    db.agreementVersion.findMany({ where: { shop }, orderBy: { version: "desc" }, select: { id: true, version: true, publishedAt: true, publishedBy: true } }),
    db.agreementAcceptance.groupBy({ by: ["versionId"], where: { shop }, _count: { _all: true } }),
    db.partner.count({ where: { shop, status: PartnerStatus.APPROVED, redactedAt: null } }),
    currentAgreement(db, shop),
    viewVersion ? db.agreementVersion.findFirst({ where: { shop, version: viewVersion } }) : null,
  ]);
  const accepted = new Map(acceptances.map((a) => [a.versionId, a._count._all]));
  return {
    current: current ? { version: current.version, body: current.body, publishedAt: current.publishedAt.toISOString() } : null,
    versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt.toISOString(), publishedBy: v.publishedBy, acceptances: accepted.get(v.id) ?? 0 })),
    approvedPartners: approved,
    viewing: viewing ? { version: viewing.version, body: viewing.body, publishedAt: viewing.publishedAt.toISOString() } : null,
    timezone: program?.timezone ?? "UTC",
  };
}

/** The partner settings: the program's default fee, whether applications are open, the public page, and the groups with their partner counts. */
export async function partnerSettings(db: Db, shop: string) {
  const [program, groups, members] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    db.partnerGroup.findMany({ where: { shop }, orderBy: { name: "asc" } }),
    db.partner.groupBy({ by: ["groupId"], where: { shop, groupId: { not: null } }, _count: { _all: true } }),
  ]);
  if (!program) return null;
  const count = new Map(members.map((m) => [m.groupId, m._count._all]));
  return {
    fee: { kind: feeKind(program.partnerFeeKind), value: program.partnerFeeValue.toString() },
    applicationsOpen: program.partnerApplicationsOpen,
    publicUrl: `${storefrontOrigin(program)}${PARTNER_PAGE_PATH}`,
    currencyCode: program.currencyCode,
    groups: groups.map((g) => ({ id: g.id, name: g.name, kind: feeKind(g.feeKind), value: g.feeValue.toString(), partners: count.get(g.id) ?? 0 })),
  };
}
