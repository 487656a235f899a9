// Money is a decimal amount plus an ISO 4217 currency code, never a float.
import { Prisma } from "~/generated/sqlite/client";

export type Decimal = Prisma.Decimal;
export const Decimal = Prisma.Decimal;

export interface Money {
  amount: string;
  currencyCode: string;
}

export function toDecimal(value: string | number | Decimal | null | undefined): Decimal {
  if (value === null || value === undefined || value === "") return new Decimal(0);
  return new Decimal(value);
}

/** Digits after the decimal point for a currency (JPY 0, KWD 3, most 2). */
export function currencyDigits(currencyCode: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function money(amount: string | number | Decimal, currencyCode: string): Money {
  return { amount: toDecimal(amount).toFixed(currencyDigits(currencyCode)), currencyCode };
}
