// The soak's web process: the app's REAL webhook route module
// (app/routes/webhooks.tsx `action`: HMAC check, headers, payload check, inbox
// row) behind a minimal node:http server on 127.0.0.1, in a process of its own
// so the fake Shopify and the traffic generator do not share its event loop.
// Not the Remix build (server.ts): nothing else of the app is on the webhook
// path, and the soak must not depend on a stale or concurrently rebuilt build/.
// Prints "LISTENING <port>" once it accepts deliveries.
import http from "node:http";
import { env } from "~/env.server";

env(); // fail fast on a bad environment

const route = await import("~/routes/webhooks");

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const body = req.method === "POST" ? new Uint8Array(Buffer.concat(chunks)) : undefined;
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body });
    const answer = req.method === "POST" ? route.action({ request, params: {}, context: {} }) : Promise.resolve(route.loader());
    answer
      .then(async (response) => {
        const text = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, { "content-length": String(text.length) });
        res.end(text);
      })
      .catch((error: unknown) => {
        console.warn(`[webhooks] action threw: ${String(error)}`);
        res.writeHead(500).end();
      });
  });
});
server.keepAliveTimeout = 5_000;
// The multi-process soak restarts a killed process on its port (nginx's upstream list is fixed).
server.listen(Number(process.env.SOAK_WEB_PORT ?? 0), "127.0.0.1", () => {
  console.log(`LISTENING ${(server.address() as { port: number }).port}`);
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
