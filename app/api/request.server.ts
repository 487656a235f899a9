// Every read API request goes through here: the key from the Authorization
// header names the shop (never a parameter of the request), the key's rate
// limit is counted, and the handler's answer or refusal becomes JSON.
import db from "~/db.server";
import { setLogShop } from "~/ops/logger.server";
import { hitRateLimit, type RateLimitRule } from "~/storefront/rate-limit.server";
import { ApiError, jsonResponse } from "./errors";
import { checkApiKey } from "./keys.server";

export const API_RATE_LIMIT = { limit: 120, windowMs: 60_000 };

/** Per key. The shop is one ":"-separated part of the key, so shop/redact finds the row (app/referrals/privacy.server.ts). */
export function apiRateLimitRule(shop: string, keyId: string): RateLimitRule {
  return { key: `api:${shop}:${keyId}`, ...API_RATE_LIMIT };
}

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="referral-api"' };

async function authenticate(request: Request): Promise<string> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, "unauthorized", "Send your API key as Authorization: Bearer <key>. Keys are created in the app's admin.", undefined, CHALLENGE);
  const check = await checkApiKey(db, match[1]);
  if (!check.ok) {
    const message = {
      unknown: "This API key is not valid.",
      revoked: "This API key was revoked. Create a new one in the app's admin.",
      uninstalled: "The app is not installed on this key's shop any more.",
    }[check.reason];
    throw new ApiError(401, "invalid_api_key", message, undefined, CHALLENGE);
  }
  const { shop, id } = check.key;
  setLogShop(shop);
  const limit = await hitRateLimit(db, apiRateLimitRule(shop, id));
  if (!limit.ok) {
    const retry = String(limit.retryAfterSeconds);
    throw new ApiError(429, "rate_limited", `Too many requests with this key: at most ${API_RATE_LIMIT.limit} a minute. Retry in ${retry} s.`, undefined, { "Retry-After": retry });
  }
  return shop;
}

/** Answers a GET of the read API with `read(shop, query)`'s result, or the JSON error. */
export async function apiGet(request: Request, read: (shop: string, query: URLSearchParams) => Promise<unknown>): Promise<Response> {
  try {
    const shop = await authenticate(request);
    return jsonResponse(await read(shop, new URL(request.url).searchParams));
  } catch (error) {
    if (error instanceof ApiError) return error.toResponse();
    throw error;
  }
}

/** Anything but GET on a read API route. */
export function methodNotAllowed(): Response {
  return new ApiError(405, "method_not_allowed", "The read API only answers GET.", undefined, { Allow: "GET" }).toResponse();
}
