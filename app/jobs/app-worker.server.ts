// The worker as the app runs it: the process's database and every registered
// handler and recurring job. Used by the web server (RUN_WORKER=true) and by
// `npm run worker`.
import db from "~/db.server";
import { env } from "~/env.server";
import { createWorker, type Worker } from "./worker.server";
import { jobHandlers, maintenanceTasks, recurringJobs, webhookHandlers } from "./registry.server";

export function startAppWorker(): Worker {
  const { WORKER_CONCURRENCY, WORKER_CONCURRENCY_PER_SHOP, WORKER_POLL_MS } = env();
  const worker = createWorker({
    db,
    webhookHandlers,
    jobHandlers,
    recurringJobs,
    maintenance: maintenanceTasks,
    concurrency: WORKER_CONCURRENCY,
    perShopConcurrency: WORKER_CONCURRENCY_PER_SHOP,
    pollMs: WORKER_POLL_MS,
  });
  worker.start();
  return worker;
}
