// Receiving a webhook delivery: authenticate it and store it in the inbox, then
// answer 200 at once. Shopify gives up on a delivery that takes more than a few
// seconds, so all the work (and every Admin API call) happens later in the worker.
//
// acceptWebhook is the one implementation, framework-free (raw body and headers
// in, status out). Two thin doors lead to it: receiveWebhook for a WHATWG
// Request (the Remix route app/routes/webhooks.tsx) and handleWebhookRequest
// for node:http (receive-webhook-node.server.ts, what server.ts serves
// /webhooks with, skipping Express and Remix on this hot path).
import type { Inbox } from "./inbox.server";
import { nudgeWorker } from "./nudge.server";
import { checkWebhookPayload } from "./webhook-payloads";
import { BodyTooLarge, isValidShopifyHmac, readBodyWithLimit, readWebhookHeaders, type HeaderReader } from "./verify-webhook.server";

export interface WebhookDeps {
  inbox: Inbox;
  secret: string;
}

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Plain text. */
  body?: string;
}

export const METHOD_NOT_ALLOWED: WebhookAnswer = { status: 405, headers: { Allow: "POST" } };
export const BODY_TOO_LARGE: WebhookAnswer = { status: 413 };
const OK: WebhookAnswer = { status: 200 };
const UNAUTHORIZED: WebhookAnswer = { status: 401 };

/** A POST's raw body (already read within the size limit) and its headers. */
export async function acceptWebhook(rawBody: Buffer, header: HeaderReader, { inbox, secret }: WebhookDeps): Promise<WebhookAnswer> {
  // Nothing unauthenticated reaches the database.
  if (!isValidShopifyHmac(rawBody, header("x-shopify-hmac-sha256"), secret)) return UNAUTHORIZED;
  const headers = readWebhookHeaders(header);
  if (!headers.ok) return { status: 400, body: `Missing or invalid headers: ${headers.missing.join(", ")}` };

  const { topic, webhookId } = headers.value;
  let payload = rawBody.toString("utf8");
  let invalidReason: string | undefined;
  // Whether the payload can be processed is the worker's call (it parks what
  // cannot be INVALID), except for a raw NUL byte: never valid JSON, and
  // PostgreSQL text cannot hold one (SQLite can). The stored copy shows U+FFFD
  // instead, which could read as valid, so such a body is judged here, on the original.
  if (rawBody.includes(0)) {
    const check = checkWebhookPayload(topic, payload);
    payload = payload.replaceAll("\0", "\uFFFD");
    if (!check.ok) invalidReason = check.reason.replaceAll("\0", "\uFFFD");
  }
  const stored = await inbox.store({ ...headers.value, payload, invalidReason });
  if (invalidReason) {
    // Retrying cannot fix it, so Shopify gets its 200; the reason is on the row.
    console.warn(`[webhooks] ${topic} ${webhookId} stored INVALID: ${invalidReason}`);
  } else if (stored === "stored") nudgeWorker();
  return OK;
}

const toResponse = (answer: WebhookAnswer) => new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });

export const methodNotAllowed = () => toResponse(METHOD_NOT_ALLOWED);

/** The WHATWG door (the Remix route). */
export async function receiveWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed();
  let rawBody: Buffer;
  try {
    rawBody = await readBodyWithLimit(request);
  } catch (error) {
    if (error instanceof BodyTooLarge) return toResponse(BODY_TOO_LARGE);
    throw error;
  }
  return toResponse(await acceptWebhook(rawBody, (name) => request.headers.get(name), deps));
}
