// Child processes for the benchmarks: started with this Node and tsx, on
// loopback ports, and always stopped by their own pid (SIGTERM, then SIGKILL).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";

export const LOOPBACK = "127.0.0.1";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, LOOPBACK, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  process: ChildProcess;
  /** The last lines it printed, for error reports. */
  output(): string;
  /** Sends `signal` (SIGTERM by default), then SIGKILL if it has not exited after `graceMs`; resolves once it exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** `node --import tsx [...nodeArgs] script ...args` in the project root. */
export function startTsx(name: string, script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Child {
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeArgs, path.join(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    process: child,
    output: () => log,
    async stop(signal = "SIGTERM", graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `url` answers anything over HTTP; throws if the child exits or `timeoutMs` passes. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited (${child.process.exitCode}):\n${child.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms:\n${child.output()}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The app's production build (build/), rebuilt with `npm run build` when app/
 * is newer; with `noBuild`, an existing build is used as it is. Says which.
 */
export function ensureBuild({ noBuild = false }: { noBuild?: boolean } = {}): string {
  const built = path.join(PROJECT_ROOT, "build/server/index.js");
  const sources = Math.max(newestMtime(path.join(PROJECT_ROOT, "app")), fs.statSync(path.join(PROJECT_ROOT, "vite.config.ts")).mtimeMs);
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (builtAt >= sources) return "up to date";
  if (noBuild) {
    if (!builtAt) throw new Error("build/server/index.js is missing: run `npm run build` (or drop --no-build)");
    return "STALE (older than app/; --no-build given)";
  }
  console.log(builtAt ? "build/ is older than app/: running `npm run build`..." : "no build/: running `npm run build`...");
  const r = spawnSync("npm", ["run", "build"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (r.status !== 0) {
    // Vite lists every module it had loaded; the cause is in the other lines.
    const cause = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => !/^\s+'/.test(l) && !l.startsWith("npm warn")).slice(0, 40).join("\n");
    throw new Error(`npm run build failed (fix the build, or pass --no-build to use an existing build/):\n${cause}`);
  }
  return "rebuilt now";
}
