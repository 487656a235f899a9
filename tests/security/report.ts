// The table of every hostile case tried: recorded by each test before it
// asserts (so a failing case shows too), printed after the file and written
// to test-results/security-table-<database>.txt. The assertions are the tests;
// the table is for humans.
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";

export interface CaseRow {
  surface: string;
  target: string;
  case: string;
  expected: string;
  outcome: string;
}

const rows: (CaseRow & { ok: boolean })[] = [];

/** Records a case; `ok` is whether the outcome met the expectation (the test asserts it too). */
export function record(row: CaseRow, ok: boolean) {
  rows.push({ ...row, ok });
}

export function tableText(): string {
  const header: (keyof CaseRow | "ok")[] = ["surface", "target", "case", "expected", "outcome", "ok"];
  const cells = rows.map((r) => header.map((h) => (h === "ok" ? (r.ok ? "pass" : "FAIL") : clip(r[h]))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join(" | ").trimEnd();
  const bySurface = new Map<string, number>();
  for (const r of rows) bySurface.set(r.surface, (bySurface.get(r.surface) ?? 0) + 1);
  const failed = rows.filter((r) => !r.ok).length;
  return [
    `Hostile input (${process.env.TEST_DATABASE ?? "sqlite"}): ${rows.length} cases, ${failed} failed — ` +
      [...bySurface].map(([s, n]) => `${s} ${n}`).join(", "),
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...cells.map(line),
  ].join("\n");
}

export function printTable() {
  if (rows.length === 0) return;
  const text = tableText();
  console.log(`\n${text}\n`);
  const dir = path.join(PROJECT_ROOT, "test-results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `security-table-${process.env.TEST_DATABASE ?? "sqlite"}.txt`), `${text}\n`);
}

function clip(text: string, max = 90): string {
  const flat = text.replace(/[\r\n\t]+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
