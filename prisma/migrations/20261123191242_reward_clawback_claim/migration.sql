-- AlterTable
ALTER TABLE "Reward" ADD COLUMN "clawbackShopifyId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Reward_shop_clawbackShopifyId_key" ON "Reward"("shop", "clawbackShopifyId");

