// Signed orders/paid deliveries for the benchmarks that load the app server.
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { webhookHeaders } from "../../fake-shopify/sign";

/** Shopify's orders/paid payload for friend `i`: a distinct order and customer per `i`, one of 50 codes. */
export function friendOrderPaidBody(i: number): Buffer {
  const payload = orderPaidPayload({
    orderId: 7_000_000_000_000 + i,
    customerId: 8_000_000_000_000 + i,
    email: `friend${i}@example.com`,
    discountCodes: [`FRIEND-BENCH${i % 50}`],
    subtotal: "100.00",
    total: "110.00",
    currency: "USD",
    createdAt: new Date().toISOString(),
    name: `#${10_000 + i}`,
  });
  return Buffer.from(JSON.stringify(payload));
}

/** The X-Shopify-* headers of an orders/paid delivery whose body has signature `hmac`. */
export function orderPaidHeaders(shop: string, hmac: string, webhookId?: string): Record<string, string> {
  return webhookHeaders({ topic: "orders/paid", shop, signature: hmac, webhookId });
}
