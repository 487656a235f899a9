// The real app, served for the browser test the way `npm run dev` serves it
// (server.ts): Vite in middleware mode under Express, the Remix request
// handler rendering the real routes. It runs inside the test process, so the
// app shares the test database and msw's fake Shopify.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/express";
import { createRequestHandler as createFetchHandler } from "@remix-run/node";
import express from "express";
import { createServer } from "vite";
import { PROJECT_ROOT } from "~/db-url";

export async function startAdminServer() {
  const vite = await createServer({
    root: PROJECT_ROOT,
    configFile: `${PROJECT_ROOT}/vite.config.ts`,
    // No HMR and no WebSocket server: `hmr: false` alone still opens one on
    // Vite's default port (24678), which the browser test files running in
    // parallel then fight over ("Port 24678 is already in use"); and a socket
    // that works would let Vite reload a page under a test when it re-optimises
    // a dependency. The client Remix puts in every page then fails to connect,
    // which devClientNoise below tells apart from the app's own errors.
    server: { middlewareMode: true, hmr: false, ws: false },
    // Its own optimised-deps cache, apart from a developer's `npm run dev`.
    cacheDir: `${PROJECT_ROOT}/node_modules/.vite-browser-test`,
    // Scan every route for its client dependencies up front: on a cold cache
    // (a fresh clone, CI), a dependency discovered on the first page load
    // makes Vite re-optimise and reload the page under the test's feet.
    optimizeDeps: { entries: ["app/root.tsx", "app/entry.client.tsx", "app/routes/**/*.tsx", "app/components/**/*.tsx"] },
    logLevel: "error",
  });
  const build = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  const app = express();
  app.use(vite.middlewares);
  app.all("*", createRequestHandler({ build, mode: "development" }));
  const fetchHandler = createFetchHandler(build, "development");
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** A request answered by the Remix handler in this process, without the network (which msw guards in tests). */
    render: (request: Request) => fetchHandler(request),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await vite.close();
    },
  };
}

/**
 * What only the test server's Vite dev client logs, never the app (a
 * production build has no Vite client): with no WebSocket server (above), its
 * failed connection, as a console error and as the page error it throws.
 */
export function devClientNoise(message: string): boolean {
  return (
    message === "WebSocket closed without opened." ||
    /^WebSocket connection to 'wss?:\/\/127\.0\.0\.1(:\d+)?\/\?token=[^']*' failed/.test(message) ||
    message.startsWith("[vite] failed to connect to websocket")
  );
}
