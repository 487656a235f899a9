// The migration that makes (shop, shopifyId) unique on Reward applies to a
// database whose old code let two rewards claim one store credit transaction:
// the first claim is kept, the others are cleared and flagged for the merchant.
import { describe, expect, it } from "vitest";
import pg from "pg";
import Database from "better-sqlite3";
import { applySql, createEmptyDatabase, migrationSql, type Provider } from "../../scripts/test-database";

const provider = (process.env.TEST_DATABASE ?? "sqlite") as Provider;

const OLD_ROWS = `
  INSERT INTO "Referrer" ("id", "shop", "code", "source", "updatedAt") VALUES ('r1', 'a.myshopify.com', 'FRIEND-A1', 'ADMIN', CURRENT_TIMESTAMP), ('r2', 'b.myshopify.com', 'FRIEND-B1', 'ADMIN', CURRENT_TIMESTAMP);
  INSERT INTO "Referral" ("id", "shop", "referrerId", "orderId", "attributedBy", "subtotalAmount", "totalAmount", "currencyCode", "status", "updatedAt") VALUES
    ('f1', 'a.myshopify.com', 'r1', 'gid://shopify/Order/1', 'CODE', 100, 100, 'USD', 'REWARDED', CURRENT_TIMESTAMP),
    ('f2', 'a.myshopify.com', 'r1', 'gid://shopify/Order/2', 'CODE', 100, 100, 'USD', 'REWARDED', CURRENT_TIMESTAMP);
  INSERT INTO "Reward" ("id", "shop", "referrerId", "referralId", "kind", "valueType", "value", "shopifyId", "status", "updatedAt") VALUES
    ('w1', 'a.myshopify.com', 'r1', 'f1', 'STORE_CREDIT', 'FIXED_AMOUNT', 5, 'gid://shopify/StoreCreditAccountCreditTransaction/9', 'ISSUED', CURRENT_TIMESTAMP),
    ('w2', 'a.myshopify.com', 'r1', 'f2', 'STORE_CREDIT', 'FIXED_AMOUNT', 5, 'gid://shopify/StoreCreditAccountCreditTransaction/9', 'ISSUED', CURRENT_TIMESTAMP),
    ('w3', 'a.myshopify.com', 'r1', NULL, 'CASH', 'FIXED_AMOUNT', 5, NULL, 'ISSUED', CURRENT_TIMESTAMP),
    ('w4', 'a.myshopify.com', 'r1', NULL, 'CASH', 'FIXED_AMOUNT', 5, NULL, 'ISSUED', CURRENT_TIMESTAMP),
    ('w5', 'b.myshopify.com', 'r2', NULL, 'STORE_CREDIT', 'FIXED_AMOUNT', 5, 'gid://shopify/StoreCreditAccountCreditTransaction/9', 'ISSUED', CURRENT_TIMESTAMP);
`;

const READ = `SELECT r."id", r."shopifyId", r."reason", f."needsReview" FROM "Reward" r LEFT JOIN "Referral" f ON f."id" = r."referralId" ORDER BY r."id"`;

async function rows(url: string): Promise<{ id: string; shopifyId: string | null; reason: string | null; needsReview: unknown }[]> {
  if (provider === "sqlite") {
    const sqlite = new Database(url.slice("file:".length));
    try {
      return sqlite.prepare(READ).all() as never;
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(READ)).rows;
  } finally {
    await client.end();
  }
}

describe(`reward_shopify_id_unique on ${provider}`, () => {
  it("keeps the first claim of a transaction, clears and flags the others, then enforces one reward per transaction", async () => {
    const all = migrationSql(provider);
    const index = all.findIndex((sql) => sql.includes("Reward_shop_shopifyId_key"));
    expect(index).toBeGreaterThan(0);
    const database = await createEmptyDatabase(provider);
    try {
      await applySql(database, all.slice(0, index));
      await applySql(database, [OLD_ROWS]);
      await applySql(database, all.slice(index));
      const after = await rows(database.url);
      const flagged = (v: unknown) => v === true || v === 1;
      expect(after.map((r) => [r.id, r.shopifyId, flagged(r.needsReview)])).toEqual([
        ["w1", "gid://shopify/StoreCreditAccountCreditTransaction/9", false],
        ["w2", null, true],
        ["w3", null, false],
        ["w4", null, false],
        // Another shop's transaction with the same id is another object.
        ["w5", "gid://shopify/StoreCreditAccountCreditTransaction/9", false],
      ]);
      expect(after.find((r) => r.id === "w2")?.reason).toMatch(/claimed by another reward/);
      await expect(
        applySql(database, [`UPDATE "Reward" SET "shopifyId" = 'gid://shopify/StoreCreditAccountCreditTransaction/9' WHERE "id" = 'w2'`]),
      ).rejects.toThrow(/unique/i);
    } finally {
      await database.drop();
    }
  });
});
