import { it } from "vitest";
import { useFakeShopify } from "../fake-shopify";
import { SHOP_INFO } from "../../app/shopify/documents";
const shopify = useFakeShopify();
it("direct", async () => {
  const req = () => new Request("https://a.myshopify.com/admin/api/2026-10/graphql.json", { method: "POST", headers: { "X-Shopify-Access-Token": "x", "Content-Type": "application/json" }, body: JSON.stringify({ query: SHOP_INFO }) });
  try { const r = await shopify.fake.handle(req()); console.log(r.status, await r.text()); } catch (e) { console.log("handle threw", e); }
  try { const r = await fetch(req()); console.log(r.status, await r.text()); } catch (e) { console.log("fetch threw", e); }
});
