// The review queue as the admin shows it: referrals a fraud rule held, oldest
// first, each with the rules that fired and what they saw.
import type { Db } from "~/db.server";
import { ReviewStatus, REVIEW_RULES, RULE_SUMMARY, type ReviewRule } from "~/referrals/review.server";
import { ReferralStatus } from "~/referrals/statuses";

export const REVIEW_PAGE_SIZE = 50;

export interface ReviewFlag {
  rule: ReviewRule;
  summary: string;
  /** Orders and times the rule saw, when it names them. */
  orders: { order: string | null; at: string }[];
  flaggedAt: string;
}

export async function reviewQueue(db: Db, shop: string) {
  const where = { shop, status: ReferralStatus.PENDING, reviewStatus: ReviewStatus.WAITING };
  const [rows, total] = await Promise.all([
    db.referral.findMany({
      where,
      orderBy: { createdAt: "asc" },
      take: REVIEW_PAGE_SIZE,
      select: {
        id: true,
        orderName: true,
        friendEmail: true,
        totalAmount: true,
        currencyCode: true,
        codeUsed: true,
        attributedBy: true,
        createdAt: true,
        holdUntil: true,
        referrer: { select: { id: true, firstName: true, lastName: true, email: true, code: true } },
        flags: { select: { rule: true, evidence: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      },
    }),
    db.referral.count({ where }),
  ]);
  return {
    total,
    items: rows.map(({ flags, totalAmount, createdAt, holdUntil, ...row }) => ({
      ...row,
      totalAmount: totalAmount.toFixed(2),
      createdAt: createdAt.toISOString(),
      holdUntil: holdUntil?.toISOString() ?? null,
      flags: flags.map(readFlag),
    })),
  };
}

function readFlag(flag: { rule: string; evidence: string; createdAt: Date }): ReviewFlag {
  const rule = (REVIEW_RULES as readonly string[]).includes(flag.rule) ? (flag.rule as ReviewRule) : "LEAK";
  let evidence: Record<string, unknown> = {};
  try {
    evidence = JSON.parse(flag.evidence) as Record<string, unknown>;
  } catch {
    // A flag's evidence is written by the app as JSON; anything else shows the rule's own words.
  }
  const orders = Array.isArray(evidence.orders)
    ? evidence.orders
        .filter((o): o is { order?: unknown; at?: unknown } => typeof o === "object" && o !== null)
        .map((o) => ({ order: typeof o.order === "string" ? o.order : null, at: typeof o.at === "string" ? o.at : "" }))
    : [];
  return {
    rule,
    summary: typeof evidence.summary === "string" ? evidence.summary : RULE_SUMMARY[rule],
    orders,
    flaggedAt: flag.createdAt.toISOString(),
  };
}

/** Referrals waiting for review, for the navigation's and home page's count. */
export function reviewCount(db: Db, shop: string) {
  return db.referral.count({ where: { shop, status: ReferralStatus.PENDING, reviewStatus: ReviewStatus.WAITING } });
}

/** The flags of one of the shop's referrals (its detail page). */
export async function referralFlags(db: Db, shop: string, referralId: string): Promise<ReviewFlag[]> {
  const flags = await db.referralFlag.findMany({ where: { shop, referralId }, orderBy: { createdAt: "asc" }, select: { rule: true, evidence: true, createdAt: true } });
  return flags.map(readFlag);
}
