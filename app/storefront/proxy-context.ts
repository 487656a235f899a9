// Who and where a verified app proxy request comes from. Only call this on a
// URL whose signature was checked: the customer's identity is the signed
// logged_in_customer_id and nothing else (no body field or header can set it).
import { customerGid } from "../referrals/personal-data";
import { pickLocale } from "./i18n";

export interface ProxyContext {
  shop: string;
  /** gid://shopify/Customer/<id>, or null for a guest. */
  customerId: string | null;
  locale: { tag: string; language: string };
  /** The shopper's IP as Shopify forwards it (for per-IP rate limits). */
  ip: string;
  /** The storefront's base URL for referral links. */
  origin: string;
}

export function proxyContext(url: URL, headers: Headers): ProxyContext {
  const shop = url.searchParams.get("shop") ?? "";
  return {
    shop,
    customerId: customerGid(url.searchParams.get("logged_in_customer_id") || null),
    locale: pickLocale(url.searchParams.get("locale"), headers.get("accept-language")),
    ip: clientIp(headers),
    origin: storefrontOrigin(url.searchParams.get("origin"), shop),
  };
}

/**
 * Shopify's proxy puts the shopper's address first in X-Forwarded-For. The
 * header is not signed, but a signed request can only come from Shopify
 * (the signature is added server-side and expires in 90 s), so it is not the
 * shopper's to forge.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip")?.trim() || "unknown";
  return ip.slice(0, 64);
}

/**
 * The block sends the storefront's URL (its custom domain, which the proxy
 * request does not carry). It only shapes the requester's own share links, so
 * anything that is a plain http(s) URL is accepted; otherwise the myshopify domain.
 */
export function storefrontOrigin(raw: string | null, shop: string): string {
  if (raw && raw.length <= 200) {
    try {
      const url = new URL(raw);
      if ((url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password) {
        return (url.origin + url.pathname).replace(/\/+$/, "");
      }
    } catch {
      // fall through to the shop's own domain
    }
  }
  return `https://${shop}`;
}
