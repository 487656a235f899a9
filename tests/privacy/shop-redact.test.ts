// shop/redact: nothing of the shop is left in any table, except the emptied row
// of the delivery being processed; other shops are untouched.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { shopRedact } from "~/jobs/handlers/compliance.server";
import { PermanentError } from "~/queue/types";
import { shopRedactPayload } from "../../fake-shopify/payloads";
import { belongsTo, deleteEveryRow, everyRow, rowText } from "./every-row";
import { seedShop, webhookContext } from "./seed";

const shop = "privacy-shop.myshopify.com";
const otherShop = "other-shop.myshopify.com";

async function snapshot(of: string) {
  return (await everyRow(db))
    .filter(({ row }) => belongsTo(row, of))
    .map(({ model, row }) => `${model}: ${rowText(row)}`)
    .sort();
}

beforeEach(async () => {
  await deleteEveryRow(db);
  await seedShop(db, shop);
  await seedShop(db, otherShop);
  // The delivery being processed, as the route stored it.
  await db.webhookDelivery.create({
    data: { shop, webhookId: "shop-redact-1", topic: "shop/redact", payload: JSON.stringify(shopRedactPayload(shop)), status: "RUNNING" },
  });
});

const run = (payload = shopRedactPayload(shop)) =>
  shopRedact(webhookContext(db, { shop, topic: "shop/redact", payload, webhookId: "shop-redact-1" }));

describe("shop/redact", () => {
  it("leaves no row of the shop in any table but its own emptied delivery", async () => {
    expect((await snapshot(shop)).length).toBeGreaterThan(20);
    await run();
    const left = (await everyRow(db)).filter(({ row }) => belongsTo(row, shop));
    expect(left).toEqual([
      {
        model: "WebhookDelivery",
        row: expect.objectContaining({ webhookId: "shop-redact-1", topic: "shop/redact", payload: null, status: "RUNNING" }),
      },
    ]);
  });

  it("does not touch another shop", async () => {
    const before = await snapshot(otherShop);
    await run();
    expect(await snapshot(otherShop)).toEqual(before);
  });

  it("is safe to run twice", async () => {
    await run();
    await run();
    expect((await everyRow(db)).filter(({ row }) => belongsTo(row, shop))).toHaveLength(1);
  });

  it("refuses a payload naming another shop", async () => {
    await expect(run(shopRedactPayload(otherShop))).rejects.toBeInstanceOf(PermanentError);
    expect((await snapshot(shop)).length).toBeGreaterThan(20);
  });
});
