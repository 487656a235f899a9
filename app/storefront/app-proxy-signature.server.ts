// Shopify's app proxy signature, checked without touching the database.
//
// Why not authenticate.public.appProxy() from @shopify/shopify-app-remix: after
// the same signature check it loads the shop's offline session on every
// storefront request and, with expiringOfflineAccessTokens, may refresh the
// token by calling Shopify on the request path. The proxy routes need neither
// (only a signed-in customer's enrolment may ask Shopify for their email, and
// loads the session then), and they are the app's busiest endpoints.
// The check mirrors @shopify/shopify-api's validateHmac({ signator: "appProxy" }):
// drop `signature`, sort the keys, join `key=value` (repeated values joined by
// ","), hex HMAC-SHA256 with the app secret, timestamp within 90 seconds.
import { createHmac, timingSafeEqual } from "node:crypto";

export const PROXY_CLOCK_TOLERANCE_SECONDS = 90;
// The parameters Shopify adds are single-valued. A shopper can put their own
// logged_in_customer_id in the storefront URL; Shopify then signs both values
// ("501,"), and a reader taking the first would see someone else's customer id.
// A query repeating any of them is refused, not read.
const SINGLE_VALUE = new Set(["shop", "logged_in_customer_id", "path_prefix", "signature", "timestamp", "hmac"]);

export function appProxyMessage(params: URLSearchParams): string | null {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    const list = values.get(key) ?? [];
    if (list.length && SINGLE_VALUE.has(key)) return null; // ambiguous: refuse
    list.push(value);
    values.set(key, list);
  }
  values.delete("signature");
  return [...values.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => `${key}=${list.join(",")}`)
    .join("");
}

export function isValidAppProxyRequest(url: URL, secret: string, nowMs = Date.now()): boolean {
  const signature = url.searchParams.get("signature");
  const timestamp = Number(url.searchParams.get("timestamp"));
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature) || !Number.isInteger(timestamp)) return false;
  if (Math.abs(Math.trunc(nowMs / 1000) - timestamp) > PROXY_CLOCK_TOLERANCE_SECONDS) return false;
  const message = appProxyMessage(url.searchParams);
  if (message === null) return false;
  const expected = createHmac("sha256", secret).update(message).digest();
  const given = Buffer.from(signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A Liquid response the proxy renders inside the shop's theme (as the Shopify library's liquid()). */
export function liquidResponse(body: string, init: ResponseInit & { layout?: boolean } = {}): Response {
  const { layout, ...responseInit } = init;
  // The proxy serves /apps/referrals/x/ : relative form actions and links need the trailing slash.
  const processed = body
    .replaceAll(/<(form[^>]+)action="(\/[^"?]+)(\?[^"]+)?">/g, '<$1action="$2/$3">')
    .replaceAll(/<(a[^>]+)href="(\/[^"?]+)(\?[^"]+)?">/g, '<$1href="$2/$3">');
  const headers = new Headers(responseInit.headers);
  headers.set("Content-Type", "application/liquid");
  return new Response(layout === false ? `{% layout none %} ${processed}` : processed, { ...responseInit, headers });
}
