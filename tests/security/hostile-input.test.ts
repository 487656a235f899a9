// Hostile input, swept across every route the app serves. The routes are found
// the way Remix finds them (tests/security/routes.ts), so a route added later
// is swept too: every webhook, app proxy and embedded-admin handler meets
// forged and replayed signatures, foreign ids, broken bodies and names made of
// markup, template syntax, SQL and other scripts. Every case is asserted and
// recorded; the table of cases and outcomes is printed after the file and
// written to test-results/security-table-<database>.txt.
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { MAX_WEBHOOK_BODY_BYTES } from "~/webhooks/verify-webhook.server";
import { startInvite } from "~/referrals/invites.server";
import { numericCustomerId } from "~/referrals/personal-data";
import { enrolReferrer } from "~/referrals/referrers.server";
import { startExperiment } from "~/experiments/lifecycle.server";
import { publishAgreement } from "~/partners/agreement.server";
import { applyAsPartner, approvePartner } from "~/partners/partners.server";
import { createSignInLink, portalSessionToken } from "~/partners/sign-in.server";
import type { FakeShopify } from "../../fake-shopify";
import { env } from "~/env.server";
import { deliveryCounterKey, windowStartOf, WINDOW_MS } from "~/webhooks/inbox-admission";
import { appUninstalledPayload, orderCancelledPayload, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { hostParam, signAppProxyMessage, signJwt } from "../../fake-shopify/sign";
import { testClock } from "../helpers/admin";
import { adminRequest, installShop, sessionToken } from "../helpers/admin-request";
import { seedShopActivity, sendOrder } from "../helpers/admin-seed";
import { PROXY_PREFIX, appProxySignature, callProxy, proxyUrl, type ProxyRequestInput } from "../helpers/app-proxy";
import { renderProxyLiquid } from "../helpers/liquid";
import { escapeLiquidHtml } from "~/storefront/liquid-escape";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer, uniqueIp } from "../helpers/storefront";
import { WEBHOOK_URL, signWebhookBody, signedWebhookRequest } from "../helpers/webhook-request";
import { answerOf, handlerFor, reactEscaped, type Answer } from "./call";
import { HOSTILE_NAMES, HOSTILE_PROXY_EMAILS, RAW_MARKUP } from "./hostile-values";
import { printTable, record, type CaseRow } from "./report";
import { appRequestHandler, discoverRoutes, urlFor, type DiscoveredRoute } from "./routes";
import { countDiff, countEveryTable, shopFingerprint } from "./snapshot";

const pipeline = usePipeline();
// Refused and INVALID deliveries are logged as warnings by design; keep the output to the table.
vi.spyOn(console, "warn").mockImplementation(() => {});
vi.spyOn(console, "info").mockImplementation(() => {});

const { routes } = await discoverRoutes();
const bySurface = (s: DiscoveredRoute["surface"]) => routes.filter((r) => r.surface === s);
const webhookRoutes = bySurface("webhook");
const proxyRoutes = bySurface("proxy");
const adminRoutes = bySurface("admin");
const extensionRoutes = bySurface("extension");
const otherRoutes = routes.filter((r) => r.surface === "auth" || r.surface === "other");
const METHODS = ["GET", "POST"] as const;

afterAll(printTable);

/** Records the case, then asserts it: the table shows what failed too. */
function check(row: Omit<CaseRow, "outcome">, outcome: string, ok: boolean, detail = "") {
  record({ ...row, outcome }, ok);
  expect(ok, `${row.surface} ${row.target} — ${row.case}: expected ${row.expected}, got ${outcome} ${detail}`).toBe(true);
}

const noDiff = (diff: string[]) => (diff.length ? diff.join(", ") : "nothing written");
const rawMarkupIn = (text: string) => RAW_MARKUP.filter((m) => text.includes(m));

/** The part of a route module's source before its component: where the loader and action read their input. */
function serverSource(route: DiscoveredRoute): string {
  const source = fs.readFileSync(path.join(PROJECT_ROOT, "app", route.file), "utf8");
  const component = source.indexOf("export default function");
  return component === -1 ? source : source.slice(0, component);
}

/** The intents an action dispatches on, read from its source (plus none at all). */
function intentsOf(route: DiscoveredRoute): (string | null)[] {
  const found = new Set<string>();
  for (const line of serverSource(route).split("\n").filter((l) => /intent/.test(l))) {
    for (const m of line.matchAll(/["']([a-z][a-z-]*)["']/g)) if (m[1] !== "intent") found.add(m[1]);
  }
  return [...found, null];
}

/** Form fields and query parameters a handler reads, from its source. */
function fieldsOf(route: DiscoveredRoute): string[] {
  const source = serverSource(route);
  return [...new Set([...source.matchAll(/\.(?:get|getAll)\("([^"]+)"\)/g)].map((m) => m[1]))].filter((f) => f !== "intent");
}

describe("route discovery", () => {
  it("finds every module under app/routes and gives each a surface that is swept", () => {
    const files = fs.readdirSync(path.join(PROJECT_ROOT, "app/routes")).filter((f) => !f.startsWith(".") && !/\.test\.tsx?$/.test(f));
    const discovered = new Set(routes.map((r) => r.file.replace(/^routes\//, "").split("/")[0]));
    const missing = files.filter((f) => !discovered.has(f));
    const counts = Object.fromEntries(["webhook", "proxy", "admin", "extension", "auth", "other"].map((s) => [s, bySurface(s as DiscoveredRoute["surface"]).length]));
    check(
      { surface: "discovery", target: "app/routes", case: `${files.length} route modules`, expected: "every module discovered" },
      `${routes.length} discovered (${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(", ")})`,
      missing.length === 0 && routes.length === files.length && webhookRoutes.length > 0 && proxyRoutes.length > 0 && adminRoutes.length > 0,
      missing.join(", "),
    );
  });
});

// ---------------------------------------------------------------- webhooks

describe.each(webhookRoutes.map((r) => [r.pattern, r] as const))("webhooks: %s", (pattern, route) => {
  const deliver = async (request: Request) => {
    const answer = await answerOf(handlerFor(route.module, request.method)!, request);
    // The route stamps rows with the real clock: the worker's clock must not be behind it.
    testClock.ms = Math.max(testClock.ms, Date.now());
    return answer;
  };
  const order = (id = Math.floor(Math.random() * 1e12)) => ({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, line_items: [] });
  // Never installed: nothing reaches the database for it (refused before the install check, or by it).
  const shop = uniqueShop("hooks");
  const uninstalled = uniqueShop("gone");
  const busy = uniqueShop("busy");
  beforeAll(async () => {
    await db.shop.createMany({ data: [{ shop: uninstalled, active: false, uninstalledAt: new Date() }, { shop: busy }] });
  });
  const signedRaw = (body: string | Buffer, headers: Record<string, string> = {}) =>
    new Request(WEBHOOK_URL, {
      method: "POST",
      body: typeof body === "string" ? body : new Uint8Array(body),
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Hmac-Sha256": signWebhookBody(body),
        "X-Shopify-Shop-Domain": busy,
        "X-Shopify-Webhook-Id": randomUUID(),
        ...headers,
      },
    });
  const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

  const refusals: { case: string; request: () => Request; status: number; before?: () => Promise<void> }[] = [
    { case: "forged HMAC (random 32 bytes)", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), headers: { "X-Shopify-Hmac-Sha256": randomBytes(32).toString("base64") } }), status: 401 },
    { case: "missing HMAC header", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), headers: { "X-Shopify-Hmac-Sha256": null } }), status: 401 },
    { case: "empty HMAC header", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), headers: { "X-Shopify-Hmac-Sha256": "" } }), status: 401 },
    { case: "HMAC of another body", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), headers: { "X-Shopify-Hmac-Sha256": signWebhookBody(JSON.stringify(order())) } }), status: 401 },
    { case: "HMAC with the wrong secret", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), secret: "not-the-app-secret-0123456789abcdef" }), status: 401 },
    {
      case: "right HMAC, hex instead of base64",
      request: () => {
        const body = JSON.stringify(order());
        const hex = Buffer.from(signWebhookBody(body), "base64").toString("hex");
        return signedWebhookRequest({ topic: "orders/paid", shop, body, headers: { "X-Shopify-Hmac-Sha256": hex } });
      },
      status: 401,
    },
    {
      case: "right HMAC sent twice in one header",
      request: () => {
        const body = JSON.stringify(order());
        return signedWebhookRequest({ topic: "orders/paid", shop, body, headers: { "X-Shopify-Hmac-Sha256": `${signWebhookBody(body)}, ${signWebhookBody(body)}` } });
      },
      status: 401,
    },
    {
      case: "body altered by one byte after signing",
      request: () => {
        const signed = signedWebhookRequest({ topic: "orders/paid", shop, body: '{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}' });
        return new Request(WEBHOOK_URL, { method: "POST", headers: signed.headers, body: '{"id":2,"admin_graphql_api_id":"gid://shopify/Order/1"}' });
      },
      status: 401,
    },
    { case: "signed, SQL in the shop domain header", request: () => signedWebhookRequest({ topic: "orders/paid", shop: `x'; DROP TABLE "WebhookDelivery";--`, body: order() }), status: 400 },
    { case: "signed, no webhook id", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), headers: { "X-Shopify-Webhook-Id": null } }), status: 400 },
    { case: "signed, 1 MB + 1 byte body", request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: `{"id":1,"x":"${"x".repeat(MAX_WEBHOOK_BODY_BYTES)}"}` }), status: 413 },
    {
      case: "1 MB + 1 byte streamed without Content-Length",
      request: () => {
        let sent = 0;
        const chunk = new Uint8Array(64 * 1024).fill(0x20);
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent > MAX_WEBHOOK_BODY_BYTES) return c.close();
            sent += chunk.byteLength;
            c.enqueue(chunk);
          },
        });
        return new Request(WEBHOOK_URL, { method: "POST", headers: { "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": shop }, body: stream, duplex: "half" } as RequestInit);
      },
      status: 413,
    },
    {
      case: "Content-Length claiming 10 GB",
      request: () => signedWebhookRequest({ topic: "orders/paid", shop, body: order(), headers: { "Content-Length": String(10 * 1024 ** 3) } }),
      status: 413,
    },
    { case: "GET instead of POST", request: () => new Request(WEBHOOK_URL), status: 405 },
    // Signed, but not a JSON object: no payload of the app's topics, so nothing to keep.
    { case: "signed, whitespace before the object", request: () => signedRaw(` ${JSON.stringify(order())}`), status: 400 },
    {
      case: "signed, truncated JSON",
      request: () => signedRaw(JSON.stringify(orderPaidPayload({ orderId: 5, customerId: 6, email: "t@example.com", subtotal: "10.00", total: "10.00", currency: "USD" })).slice(0, 700)),
      status: 400,
    },
    { case: "signed, 10,000-deep nesting as the payload", request: () => signedRaw(deep(10_000)), status: 400 },
    { case: "signed, JSON null", request: () => signedRaw("null"), status: 400 },
    { case: "signed, a JSON array of orders", request: () => signedRaw(JSON.stringify([order(), order()])), status: 400 },
    { case: "signed, raw NUL byte in the body", request: () => signedRaw(Buffer.concat([Buffer.from('{"id":79,"note":"a'), Buffer.from([0x00]), Buffer.from('b"}')])), status: 400 },
    // Every ASCII character in UTF-16 carries a NUL byte.
    { case: "signed, UTF-16 encoded JSON", request: () => signedRaw(Buffer.from(JSON.stringify(order()), "utf16le")), status: 400 },
    {
      // A session token's signature is the app secret's HMAC of its "header.payload": any
      // dev store's staff can get one from App Bridge and re-encode it as a webhook's.
      case: "a session token re-encoded: its signature as the HMAC of its header.payload",
      request: () => {
        const [header, payload, signature] = sessionToken("attacker-dev.myshopify.com").split(".");
        return signedRaw(`${header}.${payload}`, { "X-Shopify-Hmac-Sha256": Buffer.from(signature, "base64url").toString("base64") });
      },
      status: 400,
    },
    {
      // An app proxy signature (hex) signs the query's "key=value" pairs sorted by key: a
      // visitor's key starting with a space sorts first and can open a JSON object.
      case: "an app proxy signature re-encoded, its message a JSON object after a space",
      request: () => {
        const message = ` {"id":1,"admin_graphql_api_id":"gid://shopify/Order/1","line_items":[],"note":"=logged_in_customer_id=path_prefix=/apps/referralsshop=attacker-dev.myshopify.comtimestamp=1700000000~="}`;
        const hex = signAppProxyMessage(message, process.env.SHOPIFY_API_SECRET!);
        return signedRaw(message, { "X-Shopify-Hmac-Sha256": Buffer.from(hex, "hex").toString("base64") });
      },
      status: 400,
    },
    { case: "signed, a topic the app does not subscribe to", request: () => signedRaw(JSON.stringify(order()), { "X-Shopify-Topic": "products/update" }), status: 400 },
    { case: "signed, a shop domain that is not *.myshopify.com", request: () => signedRaw(JSON.stringify(order()), { "X-Shopify-Shop-Domain": "shop.example.com" }), status: 400 },
    { case: "signed, a shop that never installed the app", request: () => signedRaw(JSON.stringify(order()), { "X-Shopify-Shop-Domain": shop }), status: 403 },
    { case: "signed, orders/paid for a shop that uninstalled", request: () => signedRaw(JSON.stringify(order()), { "X-Shopify-Shop-Domain": uninstalled }), status: 403 },
    {
      case: "signed, past the shop's deliveries this minute",
      before: async () => {
        // The minute's deliveries so far, as every app process counted them.
        if (windowStartOf(new Date()).getTime() + WINDOW_MS - Date.now() < 1_000) await new Promise((resolve) => setTimeout(resolve, 1_100));
        const counter = { key: deliveryCounterKey(busy), windowStart: windowStartOf(new Date()), count: env().WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE };
        await db.rateLimit.upsert({ where: { key: counter.key }, create: counter, update: counter });
      },
      request: () => signedRaw(JSON.stringify(order())),
      status: 429,
    },
  ];

  it.each(refusals.map((r) => [r.case, r] as const))("refuses: %s (nothing stored)", async (name, refusal) => {
    await refusal.before?.();
    const before = await countEveryTable();
    const answer = await deliver(refusal.request());
    const diff = countDiff(before, await countEveryTable());
    check(
      { surface: "webhook", target: `POST ${pattern}`, case: name, expected: `${refusal.status}, nothing stored` },
      `${answer.status}, ${noDiff(diff)}`,
      answer.status === refusal.status && diff.length === 0,
    );
  });

  /**
   * Signed bodies of an installed shop that look like a JSON object but that no
   * handler can use, or that do not fit the topic their (unsigned) header
   * names: acknowledged (a retry cannot fix them), stored as they came, and
   * parked INVALID by the worker before any handler runs, or refused by the handler.
   */
  const inert: { case: string; body: string | Buffer; topic?: string; stored: "PENDING"; settled: "INVALID" | "processed" }[] = [
    { case: "10,000-deep nesting inside a valid order", body: `{"id":77,"admin_graphql_api_id":"gid://shopify/Order/77","line_items":[],"note_attributes":${deep(10_000)}}`, stored: "PENDING", settled: "processed" },
    { case: "non-UTF-8 bytes inside a string", body: Buffer.concat([Buffer.from('{"id":78,"admin_graphql_api_id":"gid://shopify/Order/78","line_items":[],"note":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0]), Buffer.from('"}')]), stored: "PENDING", settled: "processed" },
    { case: "an object that is no order", body: '{"hello":"world"}', stored: "PENDING", settled: "INVALID" },
    // Only "{" first and "}" last are checked at the door; the worker's parse parks the rest.
    { case: "malformed JSON between the braces", body: '{"id": 1, "admin_graphql_api_id": gid://shopify/Order/1}', stored: "PENDING", settled: "INVALID" },
    { case: "a refund sent as orders/paid", body: JSON.stringify(refundCreatePayload({ orderId: 81, refundId: 82, amount: "10.00", currency: "USD" })), stored: "PENDING", settled: "INVALID" },
    { case: "a paid order sent as refunds/create", topic: "refunds/create", body: JSON.stringify(orderPaidPayload({ orderId: 83, customerId: 84, email: "r@example.com", subtotal: "10.00", total: "10.00", currency: "USD" })), stored: "PENDING", settled: "INVALID" },
    { case: "a paid order sent as orders/cancelled (no cancelled_at)", topic: "orders/cancelled", body: JSON.stringify(orderPaidPayload({ orderId: 85, customerId: 86, email: "c@example.com", subtotal: "10.00", total: "10.00", currency: "USD" })), stored: "PENDING", settled: "INVALID" },
    { case: "a cancelled order sent as orders/paid", body: JSON.stringify(orderCancelledPayload({ orderId: 87, customerId: 88, email: "p@example.com", subtotal: "10.00", total: "10.00", currency: "USD" })), stored: "PENDING", settled: "INVALID" },
  ];

  it.each(inert.map((c) => [c.case, c] as const))("acknowledges and parks: %s", async (name, c) => {
    const { shop, worker } = await pipeline.setupShop();
    const webhookId = randomUUID();
    const request = new Request(WEBHOOK_URL, {
      method: "POST",
      body: typeof c.body === "string" ? c.body : new Uint8Array(c.body),
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": c.topic ?? "orders/paid",
        "X-Shopify-Hmac-Sha256": signWebhookBody(c.body),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Webhook-Id": webhookId,
      },
    });
    const answer = await deliver(request);
    const row = await db.webhookDelivery.findUnique({ where: { shop_webhookId: { shop, webhookId } } });
    // Whatever was stored must survive the worker: no crash, no referral out of garbage.
    let drained = "worker ok";
    try {
      for (let i = 0; i < 10 && (await worker.runOnce()).claimed > 0; i++);
    } catch (error) {
      drained = `worker threw ${(error as Error).message.slice(0, 60)}`;
    }
    const after = await db.webhookDelivery.findUnique({ where: { shop_webhookId: { shop, webhookId } } });
    const referrals = await db.referral.count({ where: { shop } });
    const settled = c.settled === "INVALID" ? after?.status === "INVALID" && !!after.lastError : !["PENDING", "RUNNING", "INVALID"].includes(after?.status ?? "PENDING");
    check(
      { surface: "webhook", target: `POST ${pattern}`, case: name, expected: `200, stored ${c.stored} → ${c.settled}, worker survives, no referral` },
      `${answer.status}, stored ${row?.status ?? "nothing"} → ${after?.status ?? "-"}, ${drained}, ${referrals} referrals`,
      answer.status === 200 && row?.status === c.stored && drained === "worker ok" && settled && referrals === 0,
    );
  });

  it("a genuine signed body replayed under another topic or shop does nothing", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    const other = await pipeline.setupShop();
    const { payload } = await sendOrder(p, p.referrer.code, { email: "friend@example.com", subtotal: "80.00" });
    await p.drain();
    const orderGid = payload.admin_graphql_api_id as string;
    const refund = refundCreatePayload({ orderId: payload.id as number, refundId: 9_901, amount: "80.00", currency: "USD" });
    // Everything of both shops but their inbox and its per-minute count, which a stored delivery changes.
    const state = async () =>
      [...(await shopFingerprint(p.shop)), ...(await shopFingerprint(other.shop))].filter((row) => !/^(WebhookDelivery|RateLimit):/.test(row));
    const before = await state();
    const replays: [string, string, object][] = [
      ["the paid order as orders/cancelled", "orders/cancelled", payload],
      ["the paid order as refunds/create", "refunds/create", payload],
      ["a full refund of it as orders/paid", "orders/paid", refund],
      ["another shop's app/uninstalled", "app/uninstalled", appUninstalledPayload(other.shop)],
    ];
    const outcomes: string[] = [];
    for (const [, topic, body] of replays) {
      const webhookId = randomUUID();
      const answer = await deliver(signedWebhookRequest({ topic, shop: p.shop, body, webhookId }));
      await p.drain();
      const row = await db.webhookDelivery.findUnique({ where: { shop_webhookId: { shop: p.shop, webhookId } } });
      outcomes.push(`${answer.status} ${row?.status ?? "not stored"}`);
    }
    const unchanged = JSON.stringify(await state()) === JSON.stringify(before);
    const referral = await p.referral(orderGid);
    check(
      { surface: "webhook", target: `POST ${pattern}`, case: `genuine bodies replayed under another topic or shop: ${replays.map(([label]) => label).join("; ")}`, expected: "200 and INVALID each, nothing else changed" },
      `${outcomes.join(", ")}; ${unchanged ? "nothing else changed" : "state changed"}; referral ${referral?.status}`,
      outcomes.every((o) => o === "200 INVALID") && unchanged,
    );
  });

  it("replay of a stored delivery: acknowledged, stored once, processed once", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    const payload = orderPaidPayload({ orderId: 9_900_001, customerId: 9_900_002, email: "friend@example.com", discountCodes: [p.referrer.code], subtotal: "80.00", total: "80.00", currency: "USD", name: "#9901", createdAt: new Date(testClock.now()).toISOString() });
    const webhookId = randomUUID();
    const first = await deliver(signedWebhookRequest({ topic: "orders/paid", shop: p.shop, body: payload, webhookId }));
    await p.drain();
    const afterFirst = await countEveryTable();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await deliver(signedWebhookRequest({ topic: "orders/paid", shop: p.shop, body: payload, webhookId }))).status);
    await p.drain();
    const diff = countDiff(afterFirst, await countEveryTable());
    const referrals = await db.referral.count({ where: { shop: p.shop } });
    check(
      { surface: "webhook", target: `POST ${pattern}`, case: "same delivery replayed 3× (same webhook id)", expected: "200 each, nothing new stored or run" },
      `${[first.status, ...statuses].join("/")}, ${noDiff(diff)}, ${referrals} referral`,
      first.status === 200 && statuses.every((s) => s === 200) && diff.length === 0 && referrals === 1,
    );

    // The same order under a new webhook id (Shopify's at-least-once): stored, but the order counts once.
    const again = await deliver(signedWebhookRequest({ topic: "orders/paid", shop: p.shop, body: payload, webhookId: randomUUID() }));
    await p.drain();
    p.advance(31 * DAY);
    await p.drain();
    const referral = await p.referral(payload.admin_graphql_api_id as string);
    const rewards = await db.reward.count({ where: { shop: p.shop, referralId: referral?.id } });
    check(
      { surface: "webhook", target: `POST ${pattern}`, case: "same order replayed under a new webhook id", expected: "200, one referral, one reward" },
      `${again.status}, ${await db.referral.count({ where: { shop: p.shop } })} referral, ${rewards} reward (${referral?.status})`,
      again.status === 200 && (await db.referral.count({ where: { shop: p.shop } })) === 1 && rewards === 1,
    );
  });

  it("hostile but signed order fields (escaped NUL, markup, SQL) are stored as given and still counted", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    const cases = [
      // PostgreSQL text cannot hold NUL: on both databases it becomes U+FFFD (app/webhooks/shopify-json.ts).
      { label: "escaped NUL in the email and name", email: "nul\u0000@example.com", firstName: "A\u0000B", stored: "nul\uFFFD@example.com" },
      { label: "script tag email", email: "<script>alert(1)</script>@example.com", firstName: "<script>alert(1)</script>" },
      { label: "SQL email", email: "robert');DROP_TABLE\"Referral\";--@example.com", firstName: "Robert'); DROP TABLE \"Referral\";--" },
    ];
    for (const [i, c] of cases.entries()) {
      const { orderId } = await sendOrder(p, p.referrer.code, { email: c.email, subtotal: "50.00", firstName: c.firstName });
      await p.drain();
      const referral = await p.referral(`gid://shopify/Order/${orderId}`);
      const delivery = await db.webhookDelivery.findFirst({ where: { shop: p.shop, topic: "orders/paid" }, orderBy: { receivedAt: "desc" } });
      const stuck = await db.webhookDelivery.count({ where: { shop: p.shop, status: { in: ["PENDING", "RUNNING", "DEAD"] } } });
      const want = "stored" in c ? c.stored : c.email;
      check(
        { surface: "webhook", target: `POST ${pattern}`, case: `signed order, ${c.label}`, expected: `referral counted, email ${"stored" in c ? "with U+FFFD for NUL" : "as given"}` },
        `${referral ? `referral ${referral.status}` : "no referral"}, email ${referral?.friendEmail === want ? ("stored" in c ? "with U+FFFD" : "as given") : JSON.stringify(referral?.friendEmail)}, delivery ${delivery?.status}, ${stuck} stuck`,
        referral?.friendEmail === want && stuck === 0,
        String(i),
      );
    }
  });
});

// ---------------------------------------------------------------- app proxy signatures

describe.each(proxyRoutes.map((r) => [r.pattern, r] as const))("app proxy: %s", (pattern, route) => {
  const subPath = pattern.slice(PROXY_PREFIX.length);
  const methods = METHODS.filter((m) => handlerFor(route.module, m));
  let shop = "";
  let code = "";
  // The partner pages' control requests: a signed application, one fresh sign-in link each, a portal session.
  let signInTokens: string[] = [];
  let portalSession = "";
  beforeEach(async () => {
    shop = uniqueShop("proxy");
    await seedProgram(shop);
    code = (await seedReferrer(shop, { customerId: "gid://shopify/Customer/501" })).code;
    if (!subPath.startsWith("/partners")) return;
    await publishAgreement({ db, shop, cause: "test" }, { body: "Partner agreement.", basedOn: 0 });
    const applied = { name: "Pat", businessName: "Pat's Shop", email: `partner-${randomUUID()}@example.com`, signature: "Pat", accepted: true, agreementVersion: "1" };
    expect((await applyAsPartner(db, { shop, input: applied, ipHash: null, locale: null })).ok).toBe(true);
    const partner = await db.partner.findFirstOrThrow({ where: { shop } });
    expect((await approvePartner({ db, shop, cause: "test" }, partner.id)).ok).toBe(true);
    const now = new Date();
    signInTokens = [];
    for (let i = 0; i < 3; i++) signInTokens.push((await createSignInLink(db, { shop, partnerId: partner.id, storefrontOrigin: `https://${shop}`, ttlMs: 60_000, now })).token);
    portalSession = portalSessionToken(process.env.SHOPIFY_API_SECRET!, { shop, partnerId: partner.id, now });
  });

  const input = (method: string): ProxyRequestInput => {
    const token = signInTokens.shift() ?? "";
    const partnerFields = { name: "Pat", businessName: "Pat's Shop", signature: "Pat", accepted: true, agreementVersion: "1", token, session: portalSession };
    return {
      shop,
      path: subPath,
      method,
      customerId: 501,
      ip: uniqueIp(),
      ...(subPath === "/partners/sign-in" && method === "GET" ? { query: { token } } : {}),
      body: method === "GET" ? undefined : { email: `p-${randomUUID()}@example.com`, terms: true, code, channel: "x", ...(subPath.startsWith("/partners") ? partnerFields : {}) },
    };
  };
  const send = (i: ProxyRequestInput, url = proxyUrl(i)) => {
    const headers = new Headers({ "X-Forwarded-For": i.ip ?? uniqueIp() });
    if (i.body) headers.set("Content-Type", "application/json");
    return callProxy(new Request(url, { method: i.method, headers, body: i.body ? JSON.stringify(i.body) : undefined }));
  };
  const now = () => Math.floor(Date.now() / 1000);

  /** Each variant changes how the request is signed or what happens to its URL after signing. */
  const variants: { case: string; url: (i: ProxyRequestInput) => URL; accepted?: boolean }[] = [
    { case: "signed as Shopify signs (control)", url: (i) => proxyUrl(i), accepted: true },
    { case: "just inside the 90 s window (−80 s, control)", url: (i) => proxyUrl({ ...i, timestamp: now() - 80 }), accepted: true },
    { case: "missing signature", url: (i) => proxyUrl({ ...i, unsigned: true }) },
    { case: "empty signature", url: (i) => proxyUrl({ ...i, tamper: (q) => q.set("signature", "") }) },
    { case: "signature truncated by one hex digit", url: (i) => proxyUrl({ ...i, tamper: (q) => q.set("signature", q.get("signature")!.slice(0, -1)) }) },
    { case: "signed with another secret", url: (i) => proxyUrl({ ...i, secret: "not-the-app-secret-0123456789abcdef" }) },
    { case: "stale timestamp (−1 h)", url: (i) => proxyUrl({ ...i, timestamp: now() - 3600 }) },
    { case: "just outside the window (−95 s)", url: (i) => proxyUrl({ ...i, timestamp: now() - 95 }) },
    { case: "timestamp from the future (+10 min)", url: (i) => proxyUrl({ ...i, timestamp: now() + 600 }) },
    {
      case: "timestamp not a number (signed)",
      url: (i) => {
        const url = proxyUrl({ ...i, unsigned: true });
        url.searchParams.set("timestamp", "abc");
        url.searchParams.set("signature", appProxySignature(url.searchParams));
        return url;
      },
    },
    { case: "tampered logged_in_customer_id", url: (i) => proxyUrl({ ...i, tamper: (q) => q.set("logged_in_customer_id", "999") }) },
    { case: "customer id added to a guest's signed query", url: (i) => proxyUrl({ ...i, customerId: null, tamper: (q) => q.set("logged_in_customer_id", "501") }) },
    { case: "tampered shop (another shop)", url: (i) => proxyUrl({ ...i, tamper: (q) => q.set("shop", "victim-shop.myshopify.com") }) },
    { case: "shop sent twice", url: (i) => proxyUrl({ ...i, tamper: (q) => q.append("shop", "victim-shop.myshopify.com") }) },
    { case: "shop removed after signing", url: (i) => proxyUrl({ ...i, tamper: (q) => q.delete("shop") }) },
    { case: "parameter added after signing", url: (i) => proxyUrl({ ...i, tamper: (q) => q.set("origin", "https://evil.example") }) },
    // The shopper's own copy of a parameter Shopify adds, ahead of Shopify's: signed as Shopify signs repeats ("501,").
    { case: "logged_in_customer_id repeated by a guest (signed)", url: (i) => shopperFirst(proxyUrl({ ...i, customerId: null, unsigned: true }), "logged_in_customer_id", "501") },
    { case: "path_prefix repeated (signed)", url: (i) => shopperFirst(proxyUrl({ ...i, unsigned: true }), "path_prefix", "/apps/other") },
  ];

  /** The URL with `name=value` put before everything Shopify added, then signed over both values. */
  function shopperFirst(url: URL, name: string, value: string): URL {
    const params = new URLSearchParams([[name, value], ...url.searchParams]);
    params.set("signature", appProxySignature(params));
    url.search = params.toString();
    return url;
  }

  for (const method of methods) {
    it(`${method}: a foreign ?origin= never reaches the answer`, async () => {
      const i = { ...input(method), query: { origin: "https://evil.example" } };
      const answer = await send(i);
      const body = await answer.text();
      check(
        { surface: "proxy", target: `${method} ${pattern}`, case: "member's request with ?origin=https://evil.example", expected: "no link to the foreign origin" },
        `${answer.status}, ${body.includes("evil.example") ? "FOREIGN ORIGIN IN ANSWER" : "links on the shop's own domain"}`,
        !body.includes("evil.example"),
      );
    });

    it(`${method}: a forged X-Forwarded-For is not the rate-limit key`, async () => {
      const i = input(method);
      const forged = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
      const headers = new Headers({ "X-Forwarded-For": `${forged}, ${i.ip}, 203.0.113.200` });
      if (i.body) headers.set("Content-Type", "application/json");
      const answer = await callProxy(new Request(proxyUrl(i), { method, headers, body: i.body ? JSON.stringify(i.body) : undefined }));
      const keys = (await db.rateLimit.findMany({ where: { key: { contains: `:${shop}` } }, select: { key: true } })).map((r) => r.key);
      const byForged = keys.filter((k) => k.includes(forged));
      const byShopper = keys.filter((k) => k.endsWith(`:${shop}:${i.ip}`));
      // The form posts, and the printable PDFs (CPU per request) on GET.
      const limited = (/\/(enrol|join|click|share|partners\/(apply|link|sign-in|portal))$/.test(pattern) && method === "POST") || (/\/print$/.test(pattern) && method === "GET");
      check(
        { surface: "proxy", target: `${method} ${pattern}`, case: "forged X-Forwarded-For ahead of Shopify's entry", expected: limited ? "counted under the shop and Shopify's entry" : "no per-IP window" },
        `${answer.status}, keys: ${keys.join(" ") || "none"}`,
        byForged.length === 0 && (limited ? byShopper.length === 1 : byShopper.length === 0),
      );
    });

    it.each(variants.map((v) => [v.case, v] as const))(`${method}: %s`, async (name, variant) => {
      const baseline = await send(input(method));
      const before = await countEveryTable();
      const i = input(method);
      const answer = await send(i, variant.url(i));
      const diff = countDiff(before, await countEveryTable());
      const servesData = baseline.status < 300;
      const expected = variant.accepted ? `${baseline.status} (accepted)` : servesData ? "400, nothing written" : `${baseline.status} as unsigned, nothing written`;
      const ok = variant.accepted ? answer.status === baseline.status : answer.status === (servesData ? 400 : baseline.status) && diff.length === 0;
      check({ surface: "proxy", target: `${method} ${pattern}`, case: name, expected }, `${answer.status}, ${variant.accepted ? "accepted" : noDiff(diff)}`, ok);
    });

    it(`${method}: replayed signature after the 90 s window`, async () => {
      const i = input(method);
      const url = proxyUrl(i);
      const first = await send(i, url);
      const before = await countEveryTable();
      const realNow = Date.now();
      const clock = vi.spyOn(Date, "now").mockImplementation(() => realNow + 120_000);
      let replay: Response;
      try {
        replay = await send(i, url);
      } finally {
        clock.mockRestore();
      }
      const diff = countDiff(before, await countEveryTable());
      const servesData = first.status < 300;
      check(
        { surface: "proxy", target: `${method} ${pattern}`, case: "identical request replayed 120 s later", expected: servesData ? "400, nothing written" : `${first.status}, nothing written` },
        `first ${first.status}, replay ${replay.status}, ${noDiff(diff)}`,
        (servesData ? replay.status === 400 : replay.status === first.status) && diff.length === 0,
      );
    });

    it(`${method}: signed guest query re-split to smuggle a customer id`, async () => {
      // The signed message is key=value pairs joined with nothing: a guest's query
      // carrying "m=501" signs the same text as logged_in_customer_id="m=501".
      // A re-split query must never make the guest someone else.
      const i = { ...input(method), customerId: null, query: { m: "501" } };
      const url = proxyUrl(i);
      url.searchParams.delete("m");
      url.searchParams.set("logged_in_customer_id", "m=501");
      const before = await countEveryTable();
      const answer = await send(i, url);
      const body = await answer.clone().text();
      const diff = countDiff(before, await countEveryTable());
      const leaked = body.includes(code);
      check(
        { surface: "proxy", target: `${method} ${pattern}`, case: "guest query re-split into a customer id", expected: "refused or treated as a guest (no member's code)" },
        `${answer.status}, ${leaked ? "MEMBER CODE LEAKED" : "no member data"}, ${noDiff(diff)}`,
        !leaked && (await db.referrer.count({ where: { shop, customerId: "gid://shopify/Customer/501" } })) === 1,
      );
    });
  }
});

// ---------------------------------------------------------------- another shop's ids, and no session at all

describe("another shop's ids on every admin route and proxy endpoint", () => {
  let fake: FakeShopify;
  let A: Awaited<ReturnType<typeof seedShopActivity>>;
  let B: Awaited<ReturnType<typeof seedShopActivity>>;
  /** Shop B's ids by kind, real rows made through the domain and the order pipeline. */
  const bIds: Record<"referrer" | "referral" | "reward" | "invite" | "audit" | "experiment" | "variant", string[]> = { referrer: [], referral: [], reward: [], invite: [], audit: [], experiment: [], variant: [] };
  const aIds: Record<"referrer" | "referral" | "reward" | "invite" | "audit" | "experiment" | "variant", string[]> = { referrer: [], referral: [], reward: [], invite: [], audit: [], experiment: [], variant: [] };
  let bMarkers: string[] = [];
  let bertha: { id: string; code: string; email: string };

  async function idsOf(shop: string) {
    return {
      referrer: (await db.referrer.findMany({ where: { shop }, orderBy: { createdAt: "asc" } })).map((r) => r.id),
      referral: (await db.referral.findMany({ where: { shop }, orderBy: { createdAt: "asc" } })).map((r) => r.id),
      reward: (await db.reward.findMany({ where: { shop }, orderBy: { createdAt: "asc" } })).map((r) => r.id),
      invite: (await db.inviteRun.findMany({ where: { shop } })).map((r) => r.id),
      audit: (await db.auditEvent.findMany({ where: { shop }, take: 3 })).map((r) => r.id),
      experiment: (await db.experiment.findMany({ where: { shop } })).map((r) => r.id),
      variant: (await db.experimentVariant.findMany({ where: { shop }, orderBy: { position: "asc" } })).map((r) => r.id),
    };
  }

  beforeAll(async () => {
    fake = pipeline.shopify.reset();
    A = await seedShopActivity(pipeline);
    B = await seedShopActivity(pipeline, { rewardKind: "CASH", rewardValue: "5" });
    const { referrer } = await enrolReferrer(db, { shop: B.shop, email: "bertha.secret@b-shop.example", firstName: "Bertha", lastName: "Secretname", source: "ADMIN", cause: "test", now: new Date(testClock.now()) });
    bertha = { id: referrer.id, code: referrer.code, email: referrer.email! };
    await B.drain();
    await sendOrder(B, bertha.code, { email: "friend.of.bertha@b-shop.example", subtotal: "90.00" });
    await B.drain();
    await startInvite(db, { shop: B.shop, tag: "b-secret-tag", cause: "test" });
    await startInvite(db, { shop: A.shop, tag: "a-tag", cause: "test" });
    for (const shop of [A.shop, B.shop]) {
      const variants = [
        { name: "Control", friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" },
        { name: "B", friendOfferKind: "PERCENTAGE", friendOfferValue: "20", rewardKind: "CASH", rewardValue: "5" },
      ];
      const started = await startExperiment({ db, shop, by: "test", input: { name: `${shop === B.shop ? "b-secret" : "a"} experiment`, variants } });
      expect(started.ok).toBe(true);
    }
    Object.assign(bIds, await idsOf(B.shop));
    Object.assign(aIds, await idsOf(A.shop));
    const codes = [...(await db.referrer.findMany({ where: { shop: B.shop } })).map((r) => r.code), ...(await db.reward.findMany({ where: { shop: B.shop, code: { not: null } } })).map((r) => r.code!)];
    bMarkers = [...Object.values(bIds).flat(), ...codes, "Bertha", "Secretname", "b-shop.example", "b-secret-tag", B.shop];
    expect(bIds.referral.length).toBeGreaterThan(3);
    expect(bIds.reward.length).toBeGreaterThan(2);
  });
  // The pages act on what the seeding made in the fake Shopify.
  beforeEach(() => {
    pipeline.shopify.fake = fake;
  });

  const leaksIn = (text: string) => bMarkers.filter((m) => text.includes(m));

  /** Fills a form field or query parameter named `name` with shop B's id of the matching kind. */
  function foreignValue(name: string, pathKind: keyof typeof bIds): string | string[] {
    if (name === "ids") return bIds.referral.slice(0, 3);
    if (/variant/i.test(name)) return bIds.variant[0];
    if (/referrer/i.test(name)) return bertha.id;
    if (/reward/i.test(name)) return bIds.reward[0];
    if (/referral/i.test(name)) return bIds.referral[0];
    if (/invite|run/i.test(name)) return bIds.invite[0];
    if (name === "id") return bIds[pathKind][0];
    if (name === "reason" || name === "reference" || name === "tag") return `sweep ${name}`;
    if (name === "q") return bertha.code;
    return bIds.referrer[0];
  }

  const paramRoutes = adminRoutes.filter((r) => r.params.length > 0);
  const plainRoutes = adminRoutes.filter((r) => r.params.length === 0);
  const KINDS = ["referrer", "referral", "reward", "invite", "audit", "experiment"] as const;

  async function adminCall(route: DiscoveredRoute, method: "GET" | "POST", shop: string, url: string, form?: Record<string, string | string[]>, params: Record<string, string> = {}) {
    const handler = handlerFor(route.module, method)!;
    // A merchant's clicks are seconds apart: the fake's cost bucket (on the test
    // clock) refills between them, as Shopify's does, so no call is throttled
    // only because hundreds of cases ran within a second.
    testClock.advance(10_000);
    return answerOf(handler, adminRequest(shop, url, method === "POST" ? (form ?? {}) : undefined), params);
  }

  async function crossShopCase(row: Omit<CaseRow, "outcome">, call: () => Promise<Answer>, strict: boolean, allowed = [403, 404], sent: string[] = []) {
    const bBefore = await shopFingerprint(B.shop);
    const answer = await call();
    const bChanged = JSON.stringify(bBefore) !== JSON.stringify(await shopFingerprint(B.shop));
    // A value A typed and the page shows back (a new API key's name) is A's text, not B's data.
    const leaks = leaksIn(answer.body).filter((m) => !sent.includes(m));
    const refused = allowed.includes(answer.status);
    const ok = !bChanged && leaks.length === 0 && answer.status < 500 && (strict ? refused : true);
    check(row, `${answer.status}, B ${bChanged ? "CHANGED" : "untouched"}, ${leaks.length ? `LEAKED ${leaks.slice(0, 3).join(" ")}` : "no B data"}`, ok);
  }

  for (const route of paramRoutes) {
    for (const kind of KINDS) {
      if (route.module.loader) {
        it(`GET ${route.pattern} with B's ${kind} id`, async () => {
          const params = Object.fromEntries(route.params.map((p) => [p, bIds[kind][0]]));
          await crossShopCase({ surface: "admin", target: `GET ${route.pattern}`, case: `A's session, B's ${kind} id`, expected: "404, B untouched, no B data" }, () => adminCall(route, "GET", A.shop, urlFor(route, params), undefined, params), true);
        });
      }
      if (route.module.action) {
        for (const intent of intentsOf(route)) {
          it(`POST ${route.pattern} intent=${intent} with B's ${kind} id`, async () => {
            const params = Object.fromEntries(route.params.map((p) => [p, bIds[kind][0]]));
            const form: Record<string, string | string[]> = Object.fromEntries(fieldsOf(route).map((f) => [f, foreignValue(f, kind)]));
            if (intent) form.intent = intent;
            await crossShopCase(
              { surface: "admin", target: `POST ${route.pattern}`, case: `intent ${intent ?? "(none)"}, B's ${kind} id in path and form`, expected: intent ? "404, B untouched" : "400/404, B untouched" },
              () => adminCall(route, "POST", A.shop, urlFor(route, params), form, params),
              true,
              intent ? [403, 404] : [400, 403, 404],
            );
          });
        }
      }
    }
    if (route.module.action) {
      for (const intent of intentsOf(route).filter(Boolean)) {
        it(`POST ${route.pattern} intent=${intent}: A's own id in the path, B's ids in the form`, async () => {
          // The A id of the kind this route shows (the one its loader answers 200 for).
          let own: string | undefined;
          for (const kind of KINDS) {
            const params = Object.fromEntries(route.params.map((p) => [p, aIds[kind][0]]));
            if (route.module.loader && aIds[kind][0] && (await adminCall(route, "GET", A.shop, urlFor(route, params), undefined, params)).status === 200) own = aIds[kind][0];
          }
          expect(own, `no id of shop A opens ${route.pattern}`).toBeTruthy();
          const params = Object.fromEntries(route.params.map((p) => [p, own!]));
          const form: Record<string, string | string[]> = Object.fromEntries(fieldsOf(route).map((f) => [f, foreignValue(f, "referrer")]));
          form.intent = intent!;
          await crossShopCase(
            { surface: "admin", target: `POST ${route.pattern}`, case: `intent ${intent}, A's id in path, B's ids in form`, expected: "B untouched, no B data" },
            () => adminCall(route, "POST", A.shop, urlFor(route, params), form, params),
            false,
          );
        });
      }
    }
  }

  for (const route of plainRoutes) {
    if (route.module.loader) {
      const queries: [string, () => Record<string, string>][] = [
        ["B's ids in every id parameter", () => Object.fromEntries(["id", "referrerId", "referralId", "rewardId", "inviteId", ...fieldsOf(route).filter((f) => !["q", "after", "before", "from", "to", "status"].includes(f))].map((f) => [f, String([foreignValue(f, "referrer")].flat()[0])]))],
        ["search for B's code", () => ({ q: bertha.code })],
        ["search for B's email", () => ({ q: bertha.email })],
        ["search for B's name", () => ({ q: "Bertha" })],
        ["B's row as the page cursor", () => ({ after: Buffer.from(`${new Date(Date.now() + DAY).toISOString()}|${bertha.id}`).toString("base64url") })],
      ];
      for (const [name, query] of queries) {
        it(`GET ${route.pattern}: ${name}`, async () => {
          const url = `${route.pattern}?${new URLSearchParams(query())}`;
          await crossShopCase({ surface: "admin", target: `GET ${route.pattern}`, case: `A's session, ${name}`, expected: "404 or A's own data only" }, () => adminCall(route, "GET", A.shop, url), false, [403, 404]);
        });
      }
    }
    if (route.module.action) {
      for (const intent of intentsOf(route)) {
        it(`POST ${route.pattern} intent=${intent} with B's ids in every field`, async () => {
          const form: Record<string, string | string[]> = Object.fromEntries(fieldsOf(route).map((f) => [f, foreignValue(f, "referrer")]));
          if (intent) form.intent = intent;
          // An intent that makes something new (an API key, a webhook endpoint) reads no id: it is
          // held to "B untouched, no B data", and may show back the text it was sent.
          const creates = Boolean(intent && /^(create|add|connect)$/.test(intent));
          const usesIds = fieldsOf(route).some((f) => /id/i.test(f)) && !creates;
          await crossShopCase(
            { surface: "admin", target: `POST ${route.pattern}`, case: `intent ${intent ?? "(none)"}, B's ids in every field`, expected: usesIds && intent ? "404, B untouched" : "B untouched, no B data" },
            () => adminCall(route, "POST", A.shop, route.pattern, form),
            Boolean(usesIds && intent),
            usesIds && intent ? [403, 404] : [403, 404],
            creates ? Object.values(form).flat() : [],
          );
        });
        if (intent && fieldsOf(route).includes("ids")) {
          it(`POST ${route.pattern} intent=${intent}: A's own ids mixed with one of B's`, async () => {
            const aBefore = await shopFingerprint(A.shop);
            const form = { intent, reason: "sweep", ids: [...aIds.referral.slice(0, 3), bIds.referral[0]] };
            await crossShopCase(
              { surface: "admin", target: `POST ${route.pattern}`, case: `intent ${intent}, A's ids + one of B's`, expected: "404, neither shop changed" },
              () => adminCall(route, "POST", A.shop, route.pattern, form),
              true,
            );
            expect(JSON.stringify(await shopFingerprint(A.shop)), "shop A changed by a refused bulk action").toBe(JSON.stringify(aBefore));
          });
        }
      }
    }
  }

  // No session, or a forged one, on every admin loader and action.
  const forged: [string, (shop: string) => Record<string, string>][] = [
    ["no session token", () => ({})],
    ["garbage bearer token", () => ({ Authorization: "Bearer not-a-token" })],
    ["token signed with another secret", (shop) => ({ Authorization: `Bearer ${sessionToken(shop, { secret: "not-the-app-secret-0123456789abcdef" })}` })],
    ["expired token", (shop) => ({ Authorization: `Bearer ${sessionToken(shop, { ttlSeconds: -3600 })}` })],
    ['token with alg "none"', (shop) => ({ Authorization: `Bearer ${algNone(sessionToken(shop))}` })],
    ["shop in the query, no token", (shop) => ({ "X-Query": `shop=${shop}&embedded=1` })],
  ];
  for (const route of adminRoutes) {
    for (const method of METHODS) {
      if (!handlerFor(route.module, method)) continue;
      for (const [name, headers] of forged) {
        it(`${method} ${route.pattern} unauthenticated: ${name}`, async () => {
          const h = headers(A.shop);
          const query = h["X-Query"] ?? "";
          delete h["X-Query"];
          const params = Object.fromEntries(route.params.map((p) => [p, aIds.referrer[0]]));
          const url = `${process.env.SHOPIFY_APP_URL}${urlFor(route, params)}${query ? `?${query}` : ""}`;
          const body = method === "POST" ? new URLSearchParams({ intent: intentsOf(route)[0] ?? "", reason: "x", ids: aIds.referral[0], referrerId: aIds.referrer[0] }) : undefined;
          const before = await countEveryTable();
          const answer = await answerOf(handlerFor(route.module, method)!, new Request(url, { method, headers: h, body }), params);
          const diff = countDiff(before, await countEveryTable());
          const aLeak = [...aIds.referrer, ...aIds.referral].filter((id) => answer.body.includes(id) && !url.includes(id));
          check(
            { surface: "admin", target: `${method} ${route.pattern}`, case: `unauthenticated: ${name}`, expected: "401/302/403, nothing written, no data" },
            `${answer.status}${answer.headers.get("Location") ? ` → ${answer.headers.get("Location")!.slice(0, 40)}` : ""}, ${noDiff(diff)}${aLeak.length ? ", DATA LEAKED" : ""}`,
            answer.status >= 300 && answer.status < 500 && diff.length === 0 && aLeak.length === 0,
          );
        });
      }
    }
  }

  // Proxy endpoints for shop A, carrying B's customer, code, email and ids everywhere.
  for (const route of proxyRoutes) {
    for (const method of METHODS) {
      if (!handlerFor(route.module, method)) continue;
      for (const who of ["guest", "B's customer id"] as const) {
        it(`${method} ${route.pattern} for shop A with B's ids (${who})`, async () => {
          const bCustomer = numericCustomerId(B.referrer.customerId!);
          const foreign = { code: bertha.code, email: bertha.email, referrerId: bertha.id, id: bIds.referral[0], rewardId: bIds.reward[0], channel: "x", terms: true };
          const body = method === "GET" ? undefined : foreign;
          const url = proxyUrl({ shop: A.shop, path: route.pattern.slice(PROXY_PREFIX.length), customerId: who === "guest" ? null : bCustomer, query: { ref: bertha.code, id: bIds.referral[0] } });
          await crossShopCase(
            { surface: "proxy", target: `${method} ${route.pattern}`, case: `shop A, B's code/email/ids, ${who}`, expected: "B untouched, no B data" },
            async () => {
              const response = await callProxy(new Request(url, { method, headers: { "X-Forwarded-For": uniqueIp(), ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined }));
              return { status: response.status, body: await response.text(), headers: response.headers };
            },
            false,
          );
        });
      }
    }
  }
});

function algNone(token: string) {
  const [, p] = token.split(".");
  return `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${p}.`;
}

// ---------------------------------------------------------------- checkout and customer account extensions

describe.each(extensionRoutes.map((r) => [r.pattern, r] as const))("extension: %s", (pattern, route) => {
  const secret = process.env.SHOPIFY_API_SECRET!;
  let shop = "";
  let victimOrder = "";
  let customer = "";
  beforeEach(async () => {
    shop = uniqueShop("ext");
    await installShop(shop);
    await seedProgram(shop);
    customer = pipeline.shopify.fake.seedCustomer(shop, { email: "buyer@example.com" }).id;
    const victim = pipeline.shopify.fake.seedCustomer(shop, { email: "victim@example.com" }).id;
    await seedReferrer(shop, { customerId: victim, email: "victim@example.com" });
    victimOrder = pipeline.shopify.fake.seedOrder(shop, { subtotal: "10.00", customerId: victim, email: "victim@example.com" }).id;
  });
  const claims = (over: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: `https://${shop}`, dest: `https://${shop}`, aud: process.env.SHOPIFY_API_KEY, sub: customer, exp: now + 60, nbf: now - 5, iat: now, jti: randomUUID(), ...over };
  };
  const forgedTokens: [string, () => string | null][] = [
    ["no token", () => null],
    ["garbage bearer token", () => "not-a-token"],
    ["signed with another secret", () => signJwt(claims(), "not-the-app-secret-0123456789abcdef")],
    ["expired", () => signJwt(claims({ exp: Math.floor(Date.now() / 1000) - 3600 }), secret)],
    ["another app's audience", () => signJwt(claims({ aud: "another-app" }), secret)],
    ['alg "none"', () => algNone(signJwt(claims(), secret))],
    ["dest with markup", () => signJwt(claims({ dest: "https://<script>alert(1)</script>.myshopify.com" }), secret)],
    ["sub is SQL", () => signJwt(claims({ sub: `x'; DROP TABLE "Referrer";--` }), secret)],
  ];
  for (const method of [...METHODS, "OPTIONS"] as const) {
    if (!handlerFor(route.module, method)) continue;
    for (const [name, token] of forgedTokens) {
      it(`${method}: ${name}`, async () => {
        const t = token();
        const headers = new Headers({ Origin: "https://extensions.shopifycdn.com", ...(t ? { Authorization: `Bearer ${t}` } : {}) });
        const body = method === "POST" ? JSON.stringify({ orderId: victimOrder, terms: true, termsVersion: "x" }) : undefined;
        if (body) headers.set("Content-Type", "application/json");
        const before = await countEveryTable();
        const answer = await answerOf(handlerFor(route.module, method)!, new Request(`${process.env.SHOPIFY_APP_URL}${pattern}?orderId=${encodeURIComponent(victimOrder)}`, { method, headers, body }));
        const diff = countDiff(before, await countEveryTable());
        // The preflight is answered before any token is read; the method a route does not serve is 405.
        const served = pattern.endsWith("/join") ? "POST" : "GET";
        const expected = method === "OPTIONS" ? 204 : method === served ? 401 : 405;
        check(
          { surface: "extension", target: `${method} ${pattern}`, case: name, expected: `${expected}, empty, CORS, nothing written` },
          `${answer.status}, ${answer.body ? "BODY" : "empty"}, ${noDiff(diff)}`,
          answer.status === expected && answer.body === "" && answer.headers.get("Access-Control-Allow-Origin") === "*" && diff.length === 0,
        );
      });
    }
  }
  if (route.module.loader && pattern.includes("thank-you")) {
    it("GET: a valid token, another customer's order", async () => {
      const before = await countEveryTable();
      const answer = await answerOf(
        route.module.loader!,
        new Request(`${process.env.SHOPIFY_APP_URL}${pattern}?orderId=${encodeURIComponent(victimOrder)}`, { headers: { Authorization: `Bearer ${signJwt(claims(), secret)}`, "X-Forwarded-For": uniqueIp() } }),
      );
      const leaked = answer.body.includes("victim") || answer.body.includes("FRIEND-");
      check(
        { surface: "extension", target: `GET ${pattern}`, case: "valid token, another customer's order", expected: "404, no data" },
        `${answer.status}, ${leaked ? "LEAKED" : "no data"}`,
        answer.status === 404 && !leaked && countDiff(before, await countEveryTable()).every((d) => d.startsWith("RateLimit")),
      );
    });
  }
});

// ---------------------------------------------------------------- other routes (login, index)

describe("other routes with hostile query parameters", () => {
  const shops = ["<script>alert(1)</script>", `x'; DROP TABLE "Session";--`, "{{ shop.name }}.myshopify.com", "ħ.myshopify.com"];
  for (const route of otherRoutes) {
    for (const method of METHODS) {
      if (!handlerFor(route.module, method)) continue;
      for (const shop of shops) {
        it(`${method} ${route.pattern} with shop=${shop}`, async () => {
          const url = `${process.env.SHOPIFY_APP_URL}${urlFor(route, { "*": "callback" })}?shop=${encodeURIComponent(shop)}`;
          const before = await countEveryTable();
          const init: RequestInit = method === "POST" ? { method, body: new URLSearchParams({ shop }) } : {};
          const answer = await answerOf(handlerFor(route.module, method)!, new Request(url, init));
          const location = answer.headers.get("Location") ?? "";
          const diff = countDiff(before, await countEveryTable());
          const raw = rawMarkupIn(answer.body + location);
          // /readyz answers 503 by design when this process is not ready (here: the test
          // database was migrated without Prisma's _prisma_migrations table): its report, not a crash.
          const notReady = route.pattern === "/readyz" && answer.status === 503 && /"ready":false/.test(answer.body);
          check(
            { surface: route.surface, target: `${method} ${route.pattern}`, case: `shop=${shop}`, expected: "no 5xx (but /readyz's not-ready report), nothing written, nothing raw" },
            `${answer.status}${location ? ` → ${location.slice(0, 50)}` : ""}, ${noDiff(diff)}${raw.length ? `, RAW ${raw[0]}` : ""}`,
            (answer.status < 500 || notReady) && diff.length === 0 && raw.length === 0,
          );
        });
      }
    }
  }

  it("renders the login page with a script as the shop, escaped", async () => {
    const handler = await appRequestHandler();
    const loginRoute = otherRoutes.find((r) => r.module.default && r.pattern.startsWith("/auth"));
    if (!loginRoute) return;
    const response = await handler(new Request(`${process.env.SHOPIFY_APP_URL}${loginRoute.pattern}?shop=${encodeURIComponent("<script>alert(1)</script>")}`, { headers: { "User-Agent": "Mozilla/5.0 Chrome/120" } }));
    const html = await response.text();
    const raw = rawMarkupIn(html);
    check({ surface: "auth", target: `GET ${loginRoute.pattern} (HTML)`, case: "shop=<script>…", expected: "page renders, script escaped" }, `${response.status}, ${raw.length ? `RAW ${raw[0]}` : "escaped"}`, response.status < 500 && raw.length === 0);
  });
});

// ---------------------------------------------------------------- names and emails

describe("Unicode, script, Liquid, SQL and long names and emails", () => {
  let fake: FakeShopify;
  let shop = "";
  const enrolled: { label: string; id: string; referralOrder: string; given: (typeof HOSTILE_NAMES)[number] }[] = [];
  /** Experiments named (and their variants) with the hostile names, ended ones too: their pages render them. */
  const experimentIds: string[] = [];
  /** Partner businesses with the hostile names (applied; every other one approved): the Partners pages render them. */
  const partners: { id: string; given: (typeof HOSTILE_NAMES)[number] }[] = [];

  beforeAll(async () => {
    fake = pipeline.shopify.reset();
    const p = await pipeline.setupShop({ holdDays: 30, rewardKind: "CASH", rewardValue: "5" });
    shop = p.shop;
    await installShop(shop);
    for (const given of HOSTILE_NAMES) {
      const variants = [given.firstName, given.lastName].map((name, i) => ({ name: name.slice(0, 40), friendOfferKind: "PERCENTAGE", friendOfferValue: String(10 + i * 5), rewardKind: "CASH", rewardValue: "5" }));
      const started = await startExperiment({ db, shop, by: "test", input: { name: `${given.firstName} ${given.lastName}`.slice(0, 80), variants } });
      if (!started.ok) continue; // A name that trims to nothing is refused, as it should be.
      experimentIds.push(started.experiment.id);
      await db.experiment.updateMany({ where: { id: started.experiment.id, shop }, data: { status: "ENDED", runningShop: null, endedAt: new Date(), winnerVariantId: started.experiment.variants[1].id } });
    }
    await publishAgreement({ db, shop, cause: "test" }, { body: "Partner agreement <b>{{ shop.name }}</b>", basedOn: 0 });
    for (const [i, given] of HOSTILE_NAMES.entries()) {
      const input = { name: given.firstName.slice(0, 120), businessName: given.lastName.slice(0, 160), email: `partner.${given.email}`, signature: given.firstName.slice(0, 120), accepted: "on", agreementVersion: "1" };
      if (!(await applyAsPartner(db, { shop, input, ipHash: null, locale: "en" })).ok) continue; // refused on a field (an email too long): as it should be
      const partner = await db.partner.findFirstOrThrow({ where: { shop, email: input.email } });
      if (i % 2 === 0) await approvePartner({ db, shop, cause: "test" }, partner.id);
      partners.push({ id: partner.id, given: { ...given, firstName: input.name, lastName: input.businessName } });
    }
    for (const [i, given] of HOSTILE_NAMES.entries()) {
      const { referrer } = await enrolReferrer(db, { shop, customerId: `gid://shopify/Customer/${880_000 + i}`, email: given.email, firstName: given.firstName, lastName: given.lastName, source: "ADMIN", cause: "test", now: new Date(testClock.now()) });
      await p.drain();
      // A friend with the same kind of name orders through the referrer's code.
      const { orderId } = await sendOrder(p, referrer.code, { email: `friend.${given.email}`, subtotal: "40.00", firstName: given.firstName });
      enrolled.push({ label: given.label, id: referrer.id, referralOrder: `gid://shopify/Order/${orderId}`, given });
    }
    await p.drain();
    p.advance(31 * DAY);
    await p.drain();
  });
  beforeEach(() => {
    pipeline.shopify.fake = fake;
  });

  it.each(HOSTILE_NAMES.map((n) => [n.label, n] as const))("domain enrolment stores %s byte for byte", async (label, given) => {
    const row = await db.referrer.findFirstOrThrow({ where: { shop, id: enrolled.find((e) => e.label === label)!.id } });
    const referral = await db.referral.findFirst({ where: { shop, referrerId: row.id } });
    const same = (a: string | null | undefined, b: string) => a != null && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
    const ok = same(row.firstName, given.firstName) && same(row.lastName, given.lastName) && same(row.email, given.email) && same(referral?.friendEmail, `friend.${given.email}`);
    check(
      { surface: "domain", target: "enrolReferrer + orders/paid", case: label, expected: "name, email, friend email byte for byte" },
      ok ? `stored as given (${Buffer.byteLength(given.firstName + given.lastName + given.email)} bytes)` : `DIFFERENT: ${JSON.stringify([row.firstName, row.lastName, row.email, referral?.friendEmail]).slice(0, 60)}`,
      ok,
    );
  });

  it("every table still exists, and SQL-looking searches are only searches", async () => {
    const counts = await countEveryTable();
    const sqlName = HOSTILE_NAMES.find((n) => n.label === "SQL")!;
    const list = adminRoutes.find((r) => r.pattern === "/app/referrers" && r.module.loader);
    let found = "no list route";
    if (list) {
      const answer = await answerOf(list.module.loader!, adminRequest(shop, `/app/referrers?q=${encodeURIComponent(sqlName.firstName)}`));
      found = `${answer.status}, ${answer.body.includes(enrolled.find((e) => e.label === "SQL")!.id) ? "found the SQL-named referrer" : "NOT FOUND"}`;
    }
    const ok = counts.Referrer >= HOSTILE_NAMES.length && Object.keys(counts).length > 5 && found.endsWith("found the SQL-named referrer");
    check({ surface: "domain", target: "database", case: "after SQL-looking names and searches", expected: "every table exists, search finds the name" }, `${Object.keys(counts).length} tables, ${counts.Referrer} referrers; search ${found}`, ok);
  });

  // Every admin page with a component, rendered to HTML by the app's own server entry.
  const pages = adminRoutes.filter((r) => r.module.default && r.pattern !== "/app");
  for (const route of pages) {
    it(`renders ${route.pattern} with the hostile names escaped`, async () => {
      const handler = await appRequestHandler();
      const targets: string[] = [];
      if (route.params.length === 0) targets.push(route.pattern);
      else {
        for (const e of enrolled) {
          const referral = await db.referral.findFirst({ where: { shop, referrerId: e.id } });
          for (const id of [e.id, referral?.id]) if (id) targets.push(urlFor(route, Object.fromEntries(route.params.map((p) => [p, id]))));
        }
        for (const id of [...experimentIds, ...partners.map((x) => x.id)]) targets.push(urlFor(route, Object.fromEntries(route.params.map((p) => [p, id]))));
      }
      const outcomes: string[] = [];
      let ok = true;
      let rendered = 0;
      for (const target of targets) {
        const url = new URL(`${process.env.SHOPIFY_APP_URL}${target}`);
        url.searchParams.set("embedded", "1");
        url.searchParams.set("shop", shop);
        url.searchParams.set("host", hostParam(shop));
        url.searchParams.set("id_token", sessionToken(shop));
        const response = await handler(new Request(url, { headers: { "User-Agent": "Mozilla/5.0 Chrome/120" } }));
        if (response.status === 404 && route.params.length) continue; // a referral id on the referrer page, and so on
        const html = await response.text();
        rendered++;
        const raw = rawMarkupIn(html);
        if (response.status !== 200 || raw.length) {
          ok = false;
          outcomes.push(`${target}: ${response.status} ${raw.join(" ")}`);
        }
        // Where a name or email is shown, it is shown escaped, exactly as given:
        // every referrer on the referrer list and on their own page, the friend's
        // email on the referral's page.
        for (const e of enrolled) {
          const shownHere =
            route.pattern === "/app/referrers" || (route.pattern.startsWith("/app/referrers/") && target.includes(e.id));
          if (shownHere && !html.includes(reactEscaped(`${e.given.firstName} ${e.given.lastName}`))) {
            ok = false;
            outcomes.push(`${e.label}: name not shown escaped`);
          }
          const referral = route.pattern.startsWith("/app/referrals/") ? await db.referral.findFirst({ where: { shop, referrerId: e.id } }) : null;
          // A partner business's name on the partner list (every tab: "All") and on its own page.
          const partner = partners.find((x) => x.given.label === e.label);
          const partnerShown = partner && partner.given.lastName.trim() && (route.pattern === "/app/partners" || (route.pattern === "/app/partners/:id" && target.includes(partner.id)));
          if (partnerShown && !html.includes(reactEscaped(partner.given.lastName.trim()))) {
            ok = false;
            outcomes.push(`${e.label}: partner business name not shown escaped`);
          }
          if (referral && target.includes(referral.id) && !html.includes(reactEscaped(`friend.${e.given.email}`))) {
            ok = false;
            outcomes.push(`${e.label}: friend email not shown escaped`);
          }
        }
      }
      ok &&= rendered > 0;
      check(
        { surface: "admin", target: `GET ${route.pattern} (HTML)`, case: `${HOSTILE_NAMES.length} hostile names`, expected: "200, names escaped, nothing raw" },
        ok ? `${rendered} page(s) 200, escaped` : outcomes.slice(0, 2).join("; ") || "nothing rendered",
        ok,
      );
    });
  }

  it("CSV exports keep names as given but never start a cell with a formula", async () => {
    const exportsRoutes = adminRoutes.filter((r) => r.pattern.endsWith("/export") && r.module.loader);
    for (const route of exportsRoutes) {
      const answer = await answerOf(route.module.loader!, adminRequest(shop, route.pattern));
      const cells = answer.body.replace(/^\uFEFF/, "").split(/,|\r\n/).map((c) => c.replace(/^"/, ""));
      const formulas = cells.filter((c) => /^[=+\-@\t\r]/.test(c));
      const hasUnicode = answer.body.includes("Ġużeppi") || answer.body.includes("ġużeppi") || !route.pattern.includes("referr");
      check(
        { surface: "admin", target: `GET ${route.pattern}`, case: "formula, Unicode and markup names", expected: "200, no cell starts with = + - @ tab CR" },
        `${answer.status}, ${formulas.length ? `FORMULA ${formulas[0].slice(0, 30)}` : "formulas neutralised"}${hasUnicode ? "" : ", Unicode lost"}`,
        answer.status === 200 && formulas.length === 0 && hasUnicode,
      );
    }
  });

  describe("through the storefront", () => {
    let proxyShop = "";
    beforeAll(async () => {
      proxyShop = uniqueShop("hostile-proxy");
      await seedProgram(proxyShop);
      await publishAgreement({ db, shop: proxyShop, cause: "test" }, { body: "Partner agreement {{ shop.name }} <b>bold</b>", basedOn: 0 });
    });

    it.each(HOSTILE_NAMES.map((n) => [n.label, n] as const))("a partner application from %s is stored as given or refused, and every partner page shows it inertly", async (label, given) => {
      const sent = { name: given.firstName.slice(0, 600), businessName: given.lastName.slice(0, 600), email: given.email, signature: given.firstName.slice(0, 600), accepted: "on", agreementVersion: "1" };
      const apply = await callProxy(new Request(proxyUrl({ shop: proxyShop, path: "/partners/apply" }), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": uniqueIp() }, body: new URLSearchParams(sent).toString() }));
      const liquid = [await apply.text()];
      const stored = await db.partner.findFirst({ where: { shop: proxyShop, email: given.email } });
      if (stored) {
        // Approved and signed in: the portal shows the business as given, escaped.
        expect((await approvePartner({ db, shop: proxyShop, cause: "test" }, stored.id)).ok).toBe(true);
        const { token } = await createSignInLink(db, { shop: proxyShop, partnerId: stored.id, storefrontOrigin: `https://${proxyShop}`, ttlMs: 60_000, now: new Date() });
        const portal = await callProxy(new Request(proxyUrl({ shop: proxyShop, path: "/partners/sign-in" }), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": uniqueIp() }, body: new URLSearchParams({ token }).toString() }));
        liquid.push(await portal.text());
        expect(liquid[1]).toContain(escapeLiquidHtml(sent.businessName.trim()));
      }
      const rendered = await Promise.all(liquid.map((l) => renderProxyLiquid(l)));
      const raw = rawMarkupIn(liquid.join("") + rendered.join(""));
      const liquidRan = rendered.some((html) => html.includes("Example Shop"));
      // As given, less the surrounding white space the form's fields are trimmed of.
      const asGiven = stored ? stored.name === sent.name.trim() && stored.businessName === sent.businessName.trim() : true;
      const ok = (stored ? apply.status === 200 && asGiven : apply.status === 422) && raw.length === 0 && !liquidRan;
      check(
        { surface: "proxy", target: "POST /apps/referrals/partners/apply + portal", case: `partner ${label}`, expected: "200 stored as given, or 422 nothing stored; echoed inert" },
        `${apply.status}${stored ? (asGiven ? " stored as given, portal escaped" : " STORED DIFFERENTLY") : ", nothing stored"}${raw.length ? `, RAW ${raw[0]}` : ""}${liquidRan ? ", LIQUID RAN" : ""}`,
        ok,
      );
    });

    it.each(HOSTILE_PROXY_EMAILS.map((e) => [e.length > 60 ? `${e.slice(0, 20)}… (${e.length} chars)` : e, e] as const))("enrols %s or refuses it, inertly", async (label, email) => {
      const before = await db.referrer.count({ where: { shop: proxyShop } });
      const json = await callProxy(new Request(proxyUrl({ shop: proxyShop, path: "/enrol" }), { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-For": uniqueIp() }, body: JSON.stringify({ email, terms: true }) }));
      const jsonBody = await json.text();
      const stored = await db.referrer.findFirst({ where: { shop: proxyShop, email } });
      const created = (await db.referrer.count({ where: { shop: proxyShop } })) - before;
      // The program page's form: its answer is Liquid, rendered by the theme.
      const page = await callProxy(new Request(proxyUrl({ shop: proxyShop, path: "/join" }), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": uniqueIp() }, body: new URLSearchParams({ email, terms: "on" }).toString() }));
      const liquid = await page.text();
      const renderedPage = await renderProxyLiquid(liquid);
      const raw = rawMarkupIn(jsonBody + liquid + renderedPage);
      const liquidRan = email.includes("{{") && !renderedPage.includes("&#123;&#123; shop.name &#125;&#125;") && page.status === 422;
      const accepted = json.status === 202;
      const ok = (accepted ? created === 1 && stored?.email === email : json.status === 422 && created === 0) && raw.length === 0 && !liquidRan && [200, 422].includes(page.status);
      check(
        { surface: "proxy", target: "POST /apps/referrals/enrol + /join", case: `email ${label}`, expected: "202 stored as given, or 422 nothing stored; echoed inert" },
        `${json.status}${accepted ? (stored?.email === email ? " stored as given" : " STORED DIFFERENTLY") : `, ${created} stored`}; page ${page.status}${raw.length ? `, RAW ${raw[0]}` : ""}${liquidRan ? ", LIQUID RAN" : ""}`,
        ok,
      );
    });

    it("a guest cannot tell an enrolled, a disabled or a customer's email from a new one", async () => {
      const taken = await seedReferrer(proxyShop, { customerId: `gid://shopify/Customer/${880_500}`, email: "taken@example.com", emailKey: "taken@example.com" });
      const off = await seedReferrer(proxyShop, { email: "off@example.com", emailKey: "off@example.com", status: "DISABLED" });
      const answers: string[] = [];
      for (const email of [`new-${randomUUID()}@example.com`, "TAKEN@example.com", "off@example.com"]) {
        for (const p of ["/enrol", "/join"]) {
          const form = p === "/join";
          const response = await callProxy(
            new Request(proxyUrl({ shop: proxyShop, path: p }), {
              method: "POST",
              headers: { "Content-Type": form ? "application/x-www-form-urlencoded" : "application/json", "X-Forwarded-For": uniqueIp() },
              body: form ? new URLSearchParams({ email, terms: "on" }).toString() : JSON.stringify({ email, terms: true }),
            }),
          );
          answers.push(`${p} ${response.status} ${await response.text()}`);
        }
      }
      const leaked = [taken.code, off.code].filter((c) => answers.some((a) => a.includes(c)));
      const distinct = new Set(answers.map((a) => a.replace(/^\/(enrol|join) /, ""))).size;
      check(
        { surface: "proxy", target: "POST /apps/referrals/enrol + /join", case: "guest enumeration: new, enrolled, disabled email", expected: "one answer per route, no code" },
        `${new Set(answers).size} distinct answers for 6 requests${leaked.length ? `, CODE LEAKED` : ", no code"}`,
        new Set(answers).size === 2 && distinct === 2 && leaked.length === 0,
      );
    });

    it("the block's JSON and the program page show a hostile-named member inertly", async () => {
      const member = enrolled.find((e) => e.label === "script tag")!;
      const outcomes: string[] = [];
      let ok = true;
      for (const p of ["/data", ""]) {
        const response = await callProxy(new Request(proxyUrl({ shop, path: p, customerId: 880_000 + HOSTILE_NAMES.findIndex((n) => n.label === "script tag") }), { headers: { "X-Forwarded-For": uniqueIp() } }));
        const body = await response.text();
        const rendered = p === "" ? await renderProxyLiquid(body) : body;
        const raw = rawMarkupIn(body + rendered);
        ok &&= response.status === 200 && raw.length === 0 && body.includes((await db.referrer.findUniqueOrThrow({ where: { id: member.id } })).code);
        outcomes.push(`${p || "/"} ${response.status}${raw.length ? " RAW" : ""}`);
      }
      check({ surface: "proxy", target: "GET /apps/referrals/data + /", case: "member named <script>", expected: "200, own code, nothing raw" }, outcomes.join(", "), ok);
    });
  });
});
