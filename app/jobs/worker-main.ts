// `npm run worker`: the webhook/job worker as its own process, for deployments
// that keep it out of the web server (set RUN_WORKER=false there). Any number
// may run against one database.
import { loadEnvOrExit } from "../../scripts/load-env";

await loadEnvOrExit();
// Imported after the environment is known good: the database client reads it on import.
const { default: db } = await import("~/db.server");
const { env } = await import("~/env.server");
const { createLogger } = await import("~/ops/logger.server");
const { handleWorkerShutdownSignals } = await import("~/ops/shutdown.server");
const { startAppWorker } = await import("./app-worker.server");
const log = createLogger({ component: "worker" });
const worker = startAppWorker();

handleWorkerShutdownSignals({
  stop: (options) => worker.stop(options),
  graceMs: env().SHUTDOWN_GRACE_SECONDS * 1000,
  log,
  cleanup: () => db.$disconnect(),
});
