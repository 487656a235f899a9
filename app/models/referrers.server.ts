// The merchant's view of referrers: list with their numbers, detail, disabling,
// and rewards issued or revoked by hand (each with the merchant's reason in the
// audit trail).
import type { Db } from "../db.server";
import { enqueueJob } from "../jobs/queue.server";
import { recordAudit } from "../referrals/audit.server";
import { canonicalCode } from "../referrals/codes";
import { requestCodeSync } from "../referrals/code-sync.server";
import { revokeReward } from "../referrals/reversal.server";
import { ISSUE_JOB, rewardFor } from "../referrals/rewards.server";
import { LIVE_REFERRAL_STATUSES, RewardStatus } from "../referrals/statuses";
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
export async function referrerStats(db: Db, shop: string, ids: string[]) {
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
  const stats = await referrerStats(db, shop, result.items.map((r) => r.id));
  return { ...result, items: result.items.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), ...stats.get(r.id)! })) };
}

export async function getReferrer(db: Db, shop: string, id: string) {
  const referrer = await db.referrer.findFirst({ where: { id, shop } });
  if (!referrer) return null;
  const [byStatus, rewards, referrals, program] = await Promise.all([
    db.referral.groupBy({ by: ["status"], where: { shop, referrerId: id }, _count: { _all: true }, _sum: { totalAmount: true } }),
    db.reward.findMany({ where: { shop, referrerId: id }, orderBy: { createdAt: "desc" }, take: 50 }),
    db.referral.findMany({
      where: { shop, referrerId: id },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, orderName: true, status: true, totalAmount: true, currencyCode: true, createdAt: true },
    }),
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
  return { referrer, byStatus, rewards, referrals, currencyCode: program?.currencyCode ?? "USD" };
}

interface ReferrerAction {
  db: Db;
  shop: string;
  referrerId: string;
  cause: string;
  reason: string;
  now?: Date;
}

/** A disabled referrer's new referrals are rejected at attribution and their code leaves the friend discount; what was issued stays. */
export async function setReferrerStatus({ db, shop, referrerId, cause, reason, now = new Date() }: ReferrerAction, status: "ACTIVE" | "DISABLED") {
  const before = await db.referrer.findFirst({ where: { id: referrerId, shop }, select: { status: true } });
  if (!before) return null;
  await db.referrer.updateMany({ where: { id: referrerId, shop }, data: { status, disabledReason: status === "DISABLED" ? reason : null } });
  await recordAudit(db, { shop, referrerId, action: status === "DISABLED" ? "referrer.disabled" : "referrer.enabled", fromStatus: before.status, toStatus: status, cause, detail: reason || null });
  // Disabling takes the code off the friend discount (a leaked code stops working);
  // enabling puts it back.
  await requestCodeSync(db, shop, now);
  return status;
}

/** A reward outside any referral, decided by the program's current settings and issued by the usual job. */
export async function issueManualReward({ db, shop, referrerId, cause, reason, now = new Date() }: ReferrerAction) {
  const [referrer, program] = await Promise.all([
    db.referrer.findFirst({ where: { id: referrerId, shop }, select: { id: true } }),
    db.program.findUnique({ where: { shop } }),
  ]);
  if (!referrer || !program) return null;
  const reward = await db.reward.create({
    data: { shop, referrerId, ...rewardFor(program, program.currencyCode, now), status: RewardStatus.PENDING, reason },
  });
  await recordAudit(db, { shop, referrerId, rewardId: reward.id, action: "reward.created", toStatus: RewardStatus.PENDING, cause, detail: `Issued by hand: ${reason}` });
  await enqueueJob(db, { shop, kind: ISSUE_JOB, key: reward.id, availableAt: now }, now);
  return reward;
}

/** A reward of the referrer taken back by the merchant (app/referrals/reversal.server.ts). */
export function revokeReferrerReward({ db, shop, referrerId, rewardId, cause, reason, now = new Date() }: ReferrerAction & { rewardId: string }) {
  return revokeReward(db, { shop, rewardId, referrerId, cause, reason, now });
}
