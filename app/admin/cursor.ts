// Keyset pagination over (createdAt desc, id desc). The cursor carries the
// row's own sort values, so a page never looks a row up by a client-supplied
// id (which could belong to another shop) and stays fast at any depth.
export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Cursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value) return null;
  const [iso, id] = Buffer.from(value, "base64url").toString().split("|");
  const createdAt = new Date(iso ?? "");
  // Years 1 to 9999 only: PostgreSQL refuses instants outside its range (a 500 instead of "bad cursor").
  const year = createdAt.getUTCFullYear();
  if (!id || Number.isNaN(createdAt.getTime()) || year < 1 || year > 9999) return null;
  return { createdAt, id };
}

/** Rows strictly after the cursor in (createdAt desc, id desc) order; "before" reverses it. */
export function keysetWhere(cursor: Cursor | null, direction: "after" | "before") {
  if (!cursor) return {};
  const cmp = direction === "after" ? "lt" : "gt";
  return {
    OR: [{ createdAt: { [cmp]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [cmp]: cursor.id } }],
  };
}

export interface PageRequest {
  after?: string | null;
  before?: string | null;
  take?: number;
}

/**
 * Reads one page with `find(where, orderDirection, take)` and returns it newest
 * first, with cursors for the neighbouring pages.
 */
export async function keysetPage<T extends Cursor>(
  page: PageRequest,
  find: (where: object, order: "asc" | "desc", take: number) => Promise<T[]>,
) {
  const take = Math.min(Math.max(page.take ?? 50, 1), 250);
  const before = decodeCursor(page.before);
  const after = before ? null : decodeCursor(page.after);
  const backwards = Boolean(before);
  const rows = await find(keysetWhere(backwards ? before : after, backwards ? "before" : "after"), backwards ? "asc" : "desc", take + 1);
  const more = rows.length > take;
  const items = rows.slice(0, take);
  if (backwards) items.reverse();
  const hasNext = backwards ? true : more;
  const hasPrevious = backwards ? more : Boolean(after);
  return {
    items,
    nextCursor: hasNext && items.length ? encodeCursor(items[items.length - 1]) : null,
    previousCursor: hasPrevious && items.length ? encodeCursor(items[0]) : null,
  };
}
