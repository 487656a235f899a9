// Our app proxy check agrees with Shopify's own library on every input.
import "@shopify/shopify-api/adapters/node";
import fc from "fast-check";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { appProxyMessage, isValidAppProxyRequest } from "~/storefront/app-proxy-signature.server";
import { appProxySignature, signAppProxyMessage } from "../../fake-shopify/sign";

const secret = "proxy-secret-0123456789";
const api = shopifyApi({
  apiKey: "k",
  apiSecretKey: secret,
  apiVersion: ApiVersion.October26,
  hostName: "app.example.com",
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => {} },
});

async function libraryAccepts(params: URLSearchParams): Promise<boolean> {
  try {
    return await api.utils.validateHmac(params, { signator: "appProxy" });
  } catch {
    return false;
  }
}

const key = fc.stringMatching(/^[a-z_]{1,12}$/).filter((k) => !["signature", "timestamp", "shop", "hmac", "path_prefix", "logged_in_customer_id"].includes(k));
const value = fc.string({ maxLength: 12 });

describe("app proxy signature", () => {
  it("accepts exactly what Shopify's library accepts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.boolean(), fc.integer({ min: -200, max: 200 }).filter((s) => Math.abs(Math.abs(s) - 90) > 1), async (pairs, tamper, skew) => {
        const now = Math.floor(Date.now() / 1000);
        const params = new URLSearchParams([["shop", "a.myshopify.com"], ["timestamp", String(now + skew)], ["path_prefix", "/apps/referrals"], ...pairs]);
        const signature = signAppProxyMessage(appProxyMessage(params)!, secret);
        params.set("signature", signature);
        if (tamper) params.set("logged_in_customer_id", "999");
        const url = new URL(`https://app.example.com/apps/referrals?${params}`);
        expect(isValidAppProxyRequest(url, secret)).toBe(await libraryAccepts(params));
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a repeated shop or timestamp", () => {
    const now = String(Math.floor(Date.now() / 1000));
    const params = new URLSearchParams([["shop", "a.myshopify.com"], ["shop", "b.myshopify.com"], ["timestamp", now]]);
    expect(appProxyMessage(params)).toBeNull();
  });

  it("refuses a repeated logged_in_customer_id or path_prefix, however it was signed", () => {
    const now = String(Math.floor(Date.now() / 1000));
    for (const [name, first, second] of [
      // The shopper's own ?logged_in_customer_id=501 ahead of Shopify's empty one (a guest).
      ["logged_in_customer_id", "501", ""],
      ["path_prefix", "/apps/other", "/apps/referrals"],
    ]) {
      const params = new URLSearchParams([["shop", "a.myshopify.com"], [name, first], [name, second], ["timestamp", now]]);
      // Signed as Shopify signs a repeated key: its values joined by ",".
      params.set("signature", appProxySignature(params, secret));
      expect(appProxyMessage(params), name).toBeNull();
      expect(isValidAppProxyRequest(new URL(`https://app.example.com/apps/referrals?${params}`), secret), name).toBe(false);
    }
  });
});
