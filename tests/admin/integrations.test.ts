// The Integrations page through its admin route: each integration's state and
// the shop's latest event deliveries (another shop's never), as the event
// outbox left them.
import { http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as page from "~/routes/app.integrations._index";
import { createApiKey } from "~/api/keys.server";
import { addEndpoint } from "~/integrations/webhooks/endpoints.server";
import type { WebhookNetwork } from "~/integrations/webhooks/network.server";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { load } from "../helpers/admin-request";
import { testClock } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";

const pipeline = usePipeline(http.all(/^http:\/\/127\.0\.0\.1:9\//, () => passthrough()));
// A receiver nobody listens on: every delivery is refused and waits for its retry.
const network: WebhookNetwork = { allowPrivate: true, resolve: () => Promise.reject(new Error("no lookup expected")), timeoutMs: 2_000 };

let nextId = 7_300_000_000_000;

async function shopWithIntegrations() {
  const p = await pipeline.setupShop({ holdDays: 30 });
  const added = await addEndpoint(db, { shop: p.shop, url: "http://127.0.0.1:9/hooks", events: ["referral.created"], cause: "test", network });
  expect(added.ok).toBe(true);
  await createApiKey(db, { shop: p.shop, name: "Warehouse", cause: "test" });
  const orderId = ++nextId;
  await p.send("orders/paid", orderPaidPayload({ orderId, customerId: ++nextId, email: `f${orderId}@example.com`, discountCodes: [p.referrer.code], subtotal: "50.00", total: "50.00", currency: "USD", createdAt: new Date(testClock.now()).toISOString() }));
  await p.drain();
  return p;
}

describe("the Integrations page", () => {
  it("shows each integration's state and the shop's latest deliveries with the target's answer", async () => {
    const p = await shopWithIntegrations();
    await db.klaviyoConnection.create({ data: { shop: p.shop, keyCiphertext: "sealed", keyLast4: "abcd", status: "BROKEN", brokenReason: "401" } });
    const other = await shopWithIntegrations();

    const data = await load(page.loader, p.shop, "/app/integrations");
    expect(data).toMatchObject({ klaviyo: "BROKEN", webhookEndpoints: 1, apiKeys: 1 });
    expect(data.recent).toHaveLength(1);
    expect(data.recent[0]).toMatchObject({ type: "referral.created", targetKind: "webhook", status: "QUEUED", attempts: 1, lastError: expect.any(String) });
    const theirs = await db.eventDelivery.findFirstOrThrow({ where: { shop: other.shop } });
    expect(data.recent.map((d) => d.id)).not.toContain(theirs.id);
    expect(data.week).toEqual({});

    // Once it goes through, the week's totals count it.
    await db.eventDelivery.updateMany({ where: { shop: p.shop }, data: { status: "SENT", responseStatus: 204, lastError: null } });
    const after = await load(page.loader, p.shop, "/app/integrations");
    expect(after.week).toEqual({ webhook: { sent: 1, failed: 0 } });
    expect(after.recent[0]).toMatchObject({ status: "SENT", responseStatus: 204 });
  });

  it("a shop with nothing connected sees nothing connected", async () => {
    const p = await pipeline.setupShop();
    expect(await load(page.loader, p.shop, "/app/integrations")).toMatchObject({ klaviyo: null, webhookEndpoints: 0, apiKeys: 0, recent: [], week: {} });
  });
});
