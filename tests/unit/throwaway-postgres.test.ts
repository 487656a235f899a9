// The throwaway PostgreSQL a bare machine's test run starts (tests/setup/global.ts):
// a real server from npm, reachable, writable, and gone after stop().
import pg from "pg";
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
});
