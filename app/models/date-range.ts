// The date range of a dashboard or a filter, from `?from=YYYY-MM-DD&to=YYYY-MM-DD`.
// Days are UTC days; `to` is inclusive for the merchant and exclusive in queries.
const DAY = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_RANGE_DAYS = 366;

export interface DateRange {
  from: Date;
  /** Exclusive: the start of the day after the last day shown. */
  to: Date;
  fromDay: string;
  toDay: string;
  days: number;
}

export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

function parseDay(value: string | null): Date | null {
  if (!value || !ISO_DAY.test(value)) return null;
  const d = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Invalid or missing days fall back to the last `defaultDays` days; a reversed range is swapped. */
export function parseDateRange(params: URLSearchParams, now: Date, defaultDays = 30): DateRange {
  const today = parseDay(dayOf(now))!;
  let last = parseDay(params.get("to")) ?? today;
  let first = parseDay(params.get("from")) ?? new Date(last.getTime() - (defaultDays - 1) * DAY);
  if (first > last) [first, last] = [last, first];
  if ((last.getTime() - first.getTime()) / DAY >= MAX_RANGE_DAYS) first = new Date(last.getTime() - (MAX_RANGE_DAYS - 1) * DAY);
  const to = new Date(last.getTime() + DAY);
  return { from: first, to, fromDay: dayOf(first), toDay: dayOf(last), days: Math.round((to.getTime() - first.getTime()) / DAY) };
}

/** Optional day filters (no default): `{ gte, lt }` or undefined. */
export function optionalDayFilter(fromValue: string | null, toValue: string | null) {
  const from = parseDay(fromValue);
  const toDay = parseDay(toValue);
  if (!from && !toDay) return undefined;
  return { ...(from ? { gte: from } : {}), ...(toDay ? { lt: new Date(toDay.getTime() + DAY) } : {}) };
}

/** Every day of the range, for a time series with no gaps. */
export function daysOf(range: DateRange): string[] {
  return Array.from({ length: range.days }, (_, i) => dayOf(new Date(range.from.getTime() + i * DAY)));
}
