// app/uninstalled and app/scopes_update, from a signed request through the
// route, the inbox and the worker with the app's registry.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { appUninstalledPayload } from "../../fake-shopify/payloads";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";

const shop = "alpha.myshopify.com";
const other = "beta.myshopify.com";
const installedAt = new Date("2026-10-01T00:00:00.000Z");

/** Installed with "read_orders" granted; `staff` adds a second (staff) session. */
function install(shopDomain: string, { shopScope, staff = false }: { shopScope?: string; staff?: boolean } = {}) {
  const staffId = `${shopDomain}_42`;
  return seedInstalledShop(db, shopDomain, {
    installedAt,
    shopScope,
    scope: "read_orders",
    accessToken: `token-offline_${shopDomain}`,
    sessions: staff ? [{ id: staffId, isOnline: false, scope: "read_orders", accessToken: `token-${staffId}` }] : [],
  });
}

function deliver(topic: string, shopDomain: string, body: object, triggeredAt: string) {
  return deliverWebhook(signedWebhookRequest({ topic, shop: shopDomain, body, headers: { "X-Shopify-Triggered-At": triggeredAt } }));
}

async function deliverAndRun(topic: string, shopDomain: string, body: object, triggeredAt: string) {
  expect((await deliver(topic, shopDomain, body, triggeredAt)).status).toBe(200);
  const worker = createWorker({ db, webhookHandlers, jobHandlers, logger: { info() {}, warn() {} } });
  return worker.runOnce();
}

beforeEach(async () => {
  await install(shop, { shopScope: "read_orders", staff: true });
  await install(other);
});
afterEach(async () => {
  await db.session.deleteMany();
  await db.shop.deleteMany();
  await db.webhookDelivery.deleteMany();
});

describe("app/uninstalled", () => {
  it("deletes the shop's sessions and marks it inactive, leaving other shops alone", async () => {
    const triggeredAt = "2026-11-01T09:30:00.000Z";
    expect(await deliverAndRun("app/uninstalled", shop, appUninstalledPayload(shop, "alpha.example.com"), triggeredAt)).toMatchObject({ done: 1 });

    expect(await db.session.findMany({ where: { shop } })).toEqual([]);
    expect(await db.session.count({ where: { shop: other } })).toBe(1);
    const row = await db.shop.findUniqueOrThrow({ where: { shop } });
    expect(row.active).toBe(false);
    expect(row.uninstalledAt?.toISOString()).toBe(triggeredAt);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: other } })).active).toBe(true);
  });

  it("ignores an uninstall older than the shop's current install (a late retry)", async () => {
    expect(await deliverAndRun("app/uninstalled", shop, appUninstalledPayload(shop), "2026-09-15T00:00:00.000Z")).toMatchObject({ done: 1 });
    expect(await db.session.count({ where: { shop } })).toBe(2);
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).active).toBe(true);
  });

  it("accepts a late retry of the uninstall once the shop is inactive", async () => {
    await db.shop.update({ where: { shop }, data: { active: false, uninstalledAt: new Date("2026-11-01T09:30:00.000Z") } });
    expect(await deliverAndRun("app/uninstalled", shop, appUninstalledPayload(shop), "2026-11-01T09:30:00.000Z")).toMatchObject({ done: 1 });
    expect(await db.session.count({ where: { shop } })).toBe(0);
  });

  it("refuses the uninstall of a shop that never installed the app (403), storing nothing", async () => {
    const unknown = "gamma.myshopify.com";
    const response = await deliver("app/uninstalled", unknown, appUninstalledPayload(unknown), "2026-11-01T00:00:00.000Z");
    expect(response.status).toBe(403);
    expect(await db.webhookDelivery.count()).toBe(0);
    expect(await db.shop.findUnique({ where: { shop: unknown } })).toBeNull();
  });

  it("does nothing with another shop's genuine uninstall replayed under this shop's header: parked INVALID, still logged in", async () => {
    const triggeredAt = "2026-11-01T09:30:00.000Z";
    expect(await deliverAndRun("app/uninstalled", shop, appUninstalledPayload(other), triggeredAt)).toMatchObject({ invalid: 1, done: 0 });
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { shop } });
    expect(row.lastError).toBe(`app/uninstalled payload names ${other}, but the delivery is for ${shop}`);
    expect(await db.session.count({ where: { shop } })).toBe(2);
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).active).toBe(true);
  });

  it("matches the payload's primary domain when it has no myshopify_domain", async () => {
    const body = { ...appUninstalledPayload(shop), myshopify_domain: null, domain: other };
    expect(await deliverAndRun("app/uninstalled", shop, body, "2026-11-01T09:30:00.000Z")).toMatchObject({ invalid: 1 });
    expect(await db.session.count({ where: { shop } })).toBe(2);
    const own = { ...appUninstalledPayload(shop), myshopify_domain: null, domain: shop };
    expect(await deliverAndRun("app/uninstalled", shop, own, "2026-11-01T09:30:00.000Z")).toMatchObject({ done: 1 });
    expect(await db.session.count({ where: { shop } })).toBe(0);
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
