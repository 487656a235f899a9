// Who and where a verified app proxy request comes from. Only call this on a
// URL whose signature was checked: the customer's identity is the signed
// logged_in_customer_id and nothing else (no body field or header can set it).
import { networkAddress } from "~/referrals/network-address";
import { customerGid } from "~/referrals/personal-data";
import { pickLocale } from "./i18n";

/** The address as a rate-limit key (see networkAddress). */
export const rateLimitAddress = networkAddress;

export interface ProxyContext {
  shop: string;
  /** gid://shopify/Customer/<id>, or null for a guest. */
  customerId: string | null;
  locale: { tag: string; language: string };
  /** The shopper's address as Shopify's proxy forwards it (for per-IP rate limits and device signals). */
  ip: string;
  /** The shopper's browser as Shopify's proxy forwards it (device signals; hashed before it is kept). */
  userAgent: string | null;
  /** The storefront URL the block asked its links to use (`?origin=`): a wish, checked by shareOrigin. */
  requestedOrigin: string | null;
}

export interface ProxyContextOptions {
  /** How many proxies of the app's own hosting append to X-Forwarded-For (TRUSTED_PROXY_HOPS). */
  trustedHops: number;
}

export function proxyContext(url: URL, headers: Headers, { trustedHops }: ProxyContextOptions): ProxyContext {
  return {
    shop: url.searchParams.get("shop") ?? "",
    customerId: customerGid(url.searchParams.get("logged_in_customer_id") || null),
    locale: pickLocale(url.searchParams.get("locale"), headers.get("accept-language")),
    ip: clientIp(headers, trustedHops),
    userAgent: headers.get("user-agent")?.slice(0, 512) || null,
    requestedOrigin: url.searchParams.get("origin"),
  };
}

/**
 * The shopper's address, for per-IP rate limits. Shopify's app proxy sends the
 * address of the shopper it served in X-Forwarded-For ("the client IP
 * address", https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies).
 * The header is not signed, and a shopper can send their own X-Forwarded-For to
 * the storefront: whatever reaches us left of Shopify's entry is the shopper's
 * to invent. Each proxy of the app's own hosting (load balancer, TLS
 * terminator, CDN) then appends the address it saw. So the address is counted
 * from the right: skip the `trustedHops` entries our own proxies appended, and
 * the next one is the entry Shopify wrote. When the header is shorter than
 * that, every entry was written by a trusted hop and the leftmost (the first
 * address a trusted hop saw) is used, as Express's `trust proxy` does.
 */
export function clientIp(headers: Headers, trustedHops: number): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (chain.length === 0) return "unknown";
  const entry = chain[Math.max(0, chain.length - 1 - trustedHops)];
  return rateLimitAddress(entry);
}

/**
 * The base URL of a referrer's share links. The block sends the storefront's URL
 * (Liquid's shop.url: the proxy request itself does not say which domain the
 * shopper is on), but anyone can put another ?origin= in a link to the
 * program page, and a referrer would then share links to someone else's site.
 * So only the shop's own domains are taken: its myshopify.com domain and its
 * primary domain (stored from the Admin API's shop.primaryDomain, see
 * app/referrals/programs.server.ts); anything else, or nothing, gives the
 * primary domain (the myshopify.com domain until the primary one is known).
 * Only the origin is kept: a path on the shop's own domain is not ours to choose.
 */
export function shareOrigin(requested: string | null, { shop, storefrontUrl }: { shop: string; storefrontUrl: string | null }): string {
  const own = [`https://${shop}`, storefrontUrl].map(originOf).filter((o): o is string => o !== null);
  const wanted = requested && requested.length <= 200 ? originOf(requested) : null;
  return wanted && own.includes(wanted) ? wanted : own[own.length - 1];
}

function originOf(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}
