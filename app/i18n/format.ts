// Formatting for the browser and the server alike (no Prisma import: this ends
// up in the client bundle). Amounts arrive as decimal strings, never floats.
const LOCALE = "en";

/**
 * Languages whose Intl data browsers do not ship: Chromium's ICU has Maltese
 * plural rules but no Maltese dates or numbers (it answers en-US for "mt"),
 * while Node's full ICU has them, so the server and the browser would write a
 * date two ways (a hydration mismatch). Those are formatted as Malta writes
 * them with the English data every engine has: en-GB numbers, and dates in
 * digits (07/12/2026), which need no month names.
 */
const WORDLESS: Record<string, string> = { mt: "en-GB" };

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
    format = new Intl.NumberFormat(WORDLESS[locale] ?? locale, options);
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

export function formatNumber(n: number, locale: string = LOCALE): string {
  return numberFormat(locale).format(n);
}

export function formatPercent(ratio: number, locale: string = LOCALE): string {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio);
}

/**
 * Dates as the admin shows them, in a named time zone (the shop's, where the
 * page knows it; UTC otherwise) so the server render and the browser agree.
 */
export function formatDate(iso: string | null | undefined, timeZone = "UTC", locale: string = LOCALE): string {
  if (!iso) return "—";
  if (WORDLESS[locale]) return new Intl.DateTimeFormat(WORDLESS[locale], { ...DIGITS, timeZone: validZone(timeZone) }).format(new Date(iso));
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: validZone(timeZone) }).format(new Date(iso));
}

/** A time with its zone named ("Dec 7, 2026, 9:15 AM GMT+1"; "… UTC" without a shop zone). */
export function formatDateTime(iso: string | null | undefined, timeZone = "UTC", locale: string = LOCALE): string {
  if (!iso) return "—";
  const zone = validZone(timeZone);
  if (WORDLESS[locale]) {
    const time = { ...DIGITS, hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone } as const;
    if (zone === "UTC") return new Intl.DateTimeFormat(WORDLESS[locale], time).format(new Date(iso)) + " UTC";
    return new Intl.DateTimeFormat(WORDLESS[locale], { ...time, timeZoneName: "short" }).format(new Date(iso));
  }
  if (zone === "UTC") return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";
  // dateStyle and timeZoneName cannot be combined: the medium date's fields, spelled out.
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: zone, timeZoneName: "short" }).format(new Date(iso));
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "in 3 days", "2 hours ago", in `locale`'s words ("3 दिन में", "fa 2 sigħat"): the largest whole unit. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now(), locale: string = LOCALE): string {
  if (!iso) return "—";
  // No relative words in a language the browser lacks: the time itself.
  if (WORDLESS[locale]) return formatDateTime(iso, "UTC", locale);
  const diff = new Date(iso).getTime() - now;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, ms] of RELATIVE_UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.trunc(diff / ms), unit);
  }
  return format.format(0, "minute");
}

/** The admin's formats for one locale, as its pages use them (`f.money(…)`, `f.date(…)`). */
export function formatter(locale: string) {
  return {
    money: (amount: string | null | undefined, currencyCode: string) => formatMoney(amount, currencyCode, locale),
    number: (n: number) => formatNumber(n, locale),
    percent: (ratio: number) => formatPercent(ratio, locale),
    date: (iso: string | null | undefined, timeZone?: string) => formatDate(iso, timeZone, locale),
    dateTime: (iso: string | null | undefined, timeZone?: string) => formatDateTime(iso, timeZone, locale),
    relative: (iso: string | null | undefined, now?: number) => formatRelative(iso, now, locale),
    list: (items: string[]) => (WORDLESS[locale] ? items.join(", ") : new Intl.ListFormat(locale, { type: "conjunction" }).format(items)),
  };
}
export type Formatter = ReturnType<typeof formatter>;

const DIGITS = { day: "2-digit", month: "2-digit", year: "numeric" } as const;

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
