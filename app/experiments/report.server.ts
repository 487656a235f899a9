// The experiment page's figures: per variant, its referrers, shares, clicks,
// referred orders, conversion, revenue, reward cost and return, the verdict
// against the control (stats.ts) and how many more clicks the verdict needs.
//
// A fixed number of aggregate queries whatever the experiment's size, each on
// an index made for it: the variants' referrers and their all-time link
// counters (Referrer [shop, variantId]), each variant's live referrals and
// their revenue (Referral [shop, variantId, status, totalAmount,
// refundedAmount], from the index alone), and its issued rewards (Reward
// [shop, variantId, status, valueType, value], from the index alone). Money and return are defined as on the
// dashboard (dashboard.server.ts): revenue is totals minus refunds of live
// referrals; issued and paid rewards cost their value, a percentage code is
// costed at the average referred order (here the variant's own); the return
// is revenue over reward cost.
import type { Db } from "~/db.server";
import { ISSUED_REWARD_STATUSES } from "~/referrals/daily-stats.server";
import { currencyDigits, toDecimal } from "~/referrals/money";
import { LIVE_REFERRAL_STATUSES } from "~/referrals/statuses";
import { compareVariants, MIN_CLICKS, sampleSizePerVariant, type Interval, type Verdict } from "./stats";

const DAY = 86_400_000;

/** The question the progress answers: clicks a variant needs to find this lift with this power. */
export const PLANNED_LIFT = 0.2;
export const PLANNED_POWER = 0.8;

export interface VariantReport {
  id: string;
  position: number;
  name: string;
  /** Position 0: what the others are compared with. */
  control: boolean;
  friendOfferKind: string;
  friendOfferValue: string;
  rewardKind: string;
  rewardValue: string;
  referrers: number;
  /** Shares the app saw (copy and share buttons): a lower bound of the real number. */
  shares: number;
  clicks: number;
  /** Live referred orders (pending, approved, rewarded) of the variant's referrers. */
  orders: number;
  /** orders / clicks (null without clicks). */
  conversion: number | null;
  revenue: string;
  /** revenue / referrers (null without referrers). */
  revenuePerReferrer: string | null;
  /** Issued and paid rewards of the variant. */
  rewardsIssued: number;
  rewardCost: string;
  /** The variant's average referred order, at which its percentage reward codes are costed (null when it has none). */
  percentCostBasis: string | null;
  /** Return on the program, as on the dashboard: revenue / reward cost (null without cost). */
  roi: number | null;
  verdict: Verdict;
  /** Conversion rate minus the control's, with its always-valid interval (null for the control or without enough data). */
  difference: Interval | null;
  /** The same relative to the control's conversion: 0.2 is 20% better. */
  lift: Interval | null;
  /** Always-valid p-value, adjusted for the number of variants (significant when at most alpha). */
  pValue: number | null;
  /** Clicks this variant still needs for the planned question (null while the control's rate is unknown). */
  clicksToGo: number | null;
}

export interface ExperimentReport {
  experiment: {
    id: string;
    name: string;
    status: string;
    /** The false-winner rate the verdicts keep, however often they are read. */
    alpha: number;
    startedAt: Date;
    endedAt: Date | null;
    winnerVariantId: string | null;
  };
  currencyCode: string;
  variants: VariantReport[];
  progress: {
    relativeLift: number;
    power: number;
    /** The control's conversion the clicks needed are computed at (null until it has MIN_CLICKS clicks and an order). */
    baselineRate: number | null;
    /** Clicks every variant needs for the verdict to find a PLANNED_LIFT lift with PLANNED_POWER. */
    clicksPerVariant: number | null;
    /** The most any variant still needs ("N more clicks per variant"). */
    clicksToGo: number | null;
    /** Days since it started (until it ended). */
    daysRunning: number;
    /** At the slowest variant's clicks per day so far, days until clicksToGo is reached (null when ended, done or unknown). */
    daysToGo: number | null;
  };
}

/** The experiment's report for this shop, or null when it is not one of its experiments. */
export async function experimentReport(db: Db, shop: string, experimentId: string, now: Date): Promise<ExperimentReport | null> {
  const experiment = await db.experiment.findFirst({
    where: { id: experimentId, shop },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  if (!experiment) return null;
  const [program, referrers, figures] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
    db.referrer.groupBy({
      by: ["variantId"],
      where: { shop, variantId: { in: experiment.variants.map((v) => v.id) } },
      _count: { _all: true },
      _sum: { clickCount: true, shareCount: true },
    }),
    Promise.all(experiment.variants.map((variant) => moneyOf(db, shop, variant.id))),
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  const digits = currencyDigits(currencyCode);

  const variants = experiment.variants.map((variant, i) => {
    const people = referrers.find((r) => r.variantId === variant.id);
    return { variant, referrers: people?._count._all ?? 0, shares: people?._sum.shareCount ?? 0, clicks: people?._sum.clickCount ?? 0, ...figures[i] };
  });

  const alpha = toDecimal(experiment.alpha).toNumber();
  // Each order came from at least one visit: an order whose code was typed,
  // with no link click seen, counts as its own visit (clicks undercount visits).
  const arms = variants.map((f) => ({ clicks: Math.max(f.clicks, f.orders), conversions: f.orders }));
  // An experiment has 2 to 4 variants; a damaged one is shown without verdicts rather than not at all.
  const comparable = arms.length >= 2 && arms.length <= 4;
  const verdicts = comparable
    ? compareVariants(arms, { alpha })
    : arms.map((_arm, i) => ({ verdict: i ? ("NOT_ENOUGH_DATA" as const) : ("CONTROL" as const), difference: null, lift: null, pValue: null }));

  // The clicks needed are computed at the control's conversion, once it has one to speak of.
  const [control] = arms;
  const baselineRate =
    comparable && control.clicks >= MIN_CLICKS && control.conversions > 0 && control.conversions < control.clicks ? control.conversions / control.clicks : null;
  const clicksPerVariant =
    baselineRate !== null && baselineRate * (1 + PLANNED_LIFT) < 1
      ? sampleSizePerVariant({ baselineRate, relativeLift: PLANNED_LIFT, power: PLANNED_POWER, alpha, variants: arms.length })
      : null;
  const toGo = (clicks: number) => (clicksPerVariant === null ? null : Math.max(0, clicksPerVariant - clicks));
  const slowest = Math.min(...arms.map((a) => a.clicks));
  const clicksToGo = toGo(slowest);
  const until = experiment.endedAt && experiment.endedAt < now ? experiment.endedAt : now;
  const daysRunning = Math.max(0, (until.getTime() - experiment.startedAt.getTime()) / DAY);
  const slowestPerDay = daysRunning > 0 ? slowest / daysRunning : 0;
  const daysToGo = experiment.status === "RUNNING" && clicksToGo && slowestPerDay > 0 ? Math.ceil(clicksToGo / slowestPerDay) : null;

  return {
    experiment: {
      id: experiment.id,
      name: experiment.name,
      status: experiment.status,
      alpha,
      startedAt: experiment.startedAt,
      endedAt: experiment.endedAt,
      winnerVariantId: experiment.winnerVariantId,
    },
    currencyCode,
    variants: variants.map((f, i) => ({
      id: f.variant.id,
      position: f.variant.position,
      name: f.variant.name,
      control: i === 0,
      friendOfferKind: f.variant.friendOfferKind,
      friendOfferValue: toDecimal(f.variant.friendOfferValue).toString(),
      rewardKind: f.variant.rewardKind,
      rewardValue: toDecimal(f.variant.rewardValue).toString(),
      referrers: f.referrers,
      shares: f.shares,
      clicks: f.clicks,
      orders: f.orders,
      conversion: f.clicks ? f.orders / f.clicks : null,
      revenue: f.revenue.toFixed(digits),
      revenuePerReferrer: f.referrers ? f.revenue.dividedBy(f.referrers).toFixed(digits) : null,
      rewardsIssued: f.rewardsIssued,
      rewardCost: f.cost.toFixed(digits),
      percentCostBasis: f.percent.greaterThan(0) && f.average ? f.average.toFixed(digits) : null,
      roi: f.cost.greaterThan(0) ? f.revenue.dividedBy(f.cost).toNumber() : null,
      verdict: verdicts[i].verdict,
      difference: verdicts[i].difference,
      lift: verdicts[i].lift,
      pValue: verdicts[i].pValue,
      clicksToGo: toGo(arms[i].clicks),
    })),
    progress: { relativeLift: PLANNED_LIFT, power: PLANNED_POWER, baselineRate, clicksPerVariant, clicksToGo, daysRunning, daysToGo },
  };
}

const PERCENTAGE = "PERCENTAGE";

/**
 * A variant's live orders, revenue and reward cost. One aggregate per figure
 * and variant, not one grouped query over the variants: the SQLite driver
 * adapter types an aggregate's result column from its first row, so in a
 * grouped Decimal sum whose first group is a whole number every later group
 * is truncated to a whole number too (7.50 read as 7). A one-row aggregate has
 * no later rows. Each reads the variant's slice of its covering index.
 */
async function moneyOf(db: Db, shop: string, variantId: string) {
  const issued = { shop, variantId, status: { in: ISSUED_REWARD_STATUSES } };
  const [live, percentCodes, fixedRewards] = await Promise.all([
    db.referral.aggregate({ where: { shop, variantId, status: { in: LIVE_REFERRAL_STATUSES } }, _count: { _all: true }, _sum: { totalAmount: true, refundedAmount: true } }),
    db.reward.aggregate({ where: { ...issued, valueType: PERCENTAGE }, _count: { _all: true }, _sum: { value: true } }),
    db.reward.aggregate({ where: { ...issued, valueType: { not: PERCENTAGE } }, _count: { _all: true }, _sum: { value: true } }),
  ]);
  const orders = live._count._all;
  const revenue = toDecimal(live._sum.totalAmount).minus(toDecimal(live._sum.refundedAmount));
  const percent = toDecimal(percentCodes._sum.value);
  // A percentage code's cost is unknown until it is used: cost it at the variant's average referred order.
  const average = orders ? revenue.dividedBy(orders) : null;
  const cost = toDecimal(fixedRewards._sum.value).plus(average ? percent.dividedBy(100).times(average) : 0);
  return { orders, revenue, percent, average, cost, rewardsIssued: percentCodes._count._all + fixedRewards._count._all };
}
