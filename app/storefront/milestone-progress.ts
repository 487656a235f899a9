// What a referrer is told about milestones and store credit, in their
// language: how far the next milestone is ("2 more friends to unlock $20.00 in
// store credit") and until when their store credit is valid. The storefront
// block, the program page and the customer account page say the same.
import { formatMoney } from "~/i18n/format";
import { nextMilestone, type MilestoneTerms } from "~/referrals/milestone-settings";
import { money } from "~/referrals/money";
import { translatePlural, type Translate } from "./i18n";
import { formatPercent } from "./offer";

export interface ProgressInput {
  t: Translate;
  language: string;
  localeTag: string;
  /** The shop's currency: milestone amounts are set in it. */
  currencyCode: string;
  milestones: MilestoneTerms[];
  /** The referrer's successful (rewarded) referrals. */
  successful: number;
}

/** "a 15% off code", "$20.00 in store credit", "a free Blue Mug". */
export function milestoneRewardText(m: MilestoneTerms, t: Translate, localeTag: string, currencyCode: string): string {
  const value = m.rewardValue.toString();
  const amount = () => formatMoney(money(value, currencyCode).amount, currencyCode, localeTag);
  switch (m.rewardKind) {
    case "CODE_PERCENTAGE":
      return t("block.milestone_code_percent", { value: formatPercent(value, localeTag) });
    case "CODE_FIXED_AMOUNT":
      return t("block.milestone_code_amount", { value: amount() });
    case "STORE_CREDIT":
      return t("block.milestone_credit", { value: amount() });
    case "FREE_PRODUCT":
      return t("block.milestone_product", { product: m.productTitle ?? "" });
    default:
      return t("block.milestone_cash", { value: amount() });
  }
}

/** The next milestone ahead and how many more successful referrals it takes, or null when none is ahead. */
export function milestoneProgress(input: ProgressInput): { remaining: number; reward: string; text: string } | null {
  const next = nextMilestone(input.milestones, input.successful);
  if (!next) return null;
  const reward = milestoneRewardText(next.milestone, input.t, input.localeTag, input.currencyCode);
  const text = translatePlural(input.t, input.language, input.localeTag, "block.milestone_progress", next.remaining, { reward });
  return { remaining: next.remaining, reward, text };
}

export interface CreditRow {
  kind: string;
  status: string;
  value: { toString(): string };
  currencyCode: string | null;
  expiresAt: Date | null;
}

/** Issued store credit that expires and has not yet: its amount and last day, soonest first. */
export function expiringCredit(rewards: CreditRow[], localeTag: string, now: Date): { value: string; expiresAt: Date }[] {
  return rewards
    .filter((r): r is CreditRow & { expiresAt: Date; currencyCode: string } => r.kind === "STORE_CREDIT" && r.status === "ISSUED" && !!r.currencyCode && !!r.expiresAt && r.expiresAt > now)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
    .map((r) => ({ value: formatMoney(money(r.value.toString(), r.currencyCode).amount, r.currencyCode, localeTag), expiresAt: r.expiresAt }));
}

/** "$20.00, valid until Mar 12, 2027" for each of them. */
export function creditExpiryLines(rewards: CreditRow[], t: Translate, localeTag: string, now: Date): string[] {
  const date = new Intl.DateTimeFormat(localeTag, { dateStyle: "medium" });
  return expiringCredit(rewards, localeTag, now).map((c) => t("block.credit_expires", { value: c.value, date: date.format(c.expiresAt) }));
}
