-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN "customerCodeWritten" TEXT;

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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Program" ("codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendOfferKind", "friendOfferValue", "holdDays", "id", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt") SELECT "codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendOfferKind", "friendOfferValue", "holdDays", "id", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shop_key" ON "Program"("shop");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

