-- DropIndex
DROP INDEX "Referral_shop_createdAt_idx";

-- DropIndex
DROP INDEX "Reward_shop_status_createdAt_idx";

-- DropIndex
DROP INDEX "LinkEvent_shop_createdAt_idx";

-- CreateIndex
CREATE INDEX "Referral_dashboard_idx" ON "Referral"("shop", "createdAt", "status", "referrerId", "totalAmount", "refundedAmount");

-- CreateIndex
CREATE INDEX "Reward_shop_status_createdAt_value_idx" ON "Reward"("shop", "status", "createdAt", "valueType", "value");

-- CreateIndex
CREATE INDEX "LinkEvent_shop_createdAt_type_channel_idx" ON "LinkEvent"("shop", "createdAt", "type", "channel");

