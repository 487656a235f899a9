// First run, the checklist and the program settings form, through the real
// loaders and actions with a merchant's session token.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as home from "~/routes/app._index";
import * as settings from "~/routes/app.settings";
import { useTestShopify } from "../helpers/admin";
import { act, installShop, load, sessionToken } from "../helpers/admin-request";
import { uniqueShop } from "../helpers/shops";

const shopify = useTestShopify();

async function newShop() {
  const shop = uniqueShop();
  await installShop(shop);
  return shop;
}

function formFrom(values: Record<string, string>, changes: Record<string, string> = {}) {
  return { ...values, ...changes, intent: "save" };
}

describe("first run (app._index)", () => {
  it("creates the program with its defaults and the friend discount in Shopify, once", async () => {
    const shop = await newShop();
    const data = await load(home.loader, shop, "/app");
    expect(data).toMatchObject({ shop, enabled: true, setupError: null, referrers: 0, referrals: 0, firstReferral: false });
    expect(data.theme).toMatchObject({ source: "INFERRED", reason: "NO_SCOPE", blockPlaced: false, embedOn: false });
    const program = await db.program.findUniqueOrThrow({ where: { shop } });
    expect(program).toMatchObject({ friendOfferKind: "PERCENTAGE", rewardKind: "CODE_PERCENTAGE", holdDays: 30 });
    expect(program.friendOfferValue.toString()).toBe("10");
    expect(shopify.fake.discounts(shop)).toHaveLength(1);

    await load(home.loader, shop, "/app");
    expect(shopify.fake.discounts(shop)).toHaveLength(1);
  });

  it("deep-links to the theme editor with the block and embed handles", async () => {
    const shop = await newShop();
    const data = await load(home.loader, shop, "/app");
    expect(data.links.addBlock).toBe(`https://${shop}/admin/themes/current/editor?template=product&addAppBlockId=test-api-key/referral&target=mainSection`);
    expect(data.links.enableEmbed).toBe(`https://${shop}/admin/themes/current/editor?context=apps&activateAppId=test-api-key/referral-embed`);
  });

  it("shows Shopify's refusal instead of failing when the discount cannot be created", async () => {
    const shop = await newShop();
    shopify.fake.faults.queue("FriendOfferCreate", { kind: "http5xx", status: 400 });
    const data = await load(home.loader, shop, "/app");
    expect(data.setupError).toBeTruthy();
    expect(await db.program.count({ where: { shop } })).toBe(0);
  });

  it("refuses a request without a valid session token, or one signed with another secret", async () => {
    const shop = await newShop();
    const forged = sessionToken(shop).replace(/\.[^.]+$/, ".c2lnbmF0dXJl");
    for (const token of ["not-a-token", forged]) {
      const request = new Request(`${process.env.SHOPIFY_APP_URL}/app`, { headers: { Authorization: `Bearer ${token}` } });
      const thrown = await home.loader({ request, params: {}, context: {} }).catch((e) => e);
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(401);
    }
    expect(await db.program.count({ where: { shop } })).toBe(0);
  });
});

describe("program settings (app.settings)", () => {
  it("saves valid settings and updates the Shopify discount", async () => {
    const shop = await newShop();
    const { values } = await load(settings.loader, shop, "/app/settings");
    const result = await act(settings.action, shop, "/app/settings", formFrom(values, { friendOfferValue: "15", holdDays: "14", minimumOrderAmount: "50", codePrefix: "pals" }));
    expect(result).toMatchObject({ status: 200, data: { ok: true } });
    const program = await db.program.findUniqueOrThrow({ where: { shop } });
    expect(program).toMatchObject({ holdDays: 14, codePrefix: "PALS" });
    expect(program.friendOfferValue.toString()).toBe("15");
    const [discount] = shopify.fake.discounts(shop);
    expect(discount.title).toContain("15%");
    expect(discount.minimumSubtotalCents).toBe(5000);
    const audit = await db.auditEvent.findFirst({ where: { shop, action: "program.updated" } });
    expect(audit?.cause).toBe("merchant:42");
  });

  it("answers 400 with the error on the field it belongs to, and changes nothing", async () => {
    const shop = await newShop();
    const { values } = await load(settings.loader, shop, "/app/settings");
    const result = await act(settings.action, shop, "/app/settings", formFrom(values, { friendOfferValue: "150", holdDays: "-1", codePrefix: "!" }));
    expect(result.status).toBe(400);
    expect(result.data.errors).toMatchObject({
      friendOfferValue: expect.stringContaining("between 0 and 100"),
      holdDays: expect.any(String),
      codePrefix: expect.stringContaining("prefix"),
    });
    expect((await db.program.findUniqueOrThrow({ where: { shop } })).holdDays).toBe(30);
  });

  it("shows Shopify's userErrors in the form (here: the discount was deleted in Shopify)", async () => {
    const shop = await newShop();
    const { values } = await load(settings.loader, shop, "/app/settings");
    shopify.fake.shop(shop).discounts.clear();
    const result = await act(settings.action, shop, "/app/settings", formFrom(values, { holdDays: "7" }));
    expect(result.status).toBe(422);
    expect(result.data.errors.form).toBe("Shopify: Discount does not exist");
    expect((await db.program.findUniqueOrThrow({ where: { shop } })).holdDays).toBe(30);
  });

  it("says Shopify could not be reached when it keeps failing", async () => {
    const shop = await newShop();
    const { values } = await load(settings.loader, shop, "/app/settings");
    shopify.fake.faults.queue("FriendOfferUpdate", ...Array.from({ length: 5 }, () => ({ kind: "http429" as const, retryAfterSeconds: 0 })));
    const result = await act(settings.action, shop, "/app/settings", formFrom(values, { holdDays: "7" }));
    expect(result.status).toBe(503);
    expect(result.data.errors.form).toMatch(/could not be reached/);
  });

  it("pauses and resumes, keeping every other setting", async () => {
    const shop = await newShop();
    const { values } = await load(settings.loader, shop, "/app/settings");
    await act(settings.action, shop, "/app/settings", formFrom(values, { holdDays: "5" }));
    expect((await act(settings.action, shop, "/app/settings", { intent: "pause" })).data.ok).toBe(true);
    let program = await db.program.findUniqueOrThrow({ where: { shop } });
    expect(program).toMatchObject({ enabled: false, holdDays: 5 });
    expect(shopify.fake.discounts(shop)[0].endsAt).not.toBeNull();
    await act(settings.action, shop, "/app/settings", { intent: "resume" });
    program = await db.program.findUniqueOrThrow({ where: { shop } });
    expect(program).toMatchObject({ enabled: true, holdDays: 5 });
    expect(shopify.fake.discounts(shop)[0].endsAt).toBeNull();
  });
});
