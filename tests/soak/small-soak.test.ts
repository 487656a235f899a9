// The soak in small (soak/soak.ts --small): a few hundred deliveries with
// duplicates and early refunds/cancellations, the fake Admin API failing, two
// worker processes SIGKILLed a few times. The full run (`npm run soak`) is not
// part of `npm test`. The soak makes its own PostgreSQL database (two worker
// processes sharing PostgreSQL is the case that matters), so it runs once, in
// the "sqlite" project; the "postgresql" project skips it.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";

// Generous: about a minute when the machine is idle, several times that when it is loaded.
const TIMEOUT_MS = 300_000;

function runSoak(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // `node --import tsx`, not the tsx CLI: one process, so a timeout's kill ends it.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "soak/soak.ts"), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // The soak has its own watchdog (270 s); this one only guards against a hang of the watchdog itself.
    const guard = setTimeout(() => child.kill("SIGTERM"), TIMEOUT_MS - 5_000);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

describe.skipIf(process.env.TEST_DATABASE === "postgresql")("soak (small)", () => {
  it(
    "nothing lost, nothing paid twice: every check passes with workers killed mid-job",
    async () => {
      const { code, output } = await runSoak(["--small", "--db", "postgresql"]);
      const checks = output.split("\n").filter((line) => line.startsWith("CHECK "));
      const failed = checks.filter((line) => !line.startsWith("CHECK ok"));
      if (code !== 0 || failed.length) console.info(output.slice(-8_000)); // the evidence, when it fails
      expect(failed).toEqual([]);
      expect(checks.length).toBeGreaterThanOrEqual(9);
      expect(output).toContain("SOAK PASSED");
      const kills = Number(/worker SIGKILLs\s+(\d+)/.exec(output)?.[1] ?? 0);
      expect(kills).toBeGreaterThanOrEqual(2);
      expect(code).toBe(0);
    },
    TIMEOUT_MS,
  );
});
