// Days in a shop's time zone (Shopify's `shop.ianaTimezone`). A day is its
// YYYY-MM-DD label; its start is the first instant whose local date is that day
// (midnight, or later on a day whose midnight a DST change skips).
const MINUTE = 60_000;
const DAY = 86_400_000;
export const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

export class TimeZoneError extends Error {
  name = "TimeZoneError";
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(zone: string): void {
  if (!isTimeZone(zone)) throw new TimeZoneError(`"${zone}" is not an IANA time zone`);
}

function localParts(instant: number, zone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The local day of an instant, YYYY-MM-DD. */
export function localDay(instant: Date | number, zone: string): string {
  const p = localParts(typeof instant === "number" ? instant : instant.getTime(), zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Local time minus UTC at an instant, in whole minutes. */
export function offsetMinutes(instant: number, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / MINUTE);
}

/** The day `n` days after `day` (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY);
}

/** The first instant of a local day. */
export function startOfLocalDay(day: string, zone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(utcMidnight)) throw new RangeError(`"${day}" is not a day`);
  // Offsets lie within -12h..+14h: the local midnight is within this window. Binary
  // search, by minute, for the first instant whose local day is `day` or later.
  let lo = utcMidnight - 15 * 3_600_000;
  let hi = utcMidnight + 13 * 3_600_000;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (localDay(mid, zone) >= day) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

export interface OffsetSegment {
  /** The segment ends here (exclusive); null for the last one. */
  until: Date | null;
  offsetMinutes: number;
}

/**
 * The zone's UTC offsets between two instants, one segment per offset in force:
 * what SQL needs to turn a UTC timestamp into a local day without a time zone
 * database of its own (SQLite has none).
 */
export function offsetSegments(from: Date, to: Date, zone: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = offsetMinutes(from.getTime(), zone);
  // Offsets change at most a few times a year, never twice in 12 hours.
  const STEP = 12 * 3_600_000;
  for (let t = from.getTime(); t < to.getTime(); t += STEP) {
    const next = Math.min(t + STEP, to.getTime());
    const after = offsetMinutes(next, zone);
    if (after === current) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetMinutes(mid, zone) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ until: new Date(hi), offsetMinutes: current });
    current = after;
  }
  segments.push({ until: null, offsetMinutes: current });
  return segments;
}
