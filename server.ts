// The app server: `npm run dev` (tsx server.ts --dev, Vite in middleware mode)
// and `npm start` (the built app). Unless RUN_WORKER=false it also runs the
// webhook/job worker in this process, so one command is a complete install.
import http from "node:http";
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/express";
import express from "express";
import { PROJECT_ROOT } from "./app/db-url";
import { env } from "./app/env.server";
import { createLogger } from "./app/ops/logger.server";
import { withRequestContext } from "./app/ops/request-context.server";
import { handleShutdownSignals } from "./app/ops/shutdown.server";
import { loadEnvOrExit } from "./scripts/load-env";

const dev = process.argv.includes("--dev");
if (dev) process.env.NODE_ENV ??= "development";

await loadEnvOrExit();
const config = env();
const log = createLogger({ component: "server" });

const app = express();
app.disable("x-powered-by");

let build: ServerBuild | (() => Promise<ServerBuild>);
let closeVite: (() => Promise<void>) | undefined;
if (dev) {
  const vite = await import("vite");
  const viteDevServer = await vite.createServer({ server: { middlewareMode: true } });
  app.use(viteDevServer.middlewares);
  build = () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  closeVite = () => viteDevServer.close();
} else {
  const client = path.join(PROJECT_ROOT, "build/client");
  // Fingerprinted by Vite: cache for good.
  app.use("/assets", express.static(path.join(client, "assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(client, { maxAge: "1h" }));
  build = (await import(path.join(PROJECT_ROOT, "build/server/index.js"))) as ServerBuild;
}
// The webhook endpoint is the hot path (every order of every shop): a plain
// node:http handler in front of Express answers it, skipping Express, Remix and
// the Request/Response conversion. Same function as the route app/routes/webhooks.tsx.
const { closeInbox, getInbox } = await import("./app/webhooks/inbox.server");
const { withWebhookEndpoint } = await import("./app/webhooks/receive-webhook-node.server");
// Every request, webhooks included, runs with its request id and (once verified) shop on its log lines.
const handleRequest = withRequestContext(
  withWebhookEndpoint({ inbox: getInbox(), secret: config.SHOPIFY_API_SECRET, customShopDomain: config.SHOP_CUSTOM_DOMAIN }, app),
);
app.all("*", createRequestHandler({ build, mode: dev ? "development" : "production" }));

const onListening = () => {
  log.info(`listening on http://${config.HOST ?? "localhost"}:${config.PORT} (${dev ? "development" : "production"})`, { worker: config.RUN_WORKER });
};
const server = config.HOST
  ? http.createServer(handleRequest).listen(config.PORT, config.HOST, onListening)
  : http.createServer(handleRequest).listen(config.PORT, onListening);

let stopWorker: ((graceMs: number) => Promise<void>) | undefined;
if (config.RUN_WORKER) {
  const { startAppWorker } = await import("./app/jobs/app-worker.server");
  const worker = startAppWorker();
  stopWorker = (graceMs) => worker.stop({ graceMs });
}

handleShutdownSignals({
  server,
  graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000,
  log,
  stopWorker,
  async cleanup() {
    await closeVite?.();
    await closeInbox();
    const { default: db } = await import("./app/db.server");
    await db.$disconnect();
  },
});
