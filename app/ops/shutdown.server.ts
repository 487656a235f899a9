// Graceful shutdown of the web server (server.ts) on SIGTERM, which is how an
// orchestrator or a deploy stops a process: /readyz answers 503 from then on,
// no new connection is accepted, the requests in flight finish (each
// keep-alive connection is closed as soon as it is idle), and the in-process
// worker finishes or gives back its job in hand, all within the grace period;
// past it the connections still open are cut. Then `cleanup` and exit 0.
import type { Server } from "node:http";
import { markShuttingDown } from "./lifecycle.server";
import type { Logger } from "./logger.server";

export interface ShutdownOptions {
  server: Server;
  graceMs: number;
  log: Logger;
  /** Stops the in-process worker within the grace period (Worker.stop({ graceMs })). */
  stopWorker?: (graceMs: number) => Promise<void>;
  /** Closes what the requests used (the inbox, the database), after they finished. */
  cleanup?: () => Promise<void>;
  exit?: (code: number) => void;
}

/** Installs the SIGTERM and SIGINT handlers; returns the shutdown itself (for tests). */
export function handleShutdownSignals(options: ShutdownOptions): (signal: string) => Promise<void> {
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => (stopping ??= gracefulShutdown(signal, options));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return shutdown;
}

async function gracefulShutdown(signal: string, { server, graceMs, log, stopWorker, cleanup, exit = (code) => process.exit(code) }: ShutdownOptions) {
  markShuttingDown();
  log.info("stopping: finishing the requests and work in hand", { signal, graceSeconds: graceMs / 1000 });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A keep-alive connection whose request was in flight becomes idle when it ends.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  // The worker keeps its own time: it gives its job back when the grace period ends.
  const workerStopped = stopWorker?.(graceMs).catch((error: unknown) => log.warn("stopping the worker failed", { error }));
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([closed.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, graceMs, false)))]);
  clearTimeout(timer);
  clearInterval(sweep);
  if (!inTime) {
    log.warn("requests still in flight after the grace period: closing their connections");
    server.closeAllConnections();
  }
  await workerStopped;
  try {
    await cleanup?.();
  } catch (error) {
    log.warn("cleanup after shutdown failed", { error });
  }
  log.info("stopped", { inTime });
  exit(0);
}

export interface WorkerShutdownOptions {
  /** Worker.stop: stops claiming, lets the job in hand end, releases it past `graceMs`. */
  stop: (options: { graceMs: number }) => Promise<void>;
  graceMs: number;
  log: Logger;
  cleanup?: () => Promise<void>;
  exit?: (code: number) => void;
}

/**
 * A worker process (`npm run worker`) on SIGTERM or SIGINT: claims nothing
 * more; the job in hand ends at its next checkpoint (sliced jobs) or finishes
 * within the grace period, past which its lease is released so another worker
 * takes it at once. Then `cleanup` and exit 0.
 */
export function handleWorkerShutdownSignals({ stop, graceMs, log, cleanup, exit = (code) => process.exit(code) }: WorkerShutdownOptions) {
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) =>
    (stopping ??= (async () => {
      log.info("stopping: finishing the work in hand", { signal, graceSeconds: graceMs / 1000 });
      await stop({ graceMs });
      try {
        await cleanup?.();
      } catch (error) {
        log.warn("cleanup after shutdown failed", { error });
      }
      log.info("stopped");
      exit(0);
    })());
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return shutdown;
}
