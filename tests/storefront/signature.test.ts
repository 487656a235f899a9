// Every app proxy endpoint refuses a request Shopify did not sign (or signed
// for someone else, or too long ago) and writes nothing for it.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { sendProxy, type ProxyRequestInput } from "../helpers/app-proxy";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer } from "../helpers/storefront";

let shop = "";
let code = "";
beforeEach(async () => {
  shop = uniqueShop();
  await seedProgram(shop);
  code = (await seedReferrer(shop, { customerId: "gid://shopify/Customer/1" })).code;
});

const endpoints: Array<{ name: string; request: () => Omit<ProxyRequestInput, "shop"> }> = [
  { name: "GET /data", request: () => ({ path: "/data", customerId: 1 }) },
  { name: "POST /enrol", request: () => ({ path: "/enrol", customerId: 2, body: { terms: true } }) },
  { name: "POST /click", request: () => ({ path: "/click", body: { code, channel: "x" } }) },
  { name: "POST /share", request: () => ({ path: "/share", customerId: 1, body: { channel: "x" } }) },
  { name: "GET / (program page)", request: () => ({ path: "", customerId: 1 }) },
  { name: "POST /join", request: () => ({ path: "/join", body: new URLSearchParams({ email: "new@example.com", terms: "on" }) }) },
];

const refusals: Array<{ name: string; change: Partial<ProxyRequestInput> }> = [
  { name: "missing signature", change: { unsigned: true } },
  { name: "signed with another secret", change: { secret: "not-the-app-secret-0123456789" } },
  { name: "stale timestamp (signed an hour ago)", change: { timestamp: Math.floor(Date.now() / 1000) - 3600 } },
  { name: "timestamp from the future", change: { timestamp: Math.floor(Date.now() / 1000) + 600 } },
  {
    name: "tampered logged_in_customer_id",
    change: { tamper: (params) => params.set("logged_in_customer_id", "999") },
  },
  { name: "tampered shop", change: { tamper: (params) => params.set("shop", "victim.myshopify.com") } },
];

async function writes() {
  const [referrers, events, limits] = await Promise.all([
    db.referrer.count({ where: { shop } }),
    db.linkEvent.count({ where: { shop } }),
    db.rateLimit.count(),
  ]);
  return { referrers, events, limits };
}

describe("app proxy signature", () => {
  for (const endpoint of endpoints) {
    describe(endpoint.name, () => {
      for (const refusal of refusals) {
        it(`refuses a ${refusal.name} with 400 and writes nothing`, async () => {
          await db.rateLimit.deleteMany();
          const before = await writes();
          const response = await sendProxy({ shop, ...endpoint.request(), ...refusal.change });
          expect(response.status).toBe(400);
          expect(await writes()).toEqual(before);
        });
      }

      it("accepts the same request signed as Shopify signs it", async () => {
        const response = await sendProxy({ shop, ...endpoint.request() });
        expect(response.status).toBeLessThan(300);
      });
    });
  }

  it("a signature over the customer's query does not cover a second customer id added later", async () => {
    const response = await sendProxy({
      shop,
      path: "/data",
      customerId: 1,
      tamper: (params) => params.append("logged_in_customer_id", "2"),
    });
    expect(response.status).toBe(400);
  });
});
