// `npm run worker`: the webhook/job worker as its own process, for deployments
// that keep it out of the web server (set RUN_WORKER=false there). Any number
// may run against one database.
import { loadEnvOrExit } from "../../scripts/load-env";

await loadEnvOrExit();
// Imported after the environment is known good: the database client reads it on import.
const { default: db } = await import("~/db.server");
const { env } = await import("~/env.server");
const { createLogger } = await import("~/ops/logger.server");
const { startAppWorker } = await import("./app-worker.server");
const log = createLogger({ component: "worker" });
const worker = startAppWorker();

let stopping = false;
/**
 * SIGTERM: claim nothing more; the job in hand ends at its next checkpoint
 * (sliced jobs) or finishes, within SHUTDOWN_GRACE_SECONDS; past that its
 * lease is released so another worker takes it at once. Then exit 0.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const graceSeconds = env().SHUTDOWN_GRACE_SECONDS;
  log.info("stopping: finishing the work in hand", { signal, graceSeconds });
  await worker.stop({ graceMs: graceSeconds * 1000 });
  await db.$disconnect();
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
