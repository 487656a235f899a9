// `npm run worker`: the webhook/job worker as its own process, for deployments
// that keep it out of the web server (set RUN_WORKER=false there). Any number
// may run against one database.
import { loadEnvOrExit } from "../../scripts/load-env";

await loadEnvOrExit();
// Imported after the environment is known good: the database client reads it on import.
const { default: db } = await import("~/db.server");
const { startAppWorker } = await import("./app-worker.server");
const worker = startAppWorker();

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
