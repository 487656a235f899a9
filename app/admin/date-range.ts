// The date range of a dashboard or a filter, from `?from=YYYY-MM-DD&to=YYYY-MM-DD`.
// Days are the shop's local days (its IANA time zone); `to` is inclusive for the
// merchant and exclusive in queries.
import { addDays, daysBetween, ISO_DAY, localDay, startOfLocalDay } from "~/referrals/local-day";

export const MAX_RANGE_DAYS = 366;

export interface DateRange {
  /** The first instant of the first day, in the shop's time zone. */
  from: Date;
  /** Exclusive: the start of the day after the last day shown. */
  to: Date;
  fromDay: string;
  toDay: string;
  days: number;
  timezone: string;
}

function parseDay(value: string | null): string | null {
  if (!value || !ISO_DAY.test(value)) return null;
  const d = new Date(`${value}T00:00:00.000Z`);
  // Rejects 2025-02-30 and the like (Date rolls them over).
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? null : value;
}

/** Invalid or missing days fall back to the last `defaultDays` days; a reversed range is swapped. */
export function parseDateRange(params: URLSearchParams, now: Date, timezone: string, defaultDays = 30): DateRange {
  const today = localDay(now, timezone);
  let last = parseDay(params.get("to")) ?? today;
  let first = parseDay(params.get("from")) ?? addDays(last, -(defaultDays - 1));
  if (first > last) [first, last] = [last, first];
  if (daysBetween(first, last) >= MAX_RANGE_DAYS) first = addDays(last, -(MAX_RANGE_DAYS - 1));
  return {
    from: startOfLocalDay(first, timezone),
    to: startOfLocalDay(addDays(last, 1), timezone),
    fromDay: first,
    toDay: last,
    days: daysBetween(first, last) + 1,
    timezone,
  };
}

/** The same number of days just before `range`: what its figures are compared with. */
export function previousRange(range: DateRange): DateRange {
  const last = addDays(range.fromDay, -1);
  const first = addDays(last, -(range.days - 1));
  return {
    from: startOfLocalDay(first, range.timezone),
    to: range.from,
    fromDay: first,
    toDay: last,
    days: range.days,
    timezone: range.timezone,
  };
}

/** Optional day filters (no default), in the shop's time zone: `{ gte, lt }` or undefined. */
export function optionalDayFilter(fromValue: string | null, toValue: string | null, timezone: string) {
  const from = parseDay(fromValue);
  const to = parseDay(toValue);
  if (!from && !to) return undefined;
  return {
    ...(from ? { gte: startOfLocalDay(from, timezone) } : {}),
    ...(to ? { lt: startOfLocalDay(addDays(to, 1), timezone) } : {}),
  };
}

/** Every day of the range, for a time series with no gaps. */
export function daysOf(range: Pick<DateRange, "fromDay" | "days">): string[] {
  return Array.from({ length: range.days }, (_, i) => addDays(range.fromDay, i));
}
