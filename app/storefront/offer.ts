// The friend's offer in the shopper's language: "10% off", "5,00 € de remise", "free shipping".
import { formatMoney, numberFormat } from "~/i18n/format";
import { money } from "~/referrals/money";
import type { Translate } from "./i18n";

export interface OfferTerms {
  friendOfferKind: string;
  friendOfferValue: { toString(): string };
  currencyCode: string;
}

export function offerText(program: OfferTerms, t: Translate, localeTag: string): string {
  const value = program.friendOfferValue.toString();
  if (program.friendOfferKind === "FREE_SHIPPING") return t("offer.free_shipping");
  if (program.friendOfferKind === "FIXED_AMOUNT") {
    return t("offer.amount", { value: formatMoney(money(value, program.currencyCode).amount, program.currencyCode, localeTag) });
  }
  return t("offer.percent", { value: formatPercent(value, localeTag) });
}

export interface RewardTerms extends OfferTerms {
  rewardKind: string;
  rewardValue: { toString(): string };
}

/**
 * The whole deal in the program's words: "Give your friends 15% off, get 15%
 * off your next order." The referrer's half follows the reward kind (a code
 * off the next order, store credit, or a cash fee per friend who buys).
 */
export function giveGetText(program: RewardTerms, t: Translate, localeTag: string): string {
  const offer = offerText(program, t, localeTag);
  const value = program.rewardValue.toString();
  if (program.rewardKind === "CODE_PERCENTAGE") return t("block.give_get_code", { offer, reward: formatPercent(value, localeTag) });
  const reward = formatMoney(money(value, program.currencyCode).amount, program.currencyCode, localeTag);
  if (program.rewardKind === "STORE_CREDIT") return t("block.give_get_credit", { offer, reward });
  if (program.rewardKind === "CASH") return t("block.give_get_cash", { offer, reward });
  return t("block.give_get_code", { offer, reward });
}

/** 10 -> "10%" (or "10 %" in French): Intl knows each locale's spacing and sign. */
export function formatPercent(value: string, localeTag: string): string {
  // The value is a stored decimal with at most 4 places; dividing as a float is exact enough to print.
  return numberFormat(localeTag, { style: "percent", maximumFractionDigits: 2 }).format(Number(value) / 100);
}

export interface SecondTierTerms {
  secondTierEnabled: boolean;
  secondTierKind: string;
  secondTierValue: { toString(): string };
  currencyCode: string;
}

/**
 * The second-tier fee in the program terms shown to shoppers, while it is on
 * (null when off): what a referrer earns when a friend they referred refers a
 * paying friend in turn, and that it stops at two levels.
 */
export function secondTierText(program: SecondTierTerms, t: Translate, localeTag: string): string | null {
  if (!program.secondTierEnabled) return null;
  const fee = formatMoney(money(program.secondTierValue.toString(), program.currencyCode).amount, program.currencyCode, localeTag);
  const kind = t(program.secondTierKind === "STORE_CREDIT" ? "page.second_tier_credit" : "page.second_tier_cash");
  return t("page.second_tier_terms", { fee, kind });
}

/**
 * What the terms' version digests besides the merchant's text: the second-tier
 * fee while it is on, so a referrer accepts the terms again once it is added.
 */
export function termsVersionInput(program: { terms: string } & SecondTierTerms): string {
  const tier = program.secondTierEnabled ? `\nsecond-tier:${program.secondTierKind}:${program.secondTierValue.toString()} ${program.currencyCode}` : "";
  return program.terms.trim() + tier;
}
