// The shopper's address for per-IP rate limits, read from X-Forwarded-For the
// way Shopify's app proxy and the app's own hosting write it.
import { describe, expect, it } from "vitest";
import { parseEnv } from "~/env.server";
import { clientIp, rateLimitAddress } from "~/storefront/proxy-context";

const forwarded = (value: string | null) => new Headers(value === null ? {} : { "X-Forwarded-For": value });

describe("clientIp", () => {
  it("takes the entry Shopify wrote: the trusted hops' entries counted off the right", () => {
    // The shopper sent "6.6.6.6"; Shopify appended 198.51.100.7; one load balancer appended Shopify's address.
    const chain = "6.6.6.6, 198.51.100.7, 203.0.113.200";
    expect(clientIp(forwarded(chain), 1)).toBe("198.51.100.7");
    expect(clientIp(forwarded("6.6.6.6, 198.51.100.7"), 0)).toBe("198.51.100.7");
    expect(clientIp(forwarded(`6.6.6.6, ${chain.split(", ").slice(1).join(", ")}, 192.0.2.1`), 2)).toBe("198.51.100.7");
    // Whatever the shopper puts on the left, the answer is the same.
    expect(clientIp(forwarded(`1.1.1.1, 2.2.2.2, ${chain}`), 1)).toBe("198.51.100.7");
  });

  it("uses the leftmost entry when every entry came from a trusted hop, and 'unknown' without the header", () => {
    expect(clientIp(forwarded("198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientIp(forwarded(" , "), 1)).toBe("unknown");
    expect(clientIp(forwarded(null), 1)).toBe("unknown");
    // X-Real-IP is not Shopify's: it is not read.
    expect(clientIp(new Headers({ "X-Real-IP": "9.9.9.9" }), 0)).toBe("unknown");
  });

  it("counts an IPv6 client by its /64, drops ports and brackets, and bounds anything else", () => {
    expect(rateLimitAddress("2001:db8:abcd:12:1:2:3:4")).toBe("2001:db8:abcd:12::/64");
    expect(rateLimitAddress("2001:db8:abcd:12::ffff")).toBe("2001:db8:abcd:12::/64");
    expect(rateLimitAddress("2001:DB8::1")).toBe("2001:db8:0:0::/64");
    expect(rateLimitAddress("[2001:db8:abcd:0012::9]:443")).toBe("2001:db8:abcd:12::/64");
    expect(rateLimitAddress("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(rateLimitAddress("2001:db8::5:6:198.51.100.7")).toBe("2001:db8:0:0::/64");
    expect(rateLimitAddress("2001:db8:1:2:3::198.51.100.7")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddress("198.51.100.7:51234")).toBe("198.51.100.7");
    expect(rateLimitAddress("x".repeat(500))).toHaveLength(64);
  });

  it("reads the number of trusted hops from TRUSTED_PROXY_HOPS (default 1), refusing anything but a small whole number", () => {
    const base = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "0123456789abcdef0123", SHOPIFY_APP_URL: "https://app.example.com" };
    expect(parseEnv(base).TRUSTED_PROXY_HOPS).toBe(1);
    expect(parseEnv({ ...base, TRUSTED_PROXY_HOPS: "0" }).TRUSTED_PROXY_HOPS).toBe(0);
    for (const bad of ["-1", "1.5", "many", "50"]) expect(() => parseEnv({ ...base, TRUSTED_PROXY_HOPS: bad }), bad).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});
