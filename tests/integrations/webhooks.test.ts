// Outgoing webhooks end to end: real state changes (a storefront enrolment, a
// paid order through the webhook route and the worker) recorded as events,
// delivered by the event outbox to a real HTTP receiver that checks the
// Standard Webhooks signature; retries, duplicates, two workers; the SSRF
// rules production applies (private addresses, IPv6 loopback, DNS rebinding,
// redirects); the Webhooks page through its admin route; shop erasure.
import { http, passthrough } from "msw";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import type { SinkContext } from "~/events/sinks.server";
import type { DeliverableEvent } from "~/events/types";
import {
  addEndpoint,
  DISABLE_AFTER_FAILURES,
  endpointsSwitchedOff,
  listEndpoints,
  webhookTarget,
} from "~/integrations/webhooks/endpoints.server";
import { checkEndpointUrl, WebhookAddressError, type ResolvedAddress, type WebhookNetwork } from "~/integrations/webhooks/network.server";
import { createWebhookSink } from "~/integrations/webhooks/sink.server";
import { redactShop } from "~/referrals/privacy.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import * as page from "~/routes/app.integrations.webhooks";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { act, installShop, load, thrownStatus } from "../helpers/admin-request";
import { sendProxy } from "../helpers/app-proxy";
import { DAY, pipelineWorker, usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";

// The receiver on this machine, and the made-up public names the rebinding test resolves, reach the real network stack.
const { setupShop } = usePipeline(http.all(/^https?:\/\/(127\.0\.0\.1|[a-z.-]+\.example)(:\d+)?\//, () => passthrough()));

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  // Each test starts at the real time: the database stamps some rows (a referrer's createdAt, an event's occurredAt) with it.
  testClock.ms = Date.now();
  receiver.received.length = 0;
  receiver.connections = 0;
  receiver.answer = () => ({ status: 200 });
});

/** Development rules (what tests and the dev store get): http and loopback allowed. */
const devNetwork: WebhookNetwork = { allowPrivate: true, resolve: () => Promise.reject(new Error("no lookup expected")), timeoutMs: 10_000 };

/** Production rules, with a resolver the test answers for. */
function productionNetwork(resolve: (hostname: string) => ResolvedAddress[] = () => [{ address: "93.184.215.14", family: 4 }]) {
  const calls: string[] = [];
  const network: WebhookNetwork = { allowPrivate: false, resolve: async (hostname) => (calls.push(hostname), resolve(hostname)), timeoutMs: 2_000 };
  return { network, calls };
}

function verified(secret: string, request: { headers: Record<string, unknown>; body: string }) {
  const headers = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((h) => [h, String(request.headers[h])]));
  return new Webhook(secret).verify(request.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> & { referrer: Record<string, unknown> | null } };
}

function sinkContext(shop: string): SinkContext {
  return { db, shop, cause: "test", now: () => new Date(testClock.now()), admin: () => Promise.reject(new Error("no Admin API here")) };
}

function handMadeEvent(shop: string, id = `evt-${Math.random().toString(36).slice(2)}`): DeliverableEvent {
  return { id, shop, type: "referrer.joined", occurredAt: new Date(), data: { referrer: { code: "HAND", source: "ADMIN" } }, referralId: null, rewardId: null, referrer: null };
}

/** Rows stamped by the database's own clock (a referrer's createdAt) must be due on the test clock. */
function catchUpClock() {
  testClock.ms = Math.max(testClock.ms, Date.now());
}

let nextOrder = 7_000_000_000_000;
function paidOrder(code: string) {
  const orderId = ++nextOrder;
  return orderPaidPayload({
    orderId,
    customerId: ++nextOrder,
    email: `friend${orderId}@example.com`,
    discountCodes: [code],
    noteAttributes: [],
    subtotal: "100.00",
    total: "100.00",
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
}

async function endpointFor(shop: string, events: string[], url = receiver.url()) {
  const added = await addEndpoint(db, { shop, url, events, cause: "test", network: devNetwork });
  if (!added.ok) throw new Error(`endpoint refused: ${JSON.stringify(added.errors)}`);
  return added;
}

describe("delivering referral events", () => {
  it("a referrer who joins on the storefront reaches the endpoint once, signed, with the referrer's details", async () => {
    const p = await setupShop();
    const { id, secret } = await endpointFor(p.shop, ["referrer.joined"]);
    const joined = await sendProxy({ shop: p.shop, path: "/enrol", body: { email: "zoe@example.com", terms: true } });
    expect(joined.status).toBe(202);
    catchUpClock();
    await p.drain();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const zoe = await db.referrer.findFirstOrThrow({ where: { shop: p.shop, email: "zoe@example.com" } });
    const event = await db.referralEvent.findFirstOrThrow({ where: { shop: p.shop, key: `joined:${zoe.id}` } });
    expect(request.headers["webhook-id"]).toBe(event.id);
    expect(request.headers["content-type"]).toBe("application/json");
    const body = verified(secret, request);
    expect(body).toMatchObject({ type: "referrer.joined", timestamp: event.occurredAt.toISOString() });
    expect(body.data.referrer).toMatchObject({ id: zoe.id, customer_id: null, email: "zoe@example.com", code: zoe.code, source: "GUEST" });
    expect(String(body.data.referrer?.link)).toContain(zoe.code);
    // Another secret does not verify it.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(request.body, request.headers as Record<string, string>)).toThrow();

    const delivery = await db.eventDelivery.findFirstOrThrow({ where: { shop: p.shop, target: webhookTarget(id) } });
    expect(delivery).toMatchObject({ status: "SENT", attempts: 1, responseStatus: 200, lastError: null });
    expect(delivery.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("a receiver that answers 500 then 200 gets the event again later, with the same webhook-id, and it is sent once", async () => {
    const p = await setupShop({ holdDays: 30 });
    const { id, secret } = await endpointFor(p.shop, ["referral.created"]);
    receiver.answer = (_, index) => (index === 0 ? { status: 500, body: "database down" } : { status: 200 });
    await p.send("orders/paid", paidOrder(p.referrer.code));
    await p.drain();

    const target = webhookTarget(id);
    expect(receiver.received).toHaveLength(1);
    expect(await db.eventDelivery.findFirstOrThrow({ where: { shop: p.shop, target } })).toMatchObject({
      status: "QUEUED",
      attempts: 1,
      responseStatus: 500,
      lastError: "HTTP 500: database down",
    });

    p.advance(5 * 60_000);
    await p.drain();
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(verified(secret, second)).toMatchObject({ type: "referral.created", data: { referral: { status: "PENDING", total: { currencyCode: "USD" } } } });
    expect(await db.eventDelivery.findFirstOrThrow({ where: { shop: p.shop, target } })).toMatchObject({ status: "SENT", attempts: 2, responseStatus: 200, lastError: null });

    p.advance(DAY);
    await p.drain();
    expect(receiver.received).toHaveLength(2);
    expect((await listEndpoints(db, p.shop))[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it("the same order delivered by Shopify three times, then drained by two workers at once, reaches the endpoint once", async () => {
    const p = await setupShop({ holdDays: 30 });
    await endpointFor(p.shop, ["referral.created"]);
    const order = paidOrder(p.referrer.code);
    const webhookId = await p.send("orders/paid", order);
    await p.send("orders/paid", order, webhookId);
    await p.send("orders/paid", order); // the same event as a new delivery
    // Two workers drain together from the start: the order is attributed once and its event sent once.
    const [a, b] = [pipelineWorker({ workerId: "worker-a" }), pipelineWorker({ workerId: "worker-b" })];
    await Promise.all([p.drain(a), p.drain(b)]);

    expect(await db.referralEvent.count({ where: { shop: p.shop, type: "referral.created" } })).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({ type: "referral.created" });
  });

  it("an endpoint whose deliveries keep failing is switched off, with an audit event and a banner", async () => {
    const p = await setupShop();
    const { id } = await endpointFor(p.shop, ["referrer.joined"]);
    receiver.answer = () => ({ status: 503 });
    for (let i = 0; i < DISABLE_AFTER_FAILURES; i++) {
      await enrolReferrer(db, { shop: p.shop, email: `failing${i}@example.com`, source: "ADMIN", cause: "test", now: new Date(testClock.now()) });
    }
    catchUpClock();
    await p.drain();
    expect(receiver.received).toHaveLength(DISABLE_AFTER_FAILURES);
    expect((await listEndpoints(db, p.shop))[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });

    // A day later each retry is past the 24-hour budget: given up, one by one.
    p.advance(DAY + 60_000);
    await p.drain();
    const target = webhookTarget(id);
    expect(await db.eventDelivery.count({ where: { shop: p.shop, target, status: "FAILED" } })).toBe(DISABLE_AFTER_FAILURES);
    expect((await listEndpoints(db, p.shop))[0]).toMatchObject({ enabled: false, disabledReason: "FAILING", consecutiveFailures: DISABLE_AFTER_FAILURES });
    const audit = await db.auditEvent.findMany({ where: { shop: p.shop, action: "webhook.disabled" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toContain("HTTP 503");
    expect(await endpointsSwitchedOff(db, p.shop)).toBe(1);

    // Switched off, it is no target for new events.
    const before = receiver.received.length;
    await enrolReferrer(db, { shop: p.shop, email: "after@example.com", source: "ADMIN", cause: "test", now: new Date(testClock.now()) });
    catchUpClock();
    await p.drain();
    expect(receiver.received).toHaveLength(before);
    expect(await db.eventDelivery.count({ where: { shop: p.shop, target, status: { in: ["QUEUED", "SENDING"] } } })).toBe(0);
  });

  it("410 Gone fails the delivery at once and switches the endpoint off", async () => {
    const shop = uniqueShop();
    const { id } = await endpointFor(shop, ["referrer.joined"]);
    receiver.answer = () => ({ status: 410 });
    const sink = createWebhookSink(() => devNetwork);
    const result = await sink.deliver(sinkContext(shop), webhookTarget(id), handMadeEvent(shop), 1);
    expect(result).toMatchObject({ outcome: "failed", status: 410 });
    expect((await listEndpoints(db, shop))[0]).toMatchObject({ enabled: false, disabledReason: "GONE" });
    expect(await sink.deliver(sinkContext(shop), webhookTarget(id), handMadeEvent(shop), 1)).toMatchObject({ outcome: "skipped" });
  });

  it("a 429 is retried after the receiver's Retry-After", async () => {
    const shop = uniqueShop();
    const { id } = await endpointFor(shop, ["referrer.joined"]);
    receiver.answer = () => ({ status: 429, headers: { "Retry-After": "120" } });
    const result = await createWebhookSink(() => devNetwork).deliver(sinkContext(shop), webhookTarget(id), handMadeEvent(shop), 1);
    expect(result).toMatchObject({ outcome: "retry", status: 429, retryAfterMs: 120_000 });
  });
});

describe("production network rules", () => {
  const refusal = async (url: string, network: WebhookNetwork) => {
    try {
      await checkEndpointUrl(url, network);
    } catch (error) {
      if (error instanceof WebhookAddressError) return error.problem;
      throw error;
    }
    return null;
  };

  it("refuses http, private, loopback, link-local, CGNAT, multicast and unspecified addresses, IPv4 and IPv6, at save time", async () => {
    const { network } = productionNetwork();
    expect(await refusal("http://hooks.example/in", network)).toBe("NOT_HTTPS");
    expect(await refusal("https://user:pw@hooks.example/in", network)).toBe("CREDENTIALS");
    expect(await refusal("not a url", network)).toBe("INVALID");
    const blocked = [
      "https://10.1.2.3/",
      "https://172.20.0.1/",
      "https://192.168.0.10/",
      "https://127.0.0.1/",
      "https://2130706433/", // 127.0.0.1 spelled as a number
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/",
      "https://224.0.0.1/",
      "https://0.0.0.0/",
      "https://[::1]/",
      "https://[::]/",
      "https://[fe80::1]/",
      "https://[fd00::1]/",
      "https://[ff02::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:10.0.0.1]/",
      "https://[64:ff9b::a00:1]/",
      "https://[2002:c0a8:101::1]/",
    ];
    for (const url of blocked) expect([url, await refusal(url, network)]).toEqual([url, "PRIVATE_ADDRESS"]);
    expect(await refusal("https://93.184.215.14/hook", network)).toBeNull();
    expect(await refusal("https://[2606:4700:4700::1111]/hook", network)).toBeNull();
    expect(await refusal("https://hooks.example/in", network)).toBeNull();
  });

  it("refuses a name that resolves to a private address (any of its addresses), and one that does not resolve", async () => {
    const { network } = productionNetwork((hostname) =>
      hostname === "inside.example"
        ? [{ address: "10.0.0.7", family: 4 }]
        : hostname === "mixed.example"
          ? [
              { address: "93.184.215.14", family: 4 },
              { address: "::1", family: 6 },
            ]
          : [],
    );
    expect(await refusal("https://inside.example/hook", network)).toBe("PRIVATE_ADDRESS");
    expect(await refusal("https://mixed.example/hook", network)).toBe("PRIVATE_ADDRESS");
    expect(await refusal("https://nowhere.example/hook", network)).toBe("NOT_FOUND");
  });

  it("the admin form refuses a private address naming the URL field", async () => {
    const shop = uniqueShop();
    const { network } = productionNetwork();
    const added = await addEndpoint(db, { shop, url: "https://[::1]:8443/hook", events: ["referrer.joined"], cause: "test", network });
    expect(added).toMatchObject({ ok: false, errors: { url: "PRIVATE_ADDRESS" } });
    expect(await db.webhookEndpoint.count({ where: { shop } })).toBe(0);
  });

  it("checks again when delivering: an endpoint saved earlier on a loopback address gets nothing", async () => {
    const shop = uniqueShop();
    // Saved under development rules, delivered under production ones.
    const { id } = await endpointFor(shop, ["referrer.joined"], `https://[::1]:${receiver.port}/hook`);
    const { network } = productionNetwork();
    const result = await createWebhookSink(() => network).deliver(sinkContext(shop), webhookTarget(id), handMadeEvent(shop), 1);
    expect(result).toMatchObject({ outcome: "retry" });
    expect(result.outcome === "retry" && result.error).toContain("::1 is not a public address");
    expect(receiver.connections).toBe(0);
  });

  it("DNS rebinding: a name that answered a public address at save time and answers loopback at delivery is refused before connecting", async () => {
    const shop = uniqueShop();
    let answers = 0;
    const { network, calls } = productionNetwork(() => (answers++ === 0 ? [{ address: "93.184.215.14", family: 4 }] : [{ address: "127.0.0.1", family: 4 }]));
    const added = await addEndpoint(db, { shop, url: `https://rebind.example:${receiver.port}/hook`, events: ["referrer.joined"], cause: "test", network });
    expect(added.ok).toBe(true);
    const result = await createWebhookSink(() => network).deliver(sinkContext(shop), webhookTarget(added.ok ? added.id : ""), handMadeEvent(shop), 1);
    expect(result).toMatchObject({ outcome: "retry" });
    expect(result.outcome === "retry" && result.error).toContain("resolves to 127.0.0.1, which is not a public address");
    // The second answer came from the socket's own lookup: the address checked is the one it would have connected to.
    expect(calls).toEqual(["rebind.example", "rebind.example"]);
    expect(receiver.connections).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  it("does not follow redirects: a 3xx is a failed attempt, and the place it points to is never asked", async () => {
    const shop = uniqueShop();
    const { id } = await endpointFor(shop, ["referrer.joined"]);
    receiver.answer = (request) => (request.path === "/hook" ? { status: 302, headers: { Location: receiver.url("/internal-admin") } } : { status: 200 });
    const result = await createWebhookSink(() => devNetwork).deliver(sinkContext(shop), webhookTarget(id), handMadeEvent(shop), 1);
    expect(result).toMatchObject({ outcome: "retry", status: 302 });
    expect(result.outcome === "retry" && result.error).toContain("redirects are not followed");
    expect(receiver.received.map((r) => r.path)).toEqual(["/hook"]);
  });
});

describe("the Webhooks page", () => {
  const PATH = "/app/integrations/webhooks";

  it("adds an endpoint, shows its secret once, lists it without the secret, and shows its deliveries", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect(await load(page.loader, shop, PATH)).toMatchObject({ endpoints: [], switchedOff: 0, log: null });

    const bad = await act(page.action, shop, PATH, { intent: "add", url: "not a url" });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.url).toBe("Enter a full URL, such as https://example.com/referral-events");
    expect(bad.data.errors.events).toBe("Choose at least one event");
    const ftp = await act(page.action, shop, PATH, { intent: "add", url: "ftp://files.example/hook", events: ["referrer.joined"] });
    expect(ftp).toMatchObject({ status: 400, data: { errors: { url: "The URL must start with https://" } } });
    expect(ftp.data.errors.events).toBeUndefined();

    const added = await act(page.action, shop, PATH, { intent: "add", url: receiver.url(), events: ["referrer.joined", "reward.revoked", "made.up"] });
    expect(added.status).toBe(200);
    expect(added.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await load(page.loader, shop, PATH);
    expect(listed.endpoints).toEqual([expect.objectContaining({ url: receiver.url(), events: ["referrer.joined", "reward.revoked"], enabled: true, consecutiveFailures: 0 })]);
    expect(JSON.stringify(listed)).not.toContain(added.data.secret);
    const id = listed.endpoints[0].id;

    // A delivery, as the outbox records it, in the endpoint's log.
    const sink = createWebhookSink(() => devNetwork);
    const event = await db.referralEvent.create({ data: { shop, type: "referrer.joined", key: "page-test", data: "{}", occurredAt: new Date() } });
    await db.eventDelivery.create({ data: { shop, eventId: event.id, target: webhookTarget(id), status: "SENT", attempts: 2, responseStatus: 200, durationMs: 12, availableAt: new Date(), createdAt: new Date() } });
    expect(await sink.targets(db, shop, "referrer.joined")).toEqual([webhookTarget(id)]);
    expect(await sink.targets(db, shop, "referral.created")).toEqual([]);
    const withLog = await load(page.loader, shop, `${PATH}?endpoint=${id}`);
    expect(withLog.log?.deliveries).toEqual([expect.objectContaining({ type: "referrer.joined", status: "SENT", attempts: 2, responseStatus: 200, durationMs: 12, lastError: null })]);

    // Another shop cannot see or touch it.
    const other = uniqueShop();
    await installShop(other);
    expect(await thrownStatus(() => load(page.loader, other, `${PATH}?endpoint=${id}`))).toBe(404);
    expect(await thrownStatus(() => act(page.action, other, PATH, { intent: "disable", id }))).toBe(404);
    expect(await thrownStatus(() => act(page.action, other, PATH, { intent: "delete", id }))).toBe(404);

    expect(await act(page.action, shop, PATH, { intent: "disable", id })).toMatchObject({ status: 200 });
    expect((await load(page.loader, shop, PATH)).endpoints[0]).toMatchObject({ enabled: false, disabledReason: "MERCHANT" });
    expect(await sink.targets(db, shop, "referrer.joined")).toEqual([]);
    expect(await act(page.action, shop, PATH, { intent: "enable", id })).toMatchObject({ status: 200 });
    expect(await act(page.action, shop, PATH, { intent: "delete", id })).toMatchObject({ status: 200 });
    expect((await load(page.loader, shop, PATH)).endpoints).toEqual([]);
    expect(await db.eventDelivery.count({ where: { shop, target: webhookTarget(id) } })).toBe(0);
  });
});

it("shop erasure deletes the shop's endpoints", async () => {
  const shop = uniqueShop();
  const keep = uniqueShop();
  await endpointFor(shop, ["referrer.joined"]);
  await endpointFor(keep, ["referrer.joined"]);
  expect(await redactShop(db, { shop })).toMatchObject({ webhookEndpoints: 1 });
  expect(await db.webhookEndpoint.count({ where: { shop } })).toBe(0);
  expect(await db.webhookEndpoint.count({ where: { shop: keep } })).toBe(1);
});
