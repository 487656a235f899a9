-- CreateTable
CREATE TABLE "FriendCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "discountId" TEXT,
    "ipHash" TEXT,
    "uaHash" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "orderId" TEXT,
    "usedAt" DATETIME,
    "deletedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FriendCode_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Program" ("codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "leakAutoRotate", "leakGraceDays", "leakMinOrders", "leakThresholdPercent", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt") SELECT "codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "leakAutoRotate", "leakGraceDays", "leakMinOrders", "leakThresholdPercent", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shop_key" ON "Program"("shop");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "FriendCode_shop_referrerId_createdAt_idx" ON "FriendCode"("shop", "referrerId", "createdAt");

-- CreateIndex
CREATE INDEX "FriendCode_shop_deletedAt_expiresAt_idx" ON "FriendCode"("shop", "deletedAt", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "FriendCode_shop_code_key" ON "FriendCode"("shop", "code");

