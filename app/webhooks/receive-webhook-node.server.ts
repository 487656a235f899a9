// The node:http door to acceptWebhook (receive-webhook.server.ts): server.ts
// answers /webhooks with it before Express sees the request, reading the body
// straight from the socket, with no Request/Response conversion on the way.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { acceptWebhook, BODY_TOO_LARGE, METHOD_NOT_ALLOWED, type WebhookAnswer, type WebhookDeps } from "./receive-webhook.server";
import { BodyAborted, BodyTooLarge, readIncomingBodyWithLimit } from "./verify-webhook.server";

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

function send(req: IncomingMessage, res: ServerResponse, answer: WebhookAnswer) {
  const body = answer.body ?? "";
  const headers: Record<string, string> = { ...answer.headers, "Content-Length": String(Buffer.byteLength(body)) };
  if (body) headers["Content-Type"] = "text/plain; charset=utf-8";
  // A body left unread (refused before or while reading it) is not drained:
  // the connection closes after the answer.
  if (!req.complete) headers.Connection = "close";
  res.writeHead(answer.status, headers).end(body);
}

export function handleWebhookRequest(req: IncomingMessage, res: ServerResponse, deps: WebhookDeps): void {
  if (req.method !== "POST") return send(req, res, METHOD_NOT_ALLOWED);
  readIncomingBodyWithLimit(req)
    .then((rawBody) => acceptWebhook(rawBody, (name) => headerValue(req, name), deps))
    .then(
      (answer) => send(req, res, answer),
      (error: unknown) => {
        if (error instanceof BodyTooLarge) return send(req, res, BODY_TOO_LARGE);
        // Nobody is left to answer.
        if (error instanceof BodyAborted) return res.destroy();
        // Not stored, so Shopify must retry: a 500, and the cause in the log.
        console.error("[webhooks] could not store a delivery:", error);
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
