// CSV exports streamed in keyset batches: memory stays flat at 100,000 rows and
// the first bytes leave before the last row is read.
import { keysetWhere, type Cursor } from "./cursor";

export type Cell = string | number | null | undefined;
export const EXPORT_BATCH = 1000;

/** RFC 4180 quoting, plus a leading apostrophe on cells a spreadsheet would run as a formula. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: Cell[]) => `${cells.map(csvCell).join(",")}\r\n`;

/**
 * `fetchBatch(keyset, take)` must return rows in (createdAt desc, id desc) order
 * matching the keyset condition; `toLines` turns a batch into CSV rows.
 */
export function csvStream<T extends Cursor>(
  header: string[],
  fetchBatch: (keyset: object, take: number) => Promise<T[]>,
  toLines: (batch: T[]) => Promise<Cell[][]> | Cell[][],
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        // The BOM makes Excel read the file as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
        return;
      }
      const batch = await fetchBatch(keysetWhere(cursor, "after"), EXPORT_BATCH);
      if (batch.length) {
        const lines = await toLines(batch);
        controller.enqueue(encoder.encode(lines.map(csvLine).join("")));
        const last = batch[batch.length - 1];
        cursor = { createdAt: last.createdAt, id: last.id };
      }
      if (batch.length < EXPORT_BATCH) controller.close();
    },
  });
}

export function csvResponse(stream: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
