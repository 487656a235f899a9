// The contract between each benchmark and `npm run bench` (bench/run-all.ts):
// a benchmark prints its own tables for a reader, and also reports its headline
// figures with `reportFigures`, one line each, which the aggregator collects
// from the child's output into one table. Every figure has the baseline it was
// measured against in the same run and their ratio.

export const FIGURE_PREFIX = "BENCH-FIGURE ";

export interface Figure {
  /** The benchmark it comes from: "webhook-ingest", "admin-loaders", ... */
  bench: string;
  /** What was measured, e.g. "throughput (req/s), SQLite". */
  figure: string;
  value: number;
  unit: string;
  /** What it is compared with, measured in the same run, e.g. "bare HMAC server". */
  baseline: string;
  baselineValue: number;
  /** value / baselineValue, or the inverse when lower is better (say which in `figure` or `target`). */
  ratio: number;
  /** The target in words, e.g. ">= 0.5x baseline" or "< 150 ms". */
  target: string;
  /** Whether the target was met (printed, never asserted). */
  met: boolean;
}

export function reportFigures(figures: Figure[]): void {
  for (const figure of figures) console.log(FIGURE_PREFIX + JSON.stringify(figure));
}

export function parseFigures(output: string): Figure[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith(FIGURE_PREFIX))
    .map((line) => JSON.parse(line.slice(FIGURE_PREFIX.length)) as Figure);
}
