// Shopify Flow triggers end to end: a real state change (a friend's paid order
// through the signed webhook route and the real worker) starts the shop's
// workflows through the fake Admin API's flowTriggerReceive, once, whatever the
// duplicate deliveries, concurrent workers, reruns and Shopify failures; only
// while Flow's lifecycle callback says a workflow uses the trigger. And every
// payload has exactly the fields its extension's toml declares.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { EVENT_OUTBOX_JOB, EVENT_OUTBOX_KEY, kickEvents, recordEvents } from "~/events/record.server";
import type { DeliverableEvent, EventReferrer, EventType, RewardFacts, ReferralFacts } from "~/events/types";
import { FLOW_TRIGGERS, customerNumber, flowTriggerOf } from "~/integrations/flow/triggers";
import { enqueueJob } from "~/queue/queue.server";
import { redactShop } from "~/referrals/privacy.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { FLOW_TRIGGER_RECEIVE } from "~/shopify/documents";
import { ShopifyUserError } from "~/shopify/errors";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { unauthenticated } from "~/shopify.server";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { pipelineWorker, usePipeline } from "../helpers/pipeline";
import { signWebhookBody } from "../helpers/webhook-request";

const { shopify, setupShop } = usePipeline();

const EXTENSIONS = path.join(import.meta.dirname, "..", "..", "extensions");

interface ExtensionToml {
  extensions: { name: string; handle: string; type: string; description?: string; url?: string }[];
  settings?: { fields?: { type: string; key?: string; description?: string }[] };
}

const extensions = readdirSync(EXTENSIONS)
  .map((dir) => path.join(EXTENSIONS, dir, "shopify.extension.toml"))
  .filter((file) => existsSync(file))
  .map((file) => ({ file, config: toml.parse(readFileSync(file, "utf8")) as ExtensionToml }));
const triggerExtensions = extensions.filter((e) => e.config.extensions?.[0]?.type === "flow_trigger");

let nextId = 7_000_000_000_000;

function paidOrder(code: string) {
  const orderId = ++nextId;
  const payload = orderPaidPayload({
    orderId,
    customerId: ++nextId,
    email: `friend${orderId}@example.com`,
    discountCodes: [code],
    subtotal: "100.00",
    total: "100.00",
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  return { orderId, payload };
}

/** Flow's lifecycle callback, signed with the app's secret, through the real route. */
async function lifecycle(shop: string, definitionId: string, enabled: boolean, options: { at?: Date; secret?: string } = {}) {
  const body = JSON.stringify({
    flow_trigger_definition_id: definitionId,
    has_enabled_flow: enabled,
    shop_id: 690933842,
    shopify_domain: shop,
    timestamp: (options.at ?? new Date(testClock.now())).toISOString(),
  });
  const route = await import("~/routes/flow.lifecycle");
  const request = new Request("https://referrals.test/flow/lifecycle", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": signWebhookBody(body, options.secret) },
    body,
  });
  return route.action({ request, params: {}, context: {} });
}

async function flowDeliveries(shop: string) {
  return db.eventDelivery.findMany({ where: { shop, target: "flow" }, include: { event: true } });
}

/** The payload the referral-rewarded trigger must carry, read off the database. */
async function expectedRewardedPayload(shop: string, orderId: number, customerGid: string) {
  const referral = await db.referral.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: orderGid(orderId) } }, include: { reward: true, referrer: true } });
  const reward = referral.reward!;
  const event = await db.referralEvent.findFirstOrThrow({ where: { shop, type: "referral.rewarded", rewardId: reward.id } });
  return {
    customer_id: Number(customerGid.split("/").pop()),
    "Referral code": referral.referrer.code,
    "Event ID": event.id,
    "Order name": referral.orderName ?? "",
    "Reward kind": reward.kind,
    "Reward value": Number(reward.value.toString()),
    "Reward value type": reward.valueType,
    "Currency code": reward.currencyCode ?? "",
    "Reward code": reward.code ?? "",
  };
}

describe("Flow triggers through the pipeline", () => {
  it("a friend's paid order, once rewarded, starts the shop's Referral rewarded workflows once", async () => {
    const p = await setupShop({ holdDays: 0 });
    expect((await lifecycle(p.shop, "referral-rewarded", true)).status).toBe(200);
    const { orderId, payload } = paidOrder(p.referrer.code);
    await p.send("orders/paid", payload);
    await p.drain();

    expect((await p.referral(orderGid(orderId)))?.reward?.status).toBe("ISSUED");
    const sent = shopify.fake.flowTriggers(p.shop);
    expect(sent).toHaveLength(1);
    expect(sent[0].handle).toBe("referral-rewarded");
    expect(sent[0].payload).toEqual(await expectedRewardedPayload(p.shop, orderId, p.referrerCustomer.id));
    expect(await flowDeliveries(p.shop)).toEqual([expect.objectContaining({ status: "SENT", attempts: 1, lastError: null })]);
    // Only the trigger in use: the referrer joined before, and the referral
    // was created, with no workflow on those triggers.
    expect((await flowDeliveries(p.shop)).map((d) => d.event.type)).toEqual(["referral.rewarded"]);
  });

  it("duplicate webhook deliveries, two workers and a rerun of the outbox still send one trigger", async () => {
    const p = await setupShop({ holdDays: 0 });
    await lifecycle(p.shop, "referral-rewarded", true);
    const { payload } = paidOrder(p.referrer.code);
    const webhookId = await p.send("orders/paid", payload);
    await p.send("orders/paid", payload, webhookId);
    await p.send("orders/paid", payload); // the same order under a new webhook id
    const second = pipelineWorker({ workerId: "second" });
    await Promise.all([p.drain(), p.drain(second)]);

    const now = new Date(testClock.now());
    await enqueueJob(db, { shop: p.shop, kind: EVENT_OUTBOX_JOB, key: EVENT_OUTBOX_KEY, availableAt: now }, now);
    await Promise.all([p.drain(), p.drain(second)]);

    expect(shopify.fake.flowTriggers(p.shop)).toHaveLength(1);
    expect(await flowDeliveries(p.shop)).toEqual([expect.objectContaining({ status: "SENT" })]);
  });

  it("throttled, then a Shopify 5xx: retried, and sent once", async () => {
    const p = await setupShop({ holdDays: 0 });
    await lifecycle(p.shop, "referral-rewarded", true);
    shopify.fake.faults.queue("FlowTriggerReceive", { kind: "throttled" }, { kind: "http5xx", status: 503 });
    const { orderId, payload } = paidOrder(p.referrer.code);
    await p.send("orders/paid", payload);
    await p.drain();

    expect(shopify.fake.flowTriggers(p.shop)).toHaveLength(0);
    const [waiting] = await flowDeliveries(p.shop);
    expect(waiting).toMatchObject({ status: "QUEUED", attempts: 1, responseStatus: 503 });
    expect(waiting.lastError).toContain("503");

    p.advance(waiting.availableAt.getTime() - testClock.now() + 1);
    await p.drain();
    const sent = shopify.fake.flowTriggers(p.shop);
    expect(sent).toHaveLength(1);
    expect(sent[0].payload).toEqual(await expectedRewardedPayload(p.shop, orderId, p.referrerCustomer.id));
    expect(await flowDeliveries(p.shop)).toEqual([expect.objectContaining({ status: "SENT", attempts: 2, lastError: null })]);
  });

  it("userErrors from Shopify fail the delivery at once, with Shopify's message", async () => {
    const p = await setupShop({ holdDays: 0 });
    await lifecycle(p.shop, "referral-rewarded", true);
    // As if the trigger extension had not been deployed to the app's current version.
    shopify.fake.shop(p.shop).flowTriggerHandles.delete("referral-rewarded");
    const { payload } = paidOrder(p.referrer.code);
    await p.send("orders/paid", payload);
    await p.drain();

    expect(shopify.fake.flowTriggers(p.shop)).toHaveLength(0);
    const [failed] = await flowDeliveries(p.shop);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed.lastError).toBe("Shopify refused the Referral rewarded trigger: Invalid handle 'referral-rewarded': no Flow trigger extension of this app has it.");
  });

  it("a workflow turned off after the event was recorded: skipped, nothing sent", async () => {
    const p = await setupShop();
    await lifecycle(p.shop, "referrer-joined", true);
    const now = new Date(testClock.now());
    // Recorded (with its Flow delivery) in a transaction of its own, as a state change does; the outbox has not run yet.
    await db.$transaction((tx) =>
      recordEvents(tx, p.shop, [{ type: "referrer.joined", key: `test:${p.referrer.id}`, referrerId: p.referrer.id, occurredAt: now, data: { referrer: { code: p.referrer.code, source: "ADMIN" } } }], now),
    );
    p.advance(1000);
    await lifecycle(p.shop, "referrer-joined", false);
    await kickEvents(db, p.shop, new Date(testClock.now()), new Date(testClock.now()));
    await p.drain();

    expect(shopify.fake.flowTriggers(p.shop)).toHaveLength(0);
    const deliveries = await flowDeliveries(p.shop);
    expect(deliveries.map((d) => [d.event.type, d.status, d.lastError])).toEqual([["referrer.joined", "SKIPPED", "No enabled workflow uses the Referrer joined trigger"]]);
  });
});

describe("Flow's trigger lifecycle callback", () => {
  it("records use by trigger, ignores stale callbacks, and targets only triggers in use", async () => {
    const p = await setupShop();
    const t0 = new Date(testClock.now());
    expect((await lifecycle(p.shop, "referral-rewarded", true, { at: t0 })).status).toBe(200);
    // Flow's example names a trigger by its title: accepted too.
    expect((await lifecycle(p.shop, "Referral rejected", true, { at: t0 })).status).toBe(200);
    // Older than what is recorded: ignored.
    expect((await lifecycle(p.shop, "referral-rewarded", false, { at: new Date(t0.getTime() - 60_000) })).status).toBe(200);
    const uses = await db.flowTriggerUse.findMany({ where: { shop: p.shop }, orderBy: { handle: "asc" } });
    expect(uses.map((u) => [u.handle, u.active])).toEqual([["referral-rejected", true], ["referral-rewarded", true]]);

    const { flowSink } = await import("~/integrations/flow/sink.server");
    const targets = async (type: EventType) => db.$transaction((tx) => flowSink.targets(tx, p.shop, type));
    expect(await targets("referral.rewarded")).toEqual(["flow"]);
    expect(await targets("referral.rejected")).toEqual(["flow"]);
    expect(await targets("referrer.joined")).toEqual([]);
    expect(await targets("leak.suspected")).toEqual([]);
    expect(await db.$transaction((tx) => flowSink.targets(tx, "other-shop.myshopify.com", "referral.rewarded"))).toEqual([]);

    expect((await lifecycle(p.shop, "referral-rewarded", false, { at: new Date(t0.getTime() + 1000) })).status).toBe(200);
    expect(await targets("referral.rewarded")).toEqual([]);

    // shop/redact erases the shop's trigger use with the rest.
    expect((await redactShop(db, { shop: p.shop })).flowTriggerUses).toBe(2);
    expect(await db.flowTriggerUse.count({ where: { shop: p.shop } })).toBe(0);
  });

  it("refuses a bad signature and records nothing for an unknown trigger", async () => {
    const p = await setupShop();
    expect((await lifecycle(p.shop, "referral-rewarded", true, { secret: "not-the-app-secret-at-all" })).status).toBe(401);
    expect((await lifecycle(p.shop, "auction-bid", true)).status).toBe(200);
    expect(await db.flowTriggerUse.count({ where: { shop: p.shop } })).toBe(0);
  });
});

describe("the fake's flowTriggerReceive", () => {
  it("refuses an unknown handle and a payload over 50 KB, as Shopify does, and charges like a mutation", async () => {
    const p = await setupShop();
    const { admin } = await unauthenticated.admin(p.shop);
    const client = createAdminClient(admin.graphql, { shop: p.shop, now: testClock.now, sleep: testClock.sleep, throttle: new ThrottleTracker() });
    await expect(client.mutate(FLOW_TRIGGER_RECEIVE, { handle: "auction-bid", payload: { customer_id: 1 } })).rejects.toThrow(ShopifyUserError);
    await expect(client.mutate(FLOW_TRIGGER_RECEIVE, { handle: "referral-rewarded", payload: { "Referral code": "x".repeat(50_001) } })).rejects.toThrow(/limit is 50 KB/);
    expect(shopify.fake.flowTriggers(p.shop)).toHaveLength(0);

    const before = shopify.fake.bucket(p.shop).currentlyAvailable();
    await client.mutate(FLOW_TRIGGER_RECEIVE, { handle: "referral-rewarded", payload: { customer_id: 1 } });
    expect(before - shopify.fake.bucket(p.shop).currentlyAvailable()).toBeGreaterThanOrEqual(10);
    expect(shopify.fake.flowTriggers(p.shop)).toEqual([expect.objectContaining({ handle: "referral-rewarded", payload: { customer_id: 1 } })]);
  });
});

// ---- payloads against the extensions ---------------------------------------

const referrer: EventReferrer = {
  id: "r1",
  customerId: "gid://shopify/Customer/7512345678901",
  email: "rita@example.com",
  firstName: "Rita",
  lastName: null,
  locale: "en",
  code: "RITA-7K2P",
  link: "https://shop.example/?ref=RITA-7K2P",
  status: "ACTIVE",
  referralCount: 3,
  rewardsIssued: 2,
};
const referral: ReferralFacts = {
  id: "ref1",
  orderId: "gid://shopify/Order/1",
  orderName: "#1001",
  subtotal: { amount: "120.50", currencyCode: "EUR" },
  total: { amount: "130.00", currencyCode: "EUR" },
  attributedBy: "CODE",
  channel: null,
  status: "PENDING",
  holdUntil: null,
};
const reward: RewardFacts = { id: "w1", source: "REFERRAL", milestone: null, kind: "CODE", valueType: "FIXED_AMOUNT", value: "10.00", currencyCode: "EUR", code: "THANKS-RITA", expiresAt: null };
const percentReward: RewardFacts = { ...reward, valueType: "PERCENTAGE", value: "15", currencyCode: null };

const samples: { [T in EventType]: DeliverableEvent["data"][] } = {
  "referrer.joined": [{ referrer: { code: referrer.code, source: "STOREFRONT" } }],
  "referral.created": [{ referral }, { referral: { ...referral, orderName: null } }],
  "referral.rejected": [{ referral, reason: "The friend had ordered before" }],
  "referral.rewarded": [{ reward, referral: { id: referral.id, orderId: referral.orderId, orderName: referral.orderName } }, { reward: percentReward, referral: null }],
  "reward.revoked": [{ reward, reason: "The friend's order was refunded" }, { reward: { ...reward, kind: "STORE_CREDIT", code: null }, reason: "Cancelled" }],
  "leak.suspected": [{ code: referrer.code, evidence: "coupon site" }],
};

function checkType(type: string, value: unknown) {
  if (type === "customer_reference") return Number.isSafeInteger(value);
  if (type === "number_decimal") return typeof value === "number" && Number.isFinite(value);
  if (type === "single_line_text_field") return typeof value === "string" && !/[\r\n]/.test(value);
  if (type === "url") return typeof value === "string" && URL.canParse(value);
  if (type === "email") return typeof value === "string" && value.includes("@");
  return false;
}

describe("Flow trigger payloads", () => {
  it("each trigger has its extension, and each trigger extension its trigger", () => {
    const handles = Object.values(FLOW_TRIGGERS).map((t) => t.handle);
    expect(triggerExtensions.map((e) => e.config.extensions[0].handle).sort()).toEqual([...handles].sort());
    expect(Object.keys(FLOW_TRIGGERS).sort()).toEqual(["referral.created", "referral.rejected", "referral.rewarded", "referrer.joined", "reward.revoked"]);
  });

  it.each(Object.entries(FLOW_TRIGGERS))("%s: the payload has exactly its extension's fields, with their types", (type, trigger) => {
    const extension = triggerExtensions.find((e) => e.config.extensions[0].handle === trigger!.handle);
    expect(extension, `no extension with handle ${trigger!.handle}`).toBeDefined();
    const config = extension!.config;
    // Shopify CLI's rules: handle <= 30 letters, digits and hyphens; field keys letters and spaces.
    expect(trigger!.handle).toMatch(/^[a-z0-9-]{1,30}$/);
    expect(config.extensions[0].name).toBe(trigger!.name);
    expect(config.extensions[0].description).toBeTruthy();
    const fields = config.settings?.fields ?? [];
    expect(fields.filter((f) => f.type === "customer_reference")).toHaveLength(1);
    for (const field of fields) if (field.type !== "customer_reference") expect(field.key).toMatch(/^[a-zA-Z\s]+$/);
    const declared = new Map(fields.map((f) => [f.type === "customer_reference" ? "customer_id" : f.key!, f.type]));

    for (const data of samples[type as EventType]) {
      const event: DeliverableEvent = { id: "evt_1", shop: "x.myshopify.com", type: type as EventType, occurredAt: new Date(), data, referralId: null, rewardId: null, referrer };
      const payload = flowTriggerOf(event.type)!.payload(event, referrer, customerNumber(referrer.customerId)!);
      expect(Object.keys(payload).sort()).toEqual([...declared.keys()].sort());
      for (const [key, value] of Object.entries(payload)) expect(checkType(declared.get(key)!, value), `${key} = ${JSON.stringify(value)} is not a ${declared.get(key)}`).toBe(true);
      expect(payload.customer_id).toBe(7512345678901);
      expect(payload["Event ID"]).toBe("evt_1");
    }
  });

  it("the lifecycle callback extension points at the app's route", () => {
    const callback = extensions.filter((e) => e.config.extensions?.[0]?.type === "flow_trigger_lifecycle_callback");
    expect(callback.map((e) => e.config.extensions[0].url)).toEqual(["/flow/lifecycle"]);
    expect(existsSync(path.join(import.meta.dirname, "..", "..", "app", "routes", "flow.lifecycle.ts"))).toBe(true);
  });

  it("customer_reference takes the customer's numeric id, never a rounded one", () => {
    expect(customerNumber("gid://shopify/Customer/7512345678901")).toBe(7512345678901);
    expect(customerNumber("gid://shopify/Customer/99999999999999999999")).toBeNull();
    expect(customerNumber("gid://shopify/Order/1")).toBeNull();
    expect(customerNumber(null)).toBeNull();
  });
});
