// Formatting for the browser and the server alike (no Prisma import: this ends
// up in the client bundle). Amounts arrive as decimal strings, never floats.
const LOCALE = "en";

/** A decimal-string amount in its currency's format, for `locale` (the admin's by default). */
export function formatMoney(amount: string | null | undefined, currencyCode: string, locale: string = LOCALE): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode }).format(Number(amount ?? 0));
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
