// The friend's offer in the shopper's language: "10% off", "5,00 € de remise", "free shipping".
import { formatMoney } from "~/i18n/format";
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

/** 10 -> "10%" (or "10 %" in French): Intl knows each locale's spacing and sign. */
export function formatPercent(value: string, localeTag: string): string {
  // The value is a stored decimal with at most 4 places; dividing as a float is exact enough to print.
  return new Intl.NumberFormat(localeTag, { style: "percent", maximumFractionDigits: 2 }).format(Number(value) / 100);
}
