// One worker process of the soak: the app's real worker (createWorker) with the
// real handler registry, its real Admin API client (offline session from the
// database, SHOPIFY_ADMIN_API_ORIGIN pointing at the fake Shopify). Only its
// settings differ from `npm run worker`: short leases and polls so a killed
// worker's rows come back within seconds, and a retry budget sized for the
// injected faults. soak/soak.ts starts two of these and SIGKILLs them.
//
//   SOAK_LEASE_MS, SOAK_POLL_MS, SOAK_MAX_ATTEMPTS, SOAK_WORKER_NAME
//   + the app's own environment (DATABASE_URL, SHOPIFY_*).
import { env } from "~/env.server";

env(); // fail fast on a bad environment, before the database client is built

const { default: db } = await import("~/db.server");
const { createWorker } = await import("~/jobs/worker.server");
const registry = await import("~/jobs/registry.server");

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const name = process.env.SOAK_WORKER_NAME ?? "worker";
const worker = createWorker({
  db,
  webhookHandlers: registry.webhookHandlers,
  jobHandlers: registry.jobHandlers,
  recurringJobs: registry.recurringJobs,
  workerId: `${name}:${process.pid}`,
  leaseMs: number("SOAK_LEASE_MS", 4_000),
  pollMs: number("SOAK_POLL_MS", 200),
  maxAttempts: number("SOAK_MAX_ATTEMPTS", 12),
  // The queue's backoff is 30 s * 2^(n-1), jittered between half and all of it:
  // always take the short end, so a retried row comes back as soon as the app allows.
  random: () => 0,
  logger: {
    info: (message, details) => console.info(`[${name}] ${message}`, details ? JSON.stringify(details) : ""),
    warn: (message, details) => console.warn(`[${name}] ${message}`, details ? JSON.stringify(details) : ""),
  },
});
worker.start();

// SIGTERM is the orderly stop at the end of the soak; SIGKILL is the test.
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => db.$disconnect())
    .finally(() => process.exit(0));
});
