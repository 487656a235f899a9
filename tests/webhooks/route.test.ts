// The webhook endpoint through its real route module: what it accepts, what it
// refuses, and what it leaves in the inbox.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { env } from "~/env.server";
import { deliveryCounterKey, windowStartOf, WINDOW_MS } from "~/webhooks/inbox-admission";
import type { WebhookHandler } from "~/queue/types";
import { MAX_WEBHOOK_BODY_BYTES } from "~/webhooks/verify-webhook.server";
import { SUBSCRIBED_TOPICS } from "~/webhooks/webhook-topics";
import { createWorker } from "~/jobs/worker.server";
import { webhookHandlers } from "~/jobs/registry.server";
import { customersDataRequestPayload, customersRedactPayload, shopRedactPayload, appUninstalledPayload } from "../../fake-shopify/payloads";
import { signAppProxyMessage } from "../../fake-shopify/sign";
import { sessionToken } from "../helpers/admin-request";
import { deliverWebhook, signedWebhookRequest, WEBHOOK_URL } from "../helpers/webhook-request";

const shop = "alpha.myshopify.com";
const otherShop = "beta.myshopify.com";
const paidOrder = { id: 820982911946154500, admin_graphql_api_id: "gid://shopify/Order/820982911946154508", line_items: [] };

// Expected rejections are logged as warnings; keep the output quiet.
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
// The door stores deliveries of installed shops only.
beforeAll(async () => {
  await db.shop.createMany({ data: [{ shop }, { shop: otherShop }] });
});
beforeEach(async () => {
  await db.shop.updateMany({ data: { active: true, uninstalledAt: null } });
});
afterEach(async () => {
  warn.mockClear();
  handler.mockClear();
  await db.webhookDelivery.deleteMany();
  await db.rateLimit.deleteMany();
});

// A worker with a handler for every topic: the payload check happens there, before any handler runs.
const handler = vi.fn<WebhookHandler>(async () => {});
const worker = createWorker({
  db,
  webhookHandlers: new Map(SUBSCRIBED_TOPICS.map((topic) => [topic, handler])),
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

  it.each([
    ["malformed JSON", '{"id": 1, "admin_graphql_api_id": '],
    ["a JSON array", "[1, 2]"],
    ["JSON null", "null"],
    ["a JSON string", '"{}"'],
    ["an empty body", ""],
    ["a raw NUL byte", '{"id":1,"x":"\0"}'],
    ["a byte-order mark before the object", '\uFEFF{"id":1}'],
    ["whitespace before the object", ' \n{"id":1}'],
    ["an object cut short", '{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1","line_items":['],
  ])("answers 400 to a signed body that is not a JSON object (%s), and stores nothing", async (_label, body) => {
    const response = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body }));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("The body is not a JSON object");
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 400 to a Shopify session token re-encoded as a webhook: its signature is a valid HMAC of its header.payload", async () => {
    // Any shop's staff gets such tokens from App Bridge, signed with the app secret.
    const token = sessionToken("attacker-dev-store.myshopify.com");
    const [header, payload, signature] = token.split(".");
    const body = `${header}.${payload}`;
    const request = signedWebhookRequest({
      topic: "orders/paid",
      shop,
      body,
      headers: { "X-Shopify-Hmac-Sha256": Buffer.from(signature, "base64url").toString("base64") },
    });
    expect(request.headers.get("X-Shopify-Hmac-Sha256")).toBe(signedWebhookRequest({ topic: "orders/paid", shop, body }).headers.get("X-Shopify-Hmac-Sha256"));
    const response = await deliverWebhook(request);
    expect(response.status).toBe(400);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 400 to an app proxy signature re-encoded as a webhook's, even where its message is a JSON object", async () => {
    // Shopify signs a storefront request's query for the app proxy: "key=value"
    // pairs sorted by key, joined, hex HMAC with the app secret. A visitor adds
    // keys: one that starts with a space sorts first, so the message can be an
    // order, once leading whitespace is skipped, with Shopify's own pairs in a string.
    const params: [string, string][] = [
      [` {"id":1,"admin_graphql_api_id":"gid://shopify/Order/1","line_items":[],"note":"`, ""],
      ["logged_in_customer_id", ""],
      ["path_prefix", "/apps/referrals"],
      ["shop", "attacker-dev.myshopify.com"],
      ["timestamp", "1700000000"],
      ["~", '"}'],
    ];
    const message = params
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join("");
    expect(JSON.parse(message)).toMatchObject({ id: 1, line_items: [] });
    const proxySignature = signAppProxyMessage(message, process.env.SHOPIFY_API_SECRET!);
    const request = signedWebhookRequest({
      topic: "orders/paid",
      shop,
      body: message,
      headers: { "X-Shopify-Hmac-Sha256": Buffer.from(proxySignature, "hex").toString("base64") },
    });
    const response = await deliverWebhook(request);
    expect(response.status).toBe(400);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("accepts a JSON object followed by whitespace", async () => {
    const response = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: `${JSON.stringify(paidOrder)} \r\n\t` }));
    expect(response.status).toBe(200);
    expect(await db.webhookDelivery.count({ where: { status: "PENDING" } })).toBe(1);
  });

  it.each(["products/update", "orders/create", "customers/create", "app_subscriptions/update"])(
    "answers 400 to %s, a topic the app does not subscribe to, and stores nothing",
    async (topic) => {
      const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body: { id: 1 } }));
      expect(response.status).toBe(400);
      expect(await response.text()).toBe(`The app does not subscribe to ${topic}`);
      expect(await db.webhookDelivery.count()).toBe(0);
    },
  );

  it.each(["shop.example.com", "alpha.myshopify.com.example.com", "myshopify.com", "alpha.beta.myshopify.com", "-alpha.myshopify.com"])(
    "answers 400 to the shop domain %s (not a shop's *.myshopify.com), and stores nothing",
    async (domain) => {
      const response = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop: domain, body: paidOrder }));
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/X-Shopify-Shop-Domain \(not a shop's \*\.myshopify\.com domain\)/);
      expect(await db.webhookDelivery.count()).toBe(0);
    },
  );

  const COMPLIANCE = ["customers/data_request", "customers/redact", "shop/redact"];

  it.each(SUBSCRIBED_TOPICS.filter((t) => !COMPLIANCE.includes(t)))("answers 403 to %s for a shop that never installed the app, and stores nothing", async (topic) => {
    const response = await deliverWebhook(signedWebhookRequest({ topic, shop: "never-installed.myshopify.com", body: { id: 1 } }));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("never-installed.myshopify.com has not installed the app");
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it.each(COMPLIANCE)("acknowledges %s for a shop it holds nothing of (200, so Shopify does not count a failure), and stores nothing", async (topic) => {
    const response = await deliverWebhook(signedWebhookRequest({ topic, shop: "never-installed.myshopify.com", body: { id: 1 } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Nothing held for never-installed.myshopify.com");
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("after shop/redact erased the shop, a redelivery of it and a late customers/redact are acknowledged and change nothing", async () => {
    const erased = "erased-later.myshopify.com";
    await db.shop.create({ data: { shop: erased } });
    const redact = signedWebhookRequest({ topic: "shop/redact", shop: erased, body: shopRedactPayload(erased), webhookId: "erase-shop-1" });
    expect((await deliverWebhook(redact.clone())).status).toBe(200);
    await createWorker({ db, webhookHandlers, jobHandlers: new Map(), logger: { info() {}, warn() {} } }).runOnce();
    expect(await db.shop.count({ where: { shop: erased } })).toBe(0);
    const late = [
      signedWebhookRequest({ topic: "shop/redact", shop: erased, body: shopRedactPayload(erased), webhookId: "erase-shop-2" }),
      signedWebhookRequest({ topic: "customers/redact", shop: erased, body: customersRedactPayload({ shop: erased, customerId: 5, email: "late@example.com" }), webhookId: "erase-customer-1" }),
    ];
    for (const request of late) expect((await deliverWebhook(request)).status).toBe(200);
    expect(await db.webhookDelivery.count({ where: { shop: erased, webhookId: { in: ["erase-shop-2", "erase-customer-1"] } } })).toBe(0);
  });

  it("stores the deliveries of a shop with an offline session but no Shop row (an install whose afterAuth never recorded it)", async () => {
    const sessionOnly = "session-only.myshopify.com";
    await db.session.create({ data: { id: `offline_${sessionOnly}`, shop: sessionOnly, state: "", isOnline: false, accessToken: "shpat_test" } });
    try {
      expect((await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop: sessionOnly, body: paidOrder }))).status).toBe(200);
      expect(await db.webhookDelivery.count({ where: { shop: sessionOnly } })).toBe(1);
    } finally {
      await db.session.deleteMany({ where: { shop: sessionOnly } });
    }
  });

  it("after an uninstall, still stores the lifecycle and compliance topics (shop/redact comes 48 hours later), and refuses the rest", async () => {
    await db.shop.update({ where: { shop }, data: { active: false, uninstalledAt: new Date() } });
    const accepted: [string, object][] = [
      ["app/uninstalled", appUninstalledPayload(shop)],
      ["app/scopes_update", { current: [] }],
      ["customers/data_request", customersDataRequestPayload({ shop, customerId: 1, email: "ann@example.com" })],
      ["customers/redact", customersRedactPayload({ shop, customerId: 1, email: "ann@example.com" })],
      ["shop/redact", shopRedactPayload(shop)],
    ];
    for (const [topic, body] of accepted) {
      expect((await deliverWebhook(signedWebhookRequest({ topic, shop, body }))).status, topic).toBe(200);
    }
    for (const topic of ["orders/paid", "orders/cancelled", "refunds/create"]) {
      const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body: paidOrder }));
      expect(response.status, topic).toBe(403);
      expect(await response.text()).toBe(`${shop} uninstalled the app: ${topic} is not accepted after an uninstall`);
    }
    const stored = await db.webhookDelivery.findMany({ where: { shop } });
    expect(stored.map((r) => r.topic).sort()).toEqual(accepted.map(([topic]) => topic).sort());
    expect(stored.every((r) => r.status === "PENDING")).toBe(true);
  });

  it("answers 429 with Retry-After once a shop's deliveries this minute reach the limit, counted in the database; repeats and other shops still pass", async () => {
    const limit = env().WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE;
    await awayFromWindowEdge();
    const first = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, webhookId: "before-the-limit" }));
    expect(first.status).toBe(200);
    const counter = await db.rateLimit.findUniqueOrThrow({ where: { key: deliveryCounterKey(shop) } });
    expect(counter).toMatchObject({ count: 1, windowStart: windowStartOf(new Date()) });
    // The rest of the minute's deliveries, as another app process would have counted them.
    await db.rateLimit.update({ where: { key: deliveryCounterKey(shop) }, data: { count: limit } });

    const refused = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, webhookId: "past-the-limit" }));
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe(`Too many deliveries for ${shop} this minute`);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await db.webhookDelivery.count({ where: { webhookId: "past-the-limit" } })).toBe(0);

    // A repeat of a stored delivery is acknowledged, as always; another shop has its own count.
    expect((await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder, webhookId: "before-the-limit" }))).status).toBe(200);
    expect((await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop: otherShop, body: paidOrder }))).status).toBe(200);
    expect(await db.webhookDelivery.count()).toBe(2);
  });

  it("a valid delivery passes the worker's check and runs", async () => {
    await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: paidOrder }));
    const { counts, worked } = await storedThenWorked();
    expect(counts).toMatchObject({ claimed: 1, done: 1 });
    expect(worked.status).toBe("DONE");
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["orders/paid", { id: 1 }, /admin_graphql_api_id/],
    ["orders/cancelled", { admin_graphql_api_id: "gid://shopify/Order/1" }, /\bid\b/],
    ["refunds/create", { id: 5 }, /order_id/],
    ["customers/redact", { shop_domain: shop, customer: {} }, /customer\.id or customer\.email/],
    ["shop/redact", {}, /shop_domain: needs the shop's domain/],
    ["shop/redact", { shop_id: 1 }, /shop_domain: needs the shop's domain/],
    ["orders/paid", '{"id":1}{"id":2}', /not valid JSON/],
    ["orders/paid", '{"id": 1, "admin_graphql_api_id": gid://shopify/Order/1}', /not valid JSON/],
    ["app/scopes_update", { previous: [] }, /current/],
    ["app/uninstalled", { id: 1 }, /myshopify_domain or domain/],
    // Shapes that do not fit the topic the unsigned header names.
    ["orders/cancelled", { ...paidOrder, cancelled_at: null }, /cancelled_at: needs the time the order was cancelled/],
    ["orders/paid", { ...paidOrder, cancelled_at: "2026-11-02T10:00:00Z" }, /cancelled_at: a cancelled order is not a paid one/],
    ["orders/paid", { id: 1, admin_graphql_api_id: "gid://shopify/Refund/1", order_id: 2, refund_line_items: [], transactions: [] }, /must be gid:\/\/shopify\/Order\/<id>/],
    ["refunds/create", { id: 1, admin_graphql_api_id: "gid://shopify/Order/1", order_id: 2, refund_line_items: [], transactions: [] }, /must be gid:\/\/shopify\/Refund\/<id>/],
    ["customers/redact", customersRedactPayload({ shop: otherShop, customerId: 1, email: "ann@example.com" }), /names beta\.myshopify\.com, but the delivery is for alpha\.myshopify\.com/],
    ["app/uninstalled", appUninstalledPayload(otherShop), /names beta\.myshopify\.com/],
  ])("stores %s; the worker cannot use its payload and parks it INVALID (%j)", async (topic, body, reason) => {
    const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body }));
    expect(response.status).toBe(200);
    const { worked } = await storedThenWorked();
    expect(worked.status).toBe("INVALID");
    expect(worked.lastError).toMatch(reason);
    expect(handler).not.toHaveBeenCalled();
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
    for (const s of [shop, otherShop]) {
      await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop: s, body: paidOrder, webhookId: "same-id" }));
    }
    expect(await db.webhookDelivery.count()).toBe(2);
  });
});

/** Waits, if need be, until the current minute window has more than a second to run. */
async function awayFromWindowEdge() {
  const left = windowStartOf(new Date()).getTime() + WINDOW_MS - Date.now();
  if (left < 1_000) await new Promise((resolve) => setTimeout(resolve, left + 10));
}
