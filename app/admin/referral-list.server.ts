// The merchant's view of referrals: list, detail, and approving or rejecting
// the ones on hold. Every query names the shop; ids from the client are only
// ever used together with it.
import type { Db } from "~/db.server";
import { shopTimezone } from "~/referrals/daily-stats.server";
import { normaliseEmail } from "~/referrals/email";
import { ReferralStatus } from "~/referrals/statuses";
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
