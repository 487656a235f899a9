// What a referrer has earned, as the block shows it: friends who ordered,
// rewards, and reward codes still to spend, formatted for the shopper's locale.
import type { Db, Prisma } from "~/db.server";
import { formatMoney } from "~/i18n/format";
import { money, toDecimal } from "~/referrals/money";
import { LIVE_REFERRAL_STATUSES, RewardStatus } from "~/referrals/statuses";
import { formatPercent } from "./offer";

export interface RewardCodeView {
  code: string;
  value: string;
  expiresAt: string | null;
}

export interface ReferrerStats {
  friendsOrdered: string;
  rewardsEarned: string;
  /** Money earned by currency (fixed-amount codes, store credit, cash), e.g. ["$20.00"]. */
  earnedTotals: string[];
  /** Issued codes not expired. Whether one was spent is Shopify's to know; the block says "unused" for these. */
  unusedCodes: RewardCodeView[];
}

const EARNED = [RewardStatus.ISSUED, RewardStatus.PAID];

/**
 * What to load with a referrer to summarise their stats in the same query
 * (each Prisma query costs real CPU; the block's data is the hottest path).
 */
export const STATS_INCLUDE = {
  _count: { select: { referrals: { where: { status: { in: LIVE_REFERRAL_STATUSES }, test: false } } } },
  rewards: {
    where: { status: { in: EARNED } },
    select: { kind: true, valueType: true, value: true, currencyCode: true, code: true, status: true, expiresAt: true },
    orderBy: { createdAt: "desc" as const },
    take: 200,
  },
} satisfies Prisma.ReferrerInclude;

export type ReferrerWithStats = Prisma.ReferrerGetPayload<{ include: typeof STATS_INCLUDE }>;

export async function referrerStats(
  db: Db,
  { shop, referrerId, localeTag, now = new Date() }: { shop: string; referrerId: string; localeTag: string; now?: Date },
): Promise<ReferrerStats> {
  const referrer = await db.referrer.findFirstOrThrow({ where: { id: referrerId, shop }, include: STATS_INCLUDE });
  return summariseStats(referrer, localeTag, now);
}

/** Only the counts and rewards are read (the settings preview passes a sample). */
export function summariseStats(referrer: Pick<ReferrerWithStats, "_count" | "rewards">, localeTag: string, now = new Date()): ReferrerStats {
  const rewards = referrer.rewards;
  const count = new Intl.NumberFormat(localeTag);
  const totals = new Map<string, ReturnType<typeof toDecimal>>();
  for (const r of rewards) {
    if (r.valueType !== "FIXED_AMOUNT" || !r.currencyCode) continue;
    totals.set(r.currencyCode, (totals.get(r.currencyCode) ?? toDecimal(0)).plus(r.value));
  }
  const unusedCodes = rewards
    .filter((r) => r.kind === "CODE" && r.status === RewardStatus.ISSUED && r.code && (!r.expiresAt || r.expiresAt > now))
    .map((r) => ({
      code: r.code as string,
      value:
        r.valueType === "PERCENTAGE" || !r.currencyCode
          ? formatPercent(r.value.toString(), localeTag)
          : formatMoney(money(r.value, r.currencyCode).amount, r.currencyCode, localeTag),
      expiresAt: r.expiresAt ? new Intl.DateTimeFormat(localeTag, { dateStyle: "medium" }).format(r.expiresAt) : null,
    }));
  return {
    friendsOrdered: count.format(referrer._count.referrals),
    rewardsEarned: count.format(rewards.length),
    earnedTotals: [...totals].map(([currencyCode, amount]) => formatMoney(money(amount, currencyCode).amount, currencyCode, localeTag)),
    unusedCodes,
  };
}
