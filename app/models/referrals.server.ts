// The merchant's view of referrals: list, detail, and approving or rejecting
// the ones on hold. Every query names the shop; ids from the client are only
// ever used together with it.
import type { Db } from "../db.server";
import { enqueueJob } from "../jobs/queue.server";
import { RELEASE_JOB } from "../referrals/attribution.server";
import { recordAudit } from "../referrals/audit.server";
import { countedTransaction, LIVE_REFERRAL_FIELDS, shopTimezone } from "../referrals/daily-stats.server";
import { normaliseEmail } from "../referrals/email";
import { ReferralStatus } from "../referrals/statuses";
import { keysetPage, type PageRequest } from "./cursor";
import { optionalDayFilter } from "./date-range";

export const REFERRAL_STATUSES = Object.values(ReferralStatus);

export interface ReferralFilters {
  status?: string | null;
  referrerId?: string | null;
  createdAt?: { gte?: Date; lt?: Date };
  search?: string | null;
}

/** The list's filters from its URL (`status`, `referrerId`, `q`, `from`, `to`); days are the shop's. */
export async function referralFiltersFrom(db: Db, shop: string, params: URLSearchParams): Promise<ReferralFilters> {
  const [from, to] = [params.get("from"), params.get("to")];
  return {
    status: params.get("status"),
    referrerId: params.get("referrerId"),
    search: params.get("q"),
    createdAt: from || to ? optionalDayFilter(from, to, await shopTimezone(db, shop)) : undefined,
  };
}

/** The Prisma `where` for the list and the export: the same filters for both. */
export function referralWhere(shop: string, f: ReferralFilters) {
  const search = f.search?.trim();
  const email = search?.includes("@") ? normaliseEmail(search) : null;
  return {
    shop,
    ...(f.status && REFERRAL_STATUSES.includes(f.status as ReferralStatus) ? { status: f.status } : {}),
    ...(f.referrerId ? { referrerId: f.referrerId } : {}),
    ...(f.createdAt ? { createdAt: f.createdAt } : {}),
    // A whole email (order names have no "@") is one lookup in the (shop, friendEmailKey) index,
    // at any size; anything else is a substring search over the shop's referrals.
    ...(email
      ? { friendEmailKey: email }
      : search
        ? {
            OR: [
              { orderName: { contains: search.replace(/^#/, "") } },
              // friendEmailKey is lower case on every database: a case-insensitive match without `mode`.
              { friendEmailKey: { contains: search.toLowerCase() } },
            ],
          }
        : {}),
  };
}

const listSelect = {
  id: true,
  orderName: true,
  orderId: true,
  friendEmail: true,
  status: true,
  reason: true,
  needsReview: true,
  totalAmount: true,
  currencyCode: true,
  createdAt: true,
  test: true,
  referrer: { select: { id: true, firstName: true, lastName: true, email: true, code: true } },
} as const;

export async function listReferrals(db: Db, shop: string, filters: ReferralFilters, page: PageRequest) {
  const where = referralWhere(shop, filters);
  const result = await keysetPage(page, (keyset, order, take) =>
    db.referral.findMany({
      where: { AND: [where, keyset] },
      orderBy: [{ createdAt: order }, { id: order }],
      take,
      select: listSelect,
    }),
  );
  return {
    ...result,
    items: result.items.map((r) => ({ ...r, totalAmount: r.totalAmount.toString(), createdAt: r.createdAt.toISOString() })),
  };
}

export async function referrerBelongsTo(db: Db, shop: string, referrerId: string) {
  return (await db.referrer.count({ where: { shop, id: referrerId } })) === 1;
}

export async function getReferral(db: Db, shop: string, id: string) {
  const referral = await db.referral.findFirst({ where: { id, shop }, include: { referrer: true, reward: true } });
  if (!referral) return null;
  const audit = await db.auditEvent.findMany({
    where: { shop, OR: [{ referralId: id }, ...(referral.reward ? [{ rewardId: referral.reward.id }] : [])] },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 200,
  });
  return { referral, audit };
}

export interface BulkArgs {
  db: Db;
  shop: string;
  ids: string[];
  cause: string;
  now?: Date;
}

/** The referrals among `ids` that are the shop's; null when any is not (the route answers 404). */
async function ownReferrals(db: Db, shop: string, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await db.referral.findMany({ where: { shop, id: { in: unique } }, select: { id: true, status: true, referrerId: true } });
  return rows.length === unique.length ? rows : null;
}

/** Ends the hold of referrals on hold now: the release job approves them and issues their rewards. */
export async function approveReferrals({ db, shop, ids, cause, now = new Date() }: BulkArgs) {
  const rows = await ownReferrals(db, shop, ids);
  if (!rows) return null;
  let approved = 0;
  for (const row of rows.filter((r) => r.status === ReferralStatus.PENDING)) {
    const changed = await db.referral.updateMany({ where: { id: row.id, shop, status: ReferralStatus.PENDING }, data: { holdUntil: now } });
    if (!changed.count) continue;
    await recordAudit(db, { shop, referralId: row.id, referrerId: row.referrerId, action: "referral.hold-ended", cause, detail: "Approved by the merchant before the hold ended" });
    await enqueueJob(db, { shop, kind: RELEASE_JOB, key: row.id, availableAt: now }, now);
    approved++;
  }
  return { approved, skipped: rows.length - approved };
}

export async function rejectReferrals({ db, shop, ids, cause, reason, now = new Date() }: BulkArgs & { reason: string }) {
  const rows = await ownReferrals(db, shop, ids);
  if (!rows) return null;
  let rejected = 0;
  for (const row of rows.filter((r) => r.status === ReferralStatus.PENDING)) {
    const changed = await countedTransaction(db, shop, async (tx, changes) => {
      const { count } = await tx.referral.updateMany({
        where: { id: row.id, shop, status: ReferralStatus.PENDING },
        data: { status: ReferralStatus.REJECTED, reason, rejectedAt: now, holdUntil: null },
      });
      if (count) changes.liveReferral(await tx.referral.findFirstOrThrow({ where: { id: row.id, shop }, select: LIVE_REFERRAL_FIELDS }), -1);
      return count;
    });
    if (!changed) continue;
    await recordAudit(db, { shop, referralId: row.id, referrerId: row.referrerId, action: "referral.rejected", fromStatus: ReferralStatus.PENDING, toStatus: ReferralStatus.REJECTED, cause, detail: reason });
    rejected++;
  }
  return { rejected, skipped: rows.length - rejected };
}
