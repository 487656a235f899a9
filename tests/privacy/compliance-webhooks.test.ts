// The compliance webhooks end to end: a signed request through the real route,
// drained by the real worker with the app's handler registry.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { appUninstalledPayload, customersDataRequestPayload, customersRedactPayload, shopRedactPayload } from "../../fake-shopify/payloads";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";
import { belongsTo, deleteEveryRow, everyRow, mentionsOf } from "./every-row";
import { ALICE, ALICE_NEEDLES, seedShop } from "./seed";

const shop = "privacy-shop.myshopify.com";
const otherShop = "other-shop.myshopify.com";

beforeEach(async () => {
  await deleteEveryRow(db);
  await seedShop(db, shop);
  await seedShop(db, otherShop);
  // The seeded deliveries and jobs are not what these tests run.
  const later = { availableAt: new Date("2099-01-01T00:00:00Z") };
  await db.webhookDelivery.updateMany({ data: later });
  await db.job.updateMany({ data: later });
});

async function deliverAndDrain(topic: string, body: object, webhookId: string) {
  const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body, webhookId }));
  expect(response.status).toBe(200);
  const worker = createWorker({ db, webhookHandlers, jobHandlers, logger: { info() {}, warn() {} } });
  const counts = await worker.runOnce();
  expect(counts).toMatchObject({ claimed: 1, done: 1 });
  return db.webhookDelivery.findFirstOrThrow({ where: { shop, webhookId } });
}

describe("compliance webhooks through the route and the worker", () => {
  it("are registered", () => {
    for (const topic of ["customers/data_request", "customers/redact", "shop/redact"]) expect(webhookHandlers.has(topic)).toBe(true);
  });

  it("customers/redact erases the customer, its own stored body included", async () => {
    const delivery = await deliverAndDrain(
      "customers/redact",
      customersRedactPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail, ordersToRedact: [5000000000002] }),
      "redact-e2e",
    );
    expect(delivery).toMatchObject({ status: "DONE", payload: null });
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);
    expect(await mentionsOf(db, otherShop, ALICE_NEEDLES)).not.toEqual([]);
  });

  it("customers/data_request leaves the report for the merchant", async () => {
    await deliverAndDrain(
      "customers/data_request",
      customersDataRequestPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail }),
      "data-e2e",
    );
    const event = await db.auditEvent.findFirstOrThrow({ where: { shop, action: "privacy.data_request" } });
    expect(event.cause).toBe("webhook:data-e2e");
    expect(JSON.parse(event.detail!)).toMatchObject({ asReferrer: [{ code: ALICE.code }], asFriend: [{ email: ALICE.friendEmail }] });
  });

  it("shop/redact leaves only its own finished, empty delivery", async () => {
    await deliverAndDrain("shop/redact", shopRedactPayload(shop), "shop-redact-e2e");
    const left = (await everyRow(db)).filter(({ row }) => belongsTo(row, shop));
    expect(left).toEqual([
      { model: "WebhookDelivery", row: expect.objectContaining({ webhookId: "shop-redact-e2e", status: "DONE", payload: null }) },
    ]);
    expect((await everyRow(db)).filter(({ row }) => belongsTo(row, otherShop)).length).toBeGreaterThan(20);
  });

  it("after app/uninstalled, the shop is inactive and its compliance webhooks are still accepted and carried out", async () => {
    await deliverAndDrain("app/uninstalled", appUninstalledPayload(shop), "uninstall-e2e");
    expect(await db.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ active: false });
    // The shop's orders are no longer accepted...
    const order = await deliverWebhook(signedWebhookRequest({ topic: "orders/paid", shop, body: { id: 1 }, webhookId: "late-order" }));
    expect(order.status).toBe(403);
    // ...its customers' and its own erasure are (shop/redact comes 48 hours after the uninstall).
    await deliverAndDrain(
      "customers/redact",
      customersRedactPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail, ordersToRedact: [5000000000002] }),
      "redact-after-uninstall",
    );
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);
    await deliverAndDrain("shop/redact", shopRedactPayload(shop), "shop-redact-after-uninstall");
    expect((await everyRow(db)).filter(({ row }) => belongsTo(row, shop)).map(({ model }) => model)).toEqual(["WebhookDelivery"]);
  });
});
