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
import { loadEnvOrExit } from "./scripts/load-env";

const dev = process.argv.includes("--dev");
if (dev) process.env.NODE_ENV ??= "development";

await loadEnvOrExit();
const config = env();

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
const handleRequest = withWebhookEndpoint({ inbox: getInbox(), secret: config.SHOPIFY_API_SECRET, customShopDomain: config.SHOP_CUSTOM_DOMAIN }, app);
app.all("*", createRequestHandler({ build, mode: dev ? "development" : "production" }));

const onListening = () => {
  console.info(`[server] listening on http://${config.HOST ?? "localhost"}:${config.PORT} (${dev ? "development" : "production"})`);
};
const server = config.HOST
  ? http.createServer(handleRequest).listen(config.PORT, config.HOST, onListening)
  : http.createServer(handleRequest).listen(config.PORT, onListening);

let stopWorker: (() => Promise<void>) | undefined;
if (config.RUN_WORKER) {
  const { startAppWorker } = await import("./app/jobs/app-worker.server");
  const worker = startAppWorker();
  stopWorker = () => worker.stop();
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.info(`[server] ${signal}: closing`);
  // Stop taking requests, let the worker finish what it holds (an unfinished
  // row is safe anyway: its lease runs out and a worker takes it again).
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await stopWorker?.();
  await closeVite?.();
  await closeInbox();
  const { default: db } = await import("./app/db.server");
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
