// `npm run worker`: the webhook/job worker as its own process, for deployments
// that keep it out of the web server (set RUN_WORKER=false there). Any number
// may run against one database.
import { loadDotEnv } from "../../scripts/load-env";
import { EnvError, env } from "../env.server";

loadDotEnv();
try {
  env();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Imported after the environment is known good: the database client reads it on import.
const { default: db } = await import("../db.server");
const { createWorker } = await import("./worker.server");
const registry = await import("./registry.server");

const worker = createWorker({
  db,
  webhookHandlers: registry.webhookHandlers,
  jobHandlers: registry.jobHandlers,
  recurringJobs: registry.recurringJobs,
});
worker.start();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.info(`[worker] ${signal}: finishing the work in hand`);
  // Anything left RUNNING is safe: its lease runs out and another worker takes it.
  await worker.stop();
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
