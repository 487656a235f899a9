// App proxy requests as Shopify sends them: the storefront's query plus shop,
// logged_in_customer_id, path_prefix and timestamp, signed with the app secret
// (sorted key=value pairs joined with nothing, hex HMAC-SHA256), and a way to
// send them through the real route modules of app/routes/apps.referrals.*.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { appProxySignature as sign } from "../fake-shopify/sign";

export const APP_URL = "https://referrals.test";
export const PROXY_PREFIX = "/apps/referrals";

/** The request's `signature` (fake-shopify/sign.ts), with the app's secret by default. */
export function appProxySignature(params: URLSearchParams, secret = appSecret()): string {
  return sign(params, secret);
}

export interface ProxyRequestInput {
  shop: string;
  /** Path below /apps/referrals, e.g. "/data" or "" for the program page. */
  path?: string;
  /** Numeric customer id, as Shopify sends it; omitted or null for a guest. */
  customerId?: string | number | null;
  /** The storefront's own query parameters (locale, origin...). */
  query?: Record<string, string>;
  method?: string;
  /** An object is sent as JSON; a URLSearchParams as a form. */
  body?: object | URLSearchParams | string;
  headers?: Record<string, string>;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  secret?: string;
  /** Change the URL after signing (to tamper with a signed request). */
  tamper?: (params: URLSearchParams) => void;
  /** Leave the signature off. */
  unsigned?: boolean;
  ip?: string;
}

export function proxyUrl(input: ProxyRequestInput): URL {
  const url = new URL(`${APP_URL}${PROXY_PREFIX}${input.path ?? ""}`);
  for (const [key, value] of Object.entries(input.query ?? {})) url.searchParams.set(key, value);
  url.searchParams.set("shop", input.shop);
  url.searchParams.set("logged_in_customer_id", input.customerId == null ? "" : String(input.customerId));
  url.searchParams.set("path_prefix", PROXY_PREFIX);
  url.searchParams.set("timestamp", String(input.timestamp ?? Math.floor(Date.now() / 1000)));
  if (!input.unsigned) url.searchParams.set("signature", appProxySignature(url.searchParams, input.secret));
  input.tamper?.(url.searchParams);
  return url;
}

export function proxyRequest(input: ProxyRequestInput): Request {
  const headers = new Headers(input.headers);
  // Shopify's proxy writes the shopper's address; a test may send the whole chain instead.
  if (!headers.has("X-Forwarded-For")) headers.set("X-Forwarded-For", input.ip ?? "198.51.100.7");
  let body: string | undefined;
  if (input.body instanceof URLSearchParams) {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    body = input.body.toString();
  } else if (typeof input.body === "string") {
    body = input.body;
  } else if (input.body) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(input.body);
  }
  const method = input.method ?? (body === undefined ? "GET" : "POST");
  return new Request(proxyUrl(input), { method, headers, body });
}

type RouteModule = {
  loader?: (args: LoaderFunctionArgs) => unknown;
  action?: (args: ActionFunctionArgs) => unknown;
};

/** The route module Remix would pick for a path under /apps/referrals (flat routes). */
async function routeFor(pathname: string): Promise<RouteModule | null> {
  const rest = pathname.slice(PROXY_PREFIX.length).replace(/\/+$/, "");
  switch (rest) {
    case "":
      return import("~/routes/apps.referrals._index");
    case "/data":
      return import("~/routes/apps.referrals.data");
    case "/enrol":
      return import("~/routes/apps.referrals.enrol");
    case "/click":
      return import("~/routes/apps.referrals.click");
    case "/share":
      return import("~/routes/apps.referrals.share");
    case "/join":
      return import("~/routes/apps.referrals.join");
    case "/print":
      return import("~/routes/apps.referrals.print");
    case "/partners":
      return import("~/routes/apps.referrals.partners._index");
    case "/partners/apply":
      return import("~/routes/apps.referrals.partners.apply");
    case "/partners/link":
      return import("~/routes/apps.referrals.partners.link");
    case "/partners/sign-in":
      return import("~/routes/apps.referrals.partners.sign-in");
    case "/partners/portal":
      return import("~/routes/apps.referrals.partners.portal");
    default:
      return null;
  }
}

/**
 * Sends a request through the real route module, as Remix would: the loader
 * for GET, the action otherwise, and a thrown Response is the answer.
 */
export async function callProxy(request: Request): Promise<Response> {
  const route = await routeFor(new URL(request.url).pathname);
  if (!route) return new Response("Not found", { status: 404 });
  const handler = request.method === "GET" || request.method === "HEAD" ? route.loader : route.action;
  if (!handler) return new Response(null, { status: 405 });
  try {
    return (await handler({ request, params: {}, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

export async function sendProxy(input: ProxyRequestInput): Promise<Response> {
  return callProxy(proxyRequest(input));
}

function appSecret(): string {
  const secret = process.env.SHOPIFY_API_SECRET;
  if (!secret) throw new Error("SHOPIFY_API_SECRET is not set (the app secret the proxy signature uses)");
  return secret;
}
