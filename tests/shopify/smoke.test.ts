import { describe, expect, it } from "vitest";
import { useFakeShopify } from "../fake-shopify";
import { authenticatedAdminGraphql, unauthenticatedAdminGraphql } from "./remix-admin";
import { SHOP_INFO } from "../../app/shopify/documents";

const SHOP = "smoke.myshopify.com";
describe("smoke", () => {
  const shopify = useFakeShopify();
  it("unauth", async () => {
    const g = await unauthenticatedAdminGraphql(SHOP);
    const r = await g(SHOP_INFO);
    console.log(await r.json());
    shopify.fake.faults.queue("ShopInfo", { kind: "http429", retryAfterSeconds: 3 }, { kind: "throttled" }, { kind: "http5xx" }, { kind: "network" }, {kind: "timeout"});
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController(); setTimeout(() => ac.abort(), 200);
      try { await g(SHOP_INFO, { signal: ac.signal }); } catch (e: any) { console.log(i, e?.constructor?.name, e.message?.slice(0, 200), e.response?.code, e.response?.retryAfter, e.body && JSON.stringify(e.body).slice(0, 400)); }
    }
  });
  it("auth", async () => {
    const g = await authenticatedAdminGraphql(SHOP);
    const r = await g(SHOP_INFO);
    console.log(await r.json());
    shopify.fake.faults.queue("ShopInfo", { kind: "http429", retryAfterSeconds: 3 }, { kind: "http5xx" });
    for (let i = 0; i < 2; i++) {
      try { await g(SHOP_INFO); } catch (e: any) { console.log(i, e?.constructor?.name, e.status, [...(e.headers?.entries?.() ?? [])], await e.text?.()); }
    }
  });
});
