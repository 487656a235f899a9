// The merchant's weekly digest (off unless switched on): last week's referred
// orders, their revenue, the rewards issued and the top referrers, emailed to
// the shop owner's address. A recurring job per shop; the email's key is the
// week's first day, so a job run twice in a week records one email.
import { LIVE_REFERRAL_STATUSES } from "~/referrals/statuses";
import { addDays, localDay, startOfLocalDay } from "~/referrals/local-day";
import { Decimal } from "~/referrals/money";
import type { JobContext } from "~/queue/types";
import type { DigestPayload } from "./compose.server";
import { queueEmail, type QueueOutcome } from "./outbox.server";

export const EMAIL_DIGEST_JOB = "email-digest";
export const EMAIL_DIGEST_EVERY_MS = 7 * 86_400_000;

/** Job "email-digest": records this week's digest email (when switched on). */
export async function queueDigest(ctx: JobContext): Promise<QueueOutcome | "off"> {
  const { db, shop } = ctx;
  const [program, on] = await Promise.all([db.program.findUnique({ where: { shop } }), db.emailSwitch.findUnique({ where: { shop_kind: { shop, kind: "MERCHANT_DIGEST" } } })]);
  if (!program || !on?.enabled || !program.shopEmail) return "off";
  const zone = program.timezone ?? "UTC";
  const toDay = addDays(localDay(ctx.now(), zone), -1);
  const fromDay = addDays(toDay, -6);
  const since = startOfLocalDay(fromDay, zone);
  const until = startOfLocalDay(addDays(toDay, 1), zone);
  const [stats, top] = await Promise.all([
    db.dailyStat.findMany({ where: { shop, day: { gte: fromDay, lte: toDay } } }),
    db.referral.groupBy({
      by: ["referrerId"],
      where: { shop, createdAt: { gte: since, lt: until }, status: { in: [...LIVE_REFERRAL_STATUSES] } },
      _count: { _all: true },
      orderBy: { _count: { referrerId: "desc" } },
      take: 5,
    }),
  ]);
  let orders = 0;
  let rewards = 0;
  let revenue = new Decimal(0);
  for (const s of stats) {
    orders += s.orders;
    rewards += s.rewards;
    revenue = revenue.plus(s.revenue);
  }
  const payload: DigestPayload = {
    from: since.toISOString(),
    to: new Date(until.getTime() - 1).toISOString(),
    orders,
    revenue: revenue.toFixed(2),
    currencyCode: program.currencyCode,
    rewards,
    top: top.map((t) => ({ referrerId: t.referrerId, count: t._count._all })),
  };
  return queueEmail(db, { shop, kind: "MERCHANT_DIGEST", key: `digest:${fromDay}`, recipient: program.shopEmail, locale: program.primaryLocale, payload }, ctx.now());
}
