// The app's environment for tests: real validation, test credentials.
import { vi } from "vitest";
import { redirectLogs } from "~/ops/logger.server";

process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret-0123456789abcdef";
process.env.SHOPIFY_APP_URL ??= "https://referrals.test";
process.env.RUN_WORKER = "false";
// Quiet: only errors reach the log, and an error logged fails the test (below).
process.env.LOG_LEVEL ??= "error";

// An unexpected console.error is a bug somewhere: fail the test that caused it.
const realError = console.error;
vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
  realError(...args);
  throw new Error(`console.error was called: ${args.map(String).join(" ").slice(0, 500)}`);
});

// The same for an error the app logs (app/ops/logger.server.ts): tests that expect one capture the log.
redirectLogs((line) => {
  realError(line);
  throw new Error(`an error was logged: ${line.slice(0, 500)}`);
});
