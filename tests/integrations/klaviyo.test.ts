// Klaviyo, end to end: the merchant connects through the admin page (the key
// checked with Klaviyo, stored sealed), a friend's paid order goes through the
// real webhook route and worker, and the event outbox sends it to Klaviyo
// through the official SDK, answered by a fake of Klaviyo's documented
// endpoints at the network edge (msw).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { encryptionKey, open, seal } from "~/integrations/klaviyo/secret-box.server";
import { CREATE_EVENT_LIMITS, klaviyoRules } from "~/integrations/klaviyo/sink.server";
import { redactShop } from "~/referrals/privacy.server";
import * as page from "~/routes/app.integrations.klaviyo";
import * as emailsPage from "~/routes/app.emails";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { act, load } from "../helpers/admin-request";
import { testClock } from "../helpers/admin";
import { FakeKlaviyo } from "../../fake-shopify/klaviyo";
import { usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";
import { mentionsOf } from "../privacy/every-row";

const klaviyo = new FakeKlaviyo();
const { setupShop } = usePipeline(...klaviyo.handlers());
const PATH = "/app/integrations/klaviyo";
const GOOD_KEY = "pk_0123456789abcdef0123456789abcdefab12";

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});
beforeEach(() => {
  klaviyo.reset();
  klaviyo.keys.add(GOOD_KEY);
});

let nextId = 8_000_000_000_000;
const newId = () => ++nextId;

function paidOrder(code: string, subtotal = "100.00") {
  const orderId = newId();
  const payload = orderPaidPayload({
    orderId,
    customerId: newId(),
    email: `friend${orderId}@example.com`,
    discountCodes: [code],
    subtotal,
    total: subtotal,
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  return { orderId, payload };
}

type Pipeline = Awaited<ReturnType<typeof setupShop>>;

async function connected(settings: Parameters<typeof setupShop>[0] = {}) {
  const p = await setupShop({ holdDays: 14, ...settings });
  const result = await act(page.action, p.shop, PATH, { intent: "connect", apiKey: GOOD_KEY });
  expect(result.status).toBe(200);
  return p;
}

const deliveries = (shop: string) => db.eventDelivery.findMany({ where: { shop, target: "klaviyo" }, orderBy: { createdAt: "asc" } });

async function orderFromFriend(p: Pipeline) {
  const { orderId, payload } = paidOrder(p.referrer.code);
  await p.send("orders/paid", payload);
  await p.drain();
  return orderId;
}

describe("connecting Klaviyo", () => {
  it("names the field for a malformed or refused key, and stores a good one sealed: the key is in no row", async () => {
    const p = await setupShop();
    const malformed = await act(page.action, p.shop, PATH, { intent: "connect", apiKey: "AbC123" });
    expect(malformed.status).toBe(400);
    expect(malformed.data.errors.apiKey).toMatch(/Private API key/);

    const refused = await act(page.action, p.shop, PATH, { intent: "connect", apiKey: "pk_ffffffffffffffffffffffffffffffff0000" });
    expect(refused.status).toBe(400);
    expect(refused.data.errors.apiKey).toMatch(/Private API key: Klaviyo refused it/);
    expect(klaviyo.accountRequests).toBe(1); // the malformed key never reached Klaviyo
    expect(await db.klaviyoConnection.count({ where: { shop: p.shop } })).toBe(0);

    const good = await act(page.action, p.shop, PATH, { intent: "connect", apiKey: `  ${GOOD_KEY} ` });
    expect(good).toMatchObject({ status: 200, data: { ok: true } });
    expect(klaviyo.accountRequests).toBe(2);

    const row = await db.klaviyoConnection.findUniqueOrThrow({ where: { shop: p.shop } });
    expect(row).toMatchObject({ keyLast4: "ab12", status: "ACTIVE", sendAppEmails: true });
    expect(open(encryptionKey()!, row.keyCiphertext, p.shop)).toBe(GOOD_KEY);
    expect(await mentionsOf(db, p.shop, [GOOD_KEY, GOOD_KEY.slice(3, 20)])).toEqual([]);

    const shown = await load(page.loader, p.shop, PATH);
    expect(shown).toMatchObject({ canConnect: true, connection: { last4: "ab12", broken: false, sendAppEmails: true } });
    expect(JSON.stringify(shown)).not.toContain(GOOD_KEY.slice(3, 20));
  });

  it("seals with the shop bound in: another shop's row, another key or a changed byte does not open", () => {
    const key = encryptionKey()!;
    const sealed = seal(key, GOOD_KEY, "a.myshopify.com");
    expect(open(key, sealed, "a.myshopify.com")).toBe(GOOD_KEY);
    expect(open(key, sealed, "b.myshopify.com")).toBeNull();
    expect(open(Buffer.alloc(32, 7), sealed, "a.myshopify.com")).toBeNull();
    const bytes = Buffer.from(sealed, "base64");
    bytes[bytes.length - 1] ^= 1;
    expect(open(key, bytes.toString("base64"), "a.myshopify.com")).toBeNull();
    // Production never derives a key: without ENCRYPTION_KEY there is none, and Klaviyo cannot be connected.
    expect(encryptionKey({ NODE_ENV: "production", SHOPIFY_API_SECRET: "x".repeat(32), ENCRYPTION_KEY: undefined })).toBeNull();
    expect(encryptionKey({ NODE_ENV: "production", SHOPIFY_API_SECRET: "x".repeat(32), ENCRYPTION_KEY: "ab".repeat(32) })).toEqual(Buffer.alloc(32, 0xab));
  });
});

describe("sending events to Klaviyo", () => {
  it("a friend's paid order becomes one Klaviyo event on the referrer's profile, keyed by the event id", async () => {
    const p = await connected();
    const orderId = await orderFromFriend(p);

    const event = await db.referralEvent.findFirstOrThrow({ where: { shop: p.shop, type: "referral.created" } });
    expect(await deliveries(p.shop)).toEqual([expect.objectContaining({ eventId: event.id, status: "SENT", responseStatus: 202 })]);
    expect(klaviyo.events).toHaveLength(1);
    const sent = klaviyo.events[0];
    expect(sent).toMatchObject({
      key: GOOD_KEY,
      uniqueId: event.id,
      metric: "Referral: referral created",
      time: event.occurredAt.toISOString(),
      properties: {
        event_type: "referral.created",
        referral_code: p.referrer.code,
        referral: { orderId: orderGid(orderId), subtotal: { amount: "100.00", currencyCode: "USD" }, status: "PENDING" },
      },
      profile: {
        email: "rita@example.com",
        external_id: p.referrerCustomer.id,
        first_name: "Rita",
        properties: { referral_code: p.referrer.code, friends_referred: 1, rewards_earned: 0 },
      },
    });
    expect(sent.profile.properties!.referral_link).toMatch(new RegExp(`${p.referrer.code}$`));
    expect(sent.value).toBeUndefined();
  });

  it("a rewarded referral carries its amount as the event's value, and the profile's rewards count", async () => {
    const p = await connected({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "10" });
    await orderFromFriend(p);
    await p.drain();
    const rewarded = klaviyo.events.find((e) => e.metric === "Referral: referral rewarded");
    expect(rewarded).toMatchObject({ value: 10, valueCurrency: "USD", properties: { reward: { kind: "STORE_CREDIT", value: "10.00", currencyCode: "USD" } } });
    expect(rewarded!.profile.properties).toMatchObject({ friends_referred: 1, rewards_earned: 1 });
  });

  it("429 with Retry-After: waits as long as Klaviyo said, then sends once", async () => {
    const p = await connected();
    klaviyo.failNext({ status: 429, headers: { "Retry-After": "45" } });
    await orderFromFriend(p);
    const [waiting] = await deliveries(p.shop);
    expect(waiting).toMatchObject({ status: "QUEUED", attempts: 1, responseStatus: 429 });
    expect(waiting.availableAt.getTime() - testClock.now()).toBeGreaterThanOrEqual(45_000);
    expect(klaviyo.events).toHaveLength(0);

    p.advance(30_000);
    await p.drain();
    expect(klaviyo.eventRequests).toBe(1); // not before Klaviyo's time
    p.advance(20_000);
    await p.drain();
    expect(klaviyo.eventRequests).toBe(2);
    expect(klaviyo.events).toHaveLength(1);
    expect(await deliveries(p.shop)).toEqual([expect.objectContaining({ status: "SENT", attempts: 2 })]);
  });

  it("an answer lost after Klaviyo took the event, and the same order delivered twice: one Klaviyo event", async () => {
    const p = await connected();
    klaviyo.failNext({ status: 503, recordFirst: true });
    const { payload } = paidOrder(p.referrer.code);
    const webhookId = await p.send("orders/paid", payload);
    await p.send("orders/paid", payload, webhookId);
    await p.send("orders/paid", payload);
    await p.drain();
    expect(await deliveries(p.shop)).toEqual([expect.objectContaining({ status: "QUEUED", responseStatus: 503 })]);
    p.advance(60 * 60_000);
    await p.drain();
    expect(klaviyo.eventRequests).toBe(2);
    expect(klaviyo.events).toHaveLength(1);
    expect(await deliveries(p.shop)).toEqual([expect.objectContaining({ status: "SENT" })]);
  });

  it("over the shop's share of Klaviyo's limit: the delivery waits for the next window without calling Klaviyo", async () => {
    const p = await connected();
    const steady = klaviyoRules(p.shop)[1];
    const windowStart = new Date(Math.floor(testClock.now() / steady.windowMs) * steady.windowMs);
    await db.rateLimit.create({ data: { key: steady.key, windowStart, count: CREATE_EVENT_LIMITS.steadyPerMinute } });
    await orderFromFriend(p);
    const [waiting] = await deliveries(p.shop);
    expect(waiting).toMatchObject({ status: "QUEUED", lastError: expect.stringMatching(/limit/) });
    expect(waiting.availableAt.getTime()).toBeGreaterThanOrEqual(windowStart.getTime() + steady.windowMs);
    expect(klaviyo.eventRequests).toBe(0);
    p.advance(60 * 60_000);
    await p.drain();
    expect(klaviyo.events).toHaveLength(1);
  });

  it("a referrer without an email is skipped", async () => {
    const p = await connected();
    await db.referrer.update({ where: { id: p.referrer.id }, data: { email: null } });
    await orderFromFriend(p);
    expect(await deliveries(p.shop)).toEqual([expect.objectContaining({ status: "SKIPPED", lastError: expect.stringMatching(/no email/) })]);
    expect(klaviyo.eventRequests).toBe(0);
  });

  it("401: the delivery fails, the connection is marked broken on the page, and nothing more is queued for Klaviyo", async () => {
    const p = await connected();
    klaviyo.keys.delete(GOOD_KEY); // the merchant revoked the key in Klaviyo
    await orderFromFriend(p);
    expect(await deliveries(p.shop)).toEqual([expect.objectContaining({ status: "FAILED", responseStatus: 401 })]);
    const shown = await load(page.loader, p.shop, PATH);
    expect(shown.connection).toMatchObject({ broken: true, brokenReason: expect.stringMatching(/401/) });

    await orderFromFriend(p);
    expect(await deliveries(p.shop)).toHaveLength(1);

    klaviyo.keys.add(GOOD_KEY);
    expect((await act(page.action, p.shop, PATH, { intent: "connect", apiKey: GOOD_KEY })).status).toBe(200);
    expect((await load(page.loader, p.shop, PATH)).connection).toMatchObject({ broken: false, brokenReason: null });
  });
});

describe("the app's own emails", () => {
  it("switched off for Klaviyo flows: the email outbox sends the shop's shoppers nothing; disconnecting brings them back", async () => {
    const p = await connected();
    const to = `rita+${p.shop}@example.com`;
    await db.referrer.update({ where: { id: p.referrer.id }, data: { email: to } });
    const off = await act(page.action, p.shop, PATH, { intent: "app-emails", enabled: "false" });
    expect(off).toMatchObject({ status: 200, data: { ok: true } });
    // The Emails page's own switches stay as the merchant set them (one off here): they count again once Klaviyo is gone.
    await db.emailSwitch.create({ data: { shop: p.shop, kind: "REWARD_REMINDER", enabled: false } });
    // The Emails page says where the shoppers' emails go now.
    expect(await load(emailsPage.loader, p.shop, "/app/emails")).toMatchObject({ fromKlaviyo: true });
    // Not while Klaviyo refuses the key: the app's own emails go again meanwhile.
    await db.klaviyoConnection.update({ where: { shop: p.shop }, data: { status: "BROKEN" } });
    expect(await load(emailsPage.loader, p.shop, "/app/emails")).toMatchObject({ fromKlaviyo: false });
    await db.klaviyoConnection.update({ where: { shop: p.shop }, data: { status: "ACTIVE" } });

    await orderFromFriend(p);
    await p.drain();
    expect(klaviyo.events.map((e) => e.metric)).toEqual(["Referral: referral created"]);
    expect(smtp.received.filter((m) => m.envelopeTo.includes(to))).toHaveLength(0);
    const mails = await db.emailMessage.findMany({ where: { shop: p.shop, recipient: to } });
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.map((m) => [m.status, m.reason])).toEqual(mails.map(() => ["SUPPRESSED", "Sent from Klaviyo instead (Integrations > Klaviyo)"]));

    expect((await act(page.action, p.shop, PATH, { intent: "disconnect" })).status).toBe(200);
    expect(await db.klaviyoConnection.count({ where: { shop: p.shop } })).toBe(0);
    expect(await db.emailSwitch.findMany({ where: { shop: p.shop }, select: { kind: true, enabled: true } })).toEqual([{ kind: "REWARD_REMINDER", enabled: false }]);
    expect(await load(emailsPage.loader, p.shop, "/app/emails")).toMatchObject({ fromKlaviyo: false });
    const before = smtp.received.length;
    await orderFromFriend(p);
    await p.drain();
    await smtp.waitFor(before + 1);
    expect(smtp.received.filter((m) => m.envelopeTo.includes(to)).length).toBeGreaterThan(0);
  });
});

describe("shop/redact", () => {
  it("deletes the connection and the shop's Klaviyo windows", async () => {
    const p = await connected();
    await orderFromFriend(p);
    expect(await db.rateLimit.count({ where: { key: { in: klaviyoRules(p.shop).map((r) => r.key) } } })).toBe(2);
    const counts = await redactShop(db, { shop: p.shop });
    expect(counts.klaviyoConnections).toBe(1);
    expect(await db.klaviyoConnection.count({ where: { shop: p.shop } })).toBe(0);
    expect(await db.rateLimit.count({ where: { key: { in: klaviyoRules(p.shop).map((r) => r.key) } } })).toBe(0);
  });
});
