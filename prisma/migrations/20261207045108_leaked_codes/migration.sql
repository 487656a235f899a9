-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN "leakFlaggedAt" DATETIME;
ALTER TABLE "Referrer" ADD COLUMN "leakSince" DATETIME;

-- CreateTable
CREATE TABLE "ReferrerCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "retireAt" DATETIME NOT NULL,
    "removedAt" DATETIME,
    "discountId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReferrerCode_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Program" ("codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt") SELECT "codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shop_key" ON "Program"("shop");
CREATE TABLE "new_Referral" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "friendCustomerId" TEXT,
    "friendEmail" TEXT,
    "friendEmailKey" TEXT,
    "friendAddressHash" TEXT,
    "friendStreetHash" TEXT,
    "codeUsed" TEXT,
    "attributedBy" TEXT NOT NULL,
    "channel" TEXT,
    "landingSite" TEXT,
    "referringSite" TEXT,
    "couponSite" TEXT,
    "typedWithoutLink" BOOLEAN NOT NULL DEFAULT false,
    "subtotalAmount" DECIMAL NOT NULL,
    "totalAmount" DECIMAL NOT NULL,
    "refundedAmount" DECIMAL NOT NULL DEFAULT 0,
    "currencyCode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    "reviewStatus" TEXT,
    "friendIpHash" TEXT,
    "friendUaHash" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "orderCreatedAt" DATETIME,
    "holdUntil" DATETIME,
    "approvedAt" DATETIME,
    "rewardedAt" DATETIME,
    "rejectedAt" DATETIME,
    "reversedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Referral_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Referral" ("approvedAt", "attributedBy", "channel", "codeUsed", "createdAt", "currencyCode", "friendAddressHash", "friendCustomerId", "friendEmail", "friendEmailKey", "friendIpHash", "friendStreetHash", "friendUaHash", "holdUntil", "id", "needsReview", "orderCreatedAt", "orderId", "orderName", "reason", "referrerId", "refundedAmount", "rejectedAt", "reversedAt", "reviewStatus", "rewardedAt", "shop", "status", "subtotalAmount", "test", "totalAmount", "updatedAt") SELECT "approvedAt", "attributedBy", "channel", "codeUsed", "createdAt", "currencyCode", "friendAddressHash", "friendCustomerId", "friendEmail", "friendEmailKey", "friendIpHash", "friendStreetHash", "friendUaHash", "holdUntil", "id", "needsReview", "orderCreatedAt", "orderId", "orderName", "reason", "referrerId", "refundedAmount", "rejectedAt", "reversedAt", "reviewStatus", "rewardedAt", "shop", "status", "subtotalAmount", "test", "totalAmount", "updatedAt" FROM "Referral";
DROP TABLE "Referral";
ALTER TABLE "new_Referral" RENAME TO "Referral";
CREATE INDEX "Referral_shop_status_holdUntil_idx" ON "Referral"("shop", "status", "holdUntil");
CREATE INDEX "Referral_dashboard_idx" ON "Referral"("shop", "createdAt", "status", "referrerId", "totalAmount", "refundedAmount");
CREATE INDEX "Referral_shop_status_createdAt_idx" ON "Referral"("shop", "status", "createdAt");
CREATE INDEX "Referral_shop_referrerId_status_idx" ON "Referral"("shop", "referrerId", "status");
CREATE INDEX "Referral_shop_friendEmailKey_createdAt_idx" ON "Referral"("shop", "friendEmailKey", "createdAt");
CREATE INDEX "Referral_shop_friendCustomerId_idx" ON "Referral"("shop", "friendCustomerId");
CREATE INDEX "Referral_shop_reviewStatus_createdAt_idx" ON "Referral"("shop", "reviewStatus", "createdAt");
CREATE INDEX "Referral_shop_referrerId_friendIpHash_idx" ON "Referral"("shop", "referrerId", "friendIpHash");
CREATE INDEX "Referral_shop_id_idx" ON "Referral"("shop", "id");
CREATE INDEX "Referral_shop_referrerId_createdAt_idx" ON "Referral"("shop", "referrerId", "createdAt");
CREATE UNIQUE INDEX "Referral_shop_orderId_key" ON "Referral"("shop", "orderId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ReferrerCode_shop_referrerId_idx" ON "ReferrerCode"("shop", "referrerId");

-- CreateIndex
CREATE UNIQUE INDEX "ReferrerCode_shop_code_key" ON "ReferrerCode"("shop", "code");

-- CreateIndex
CREATE INDEX "Referrer_shop_leakFlaggedAt_idx" ON "Referrer"("shop", "leakFlaggedAt");

