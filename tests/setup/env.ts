// The app's environment for tests: real validation, test credentials.
import { vi } from "vitest";

process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret-0123456789abcdef";
process.env.SHOPIFY_APP_URL ??= "https://referrals.test";
process.env.RUN_WORKER = "false";

// An unexpected console.error is a bug somewhere: fail the test that caused it.
const realError = console.error;
vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
  realError(...args);
  throw new Error(`console.error was called: ${args.map(String).join(" ").slice(0, 500)}`);
});
