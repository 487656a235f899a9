// Enrolment and code sync through the domain entry points, on the test database
// and the fake Shopify.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { ensureProgram } from "~/referrals/programs.server";
import { enrolReferrer, findReferrerByCode, EnrolmentError } from "~/referrals/referrers.server";
import { syncReferrerCodes } from "~/referrals/code-sync.server";

import { testAdminClient, useTestShopify } from "../helpers/admin";
import { uniqueShop } from "../helpers/shops";

const shopify = useTestShopify();
let shop = "";
beforeEach(() => {
  shop = uniqueShop();
});
const cause = "test";

async function withProgram() {
  const admin = await testAdminClient(shop);
  const program = await ensureProgram({ db, admin, shop, cause });
  return { admin, program };
}

describe("enrolling referrers", () => {
  it("the same customer enrolled twice gets the same code", async () => {
    await withProgram();
    const first = await enrolReferrer(db, { shop, customerId: "gid://shopify/Customer/1", email: "ana@example.com", source: "STOREFRONT", cause });
    const again = await enrolReferrer(db, { shop, customerId: "gid://shopify/Customer/1", source: "STOREFRONT", cause });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.referrer.code).toBe(first.referrer.code);
    expect(first.referrer.code).toMatch(/^FRIEND-[2-9A-HJKMNP-Z]{8}$/);
  });

  it("the same email in another spelling is the same guest; logging in later keeps the code", async () => {
    await withProgram();
    const guest = await enrolReferrer(db, { shop, email: "Ana.Lopez+shop@Gmail.com", source: "GUEST", cause });
    const again = await enrolReferrer(db, { shop, email: "analopez@googlemail.com", source: "GUEST", cause });
    expect(again.referrer.id).toBe(guest.referrer.id);
    const loggedIn = await enrolReferrer(db, { shop, customerId: "gid://shopify/Customer/7", email: "analopez@gmail.com", source: "STOREFRONT", cause });
    expect(loggedIn.referrer.id).toBe(guest.referrer.id);
    expect(loggedIn.referrer.customerId).toBe("gid://shopify/Customer/7");
  });

  it("twenty racing requests for one customer create one referrer", async () => {
    await withProgram();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        enrolReferrer(db, { shop, customerId: "gid://shopify/Customer/42", email: "race@example.com", source: "STOREFRONT", cause }),
      ),
    );
    expect(await db.referrer.count({ where: { shop } })).toBe(1);
    expect(new Set(results.map((r) => r.referrer.code)).size).toBe(1);
  });

  it("refuses a malformed email with an error naming the field, and needs a program", async () => {
    await expect(enrolReferrer(db, { shop, email: "a@b.co", source: "GUEST", cause })).rejects.toMatchObject({ field: "program" });
    await withProgram();
    await expect(enrolReferrer(db, { shop, email: "nobody@", source: "GUEST", cause })).rejects.toMatchObject({ field: "email" });
    await expect(enrolReferrer(db, { shop, source: "GUEST", cause })).rejects.toBeInstanceOf(EnrolmentError);
  });

  it("codes are unique per shop and found case-insensitively", async () => {
    await withProgram();
    const { referrer } = await enrolReferrer(db, { shop, email: "x@example.com", source: "GUEST", cause });
    expect((await findReferrerByCode(db, shop, ` ${referrer.code.toLowerCase()} `))?.id).toBe(referrer.id);
    expect(await findReferrerByCode(db, "another.myshopify.com", referrer.code)).toBeNull();
  });
});

describe("putting codes on the friend discount", () => {
  it("adds 250 codes in 3 bulk calls, each code on the program's discount", async () => {
    const { admin, program } = await withProgram();
    for (let i = 0; i < 250; i++) {
      await enrolReferrer(db, { shop, customerId: `gid://shopify/Customer/${1000 + i}`, source: "INVITE", cause });
    }
    const result = await syncReferrerCodes({ db, admin, shop, sleep: async () => {} });
    expect(result).toMatchObject({ synced: 250, calls: 3, recoded: 0 });
    expect(shopify.fake.callsTo("RedeemCodesAdd")).toHaveLength(3);
    // Every code imported: the polls never read the codes back (403 points a batch).
    expect(shopify.fake.callsTo("RedeemCodeBulkProgress")).toHaveLength(3);
    expect(shopify.fake.callsTo("RedeemCodeBulkCreation")).toHaveLength(0);
    const onDiscount = new Set(shopify.fake.codes(shop).filter((c) => c.discountId === program.discountId).map((c) => c.code));
    const referrers = await db.referrer.findMany({ where: { shop } });
    expect(referrers.every((r) => onDiscount.has(r.code) && r.codeSyncedAt)).toBe(true);

    // Nothing left to do: a second run makes no call.
    expect(await syncReferrerCodes({ db, admin, shop, sleep: async () => {} })).toMatchObject({ calls: 0 });
  });

  it("a lost response is harmless: re-adding reports the code as already on our discount", async () => {
    const { admin } = await withProgram();
    await enrolReferrer(db, { shop, customerId: "gid://shopify/Customer/5", source: "STOREFRONT", cause });
    shopify.fake.faults.queue("RedeemCodesAdd", { kind: "executedThenDropped" });
    const result = await syncReferrerCodes({ db, admin, shop, sleep: async () => {} });
    expect(result.synced).toBe(1);
    expect(shopify.fake.codes(shop).filter((c) => !c.code.includes("PROGRAM"))).toHaveLength(1);
  });
});
