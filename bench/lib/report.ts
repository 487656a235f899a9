// Small helpers shared by the benchmarks: machine facts, percentiles, tables.
// Benchmarks print figures and the targets beside them; they never assert
// timings (the machines are shared and noisy).
import os from "node:os";

export function machineInfo(): [string, string][] {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(" / ");
  return [
    ["cpus", `${cpus.length} x ${cpus[0]?.model.trim() ?? "?"}`],
    ["memory", `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free`],
    ["node", process.version],
    ["platform", `${os.platform()} ${os.release()} ${os.arch()}`],
    ["load average (1/5/15 min) at start", load],
  ];
}

/** p in 0..100 over an ascending-sorted array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** A Markdown table; the first column is left-aligned and the others right-aligned, unless `align` says otherwise. */
export function table(title: string, headers: string[], rows: (string | number)[][], align?: ("left" | "right")[]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const left = (i: number) => (align?.[i] ?? (i === 0 ? "left" : "right")) === "left";
  const line = (r: string[]) => `| ${r.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (left(i) ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [`\n${title}`, line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}

export function keyValueTable(title: string, rows: [string, string][]): string {
  return table(title, ["", ""], rows);
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** "met" / "NOT met": what the figure says about its target, for the reader (never asserted). */
export const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
