// Referral events through the real pipeline: each state change records its
// event once (duplicate webhooks, reruns, two workers), its deliveries are made
// by the event outbox job, retried with backoff, given up once, and an event
// whose kick a crash lost is found by the worker's maintenance.
import { afterEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { registerEventSink, type EventSink } from "~/events/sinks.server";
import { kickDueEvents } from "~/events/outbox.server";
import { recordEvents } from "~/events/record.server";
import { applyRetention } from "~/jobs/retention.server";
import { DEFAULT_RETENTION } from "~/jobs/retention-policy";
import type { DeliverableEvent, DeliveryResult } from "~/events/types";
import { orderPaidPayload, refundCreatePayload, orderGid } from "../../fake-shopify/payloads";
import { pipelineWorker, usePipeline } from "../helpers/pipeline";
import { testClock } from "../helpers/admin";

const { setupShop } = usePipeline();

// A recording integration, for the shops of this file only (the registry is shared by the process).
const ours = new Set<string>();
const received: { target: string; event: DeliverableEvent; attempt: number }[] = [];
let answer: (event: DeliverableEvent, attempt: number) => DeliveryResult = () => ({ outcome: "sent", status: 200 });
const gaveUp: string[] = [];
const recorder: EventSink = {
  name: "recorder",
  targets: async (_tx, shop) => (ours.has(shop) ? ["recorder"] : []),
  async deliver(_ctx, target, event, attempt) {
    received.push({ target, event, attempt });
    return answer(event, attempt);
  },
  retry: { maxAttempts: 3 },
  async onGiveUp(_ctx, target, error) {
    gaveUp.push(`${target}: ${error}`);
  },
};
registerEventSink(recorder);

afterEach(() => {
  received.length = 0;
  gaveUp.length = 0;
  answer = () => ({ outcome: "sent", status: 200 });
});

let nextId = 7_100_000_000_000;
const newId = () => ++nextId;

function paidOrder(code: string, customerId: number = newId()) {
  const orderId = newId();
  return {
    orderId,
    payload: orderPaidPayload({
      orderId,
      customerId,
      email: `friend${orderId}@example.com`,
      discountCodes: [code],
      subtotal: "80.00",
      total: "90.00",
      currency: "EUR",
      createdAt: new Date(testClock.now()).toISOString(),
    }),
  };
}

async function ourShop(settings: Parameters<typeof setupShop>[0]) {
  // The shop's name is only known once it exists: the referrer's own "joined" is recorded before we can add it.
  const p = await setupShop(settings);
  ours.add(p.shop);
  return p;
}

const eventsOf = (shop: string) => db.referralEvent.findMany({ where: { shop }, orderBy: { occurredAt: "asc" } });

describe("referral events", () => {
  it("an order's life reports created, rewarded and revoked once each, whatever Shopify and the workers do", async () => {
    const p = await ourShop({ holdDays: 0 });
    const { orderId, payload } = paidOrder(p.referrer.code);
    const webhookId = await p.send("orders/paid", payload);
    await p.send("orders/paid", payload, webhookId);
    await p.send("orders/paid", payload); // the same order as a new delivery
    // Two workers drain at once.
    await Promise.all([p.drain(), p.drain(pipelineWorker({ workerId: "second" }))]);
    const refund = refundCreatePayload({ orderId, refundId: newId(), amount: "90.00", currency: "EUR" });
    await p.send("refunds/create", refund);
    await p.send("refunds/create", refund);
    await Promise.all([p.drain(), p.drain(pipelineWorker({ workerId: "second" }))]);

    const referral = await p.referral(orderGid(orderId));
    expect(referral).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED" } });
    const events = await eventsOf(p.shop);
    expect(events.map((e) => e.type)).toEqual(["referrer.joined", "referral.created", "referral.rewarded", "reward.revoked"]);
    expect(events.filter((e) => e.type === "referrer.joined")).toHaveLength(1);

    // The joined event was recorded before this file's recorder knew the shop: no delivery for it.
    const deliveries = await db.eventDelivery.findMany({ where: { shop: p.shop }, include: { event: true } });
    expect(deliveries.map((d) => [d.event.type, d.status, d.attempts])).toEqual(
      expect.arrayContaining([
        ["referral.created", "SENT", 1],
        ["referral.rewarded", "SENT", 1],
        ["reward.revoked", "SENT", 1],
      ]),
    );
    expect(deliveries).toHaveLength(3);
    expect(received.map((r) => r.event.type).sort()).toEqual(["referral.created", "referral.rewarded", "reward.revoked"]);

    const created = received.find((r) => r.event.type === "referral.created")!.event;
    expect(created.data).toMatchObject({
      referral: { orderId: orderGid(orderId), subtotal: { amount: "80.00", currencyCode: "EUR" }, total: { amount: "90.00", currencyCode: "EUR" }, attributedBy: "CODE", status: "PENDING" },
    });
    // The referrer's contact is read when delivering, never stored in the event.
    expect(created.referrer).toMatchObject({ id: p.referrer.id, email: "rita@example.com", customerId: p.referrerCustomer.id, code: p.referrer.code });
    expect(created.referrer!.link).toMatch(new RegExp(`[?&]ref=${p.referrer.code}`));
    expect(events.every((e) => !e.data.includes("rita@example.com"))).toBe(true);

    const rewarded = received.find((r) => r.event.type === "referral.rewarded")!.event;
    expect(rewarded.data).toMatchObject({ reward: { kind: "CODE", valueType: "PERCENTAGE", value: "10" }, referral: { orderId: orderGid(orderId) } });
    const revoked = received.find((r) => r.event.type === "reward.revoked")!.event;
    expect(revoked.data).toMatchObject({ reward: { id: referral!.reward!.id }, reason: expect.any(String) });
  });

  it("a refused order reports referral.rejected with its reason", async () => {
    const p = await ourShop({ holdDays: 0 });
    const own = Number(p.referrerCustomer.id.split("/").pop());
    const { payload } = paidOrder(p.referrer.code, own);
    await p.send("orders/paid", payload);
    await p.drain();
    const rejected = received.filter((r) => r.event.type === "referral.rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0].event.data).toMatchObject({ reason: expect.stringMatching(/Self-referral/), referral: { status: "REJECTED" } });
  });

  it("a target that fails is retried with backoff and the event delivered once; one that keeps failing is given up once", async () => {
    const p = await ourShop({ holdDays: 30 });
    answer = (_event, attempt) => (attempt < 2 ? { outcome: "retry", error: "503 from the receiver", status: 503 } : { outcome: "sent", status: 204 });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    let delivery = await db.eventDelivery.findFirstOrThrow({ where: { shop: p.shop } });
    expect(delivery).toMatchObject({ status: "QUEUED", attempts: 1, responseStatus: 503, lastError: "503 from the receiver" });
    expect(delivery.availableAt.getTime()).toBeGreaterThan(testClock.now());

    // Not before its time, even when the job runs.
    await p.drain();
    expect(received).toHaveLength(1);
    p.advance(delivery.availableAt.getTime() - testClock.now());
    await p.drain();
    delivery = await db.eventDelivery.findFirstOrThrow({ where: { shop: p.shop } });
    expect(delivery).toMatchObject({ status: "SENT", attempts: 2, responseStatus: 204, lastError: null });
    expect(received.map((r) => [r.event.id, r.attempt])).toEqual([
      [delivery.eventId, 1],
      [delivery.eventId, 2],
    ]);

    answer = () => ({ outcome: "retry", error: "connection refused" });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    for (let i = 0; i < 5; i++) {
      await p.drain();
      p.advance(2 * 3_600_000);
    }
    const failed = await db.eventDelivery.findMany({ where: { shop: p.shop, status: "FAILED" } });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 3, lastError: "Gave up after 3 attempts: connection refused" });
    expect(gaveUp).toEqual(["recorder: Gave up after 3 attempts: connection refused"]);
  });

  it("an event whose kick was lost is delivered by the worker's maintenance", async () => {
    const p = await ourShop({ holdDays: 30 });
    const now = new Date(testClock.now());
    // A change committed with its event, then the process died before the kick.
    const event = { type: "leak.suspected" as const, key: `leak:${p.referrer.id}:test`, referrerId: p.referrer.id, occurredAt: now, data: { code: p.referrer.code, evidence: "3 of 4 orders" } };
    expect(await db.$transaction((tx) => recordEvents(tx, p.shop, [event, event], now))).toBe(1);
    expect(await db.$transaction((tx) => recordEvents(tx, p.shop, [event], now))).toBe(0);
    await p.drain();
    expect(received).toHaveLength(0);
    expect(await kickDueEvents(db, now)).toBeGreaterThanOrEqual(1);
    await p.drain();
    expect(received.map((r) => [r.event.type, r.event.data])).toEqual([["leak.suspected", { code: p.referrer.code, evidence: "3 of 4 orders" }]]);
  });

  it("retention: an event all of whose deliveries are finished goes after RETENTION_EVENT_DAYS; one still being retried stays", async () => {
    const p = await ourShop({ holdDays: 30 });
    answer = (event) => (event.type === "referral.created" && received.filter((r) => r.event.type === "referral.created").length > 1 ? { outcome: "retry", error: "down" } : { outcome: "sent", status: 200 });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    expect(await db.eventDelivery.groupBy({ by: ["status"], where: { shop: p.shop }, _count: { _all: true }, orderBy: { status: "asc" } })).toEqual([
      { status: "QUEUED", _count: { _all: 1 } },
      { status: "SENT", _count: { _all: 1 } },
    ]);
    const later = new Date(testClock.now() + (DEFAULT_RETENTION.eventDays + 1) * 86_400_000);
    const removed = await applyRetention(db, later, DEFAULT_RETENTION);
    expect(removed.referralEvents).toBeGreaterThanOrEqual(1);
    // The shop's joined event (no delivery) and the sent one are gone; the one still retried is kept.
    const left = await db.referralEvent.findMany({ where: { shop: p.shop }, include: { deliveries: true } });
    expect(left.map((e) => [e.type, e.deliveries.map((d) => d.status)])).toEqual([["referral.created", ["QUEUED"]]]);
  });

  it("erasing the referrer erases their events and what was still to be delivered", async () => {
    const p = await ourShop({ holdDays: 30 });
    answer = () => ({ outcome: "retry", error: "down" });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    expect(await db.referralEvent.count({ where: { shop: p.shop, referrerId: p.referrer.id } })).toBe(2);
    await p.send("customers/redact", {
      shop_id: 1,
      shop_domain: p.shop,
      customer: { id: Number(p.referrerCustomer.id.split("/").pop()), email: "rita@example.com", phone: null },
      orders_to_redact: [],
    });
    for (let i = 0; i < 10; i++) await p.drain();
    expect(await db.referralEvent.count({ where: { shop: p.shop, referrerId: p.referrer.id } })).toBe(0);
    expect(await db.eventDelivery.count({ where: { shop: p.shop } })).toBe(0);
  });

  it("erasing a friend erases the events about their orders (a merchant's reason may name them)", async () => {
    const p = await ourShop({ holdDays: 30 });
    const friendId = newId();
    const { orderId, payload } = paidOrder(p.referrer.code, friendId);
    await p.send("orders/paid", payload);
    await p.drain();
    const referral = (await p.referral(orderGid(orderId)))!;
    expect(await db.referralEvent.count({ where: { shop: p.shop, referralId: referral.id } })).toBe(1);
    await p.send("customers/redact", { shop_id: 1, shop_domain: p.shop, customer: { id: friendId, email: `friend${orderId}@example.com`, phone: null }, orders_to_redact: [orderId] });
    for (let i = 0; i < 10; i++) await p.drain();
    expect(await db.referralEvent.count({ where: { shop: p.shop, referralId: referral.id } })).toBe(0);
    // The referrer's own events stay.
    expect(await db.referralEvent.count({ where: { shop: p.shop, referrerId: p.referrer.id, type: "referrer.joined" } })).toBe(1);
  });
});
