// The app's log lines (app/ops/logger.server.ts) captured while a test runs,
// at LOG_LEVEL `level`: the raw lines, and each parsed as JSON.
import { redirectLogs } from "~/ops/logger.server";

export interface CapturedLogs {
  raw: string[];
  /** Every line parsed (a line that is not JSON throws here). */
  lines(): Record<string, unknown>[];
  restore(): void;
}

export function captureLogs(level = "info"): CapturedLogs {
  const raw: string[] = [];
  const previousLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = level;
  const undo = redirectLogs((line) => void raw.push(line));
  return {
    raw,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    restore() {
      undo();
      if (previousLevel === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previousLevel;
    },
  };
}
