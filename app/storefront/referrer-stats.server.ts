// What a referrer has earned, as the block shows it: friends who ordered,
// rewards, reward codes still to spend, store credit that expires, and how far
// the next milestone is, formatted for the shopper's locale.
import type { Db, Prisma } from "~/db.server";
import { formatMoney } from "~/i18n/format";
import type { MilestoneTerms } from "~/referrals/milestone-settings";
import { listMilestones, successfulReferrals } from "~/referrals/milestones.server";
import { money, toDecimal } from "~/referrals/money";
import { LIVE_REFERRAL_STATUSES, RewardStatus } from "~/referrals/statuses";
import type { Translate } from "./i18n";
import { creditExpiryLines, milestoneProgress } from "./milestone-progress";
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
  /** "2 more friends to unlock $20.00 in store credit": only when a milestone is ahead. */
  nextMilestone?: string;
  /** "$20.00, valid until Mar 12, 2027" per store credit that expires: only when there is some. */
  creditExpiry?: string[];
}

/** What the milestone and store credit lines need besides the referrer's rows. */
export interface StatsTexts {
  t: Translate;
  language: string;
  /** The shop's currency (milestone amounts). */
  currencyCode: string;
  milestones: MilestoneTerms[];
  successful: number;
}

/** The shop's milestones and the referrer's successful referrals (not counted when the shop has no milestone). */
export async function statsTexts(db: Db, { shop, referrerId, t, language, currencyCode }: { shop: string; referrerId: string; t: Translate; language: string; currencyCode: string }): Promise<StatsTexts> {
  const milestones = await listMilestones(db, shop);
  const successful = milestones.length ? await successfulReferrals(db, shop, referrerId) : 0;
  return { t, language, currencyCode, milestones, successful };
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
  { shop, referrerId, localeTag, now = new Date(), texts }: { shop: string; referrerId: string; localeTag: string; now?: Date; texts?: Omit<Parameters<typeof statsTexts>[1], "shop" | "referrerId"> },
): Promise<ReferrerStats> {
  const [referrer, extra] = await Promise.all([
    db.referrer.findFirstOrThrow({ where: { id: referrerId, shop }, include: STATS_INCLUDE }),
    texts ? statsTexts(db, { shop, referrerId, ...texts }) : undefined,
  ]);
  return summariseStats(referrer, localeTag, now, extra);
}

/** Only the counts and rewards are read (the settings preview passes a sample); `texts` adds the milestone and store credit lines. */
export function summariseStats(referrer: Pick<ReferrerWithStats, "_count" | "rewards">, localeTag: string, now = new Date(), texts?: StatsTexts): ReferrerStats {
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
  const stats: ReferrerStats = {
    friendsOrdered: count.format(referrer._count.referrals),
    rewardsEarned: count.format(rewards.length),
    earnedTotals: [...totals].map(([currencyCode, amount]) => formatMoney(money(amount, currencyCode).amount, currencyCode, localeTag)),
    unusedCodes,
  };
  if (!texts) return stats;
  const progress = milestoneProgress({ ...texts, localeTag });
  if (progress) stats.nextMilestone = progress.text;
  const credit = creditExpiryLines(rewards, texts.t, localeTag, now);
  if (credit.length) stats.creditExpiry = credit;
  return stats;
}
