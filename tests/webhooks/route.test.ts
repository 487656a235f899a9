// The webhook endpoint through its real route module: what it accepts, what it
// refuses, and what it leaves in the inbox.
import { afterEach, describe, expect, it, vi } from "vitest";
import db from "../../app/db.server";
import { MAX_WEBHOOK_BODY_BYTES } from "../../app/jobs/verify-webhook.server";
import { deliverWebhook, signedWebhookRequest, WEBHOOK_URL } from "../helpers/webhook-request";

const shop = "alpha.myshopify.com";
const paidOrder = { id: 820982911946154500, admin_graphql_api_id: "gid://shopify/Order/820982911946154508" };

// Expected rejections are logged as warnings; keep the output quiet.
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
afterEach(async () => {
  warn.mockClear();
  await db.webhookDelivery.deleteMany();
});

describe("POST /webhooks", () => {
  it("stores a signed delivery PENDING with its headers and raw body, and answers 200", async () => {
    const triggeredAt = "2026-11-02T10:00:00.000Z";
    const body = JSON.stringify(paidOrder);
    const response = await deliverWebhook(
      signedWebhookRequest({
        topic: "orders/paid",
        shop,
        body,
        webhookId: "wh-1",
        headers: { "X-Shopify-Triggered-At": triggeredAt },
      }),
    );
    expect(response.status).toBe(200);
    const rows = await db.webhookDelivery.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      shop,
      webhookId: "wh-1",
      topic: "orders/paid",
      apiVersion: "2026-10",
      status: "PENDING",
      payload: body,
      attempts: 0,
    });
    expect(rows[0].triggeredAt?.toISOString()).toBe(triggeredAt);
  });

  it("answers 401 to a bad HMAC and stores nothing", async () => {
    const response = await deliverWebhook(
      signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, secret: "not-the-app-secret-0000" }),
    );
    expect(response.status).toBe(401);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 401 when the HMAC header is missing", async () => {
    const response = await deliverWebhook(
      signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, headers: { "X-Shopify-Hmac-Sha256": null } }),
    );
    expect(response.status).toBe(401);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 401 when the body was altered after signing", async () => {
    const signed = signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder });
    const tampered = new Request(WEBHOOK_URL, {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify({ ...paidOrder, id: 1 }),
    });
    expect((await deliverWebhook(tampered)).status).toBe(401);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 405 with Allow: POST to GET and other methods", async () => {
    const get = await deliverWebhook(new Request(WEBHOOK_URL));
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
    const put = await deliverWebhook(new Request(WEBHOOK_URL, { method: "PUT", body: "{}" }));
    expect(put.status).toBe(405);
    expect(put.headers.get("Allow")).toBe("POST");
  });

  it("answers 413 to a body over 1 MB, signed or not, before verifying", async () => {
    const big = "x".repeat(MAX_WEBHOOK_BODY_BYTES + 1);
    const response = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: big }));
    expect(response.status).toBe(413);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 413 when an oversized body comes without Content-Length (streamed)", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_WEBHOOK_BODY_BYTES) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(WEBHOOK_URL, {
      method: "POST",
      headers: { "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": shop },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("content-length")).toBeNull();
    expect((await deliverWebhook(request)).status).toBe(413);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("accepts a body of exactly 1 MB", async () => {
    const prefix = JSON.stringify({ ...paidOrder, note: "" }).slice(0, -2);
    const body = `${prefix}${"x".repeat(MAX_WEBHOOK_BODY_BYTES - prefix.length - 2)}"}`;
    expect(Buffer.byteLength(body)).toBe(MAX_WEBHOOK_BODY_BYTES);
    const response = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body }));
    expect(response.status).toBe(200);
    expect(await db.webhookDelivery.count({ where: { status: "PENDING" } })).toBe(1);
  });

  it("stores a signed body that is not JSON as INVALID with the reason, and answers 200", async () => {
    const response = await deliverWebhook(
      signedWebhookRequest({ topic: "orders/paid", shop, body: '{"id": 1, "admin_graphql_api_id": ', webhookId: "wh-bad" }),
    );
    expect(response.status).toBe(200);
    const row = await db.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ webhookId: "wh-bad", status: "INVALID" });
    expect(row.lastError).toMatch(/not valid JSON/);
  });

  it.each([
    ["orders/paid", { id: 1 }, /admin_graphql_api_id/],
    ["orders/cancelled", { admin_graphql_api_id: "gid://shopify/Order/1" }, /\bid\b/],
    ["refunds/create", { id: 5 }, /order_id/],
    ["customers/redact", { shop_domain: shop, customer: {} }, /customer\.id or customer\.email/],
    ["shop/redact", {}, /shop_id or shop_domain/],
    ["app/scopes_update", { previous: [] }, /current/],
    ["orders/paid", [1, 2], /payload/],
  ])("stores %s lacking what the topic needs as INVALID (%j)", async (topic, body, reason) => {
    const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body }));
    expect(response.status).toBe(200);
    const row = await db.webhookDelivery.findFirstOrThrow();
    expect(row.status).toBe("INVALID");
    expect(row.lastError).toMatch(reason);
  });

  it("stores an unknown topic as INVALID: unsupported topic", async () => {
    const response = await deliverWebhook(signedWebhookRequest({ topic: "products/update", shop, body: { id: 1 } }));
    expect(response.status).toBe(200);
    const row = await db.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "INVALID", topic: "products/update" });
    expect(row.lastError).toMatch(/unsupported topic/);
  });

  it("accepts customers/redact identified by email only", async () => {
    const body = { shop_id: 1, shop_domain: shop, customer: { email: "ann@example.com" }, orders_to_redact: [] };
    await deliverWebhook(signedWebhookRequest({ topic: "customers/redact", shop, body }));
    expect((await db.webhookDelivery.findFirstOrThrow()).status).toBe("PENDING");
  });

  it("answers 400 to a signed delivery without its webhook id, and stores nothing", async () => {
    const response = await deliverWebhook(
      signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, headers: { "X-Shopify-Webhook-Id": null } }),
    );
    expect(response.status).toBe(400);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("acknowledges a repeated delivery without storing it again", async () => {
    for (let i = 0; i < 3; i++) {
      const response = await deliverWebhook(
        signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, webhookId: "same-id" }),
      );
      expect(response.status).toBe(200);
    }
    expect(await db.webhookDelivery.count()).toBe(1);
  });

  it("keeps the same webhook id apart for two shops", async () => {
    for (const s of [shop, "beta.myshopify.com"]) {
      await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop: s, body: paidOrder, webhookId: "same-id" }));
    }
    expect(await db.webhookDelivery.count()).toBe(2);
  });
});
