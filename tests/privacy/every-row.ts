// Reads every row of every model the Prisma schema declares, found from the
// generated client rather than listed by hand: a model added later is searched
// by the privacy tests without anyone remembering to add it here.
import { Prisma, type Db } from "~/db.server";

export interface FoundRow {
  model: string;
  row: Record<string, unknown>;
}

/** Names of the models, and of their scalar columns, as the generated client knows them. */
export function models(): { model: string; columns: string[] }[] {
  const namespace = Prisma as unknown as Record<string, Record<string, string> | undefined>;
  return Object.values(Prisma.ModelName).map((model) => {
    const columns = namespace[`${model}ScalarFieldEnum`];
    if (!columns) throw new Error(`the generated client has no ${model}ScalarFieldEnum`);
    return { model, columns: Object.values(columns) };
  });
}

export async function everyRow(db: Db): Promise<FoundRow[]> {
  const found: FoundRow[] = [];
  for (const { model } of models()) {
    const delegate = (db as unknown as Record<string, { findMany(): Promise<Record<string, unknown>[]> }>)[
      delegateName(model)
    ];
    for (const row of await delegate.findMany()) found.push({ model, row });
  }
  return found;
}

/** The row as text, every column rendered (dates, decimals and big integers too). */
export function rowText(row: Record<string, unknown>): string {
  return Object.values(row)
    .map((v) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? "" : String(v)))
    .join("\u0000");
}

/** Whether the row belongs to `shop`: its shop column, or (RateLimit) a key naming it. */
export function belongsTo(row: Record<string, unknown>, shop: string): boolean {
  if ("shop" in row) return row.shop === shop;
  return typeof row.key === "string" && row.key.split(":").includes(shop);
}

/** Rows of `shop` whose text contains any needle (case-insensitive), as "Model.id: needle". */
export async function mentionsOf(db: Db, shop: string, needles: string[]): Promise<string[]> {
  const lower = needles.map((n) => n.toLowerCase());
  const hits: string[] = [];
  for (const { model, row } of await everyRow(db)) {
    if (!belongsTo(row, shop)) continue;
    const text = rowText(row).toLowerCase();
    for (const needle of lower) {
      if (text.includes(needle)) hits.push(`${model}.${String(row.id ?? row.key ?? row.shop)}: ${needle}`);
    }
  }
  return hits;
}

/** Empties every table, so each test starts from its own seed. */
export async function deleteEveryRow(db: Db): Promise<void> {
  for (const { model } of models()) {
    await (db as unknown as Record<string, { deleteMany(): Promise<unknown> }>)[delegateName(model)].deleteMany();
  }
}

function delegateName(model: string): string {
  return model[0].toLowerCase() + model.slice(1);
}
