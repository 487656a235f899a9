-- A Shopify object belongs to one reward. Rows from before this index could
-- have two rewards claiming one store credit transaction (found after a lost
-- response): keep the first claim, clear the others and flag their referrals
-- for the merchant, so the index can be created.
UPDATE "Referral" SET "needsReview" = true
WHERE "id" IN (
  SELECT r."referralId" FROM "Reward" r
  WHERE r."shopifyId" IS NOT NULL AND r."referralId" IS NOT NULL
    AND EXISTS (SELECT 1 FROM "Reward" k WHERE k."shop" = r."shop" AND k."shopifyId" = r."shopifyId" AND k."id" < r."id")
);
UPDATE "Reward" SET "shopifyId" = NULL, "reason" = 'Its Shopify transaction was claimed by another reward: check the customer''s store credit'
WHERE "shopifyId" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "Reward" k WHERE k."shop" = "Reward"."shop" AND k."shopifyId" = "Reward"."shopifyId" AND k."id" < "Reward"."id");

-- CreateIndex
CREATE UNIQUE INDEX "Reward_shop_shopifyId_key" ON "Reward"("shop", "shopifyId");
