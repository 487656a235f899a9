// The webhook endpoint through its real route module: what it accepts, what it
// refuses, and what it leaves in the inbox.
import { afterEach, describe, expect, it, vi } from "vitest";
import db from "../../app/db.server";
import type { WebhookHandler } from "../../app/jobs/types";
import { MAX_WEBHOOK_BODY_BYTES } from "../../app/jobs/verify-webhook.server";
import { SUPPORTED_TOPICS } from "../../app/jobs/webhook-payloads";
import { createWorker } from "../../app/jobs/worker.server";
import { deliverWebhook, signedWebhookRequest, WEBHOOK_URL } from "../helpers/webhook-request";

const shop = "alpha.myshopify.com";
const paidOrder = { id: 820982911946154500, admin_graphql_api_id: "gid://shopify/Order/820982911946154508" };

// Expected rejections are logged as warnings; keep the output quiet.
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
afterEach(async () => {
  warn.mockClear();
  handler.mockClear();
  await db.webhookDelivery.deleteMany();
});

// A worker with a handler for every topic: the payload check happens there, before any handler runs.
const handler = vi.fn<WebhookHandler>(async () => {});
const worker = createWorker({
  db,
  webhookHandlers: new Map(SUPPORTED_TOPICS.map((topic) => [topic, handler])),
  jobHandlers: new Map(),
  logger: { info() {}, warn() {} },
});

/** The one stored row, as the door left it and after the worker's pass. */
async function storedThenWorked() {
  const stored = await db.webhookDelivery.findFirstOrThrow();
  const counts = await worker.runOnce();
  return { stored, counts, worked: await db.webhookDelivery.findFirstOrThrow() };
}

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

  it("stores a signed body that is not JSON and answers 200; the worker parks it INVALID with the reason, never runs it", async () => {
    const response = await deliverWebhook(
      signedWebhookRequest({ topic: "orders/paid", shop, body: '{"id": 1, "admin_graphql_api_id": ', webhookId: "wh-bad" }),
    );
    expect(response.status).toBe(200);
    const { stored, counts, worked } = await storedThenWorked();
    expect(stored).toMatchObject({ webhookId: "wh-bad", status: "PENDING", payload: '{"id": 1, "admin_graphql_api_id": ' });
    expect(counts).toMatchObject({ claimed: 1, invalid: 1 });
    expect(worked).toMatchObject({ webhookId: "wh-bad", status: "INVALID", attempts: 0, lockedBy: null, processedAt: null });
    expect(worked.payload).toBe(stored.payload);
    expect(worked.lastError).toMatch(/not valid JSON/);
    expect(handler).not.toHaveBeenCalled();
    // Never retried.
    expect((await worker.runOnce()).claimed).toBe(0);
  });

  it.each([
    ["orders/paid", { id: 1 }, /admin_graphql_api_id/],
    ["orders/cancelled", { admin_graphql_api_id: "gid://shopify/Order/1" }, /\bid\b/],
    ["refunds/create", { id: 5 }, /order_id/],
    ["customers/redact", { shop_domain: shop, customer: {} }, /customer\.id or customer\.email/],
    ["shop/redact", {}, /shop_id or shop_domain/],
    ["app/scopes_update", { previous: [] }, /current/],
    ["orders/paid", [1, 2], /payload/],
  ])("stores %s lacking what the topic needs; the worker parks it INVALID (%j)", async (topic, body, reason) => {
    const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body }));
    expect(response.status).toBe(200);
    const { worked } = await storedThenWorked();
    expect(worked.status).toBe("INVALID");
    expect(worked.lastError).toMatch(reason);
    expect(handler).not.toHaveBeenCalled();
  });

  it("stores an unknown topic; the worker parks it INVALID: unsupported topic", async () => {
    const response = await deliverWebhook(signedWebhookRequest({ topic: "products/update", shop, body: { id: 1 } }));
    expect(response.status).toBe(200);
    const { worked } = await storedThenWorked();
    expect(worked).toMatchObject({ status: "INVALID", topic: "products/update" });
    expect(worked.lastError).toMatch(/unsupported topic/);
  });

  it("stores a body with a raw NUL byte INVALID at once (PostgreSQL text cannot hold it), showing U+FFFD", async () => {
    const response = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: '{"id":1,"x":"\0"}' }));
    expect(response.status).toBe(200);
    const { stored, counts } = await storedThenWorked();
    expect(stored).toMatchObject({ status: "INVALID", payload: '{"id":1,"x":"\uFFFD"}' });
    expect(stored.lastError).toMatch(/not valid JSON/);
    expect(counts.claimed).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("stored INVALID"));
  });

  it("a valid delivery passes the worker's check and runs", async () => {
    await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder }));
    const { counts, worked } = await storedThenWorked();
    expect(counts).toMatchObject({ claimed: 1, done: 1 });
    expect(worked.status).toBe("DONE");
    expect(handler).toHaveBeenCalledTimes(1);
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
