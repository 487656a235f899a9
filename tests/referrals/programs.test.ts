// The program core through its real entry points: settings saved in the
// database and the friend discount created and kept in step in (fake) Shopify.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { ensureProgram, getProgram, saveProgram, settingsOf } from "~/referrals/programs.server";
import { DEFAULT_PROGRAM_SETTINGS, parseProgramSettings } from "~/referrals/program-settings";
import { ShopifyUserError } from "~/shopify/errors";

import { testAdminClient, useTestShopify } from "../helpers/admin";
import { uniqueShop } from "../helpers/shops";

const shopify = useTestShopify();
let shop = "";
beforeEach(() => {
  shop = uniqueShop();
});
const cause = "merchant:test";

describe("program core", () => {
  it("first run creates the program with defaults and ONE friend discount in Shopify", async () => {
    const admin = await testAdminClient(shop);
    const program = await ensureProgram({ db, admin, shop, cause });

    expect(program.discountId).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\//);
    expect(program.holdDays).toBe(30);
    expect(program.friendOfferValue.toString()).toBe("10");
    const discounts = shopify.fake.discounts(shop);
    expect(discounts).toHaveLength(1);
    expect(JSON.stringify(discounts[0])).toContain("0.1");

    // Running first-run again changes nothing.
    await ensureProgram({ db, admin, shop, cause });
    expect(shopify.fake.discounts(shop)).toHaveLength(1);
  });

  it("sends the friend's percentage divided exactly (14.3% is 0.143, not 0.14300000000000002)", async () => {
    const admin = await testAdminClient(shop);
    const created = await ensureProgram({ db, admin, shop, cause });
    const parsed = parseProgramSettings({ ...settingsOf(created), friendOfferValue: "14.3" });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed));
    await saveProgram({ db, admin, shop, settings: parsed.settings, cause });
    const [discount] = shopify.fake.discounts(shop);
    expect(JSON.stringify(discount)).toContain('"percentage":0.143');
    expect(JSON.stringify(discount)).not.toContain("0.14300000000000002");
  });

  it("keeps the storefront's primary domain from Shopify (share links may only point there), learned again on save and when missing", async () => {
    const admin = await testAdminClient(shop);
    expect((await ensureProgram({ db, admin, shop, cause })).storefrontUrl).toBe(`https://${shop}`);
    shopify.fake.shop(shop).shop.primaryDomain = { host: "boutique.example", url: "https://boutique.example", sslEnabled: true };
    expect((await saveProgram({ db, admin, shop, settings: DEFAULT_PROGRAM_SETTINGS, cause })).storefrontUrl).toBe("https://boutique.example");
    // A program stored before the domain was recorded learns it the next time the admin opens.
    await db.program.update({ where: { shop }, data: { storefrontUrl: null } });
    expect((await ensureProgram({ db, admin, shop, cause })).storefrontUrl).toBe("https://boutique.example");
    expect((await getProgram(db, shop))?.storefrontUrl).toBe("https://boutique.example");
  });

  it("saving new settings updates the same discount; pausing ends it", async () => {
    const admin = await testAdminClient(shop);
    const created = await ensureProgram({ db, admin, shop, cause });
    const parsed = parseProgramSettings({ ...settingsOf(created), friendOfferValue: "15", enabled: false, minimumOrderAmount: "50" });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const saved = await saveProgram({ db, admin, shop, settings: parsed.settings, cause });

    expect(saved.discountId).toBe(created.discountId);
    expect(saved.enabled).toBe(false);
    expect(shopify.fake.discounts(shop)).toHaveLength(1);
    expect(shopify.fake.callsTo("FriendOfferUpdate")).toHaveLength(1);
    const update = shopify.fake.callsTo("FriendOfferUpdate")[0].variables as { discount: Record<string, unknown> };
    expect(update.discount.endsAt).toBeTruthy();
    expect(update.discount.minimumRequirement).toEqual({ subtotal: { greaterThanOrEqualToSubtotal: "50" } });
  });

  it("a creation whose response was lost is found by its anchor code, not created twice", async () => {
    const admin = await testAdminClient(shop);
    shopify.fake.faults.queue("FriendOfferCreate", { kind: "executedThenDropped" });
    const program = await ensureProgram({ db, admin, shop, cause });
    expect(shopify.fake.discounts(shop)).toHaveLength(1);
    expect(program.discountId).toBe((shopify.fake.discounts(shop)[0] as { id: string }).id);
  });

  it("Shopify refusing the change leaves the stored program as it was", async () => {
    const admin = await testAdminClient(shop);
    const created = await ensureProgram({ db, admin, shop, cause });
    shopify.fake.faults.queue("FriendOfferUpdate", { kind: "http5xx", status: 500 }, { kind: "http5xx" }, { kind: "http5xx" }, { kind: "http5xx" }, { kind: "http5xx" });
    const settings = { ...settingsOf(created), friendOfferValue: "20" };
    await expect(saveProgram({ db, admin, shop, settings, cause })).rejects.toThrow();
    expect((await getProgram(db, shop))?.friendOfferValue.toString()).toBe("10");
  });

  it("form validation names the field", () => {
    const result = parseProgramSettings({ ...DEFAULT_PROGRAM_SETTINGS, friendOfferValue: "150", holdDays: -1, codePrefix: "!" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["codePrefix", "friendOfferValue", "holdDays"]);
    expect(result.errors.friendOfferValue).toMatch(/between 0 and 100/);
  });

  it("every query is scoped by shop: another shop's program is untouched", async () => {
    const admin = await testAdminClient(shop);
    await ensureProgram({ db, admin, shop, cause });
    const other = "other-shop.myshopify.com";
    await ensureProgram({ db, admin: await testAdminClient(other), shop: other, cause });
    const settings = { ...DEFAULT_PROGRAM_SETTINGS, friendOfferValue: "25" };
    await saveProgram({ db, admin, shop, settings, cause });
    expect((await getProgram(db, other))?.friendOfferValue.toString()).toBe("10");
  });

  it("Shopify's userErrors come back as a ShopifyUserError with Shopify's message, nothing saved", async () => {
    const admin = await testAdminClient(shop);
    await ensureProgram({ db, admin, shop, cause });
    // The discount was deleted in the Shopify admin behind the app's back.
    await db.program.update({ where: { shop }, data: { discountId: "gid://shopify/DiscountCodeNode/999999" } });
    const settings = { ...DEFAULT_PROGRAM_SETTINGS, friendOfferValue: "30" };
    const error = await saveProgram({ db, admin, shop, settings, cause }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect((error as ShopifyUserError).message.length).toBeGreaterThan(0);
    expect((await getProgram(db, shop))?.friendOfferValue.toString()).toBe("10");
  });
});
