// Who is asking, for the routes Shopify's checkout and customer account UI
// extensions call (app/routes/api.extensions.*). shopify-app-remix verifies the
// session token (HS256 with the app secret, exp and nbf) and answers the CORS
// preflight; it does not check the audience for these tokens, and its refusals
// carry no CORS headers (an extension would see a network error, not a 401).
// So on top of it: the audience must be this app, the destination a
// myshopify.com shop, `sub` (when there) a customer, and every refusal is a
// bare 401 with CORS headers: nothing in it says why.
import { authenticate } from "~/shopify.server";
import { env } from "~/env.server";
import { setLogShop } from "~/ops/logger.server";
import { customerGid } from "~/referrals/personal-data";
import { pickLocale } from "./i18n";
import { rateLimitAddress } from "./proxy-context";
import { hitRateLimits, storefrontRules, type LimitedAction } from "./rate-limit.server";
import type { Db } from "~/db.server";
import { readBody } from "./proxy-http.server";

export type ExtensionKind = "checkout" | "customerAccount";

export interface ExtensionCaller {
  /** The shop's myshopify.com domain, from the token's `dest`. */
  shop: string;
  /** gid://shopify/Customer/<id> from the token's `sub`, or null (a guest at checkout). */
  customerId: string | null;
  locale: { tag: string; language: string };
  /** The buyer's address as the app's own hosting saw it (per-IP rate limits). */
  ip: string;
  /** The buyer's browser (device signals; hashed before it is kept). */
  userAgent: string | null;
  cors: (response: Response) => Response;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
export const EXTENSION_HEADERS = { "Cache-Control": "private, no-store", Vary: "Origin, Authorization" } as const;

/** CORS as the library writes it on its own answers, for the answers it throws without them. */
export function extensionCors(request: Request, response: Response): Response {
  const origin = request.headers.get("Origin");
  if (origin && origin !== env().SHOPIFY_APP_URL) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  for (const [name, value] of Object.entries(EXTENSION_HEADERS)) response.headers.set(name, value);
  return response;
}

function unauthorized(request: Request): Response {
  return extensionCors(request, new Response(null, { status: 401 }));
}

/**
 * The verified caller, or a thrown Response: 204 to a preflight, 401 for a
 * missing, malformed, expired, foreign or wrongly addressed token (and for a
 * customer account request without a customer).
 */
export async function authenticateExtension(request: Request, kind: ExtensionKind, locale: string | null): Promise<ExtensionCaller> {
  let verified: Awaited<ReturnType<typeof authenticate.public.checkout>>;
  try {
    verified = kind === "checkout" ? await authenticate.public.checkout(request) : await authenticate.public.customerAccount(request);
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    // The preflight's 204 (with CORS) stands; any other refusal becomes a bare 401.
    if (thrown.status === 204) throw extensionCors(request, thrown);
    throw unauthorized(request);
  }
  const token = verified.sessionToken;
  const dest = typeof token.dest === "string" ? token.dest : "";
  const shop = dest.startsWith("https://") ? dest.slice("https://".length) : "";
  const sub = typeof token.sub === "string" && token.sub ? token.sub : null;
  const customerId = sub ? customerGid(sub) : null;
  const ok =
    token.aud === env().SHOPIFY_API_KEY &&
    typeof token.exp === "number" &&
    SHOP_DOMAIN.test(shop) &&
    // A `sub` that is not a customer gid is not a buyer we know.
    (sub === null || (customerId !== null && customerId === sub)) &&
    (kind === "checkout" || customerId !== null);
  if (!ok) throw unauthorized(request);
  setLogShop(shop);
  return {
    shop,
    customerId,
    locale: pickLocale(locale, request.headers.get("accept-language")),
    ip: callerIp(request.headers, env().TRUSTED_PROXY_HOPS),
    userAgent: request.headers.get("user-agent")?.slice(0, 512) || null,
    cors: (response) => extensionCors(request, verified.cors(response)),
  };
}

/**
 * The buyer's address. Extensions call the app straight from the buyer's
 * browser (no Shopify proxy in between), so the entry the app's own outermost
 * trusted proxy appended is the buyer's: counted from the right, the
 * TRUSTED_PROXY_HOPS-th. With no trusted proxy the header is the buyer's own
 * invention and not used (every request shares one per-IP window; the
 * shop's window still holds).
 */
export function callerIp(headers: Headers, trustedHops: number): string {
  if (trustedHops <= 0) return "direct";
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = chain[chain.length - trustedHops] ?? chain[0];
  return entry ? rateLimitAddress(entry) : "unknown";
}

/** The caller's window, then the shop's; a 429 with Retry-After (and CORS) when over. */
export async function extensionRateLimited(db: Db, action: LimitedAction, caller: ExtensionCaller): Promise<Response | null> {
  const result = await hitRateLimits(db, storefrontRules(action, caller));
  if (result.ok) return null;
  return caller.cors(extensionJson({ error: "rate_limited" }, 429, { "Retry-After": String(result.retryAfterSeconds) }));
}

export function extensionJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...EXTENSION_HEADERS, ...headers },
  });
}

/** The caller in the language a POST body names (the extension's `localization.language`), else Accept-Language. */
export function localised(caller: ExtensionCaller, request: Request, raw: unknown): ExtensionCaller {
  return { ...caller, locale: pickLocale(typeof raw === "string" ? raw : null, request.headers.get("accept-language")) };
}

/** A JSON body (8 KB at most): 413 or 400 otherwise, with CORS. */
export async function readExtensionBody(request: Request, caller: ExtensionCaller): Promise<Record<string, unknown>> {
  try {
    return await readBody(request);
  } catch (thrown) {
    if (thrown instanceof Response) throw caller.cors(thrown);
    throw thrown;
  }
}

/** The CORS preflight (answered before any token is looked at, as the library does); any other method: 405. */
export async function preflightOnly(request: Request, kind: ExtensionKind, allow: string): Promise<Response> {
  if (request.method === "OPTIONS") await authenticateExtension(request, kind, null);
  return extensionCors(request, new Response(null, { status: 405, headers: { Allow: `${allow}, OPTIONS` } }));
}
