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
import net from "node:net";
import { createServer } from "vite";
import { PROJECT_ROOT } from "~/db-url";

/** A port nothing listens on now (the OS's choice), for the dev server's WebSocket. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function ownSocket() {
  const port = await freePort();
  return { protocol: "ws", host: "127.0.0.1", port, clientPort: port };
}

export async function startAdminServer() {
  const vite = await createServer({
    root: PROJECT_ROOT,
    configFile: `${PROJECT_ROOT}/vite.config.ts`,
    // Its own WebSocket port: Vite opens one even with `hmr: false` (on its
    // default 24678, which the browser test files running in parallel, and a
    // developer's `npm run dev`, then fight over: "Port 24678 is already in
    // use", and pages whose client reaches another server's socket), and the
    // client Remix puts in every page connects to it (with `ws: false` it logs
    // a failed connection on every page instead).
    // (vite.config.ts's own hmr, for the Shopify CLI's tunnel, is replaced field by field.)
    server: { middlewareMode: true, hmr: await ownSocket() },
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
 * A page error only the test server's Vite dev client raises: it still tries
 * its HMR WebSocket (hmr is off above) and, when the socket cannot open on a
 * loaded machine, throws this. A production build has no Vite client.
 */
export function devClientNoise(message: string): boolean {
  return message === "WebSocket closed without opened.";
}
