// The database itself makes a double reward impossible: one referral per order
// and one reward per referral, whatever the application code does.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { uniqueShop } from "../helpers/shops";

async function seedReferral(shop: string) {
  const referrer = await db.referrer.create({ data: { shop, code: `FRIEND-${Math.random().toString(36).slice(2, 10).toUpperCase()}`, source: "ADMIN" } });
  const referral = await db.referral.create({
    data: { shop, referrerId: referrer.id, orderId: "gid://shopify/Order/1", attributedBy: "CODE", subtotalAmount: "10.50", totalAmount: "12", currencyCode: "EUR", status: "APPROVED" },
  });
  return { referrer, referral };
}

describe("database constraints", () => {
  it("one referral per order per shop", async () => {
    const shop = uniqueShop();
    const { referrer } = await seedReferral(shop);
    await expect(
      db.referral.create({ data: { shop, referrerId: referrer.id, orderId: "gid://shopify/Order/1", attributedBy: "LINK", subtotalAmount: "1", totalAmount: "1", currencyCode: "EUR", status: "PENDING" } }),
    ).rejects.toMatchObject({ code: "P2002" });
    // The same order id in another shop is another order.
    const other = uniqueShop();
    await expect(seedReferral(other)).resolves.toBeTruthy();
  });

  it("one reward per referral", async () => {
    const shop = uniqueShop();
    const { referrer, referral } = await seedReferral(shop);
    const reward = { shop, referrerId: referrer.id, referralId: referral.id, kind: "CODE", valueType: "PERCENTAGE", value: "10", status: "PENDING" };
    await db.reward.create({ data: reward });
    await expect(db.reward.create({ data: reward })).rejects.toMatchObject({ code: "P2002" });
  });

  it("one Shopify object per reward: two rewards cannot claim the same store credit transaction", async () => {
    const shop = uniqueShop();
    const { referrer } = await seedReferral(shop);
    const reward = { shop, referrerId: referrer.id, kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: "5", status: "ISSUED" };
    await db.reward.create({ data: { ...reward, shopifyId: "gid://shopify/StoreCreditAccountCreditTransaction/1" } });
    await expect(db.reward.create({ data: { ...reward, shopifyId: "gid://shopify/StoreCreditAccountCreditTransaction/1" } })).rejects.toMatchObject({ code: "P2002" });
    // Rewards with nothing in Shopify (cash fees, not yet issued) are many.
    await db.reward.create({ data: { ...reward, kind: "CASH", shopifyId: null } });
    await db.reward.create({ data: { ...reward, kind: "CASH", shopifyId: null } });
    // Another shop's transaction with the same id is another object.
    const other = uniqueShop();
    const { referrer: otherReferrer } = await seedReferral(other);
    await db.reward.create({ data: { ...reward, shop: other, referrerId: otherReferrer.id, shopifyId: "gid://shopify/StoreCreditAccountCreditTransaction/1" } });
  });

  it("referral codes, customers and emails are unique per shop", async () => {
    const shop = uniqueShop();
    await db.referrer.create({ data: { shop, code: "FRIEND-AAAA2222", customerId: "gid://shopify/Customer/1", emailKey: "a@b.co", source: "ADMIN" } });
    for (const clash of [{ code: "FRIEND-AAAA2222" }, { customerId: "gid://shopify/Customer/1" }, { emailKey: "a@b.co" }]) {
      await expect(db.referrer.create({ data: { shop, code: "FRIEND-BBBB3333", source: "ADMIN", ...clash } })).rejects.toMatchObject({ code: "P2002" });
    }
  });

  it("keeps money exact: decimal amounts round-trip as written", async () => {
    const shop = uniqueShop();
    const { referral } = await seedReferral(shop);
    const stored = await db.referral.findFirstOrThrow({ where: { shop, id: referral.id } });
    expect(stored.subtotalAmount.toFixed(2)).toBe("10.50");
    const sum = await db.referral.aggregate({ where: { shop }, _sum: { subtotalAmount: true } });
    expect(sum._sum.subtotalAmount?.toFixed(2)).toBe("10.50");
  });
});
