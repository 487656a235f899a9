// The node:http door to acceptWebhook (receive-webhook.server.ts): server.ts
// answers /webhooks with it before Express sees the request, reading the body
// straight from the socket, with no Request/Response conversion on the way.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { createLogger, setLogShop } from "~/ops/logger.server";
import { acceptWebhook, BODY_TOO_LARGE, METHOD_NOT_ALLOWED, type WebhookAnswer, type WebhookDeps } from "./receive-webhook.server";
import { BodyAborted, BodyTooLarge, readIncomingBodyWithLimit } from "./verify-webhook.server";

const log = createLogger({ component: "webhooks" });

/** Whether a request target is the webhook endpoint (as Express matched it: any case, optional trailing slash, any query). */
export function isWebhookPath(url: string | undefined): boolean {
  if (!url) return false;
  const query = url.indexOf("?");
  const path = (query < 0 ? url : url.slice(0, query)).toLowerCase();
  return path === "/webhooks" || path === "/webhooks/";
}

/** `next` with /webhooks answered in front of it. */
export function withWebhookEndpoint(deps: WebhookDeps, next: RequestListener): RequestListener {
  return (req, res) => {
    if (isWebhookPath(req.url)) handleWebhookRequest(req, res, deps);
    else next(req, res);
  };
}

/**
 * How much of a refused body is read and thrown away after the answer, and for
 * how long. Closing a connection with unread data makes the kernel reset it,
 * and a client (or a proxy in front of the app) still sending the body may
 * lose the answer with the reset and report 502 instead of 413: so the rest
 * is drained ("lingering close", as nginx does), within these bounds.
 */
export const LINGER_BYTES = 16 * 1024 * 1024;
export const LINGER_MS = 5_000;

function send(req: IncomingMessage, res: ServerResponse, answer: WebhookAnswer) {
  const body = answer.body ?? "";
  const headers: Record<string, string> = { ...answer.headers, "Content-Length": String(Buffer.byteLength(body)) };
  if (body) headers["Content-Type"] = "text/plain; charset=utf-8";
  if (!req.complete) {
    // Too much even to drain: closed at once (Node destroys a `Connection:
    // close` response's socket as soon as the answer is written).
    if (Number(req.headers["content-length"]) > LINGER_BYTES) headers.Connection = "close";
    else lingerThenClose(req);
  }
  res.writeHead(answer.status, headers).end(body);
}

/**
 * Reads and discards the rest of a refused body. Without `Connection: close`
 * Node keeps the socket after the answer and reads the rest of the body off
 * the wire, then serves the connection's next request as usual; this bounds
 * that: past LINGER_BYTES or LINGER_MS the connection is cut.
 */
function lingerThenClose(req: IncomingMessage) {
  const socket = req.socket;
  let drained = 0;
  const cut = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER_BYTES) cut();
  });
  req.once("end", () => clearTimeout(timer));
  req.once("error", cut);
  req.resume();
}

export function handleWebhookRequest(req: IncomingMessage, res: ServerResponse, deps: WebhookDeps): void {
  if (req.method !== "POST") return send(req, res, METHOD_NOT_ALLOWED);
  readIncomingBodyWithLimit(req)
    .then((rawBody) => acceptWebhook(rawBody, (name) => headerValue(req, name), deps))
    .then(
      (answer) => {
        // Accepted: the signature was right and the shop is installed.
        const shop = answer.status < 300 ? headerValue(req, "x-shopify-shop-domain") : null;
        if (shop) setLogShop(shop);
        send(req, res, answer);
      },
      (error: unknown) => {
        if (error instanceof BodyTooLarge) return send(req, res, BODY_TOO_LARGE);
        // Nobody is left to answer.
        if (error instanceof BodyAborted) return res.destroy();
        // Not stored, so Shopify must retry: a 500, and the cause in the log.
        log.error("could not store a delivery", { error });
        if (res.headersSent) return res.destroy();
        send(req, res, { status: 500 });
      },
    );
}

// node:http joins repeated headers with ", " (as WHATWG Headers does) and
// lower-cases names; set-cookie, the one array, is never read here.
function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
