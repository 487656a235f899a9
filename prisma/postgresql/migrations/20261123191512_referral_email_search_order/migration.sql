-- DropIndex
DROP INDEX "Referral_shop_friendEmailKey_idx";

-- CreateIndex
CREATE INDEX "Referral_shop_friendEmailKey_createdAt_idx" ON "Referral"("shop", "friendEmailKey", "createdAt");

