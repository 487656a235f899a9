// app/uninstalled and app/scopes_update, from a signed request through the
// route, the inbox and the worker with the app's registry.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { jobHandlers, webhookHandlers } from "../../app/jobs/registry.server";
import { createWorker } from "../../app/jobs/worker.server";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";

const shop = "alpha.myshopify.com";
const other = "beta.myshopify.com";
const installedAt = new Date("2026-10-01T00:00:00.000Z");

function session(id: string, shopDomain: string) {
  return { id, shop: shopDomain, state: "", isOnline: false, scope: "read_orders", accessToken: `token-${id}` };
}

async function deliverAndRun(topic: string, shopDomain: string, body: object, triggeredAt: string) {
  const response = await deliverWebhook(
    signedWebhookRequest({ topic, shop: shopDomain, body, headers: { "X-Shopify-Triggered-At": triggeredAt } }),
  );
  expect(response.status).toBe(200);
  const worker = createWorker({ db, webhookHandlers, jobHandlers, logger: { info() {}, warn() {} } });
  return worker.runOnce();
}

beforeEach(async () => {
  await db.shop.createMany({ data: [{ shop, installedAt, scope: "read_orders" }, { shop: other, installedAt }] });
  await db.session.createMany({
    data: [session(`offline_${shop}`, shop), session(`${shop}_42`, shop), session(`offline_${other}`, other)],
  });
});
afterEach(async () => {
  await db.session.deleteMany();
  await db.shop.deleteMany();
  await db.webhookDelivery.deleteMany();
});

describe("app/uninstalled", () => {
  it("deletes the shop's sessions and marks it inactive, leaving other shops alone", async () => {
    const triggeredAt = "2026-11-01T09:30:00.000Z";
    expect(await deliverAndRun("app/uninstalled", shop, { id: 1, domain: shop }, triggeredAt)).toMatchObject({ done: 1 });

    expect(await db.session.findMany({ where: { shop } })).toEqual([]);
    expect(await db.session.count({ where: { shop: other } })).toBe(1);
    const row = await db.shop.findUniqueOrThrow({ where: { shop } });
    expect(row.active).toBe(false);
    expect(row.uninstalledAt?.toISOString()).toBe(triggeredAt);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: other } })).active).toBe(true);
  });

  it("ignores an uninstall older than the shop's current install (a late retry)", async () => {
    await deliverAndRun("app/uninstalled", shop, { id: 1 }, "2026-09-15T00:00:00.000Z");
    expect(await db.session.count({ where: { shop } })).toBe(2);
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).active).toBe(true);
  });

  it("records the uninstall of a shop it never saw installed", async () => {
    const unknown = "gamma.myshopify.com";
    await deliverAndRun("app/uninstalled", unknown, { id: 3 }, "2026-11-01T00:00:00.000Z");
    expect(await db.shop.findUniqueOrThrow({ where: { shop: unknown } })).toMatchObject({ active: false });
  });
});

describe("app/scopes_update", () => {
  it("stores the granted scopes on the shop and on its sessions", async () => {
    const body = {
      id: 1,
      previous: ["read_orders"],
      current: ["read_orders", "write_discounts"],
      updated_at: "2026-11-01T00:00:00.000Z",
    };
    expect(await deliverAndRun("app/scopes_update", shop, body, "2026-11-01T00:00:00.000Z")).toMatchObject({ done: 1 });

    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).scope).toBe("read_orders,write_discounts");
    const sessions = await db.session.findMany({ where: { shop } });
    expect(sessions.map((s) => s.scope)).toEqual(["read_orders,write_discounts", "read_orders,write_discounts"]);
    expect((await db.session.findFirstOrThrow({ where: { shop: other } })).scope).toBe("read_orders");
  });
});
