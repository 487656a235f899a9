// Reading and authenticating a webhook request, before anything is stored.
//
// Why not authenticate.webhook() from @shopify/shopify-app-remix: after checking
// the HMAC it loads the shop's offline session and, with expiringOfflineAccessTokens,
// refreshes an expired token by calling Shopify on the request path; a failed
// refresh throws (500), so e.g. an app/uninstalled delivery (token already revoked)
// could never be stored. It also ends in JSON.parse(rawBody), so a signed but
// unparseable body throws a SyntaxError. The HMAC check itself is the same as
// @shopify/shopify-api's validate(): base64 HMAC-SHA256 of the raw body.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {
  constructor() {
    super(`webhook body larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`);
    this.name = "BodyTooLarge";
  }
}

const declaresTooMuch = (contentLength: string | null | undefined, limit: number) => {
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > limit;
};

/** The raw body bytes of a WHATWG Request, refusing (BodyTooLarge) as soon as more than `limit` arrive. */
export async function readBodyWithLimit(request: Request, limit = MAX_WEBHOOK_BODY_BYTES): Promise<Buffer> {
  if (declaresTooMuch(request.headers.get("content-length"), limit)) throw new BodyTooLarge();
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Content-Length can be absent (chunked) or lie: count what actually arrives.
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The client hung up before its request body was complete. */
export class BodyAborted extends Error {
  constructor() {
    super("the client closed the connection before the request body was complete");
    this.name = "BodyAborted";
  }
}

/**
 * The raw body bytes of a node:http request, with the same limit as
 * readBodyWithLimit. On BodyTooLarge the rest of the body is left unread: the
 * caller answers 413 and closes the connection.
 */
export function readIncomingBodyWithLimit(req: IncomingMessage, limit = MAX_WEBHOOK_BODY_BYTES): Promise<Buffer> {
  if (declaresTooMuch(req.headers["content-length"], limit)) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData).off("end", onEnd).off("error", onAbort).off("close", onAbort);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onAbort = () => {
      stop();
      reject(new BodyAborted());
    };
    req.on("data", onData).on("end", onEnd).on("error", onAbort).on("close", onAbort);
  });
}

// The one spelling of a SHA-256 HMAC in base64. Node's base64 decoder skips
// characters it does not know and stops at the first "=", so without this
// "<hmac>, anything" or "<hmac>=junk" would decode to the genuine digest.
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** Constant-time check of X-Shopify-Hmac-Sha256 against the raw body. */
export function isValidShopifyHmac(rawBody: Buffer, hmacHeader: string | null, secret: string): boolean {
  if (!hmacHeader || !BASE64_SHA256.test(hmacHeader)) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface WebhookHeaders {
  topic: string;
  shop: string;
  webhookId: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const shopDomainPatterns = new Map<string, RegExp>();

/**
 * A shop's own domain, as Shopify names the shop in X-Shopify-Shop-Domain:
 * <handle>.myshopify.com, or <handle>.<customDomain> where the app is
 * configured for one (SHOP_CUSTOM_DOMAIN, which shopify.server.ts also admits).
 */
export function shopDomainPattern(customDomain?: string): RegExp {
  const key = customDomain?.trim().toLowerCase() ?? "";
  let pattern = shopDomainPatterns.get(key);
  if (!pattern) {
    const domains = ["myshopify\\.com", ...(key ? [escapeRegExp(key)] : [])];
    pattern = new RegExp(`^[a-z0-9][a-z0-9-]{0,99}\\.(?:${domains.join("|")})$`);
    shopDomainPatterns.set(key, pattern);
  }
  return pattern;
}

// Years 1 to 9999: what both databases store (PostgreSQL refuses a negative
// year in the form the drivers send; JavaScript parses "-000100-01-01").
const isStorableDate = (date: Date) => {
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999;
};

/** A request header by its lower-case name (several values joined by ", "), or null when absent. */
export type HeaderReader = (name: string) => string | null;

/** The delivery's identity from its headers, or the list of what is missing or invalid (a shop domain `shopDomain` refuses). */
export function readWebhookHeaders(
  header: HeaderReader,
  shopDomain: RegExp = shopDomainPattern(),
): { ok: true; value: WebhookHeaders } | { ok: false; missing: string[] } {
  const topic = header("x-shopify-topic")?.trim().toLowerCase() ?? "";
  const shop = header("x-shopify-shop-domain")?.trim().toLowerCase() ?? "";
  const webhookId = header("x-shopify-webhook-id")?.trim() ?? "";
  const missing = [
    ...(topic ? [] : ["X-Shopify-Topic"]),
    ...(shopDomain.test(shop) ? [] : [shop ? "X-Shopify-Shop-Domain (not a shop's *.myshopify.com domain)" : "X-Shopify-Shop-Domain"]),
    ...(webhookId ? [] : ["X-Shopify-Webhook-Id"]),
  ];
  if (missing.length) return { ok: false, missing };
  const triggered = header("x-shopify-triggered-at");
  const triggeredAt = triggered ? new Date(triggered) : null;
  return {
    ok: true,
    value: {
      topic,
      shop,
      webhookId,
      apiVersion: header("x-shopify-api-version"),
      triggeredAt: triggeredAt && isStorableDate(triggeredAt) ? triggeredAt : null,
    },
  };
}
