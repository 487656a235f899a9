// The Settings page's milestone rewards, through the real loader and action
// with a merchant's session token: saved and read back, refused field by field
// in the merchant's language, and a free product looked up in Shopify (with
// the optional read_products scope, asked for when it is missing).
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as settings from "~/routes/app.settings";
import { APP_SCOPES } from "~/shopify/scopes";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { useTestShopify } from "../helpers/admin";
import { act, load } from "../helpers/admin-request";
import { uniqueShop } from "../helpers/shops";

const shopify = useTestShopify();

async function newShop({ productAccess = false } = {}) {
  const shop = uniqueShop("milestones");
  await seedInstalledShop(db, shop, { scope: [...APP_SCOPES, ...(productAccess ? ["read_products"] : [])].join(",") });
  if (productAccess) shopify.fake.shop(shop).grantScopes(["read_products"]);
  return shop;
}

type Row = { referrals: string; rewardKind: string; rewardValue?: string; product?: string };
const row = (r: Row) => ({ rewardValue: "", product: "", productTitle: "", ...r });

async function save(shop: string, rows: Row[] | string, changes: Record<string, string> = {}, path = "/app/settings") {
  const { values } = await load(settings.loader, shop, "/app/settings");
  const milestones = typeof rows === "string" ? rows : JSON.stringify(rows.map(row));
  return act(settings.action, shop, path, { ...values, ...changes, milestones, intent: "save" });
}

const stored = (shop: string) => db.milestone.findMany({ where: { shop }, orderBy: { referrals: "asc" } });

describe("milestone settings (app.settings)", () => {
  it("saves up to five milestones, reads them back in order, and records who changed them", async () => {
    const shop = await newShop();
    const result = await save(shop, [
      { referrals: "10", rewardKind: "CASH", rewardValue: "50" },
      { referrals: "3", rewardKind: "STORE_CREDIT", rewardValue: "20" },
      { referrals: "5", rewardKind: "CODE_PERCENTAGE", rewardValue: "25" },
    ]);
    expect(result).toMatchObject({ status: 200, data: { ok: true } });
    expect((await stored(shop)).map((m) => [m.referrals, m.rewardKind, m.rewardValue.toString()])).toEqual([
      [3, "STORE_CREDIT", "20"],
      [5, "CODE_PERCENTAGE", "25"],
      [10, "CASH", "50"],
    ]);
    const { values } = await load(settings.loader, shop, "/app/settings");
    expect(JSON.parse(values.milestones)).toEqual([
      { referrals: "3", rewardKind: "STORE_CREDIT", rewardValue: "20", product: "", productTitle: "" },
      { referrals: "5", rewardKind: "CODE_PERCENTAGE", rewardValue: "25", product: "", productTitle: "" },
      { referrals: "10", rewardKind: "CASH", rewardValue: "50", product: "", productTitle: "" },
    ]);
    expect(await db.auditEvent.findFirst({ where: { shop, action: "program.milestones-updated" } })).toMatchObject({ cause: "merchant:42" });

    // Saving the page again unchanged writes nothing; removing one removes it; pausing keeps them.
    await save(shop, JSON.parse(values.milestones));
    expect(await db.auditEvent.count({ where: { shop, action: "program.milestones-updated" } })).toBe(1);
    await save(shop, [{ referrals: "5", rewardKind: "CODE_PERCENTAGE", rewardValue: "30" }]);
    expect((await stored(shop)).map((m) => [m.referrals, m.rewardValue.toString()])).toEqual([[5, "30"]]);
    expect((await act(settings.action, shop, "/app/settings", { intent: "pause" })).data.ok).toBe(true);
    expect(await stored(shop)).toHaveLength(1);
  });

  it("refuses bad milestones with an error on each field, naming the milestone, and changes nothing", async () => {
    const shop = await newShop();
    await save(shop, [{ referrals: "4", rewardKind: "STORE_CREDIT", rewardValue: "20" }]);
    const result = await save(
      shop,
      [
        { referrals: "0", rewardKind: "STORE_CREDIT", rewardValue: "20" },
        { referrals: "3", rewardKind: "CODE_PERCENTAGE", rewardValue: "150" },
        { referrals: "3", rewardKind: "CASH", rewardValue: "0" },
        { referrals: "1001", rewardKind: "FREE_PRODUCT", product: " " },
        { referrals: "2.5", rewardKind: "BITCOIN", rewardValue: "1" },
      ],
      { holdDays: "7" },
    );
    expect(result.status).toBe(400);
    expect(result.data.errors).toEqual({
      "milestones.0.referrals": "Milestone 1: enter a whole number of referrals from 1 to 1,000.",
      "milestones.1.rewardValue": "Milestone 2: a percentage is at most 100.",
      "milestones.2.referrals": "Milestone 3: another milestone already has this number of referrals.",
      "milestones.2.rewardValue": "Milestone 3: enter a value greater than 0, like 10 or 4.99.",
      "milestones.3.referrals": "Milestone 4: enter a whole number of referrals from 1 to 1,000.",
      "milestones.3.product": "Milestone 4: enter the product's handle or ID.",
      "milestones.4.referrals": "Milestone 5: enter a whole number of referrals from 1 to 1,000.",
      "milestones.4.rewardKind": "Milestone 5: choose a reward.",
    });
    const six = Array.from({ length: 6 }, (_, i) => ({ referrals: String(i + 1), rewardKind: "CASH", rewardValue: "5" }));
    expect((await save(shop, six)).data.errors).toEqual({ milestones: "Up to five milestones: remove one." });
    expect((await save(shop, "not json")).data.errors).toEqual({ milestones: expect.stringContaining("could not be read") });
    // Neither the program nor its milestones changed.
    expect((await db.program.findUniqueOrThrow({ where: { shop } })).holdDays).toBe(30);
    expect((await stored(shop)).map((m) => m.referrals)).toEqual([4]);
  });

  it("says it in the merchant's language", async () => {
    const shop = await newShop();
    const result = await save(shop, [{ referrals: "2", rewardKind: "CODE_PERCENTAGE", rewardValue: "101" }], {}, "/app/settings?locale=fr");
    expect(result.data.errors).toEqual({ "milestones.0.rewardValue": "Palier 1 : un pourcentage ne dépasse pas 100." });
  });

  it("a free product: asks for product access first, then finds the product by handle, address or ID", async () => {
    const without = await newShop();
    const mug = shopify.fake.seedProduct(without, { title: "Blue Mug", handle: "blue-mug" });
    expect((await load(settings.loader, without, "/app/settings")).productAccess).toBe(false);
    const refused = await save(without, [{ referrals: "5", rewardKind: "FREE_PRODUCT", product: "blue-mug" }]);
    expect(refused).toMatchObject({ status: 400, data: { errors: { "milestones.0.product": "Milestone 1: let the app read your products first (button above)." } } });
    expect(shopify.fake.callsTo("ProductByIdentifier")).toHaveLength(0);
    expect(mug.id).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);

    const shop = await newShop({ productAccess: true });
    const scarf = shopify.fake.seedProduct(shop, { title: "Red Scarf", handle: "red-scarf" });
    const cap = shopify.fake.seedProduct(shop, { title: "Green Cap", handle: "green-cap" });
    const hat = shopify.fake.seedProduct(shop, { title: "Sun Hat", handle: "sun-hat" });
    expect((await load(settings.loader, shop, "/app/settings")).productAccess).toBe(true);
    const result = await save(shop, [
      { referrals: "5", rewardKind: "FREE_PRODUCT", product: "red-scarf" },
      { referrals: "10", rewardKind: "FREE_PRODUCT", product: `https://${shop}/products/green-cap?variant=1` },
      { referrals: "15", rewardKind: "FREE_PRODUCT", product: hat.id.split("/").pop()! },
    ]);
    expect(result).toMatchObject({ status: 200, data: { ok: true } });
    expect((await stored(shop)).map((m) => [m.referrals, m.productId, m.productTitle, m.rewardValue.toString()])).toEqual([
      [5, scarf.id, "Red Scarf", "100"],
      [10, cap.id, "Green Cap", "100"],
      [15, hat.id, "Sun Hat", "100"],
    ]);
    const { values } = await load(settings.loader, shop, "/app/settings");
    expect(JSON.parse(values.milestones)[0]).toEqual({ referrals: "5", rewardKind: "FREE_PRODUCT", rewardValue: "", product: scarf.id, productTitle: "Red Scarf" });

    const unknown = await save(shop, [{ referrals: "5", rewardKind: "FREE_PRODUCT", product: "no-such-thing" }]);
    expect(unknown.data.errors).toEqual({ "milestones.0.product": "Milestone 1: your store has no product with this handle or ID." });
    expect(await stored(shop)).toHaveLength(3);
  });
});
