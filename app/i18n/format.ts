// Formatting for the browser and the server alike (no Prisma import: this ends
// up in the client bundle). Amounts arrive as decimal strings, never floats.
const LOCALE = "en";

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * An Intl.NumberFormat, made once per locale and options: making one costs
 * far more than formatting with it (a tenth of a millisecond and more, on
 * every storefront and extension answer).
 */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    if (numberFormats.size >= 500) numberFormats.clear();
    numberFormats.set(key, format);
  }
  return format;
}

/** A decimal-string amount in its currency's format, for `locale` (the admin's by default). */
export function formatMoney(amount: string | null | undefined, currencyCode: string, locale: string = LOCALE): string {
  try {
    return numberFormat(locale, { style: "currency", currency: currencyCode }).format(Number(amount ?? 0));
  } catch {
    return `${amount ?? "0"} ${currencyCode}`;
  }
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(LOCALE).format(n);
}

export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 }).format(ratio);
}

/** Dates as the admin shows them; UTC so the server render and the browser agree. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";
}

export function personName(p: { firstName?: string | null; lastName?: string | null; email?: string | null; code?: string }): string {
  return [p.firstName, p.lastName].filter(Boolean).join(" ") || p.email || p.code || "—";
}
