// HTTP plumbing shared by the app proxy routes (app/routes/apps.referrals.*):
// signature check, JSON and Liquid responses, body parsing, rate limiting.
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { createLogger, setLogShop } from "~/ops/logger.server";
import { isValidAppProxyRequest, liquidResponse } from "./app-proxy-signature.server";
import { proxyContext, type ProxyContext } from "./proxy-context";
import { hitRateLimits, storefrontRules, type LimitedAction } from "./rate-limit.server";

const log = createLogger({ component: "storefront" });

/** Every proxy answer may be personal (it depends on the signed customer): no shared caches. */
export const PRIVATE_HEADERS = { "Cache-Control": "private, no-store" } as const;
export const MAX_BODY_BYTES = 8 * 1024;

/**
 * Checks Shopify's signature (400 when it is missing, wrong, or its timestamp
 * is more than 90 s off) and only then reads who is asking, from the verified URL.
 */
export async function verifyProxy(request: Request) {
  const url = new URL(request.url);
  if (!isValidAppProxyRequest(url, env().SHOPIFY_API_SECRET)) {
    throw new Response(null, { status: 400, headers: PRIVATE_HEADERS });
  }
  const liquid = liquidResponse;
  const ctx = proxyContext(url, request.headers, { trustedHops: env().TRUSTED_PROXY_HOPS });
  if (!ctx.shop) throw new Response(null, { status: 400, headers: PRIVATE_HEADERS });
  setLogShop(ctx.shop);
  return { ctx, liquid };
}

export function privateJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...PRIVATE_HEADERS, ...headers },
  });
}

export function methodNotAllowed(allow: string): Response {
  return new Response(null, { status: 405, headers: { Allow: allow, ...PRIVATE_HEADERS } });
}

/** Counts the request against the shopper's window, then (if it allowed it) the shop's; a 429 with Retry-After when over. */
export async function rateLimited(db: Db, action: LimitedAction, ctx: ProxyContext): Promise<Response | null> {
  const result = await hitRateLimits(db, storefrontRules(action, ctx));
  if (result.ok) return null;
  log.warn("storefront rate limit reached", { action, retryAfterSeconds: result.retryAfterSeconds });
  return privateJson({ error: "rate_limited" }, 429, { "Retry-After": String(result.retryAfterSeconds) });
}

/**
 * A JSON or form body as a plain object; 413 when larger than `maxBytes`
 * (the partner application's form is larger: its free text, percent-encoded,
 * takes up to nine bytes a character in Devanagari), 400 when unreadable.
 */
export async function readBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new Response(null, { status: 413, headers: PRIVATE_HEADERS });
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new Response(null, { status: 413, headers: PRIVATE_HEADERS });
  if (!text.trim()) return {};
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json") || text.trimStart().startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through to 400
    }
    throw new Response(null, { status: 400, headers: PRIVATE_HEADERS });
  }
  return Object.fromEntries(new URLSearchParams(text));
}
