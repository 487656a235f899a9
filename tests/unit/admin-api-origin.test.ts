import { describe, expect, it } from "vitest";
import { adminApiUrl } from "~/shopify/admin-api-origin.server";

describe("SHOPIFY_ADMIN_API_ORIGIN", () => {
  it("sends Admin API calls to the configured origin, keyed by shop, and leaves other URLs alone", () => {
    expect(adminApiUrl("https://a.myshopify.com/admin/api/2026-10/graphql.json", "http://127.0.0.1:3100/")).toBe(
      "http://127.0.0.1:3100/shops/a.myshopify.com/admin/api/2026-10/graphql.json",
    );
    expect(adminApiUrl("https://a.myshopify.com/admin/oauth/access_token", "http://x")).toBe("https://a.myshopify.com/admin/oauth/access_token");
  });
});
