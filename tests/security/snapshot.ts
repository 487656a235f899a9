// What "nothing written" and "nothing of shop B changed" mean, measured over
// every model the generated Prisma client declares (a table added later is
// counted without anyone listing it).
import db from "~/db.server";
import { belongsTo, models, rowText } from "../privacy/every-row";

const delegate = (model: string) =>
  (db as unknown as Record<string, { count(): Promise<number> }>)[model[0].toLowerCase() + model.slice(1)];

/** Row count of every table: also proves every table still exists. */
export async function countEveryTable(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { model } of models()) counts[model] = await delegate(model).count();
  return counts;
}

/** Every row of the shop, as sorted text (each column rendered): equal before and after means untouched. */
export async function shopFingerprint(shop: string): Promise<string[]> {
  const rows: string[] = [];
  for (const { model, columns } of models()) {
    const find = (db as unknown as Record<string, { findMany(args?: object): Promise<Record<string, unknown>[]> }>)[model[0].toLowerCase() + model.slice(1)];
    // Tables keyed by shop are read for the shop only; the rest (RateLimit) whole, then filtered.
    const found = columns.includes("shop") ? await find.findMany({ where: { shop } }) : (await find.findMany()).filter((row) => belongsTo(row, shop));
    for (const row of found) rows.push(`${model}:${rowText(row)}`);
  }
  return rows.sort();
}

/** The differences between two counts, e.g. "Referrer +1"; empty when equal. */
export function countDiff(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${after[k] - before[k] > 0 ? "+" : ""}${after[k] - before[k]}`);
}
