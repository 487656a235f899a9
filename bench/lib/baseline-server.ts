// The baseline for bench/webhook-ingest.ts: a bare node:http server that reads
// the body, verifies X-Shopify-Hmac-Sha256 exactly as the app does (same
// function, same secret) and answers 200, storing nothing. Run as a child
// process: `tsx bench/lib/baseline-server.ts <port>`; prints "ready" when listening.
import http from "node:http";
import { isValidShopifyHmac } from "~/webhooks/verify-webhook.server";

const port = Number(process.argv[2]);
const secret = process.env.SHOPIFY_API_SECRET;
if (!port || !secret) {
  console.error("usage: SHOPIFY_API_SECRET=... tsx bench/lib/baseline-server.ts <port>");
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const ok = req.method === "POST" && isValidShopifyHmac(Buffer.concat(chunks), req.headers["x-shopify-hmac-sha256"] as string | undefined ?? null, secret);
    res.writeHead(ok ? 200 : 401).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(port, "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
