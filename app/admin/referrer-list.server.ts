// The merchant's view of referrers: list with their numbers, detail, disabling,
// and rewards issued or revoked by hand (each with the merchant's reason in the
// audit trail).
import type { Db } from "~/db.server";
import { canonicalCode } from "~/referrals/codes";
import { LIVE_REFERRAL_STATUSES } from "~/referrals/statuses";
import { keysetPage, type PageRequest } from "./cursor";

export function referrerWhere(shop: string, search?: string | null, status?: string | null) {
  const q = search?.trim();
  return {
    shop,
    ...(status === "ACTIVE" || status === "DISABLED" ? { status } : {}),
    ...(q
      ? {
          OR: [
            { code: canonicalCode(q) },
            // emailKey is lower case: a case-insensitive match on both databases.
            { emailKey: { contains: q.toLowerCase() } },
            { firstName: { contains: q } },
            { lastName: { contains: q } },
          ],
        }
      : {}),
  };
}

/** Live referrals, revenue and clicks of the given referrers, in two grouped queries. */
export async function referrerListStats(db: Db, shop: string, ids: string[]) {
  const [referrals, clicks] = await Promise.all([
    db.referral.groupBy({
      by: ["referrerId"],
      where: { shop, referrerId: { in: ids }, status: { in: LIVE_REFERRAL_STATUSES } },
      _count: { _all: true },
      _sum: { totalAmount: true },
    }),
    db.referrer.findMany({ where: { shop, id: { in: ids } }, select: { id: true, clickCount: true } }),
  ]);
  const stats = new Map(ids.map((id) => [id, { referrals: 0, revenue: "0", clicks: 0 }]));
  for (const r of referrals) Object.assign(stats.get(r.referrerId)!, { referrals: r._count._all, revenue: (r._sum.totalAmount ?? 0).toString() });
  for (const c of clicks) stats.get(c.id)!.clicks = c.clickCount;
  return stats;
}

export async function listReferrers(db: Db, shop: string, filters: { search?: string | null; status?: string | null }, page: PageRequest) {
  const where = referrerWhere(shop, filters.search, filters.status);
  const result = await keysetPage(page, (keyset, order, take) =>
    db.referrer.findMany({
      where: { AND: [where, keyset] },
      orderBy: [{ createdAt: order }, { id: order }],
      take,
      select: { id: true, firstName: true, lastName: true, email: true, code: true, source: true, status: true, createdAt: true },
    }),
  );
  const stats = await referrerListStats(db, shop, result.items.map((r) => r.id));
  return { ...result, items: result.items.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), ...stats.get(r.id)! })) };
}

export async function getReferrer(db: Db, shop: string, id: string) {
  const referrer = await db.referrer.findFirst({ where: { id, shop } });
  if (!referrer) return null;
  const [byStatus, rewards, referrals, program, formerCodes] = await Promise.all([
    db.referral.groupBy({ by: ["status"], where: { shop, referrerId: id }, _count: { _all: true }, _sum: { totalAmount: true } }),
    db.reward.findMany({ where: { shop, referrerId: id }, orderBy: { createdAt: "desc" }, take: 50 }),
    db.referral.findMany({
      where: { shop, referrerId: id },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, orderName: true, status: true, totalAmount: true, currencyCode: true, createdAt: true },
    }),
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
    db.referrerCode.findMany({ where: { shop, referrerId: id }, orderBy: { createdAt: "desc" }, take: 20, select: { code: true, retireAt: true, removedAt: true } }),
  ]);
  return { referrer, byStatus, rewards, referrals, formerCodes, currencyCode: program?.currencyCode ?? "USD" };
}
