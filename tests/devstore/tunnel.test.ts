// The dev store's tunnel (devstore/tunnel.ts) passes the app's answers through
// as `shopify app dev`'s tunnel does: every status, also when the app's webhook
// door answers before reading the whole body (413 for an oversized webhook: the
// door drains the rest before closing, so the answer is not lost to a reset),
// and the CSP that lets the local admin frame the app.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTunnel, type Tunnel } from "../../devstore/tunnel";
import { listenOnLoopback } from "../../devstore/loopback";
import { getInbox } from "~/webhooks/inbox.server";
import { withWebhookEndpoint } from "~/webhooks/receive-webhook-node.server";
import { MAX_WEBHOOK_BODY_BYTES } from "~/webhooks/verify-webhook.server";

let app: { origin: string; close(): Promise<void> };
let tunnel: Tunnel;
const LIMIT = MAX_WEBHOOK_BODY_BYTES;

beforeAll(async () => {
  // The app's own webhook door (server.ts answers /webhooks with it), which
  // refuses an oversized body with 413 before or while reading it; a few plain
  // answers beside it.
  const elsewhere: http.RequestListener = (req, res) => {
    if (req.url === "/status/204") return res.writeHead(204).end();
    if (req.url === "/framed") return res.writeHead(200, { "Content-Security-Policy": "frame-ancestors https://shop.myshopify.com https://admin.shopify.com;" }).end("ok");
    res.writeHead(404, { "Content-Type": "text/plain" }).end("no such page");
  };
  app = await listenOnLoopback(http.createServer(withWebhookEndpoint({ inbox: getInbox(), secret: process.env.SHOPIFY_API_SECRET! }, elsewhere)));
  tunnel = await startTunnel({ target: app.origin, adminOrigin: "http://127.0.0.1:9999" });
});

afterAll(async () => {
  await tunnel?.close();
  await app?.close();
});

async function post(path: string, body: Uint8Array<ArrayBuffer>, chunked = false) {
  const init: RequestInit & { duplex?: string } = { method: "POST", body: chunked ? new Blob([body]).stream() : body };
  if (chunked) init.duplex = "half";
  return fetch(`${tunnel.url}${path}`, init);
}

describe("the dev store's tunnel", () => {
  it("passes the app's statuses and bodies through", async () => {
    expect((await fetch(`${tunnel.url}/status/204`)).status).toBe(204);
    const missing = await fetch(`${tunnel.url}/status/404`);
    expect([missing.status, await missing.text()]).toEqual([404, "no such page"]);
    // Unsigned: the door's own 401 comes back as it is.
    expect((await post("/webhooks", new TextEncoder().encode("{}") as Uint8Array<ArrayBuffer>)).status).toBe(401);
  });

  it.each([1, 2, 3, 4, 5])("an oversized body the app refuses unread is answered 413, not 502 (try %i)", async () => {
    const declared = await post("/webhooks", new Uint8Array(5 * LIMIT).fill(1));
    expect(declared.status).toBe(413);
    const streamed = await post("/webhooks", new Uint8Array(5 * LIMIT).fill(1), true);
    expect(streamed.status).toBe(413);
  });

  it("adds the dev store's admin to the app's frame-ancestors", async () => {
    const framed = await fetch(`${tunnel.url}/framed`);
    expect(framed.headers.get("content-security-policy")).toBe("frame-ancestors https://shop.myshopify.com https://admin.shopify.com http://127.0.0.1:9999;");
  });
});
