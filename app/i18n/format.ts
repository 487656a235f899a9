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

/**
 * Dates as the admin shows them, in a named time zone (the shop's, where the
 * page knows it; UTC otherwise) so the server render and the browser agree.
 */
export function formatDate(iso: string | null | undefined, timeZone = "UTC"): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: validZone(timeZone) }).format(new Date(iso));
}

/** A time with its zone named ("Dec 7, 2026, 9:15 AM GMT+1"; "… UTC" without a shop zone). */
export function formatDateTime(iso: string | null | undefined, timeZone = "UTC"): string {
  if (!iso) return "—";
  const zone = validZone(timeZone);
  if (zone === "UTC") return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";
  // dateStyle and timeZoneName cannot be combined: the medium date's fields, spelled out.
  return new Intl.DateTimeFormat(LOCALE, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: zone, timeZoneName: "short" }).format(new Date(iso));
}

function validZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

const ADMIN_PATHS: Record<string, string> = {
  Order: "orders",
  Customer: "customers",
  DiscountCodeNode: "discounts",
  DiscountAutomaticNode: "discounts",
  Product: "products",
};

/**
 * A Shopify object id as a link into the Shopify admin (`shopify://admin/...`,
 * which App Bridge opens in the admin), or null for ids the admin has no page for.
 */
export function adminLink(gid: string): string | null {
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(gid);
  const section = match ? ADMIN_PATHS[match[1]] : undefined;
  return section ? `shopify://admin/${section}/${match![2]}` : null;
}

export function personName(p: { firstName?: string | null; lastName?: string | null; email?: string | null; code?: string }): string {
  return [p.firstName, p.lastName].filter(Boolean).join(" ") || p.email || p.code || "—";
}
