// `npm run demo` itself (scripts/demo.ts), as a newcomer runs it: it prepares
// a fresh data/demo.sqlite, starts everything, prints the URLs, serves them,
// and stops on SIGTERM. The end-to-end test (demo.test.ts) drives the same
// stack from inside the test process; this one runs the command, so what the
// command's own process loads (and in which order) is covered too.
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";

const base = 20_000 + Math.floor(Math.random() * 20_000);
let output = "";
// A newcomer's shell: none of the variables the test run sets for the app.
const shell = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(SHOPIFY_|DATABASE_URL$|NODE_ENV$|RUN_WORKER$|TEST_|VITEST)/.test(name)),
);
const demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
  cwd: PROJECT_ROOT,
  // No NODE_ENV: the command decides it, as in a newcomer's shell.
  env: { ...shell, DEMO_PORT: String(base) } as unknown as NodeJS.ProcessEnv,
  stdio: ["ignore", "pipe", "pipe"],
});
demo.stdout.on("data", (chunk) => (output += chunk));
demo.stderr.on("data", (chunk) => (output += chunk));
const exited = new Promise<number | null>((resolve) => demo.on("exit", (code) => resolve(code)));

afterAll(async () => {
  if (demo.exitCode === null) demo.kill("SIGKILL");
});

async function ready(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!output.includes("Demo ready")) {
    if (demo.exitCode !== null) throw new Error(`npm run demo exited ${demo.exitCode}:\n${output}`);
    if (Date.now() > until) throw new Error(`npm run demo was not ready in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm run demo", () => {
  it("prints its URLs, serves the admin and the storefront, and stops on SIGTERM", async () => {
    await ready(150_000);
    const admin = /Merchant admin\s+(\S+)/.exec(output)?.[1];
    const storefront = /Storefront\s+(\S+)/.exec(output)?.[1];
    expect(admin).toBe(`http://127.0.0.1:${base}/apps/referrals`);
    expect(storefront).toBe(`http://127.0.0.1:${base + 1}/`);
    expect((await fetch(admin!)).status).toBe(200);
    const page = await fetch(storefront!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("data-rfl");
    demo.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("Stopping the demo");
  }, 200_000);
});
