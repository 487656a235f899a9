// WAL checkpoints for the inbox's SQLite file, in a thread of their own.
//
// A checkpoint copies the WAL back into the database file and fsyncs both: on
// the machines measured, 15 to 50 ms. SQLite runs one inside whichever commit
// pushes the WAL past 1000 pages (every ~360 webhook rows of ~11 KB), and
// better-sqlite3 is synchronous, so on the inbox's connection that stalled every
// request of the process at once (bench/webhook-ingest.ts on a shared 2-core
// machine: p99 at 200 req/s 60-240 ms with checkpoints inside the commits,
// 7-25 ms with them here). The inbox's connection therefore never
// checkpoints; this thread does, on a connection of its own:
//   - PASSIVE every CHECKPOINT_INTERVAL_MS: copies what is new, blocks nobody;
//   - RESTART once the WAL holds more than RESTART_FRAMES: under a steady
//     stream of writes a PASSIVE checkpoint never catches the last commit, and
//     SQLite only starts the WAL over once it has; RESTART holds writers off
//     meanwhile (the inbox retries without blocking its event loop, see
//     inbox-sqlite.server.ts) so the WAL does not grow without end. It waits
//     at most RESTART_WAIT_MS for other writers and readers, else gives up
//     until the next round, so it never holds the inbox off for long.
// The thread runs plain JavaScript (eval), so it starts the same under tsx, the
// Vite build and Vitest; the driver is resolved from this module.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export const CHECKPOINT_INTERVAL_MS = 250;
export const RESTART_FRAMES = 8_000;
export const RESTART_WAIT_MS = 200;

const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.restartWaitMs });
db.pragma("synchronous = NORMAL");
db.pragma("wal_autocheckpoint = 0");
function checkpoint() {
  try {
    const [{ log }] = db.pragma("wal_checkpoint(PASSIVE)");
    if (log > workerData.restartFrames) db.pragma("wal_checkpoint(RESTART)");
  } catch (error) {
    // SQLITE_BUSY: another process is checkpointing the same file right now.
    if (!String(error.code).startsWith("SQLITE_BUSY")) parentPort.postMessage({ failed: String(error.message) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** A last checkpoint, then the thread ends. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  restartFrames?: number;
  /** Called when the thread cannot checkpoint (cannot start, or SQLite failed). */
  onFailure(message: string): void;
}

export function startCheckpointer(file: string, options: CheckpointerOptions): Checkpointer {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      file,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      restartFrames: options.restartFrames ?? RESTART_FRAMES,
      restartWaitMs: RESTART_WAIT_MS,
    },
  });
  // Never what keeps the process alive.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.on("message", (message: { failed: string }) => options.onFailure(message.failed));
  worker.on("error", (error) => options.onFailure(error.message));
  return {
    async stop() {
      worker.postMessage("stop");
      await exited;
    },
  };
}
