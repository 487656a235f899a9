-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN "variantId" TEXT;
ALTER TABLE "Referrer" ADD COLUMN "variantMovedAt" DATETIME;

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN "variantId" TEXT;

-- CreateTable
CREATE TABLE "Milestone" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrals" INTEGER NOT NULL,
    "rewardKind" TEXT NOT NULL,
    "rewardValue" DECIMAL NOT NULL DEFAULT 0,
    "productId" TEXT,
    "productTitle" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "runningShop" TEXT,
    "alpha" DECIMAL NOT NULL DEFAULT 0.05,
    "startedAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    "winnerVariantId" TEXT,
    "createdBy" TEXT NOT NULL,
    "endedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ExperimentVariant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "friendOfferKind" TEXT NOT NULL,
    "friendOfferValue" DECIMAL NOT NULL,
    "rewardKind" TEXT NOT NULL,
    "rewardValue" DECIMAL NOT NULL,
    "discountId" TEXT,
    "discountCode" TEXT,
    "discountSyncedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExperimentVariant_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Program" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "friendOfferKind" TEXT NOT NULL DEFAULT 'PERCENTAGE',
    "friendOfferValue" DECIMAL NOT NULL DEFAULT 10,
    "rewardKind" TEXT NOT NULL DEFAULT 'CODE_PERCENTAGE',
    "rewardValue" DECIMAL NOT NULL DEFAULT 10,
    "rewardExpiryDays" INTEGER,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "minimumOrderAmount" DECIMAL,
    "holdDays" INTEGER NOT NULL DEFAULT 30,
    "maxRewardsPerReferrer" INTEGER,
    "firstOrderOnly" BOOLEAN NOT NULL DEFAULT true,
    "codePrefix" TEXT NOT NULL DEFAULT 'FRIEND',
    "combinesWithProduct" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithOrder" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithShipping" BOOLEAN NOT NULL DEFAULT true,
    "terms" TEXT NOT NULL DEFAULT '',
    "shareMessage" TEXT NOT NULL DEFAULT '',
    "discountId" TEXT,
    "discountCode" TEXT,
    "discountSyncedAt" DATETIME,
    "nextDiscountCode" TEXT,
    "previousDiscountId" TEXT,
    "friendDiscountMode" TEXT NOT NULL DEFAULT 'BASIC',
    "friendDiscountModeReason" TEXT,
    "friendDiscountModeDetail" TEXT,
    "referralCheckDiscountId" TEXT,
    "referralCheckTitle" TEXT,
    "timezone" TEXT,
    "linkEventsSince" DATETIME,
    "storefrontUrl" TEXT,
    "shopName" TEXT,
    "shopEmail" TEXT,
    "primaryLocale" TEXT,
    "emailSenderName" TEXT NOT NULL DEFAULT '',
    "emailReplyTo" TEXT NOT NULL DEFAULT '',
    "emailLogoUrl" TEXT NOT NULL DEFAULT '',
    "emailAccentColor" TEXT NOT NULL DEFAULT '#2c6ecb',
    "rewardReminderDays" INTEGER NOT NULL DEFAULT 7,
    "leakMinOrders" INTEGER NOT NULL DEFAULT 10,
    "leakThresholdPercent" INTEGER NOT NULL DEFAULT 80,
    "leakGraceDays" INTEGER NOT NULL DEFAULT 14,
    "leakAutoRotate" BOOLEAN NOT NULL DEFAULT false,
    "friendCodeMode" TEXT NOT NULL DEFAULT 'SHARED',
    "friendCodesPerDay" INTEGER NOT NULL DEFAULT 50,
    "friendCodeDays" INTEGER NOT NULL DEFAULT 30,
    "secondTierEnabled" BOOLEAN NOT NULL DEFAULT false,
    "secondTierKind" TEXT NOT NULL DEFAULT 'CASH',
    "secondTierValue" DECIMAL NOT NULL DEFAULT 0,
    "secondTierAckVersion" TEXT,
    "secondTierAckAt" DATETIME,
    "secondTierAckBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Program" ("codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendCodeDays", "friendCodeMode", "friendCodesPerDay", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "leakAutoRotate", "leakGraceDays", "leakMinOrders", "leakThresholdPercent", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt") SELECT "codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendCodeDays", "friendCodeMode", "friendCodesPerDay", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "leakAutoRotate", "leakGraceDays", "leakMinOrders", "leakThresholdPercent", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shop_key" ON "Program"("shop");
CREATE TABLE "new_Reward" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "referralId" TEXT,
    "source" TEXT NOT NULL DEFAULT 'REFERRAL',
    "sourceKey" TEXT,
    "triggerReferralId" TEXT,
    "productId" TEXT,
    "variantId" TEXT,
    "kind" TEXT NOT NULL,
    "valueType" TEXT NOT NULL,
    "value" DECIMAL NOT NULL,
    "currencyCode" TEXT,
    "code" TEXT,
    "shopifyId" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "expiresAt" DATETIME,
    "attemptedAt" DATETIME,
    "revokeAttemptedAt" DATETIME,
    "revokeShopifyId" TEXT,
    "issuedAt" DATETIME,
    "usedAt" DATETIME,
    "revokedAt" DATETIME,
    "paidAt" DATETIME,
    "payoutReference" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Reward_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reward_referralId_fkey" FOREIGN KEY ("referralId") REFERENCES "Referral" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Reward" ("attemptedAt", "code", "createdAt", "currencyCode", "expiresAt", "id", "issuedAt", "kind", "paidAt", "payoutReference", "reason", "referralId", "referrerId", "revokeAttemptedAt", "revokeShopifyId", "revokedAt", "shop", "shopifyId", "status", "updatedAt", "usedAt", "value", "valueType") SELECT "attemptedAt", "code", "createdAt", "currencyCode", "expiresAt", "id", "issuedAt", "kind", "paidAt", "payoutReference", "reason", "referralId", "referrerId", "revokeAttemptedAt", "revokeShopifyId", "revokedAt", "shop", "shopifyId", "status", "updatedAt", "usedAt", "value", "valueType" FROM "Reward";
DROP TABLE "Reward";
ALTER TABLE "new_Reward" RENAME TO "Reward";
CREATE UNIQUE INDEX "Reward_referralId_key" ON "Reward"("referralId");
CREATE INDEX "Reward_shop_triggerReferralId_idx" ON "Reward"("shop", "triggerReferralId");
CREATE INDEX "Reward_shop_variantId_status_valueType_value_idx" ON "Reward"("shop", "variantId", "status", "valueType", "value");
CREATE INDEX "Reward_shop_referrerId_idx" ON "Reward"("shop", "referrerId");
CREATE INDEX "Reward_shop_status_createdAt_value_idx" ON "Reward"("shop", "status", "createdAt", "valueType", "value");
CREATE UNIQUE INDEX "Reward_shop_code_key" ON "Reward"("shop", "code");
CREATE UNIQUE INDEX "Reward_shop_shopifyId_key" ON "Reward"("shop", "shopifyId");
CREATE UNIQUE INDEX "Reward_shop_revokeShopifyId_key" ON "Reward"("shop", "revokeShopifyId");
CREATE UNIQUE INDEX "Reward_shop_sourceKey_key" ON "Reward"("shop", "sourceKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Milestone_shop_referrals_key" ON "Milestone"("shop", "referrals");

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_runningShop_key" ON "Experiment"("runningShop");

-- CreateIndex
CREATE INDEX "Experiment_shop_createdAt_idx" ON "Experiment"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "ExperimentVariant_shop_experimentId_idx" ON "ExperimentVariant"("shop", "experimentId");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentVariant_experimentId_position_key" ON "ExperimentVariant"("experimentId", "position");

-- CreateIndex
CREATE INDEX "Referrer_shop_variantId_idx" ON "Referrer"("shop", "variantId");

-- CreateIndex
CREATE INDEX "Referral_shop_variantId_status_totalAmount_refundedAmount_idx" ON "Referral"("shop", "variantId", "status", "totalAmount", "refundedAmount");

