// Receiving a webhook delivery: authenticate it and store it in the inbox, then
// answer 200 at once. Shopify gives up on a delivery that takes more than a few
// seconds, so all the work (and every Admin API call) happens later in the worker.
//
// What cannot be a delivery of this app is refused before anything is stored,
// with a status and a one-line reason: a body that does not look like a JSON
// object, a topic the app does not subscribe to, a shop domain that is not a
// shop's, and (in the inbox's own transaction, inbox.server.ts) a shop that
// never installed the app, a topic Shopify does not send after an uninstall, a
// shop past its deliveries per minute. The HMAC covers the body only, and the
// app secret signs more than webhooks: a session token's "header.payload" or an
// app proxy query re-encoded is a validly signed body that anyone with a dev
// store can mint, so neither the signature nor the unsigned headers are trusted
// to say more than they do (the worker also checks that a payload fits the
// topic and shop its headers name: webhook-payloads.ts).
//
// acceptWebhook is the one implementation, framework-free (raw body and headers
// in, status out). Two thin doors lead to it: receiveWebhook for a WHATWG
// Request (the Remix route app/routes/webhooks.tsx) and handleWebhookRequest
// for node:http (receive-webhook-node.server.ts, what server.ts serves
// /webhooks with, skipping Express and Remix on this hot path).
import { secondsLeftInWindow } from "./inbox-admission";
import type { Inbox, StoreOutcome } from "./inbox.server";
import { nudgeWorker } from "~/queue/nudge.server";
import { BodyTooLarge, isValidShopifyHmac, readBodyWithLimit, readWebhookHeaders, shopDomainPattern, type HeaderReader } from "./verify-webhook.server";
import { isSubscribedTopic } from "./webhook-topics";

export interface WebhookDeps {
  inbox: Inbox;
  secret: string;
  /** SHOP_CUSTOM_DOMAIN: shops on it are accepted besides *.myshopify.com. */
  customShopDomain?: string;
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
const NOT_A_JSON_OBJECT: WebhookAnswer = { status: 400, body: "The body is not a JSON object" };

const isJsonWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Every payload the app subscribes to is a JSON object, sent compact: "{" is
 * the very first byte and "}" the last but for whitespace. Nothing else the
 * app secret signs can look like that: a session token's "header.payload"
 * starts "eyJ"; an app proxy signature (hex, re-encodable as base64) signs the
 * query's "key=value" pairs sorted by key, and Shopify's own keys
 * (logged_in_customer_id, path_prefix, shop, timestamp) sort before "{", so
 * its message never starts with one; it could start with whitespace (a
 * visitor's extra key " {..."), hence none is allowed before the "{".
 * No full parse here: JSON.parse of an 11 KB order cost as much as the rest of
 * the door together (BENCHMARKS.md); the worker parses every payload anyway
 * and parks one that does not parse INVALID.
 */
function looksLikeJsonObject(rawBody: Buffer): boolean {
  // A raw NUL byte is never JSON (and PostgreSQL text cannot hold one).
  if (rawBody[0] !== 0x7b || rawBody.includes(0)) return false;
  let end = rawBody.length - 1;
  while (end > 0 && isJsonWhitespace(rawBody[end])) end--;
  return end > 0 && rawBody[end] === 0x7d;
}

const COMPLIANCE_TOPICS: readonly string[] = ["customers/data_request", "customers/redact", "shop/redact"];

function refusal(outcome: Exclude<StoreOutcome, "stored" | "duplicate">, shop: string, topic: string): WebhookAnswer {
  switch (outcome) {
    case "not-installed":
      // A privacy request for a shop the app holds nothing of (shop/redact
      // already erased it, and Shopify redelivers, or a customers/redact comes
      // after it): done, and Shopify must not count a failure. Nothing stored.
      if (COMPLIANCE_TOPICS.includes(topic)) return { status: 200, body: `Nothing held for ${shop}` };
      return { status: 403, body: `${shop} has not installed the app` };
    case "uninstalled":
      return { status: 403, body: `${shop} uninstalled the app: ${topic} is not accepted after an uninstall` };
    case "over-limit":
      return {
        status: 429,
        headers: { "Retry-After": String(secondsLeftInWindow(new Date())) },
        body: `Too many deliveries for ${shop} this minute`,
      };
  }
}

/** A POST's raw body (already read within the size limit) and its headers. */
export async function acceptWebhook(rawBody: Buffer, header: HeaderReader, { inbox, secret, customShopDomain }: WebhookDeps): Promise<WebhookAnswer> {
  // Nothing unauthenticated reaches the database.
  if (!isValidShopifyHmac(rawBody, header("x-shopify-hmac-sha256"), secret)) return UNAUTHORIZED;
  const headers = readWebhookHeaders(header, shopDomainPattern(customShopDomain));
  if (!headers.ok) return { status: 400, body: `Missing or invalid headers: ${headers.missing.join(", ")}` };

  const { topic, shop } = headers.value;
  if (!isSubscribedTopic(topic)) return { status: 400, body: `The app does not subscribe to ${topic}` };
  if (!looksLikeJsonObject(rawBody)) return NOT_A_JSON_OBJECT;

  // Whether it parses and has what its topic needs is the worker's check.
  const outcome = await inbox.store({ ...headers.value, payload: rawBody.toString("utf8") });
  if (outcome === "stored") nudgeWorker();
  else if (outcome !== "duplicate") return refusal(outcome, shop, topic);
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
