// The read API's query parameters. Each endpoint names the parameters it
// takes; anything else is refused (a misspelt filter would otherwise return
// every row, which looks like an answer). Every refusal names its parameter.
import { decodeCursor, type Cursor } from "~/admin/cursor";
import { badParameter } from "./errors";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 250;
export const PAGE_PARAMETERS = ["limit", "cursor"] as const;

export class ListParams {
  constructor(
    private readonly params: URLSearchParams,
    allowed: readonly string[],
  ) {
    for (const name of new Set(params.keys())) {
      if (!allowed.includes(name)) throw badParameter(name, `Unknown parameter "${name}". This endpoint takes: ${allowed.join(", ")}.`);
      if (params.getAll(name).length > 1) throw badParameter(name, `"${name}" is given more than once.`);
    }
  }

  /** The parameter's value, trimmed; null when absent or empty. */
  text(name: string): string | null {
    const value = this.params.get(name)?.trim();
    return value ? value : null;
  }

  /** One of `values`, in any letter case. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | null {
    const value = this.text(name);
    if (value === null) return null;
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) throw badParameter(name, `"${name}" must be one of ${values.join(", ")}.`);
    return upper;
  }

  /** An ISO 8601 date (midnight UTC) or date-time with a time zone. */
  date(name: string): Date | null {
    let value = this.text(name);
    if (value === null) return null;
    // An unencoded "+02:00" in a query string arrives as " 02:00".
    value = value.replace(/ (\d{2}:\d{2})$/, "+$1");
    const date = ISO_8601.test(value) ? new Date(value) : null;
    // Date parsing rolls 2026-02-30 over into March: the day must come back as written.
    const rolledOver = date && value.length === 10 && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) !== value;
    if (!date || Number.isNaN(date.getTime()) || rolledOver) {
      throw badParameter(name, `"${name}" must be an ISO 8601 date (2026-11-30) or date-time with a time zone (2026-11-30T08:00:00Z).`);
    }
    return date;
  }

  /** created_after (inclusive) and created_before (exclusive), as a Prisma filter. */
  createdAt(): { gte?: Date; lt?: Date } | undefined {
    const gte = this.date("created_after") ?? undefined;
    const lt = this.date("created_before") ?? undefined;
    if (gte && lt && gte >= lt) throw badParameter("created_before", `"created_before" must be later than "created_after".`);
    return gte || lt ? { ...(gte ? { gte } : {}), ...(lt ? { lt } : {}) } : undefined;
  }

  limit(): number {
    const value = this.text("limit");
    if (value === null) return DEFAULT_LIMIT;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) throw badParameter("limit", `"limit" must be a whole number from 1 to ${MAX_LIMIT}.`);
    return n;
  }

  cursor(): Cursor | null {
    const value = this.text("cursor");
    if (value === null) return null;
    const cursor = decodeCursor(value);
    if (!cursor) throw badParameter("cursor", `"cursor" is not a cursor this API returned: pass next_cursor unchanged.`);
    return cursor;
  }
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;
