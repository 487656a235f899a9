-- AlterTable
ALTER TABLE "Reward" ADD COLUMN "feeRate" DECIMAL;
ALTER TABLE "Reward" ADD COLUMN "payoutBatchId" TEXT;

-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT,
    "status" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "businessName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailKey" TEXT NOT NULL,
    "website" TEXT,
    "pitch" TEXT,
    "payoutEmail" TEXT,
    "locale" TEXT,
    "groupId" TEXT,
    "feeKind" TEXT,
    "feeValue" DECIMAL,
    "acceptedVersionId" TEXT,
    "acceptedAt" DATETIME,
    "decidedAt" DATETIME,
    "decidedBy" TEXT,
    "decisionNote" TEXT,
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Partner_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Partner_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "PartnerGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PartnerGroup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "feeKind" TEXT NOT NULL,
    "feeValue" DECIMAL NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AgreementVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "publishedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AgreementAcceptance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "signature" TEXT NOT NULL,
    "ipHash" TEXT,
    "acceptedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AgreementAcceptance_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AgreementAcceptance_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "AgreementVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PartnerSignIn" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PartnerSignIn_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PayoutBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "currencyCode" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "reference" TEXT,
    "paidAt" DATETIME,
    "paidBy" TEXT
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
    "partnerFeeKind" TEXT NOT NULL DEFAULT 'PERCENT',
    "partnerFeeValue" DECIMAL NOT NULL DEFAULT 10,
    "partnerApplicationsOpen" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Program" ("codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendCodeDays", "friendCodeMode", "friendCodesPerDay", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "leakAutoRotate", "leakGraceDays", "leakMinOrders", "leakThresholdPercent", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "secondTierAckAt", "secondTierAckBy", "secondTierAckVersion", "secondTierEnabled", "secondTierKind", "secondTierValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt") SELECT "codePrefix", "combinesWithOrder", "combinesWithProduct", "combinesWithShipping", "createdAt", "currencyCode", "discountCode", "discountId", "discountSyncedAt", "emailAccentColor", "emailLogoUrl", "emailReplyTo", "emailSenderName", "enabled", "firstOrderOnly", "friendCodeDays", "friendCodeMode", "friendCodesPerDay", "friendDiscountMode", "friendDiscountModeDetail", "friendDiscountModeReason", "friendOfferKind", "friendOfferValue", "holdDays", "id", "leakAutoRotate", "leakGraceDays", "leakMinOrders", "leakThresholdPercent", "linkEventsSince", "maxRewardsPerReferrer", "minimumOrderAmount", "nextDiscountCode", "previousDiscountId", "primaryLocale", "referralCheckDiscountId", "referralCheckTitle", "rewardExpiryDays", "rewardKind", "rewardReminderDays", "rewardValue", "secondTierAckAt", "secondTierAckBy", "secondTierAckVersion", "secondTierEnabled", "secondTierKind", "secondTierValue", "shareMessage", "shop", "shopEmail", "shopName", "storefrontUrl", "terms", "timezone", "updatedAt" FROM "Program";
DROP TABLE "Program";
ALTER TABLE "new_Program" RENAME TO "Program";
CREATE UNIQUE INDEX "Program_shop_key" ON "Program"("shop");
CREATE TABLE "new_Referrer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "emailKey" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "locale" TEXT,
    "code" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "disabledReason" TEXT,
    "addressHash" TEXT,
    "streetHash" TEXT,
    "deviceIpHash" TEXT,
    "deviceUaHash" TEXT,
    "deviceSeenAt" DATETIME,
    "codeSyncedAt" DATETIME,
    "customerCodeWritten" TEXT,
    "redactedAt" DATETIME,
    "referralCount" INTEGER NOT NULL DEFAULT 0,
    "referredRevenue" DECIMAL NOT NULL DEFAULT 0,
    "clickCount" INTEGER NOT NULL DEFAULT 0,
    "shareCount" INTEGER NOT NULL DEFAULT 0,
    "termsVersion" TEXT,
    "termsAcceptedAt" DATETIME,
    "showFirstName" BOOLEAN NOT NULL DEFAULT false,
    "referredByOrderId" TEXT,
    "referredByReferrerId" TEXT,
    "leakFlaggedAt" DATETIME,
    "leakSince" DATETIME,
    "variantId" TEXT,
    "variantMovedAt" DATETIME,
    "kind" TEXT NOT NULL DEFAULT 'CUSTOMER',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Referrer" ("addressHash", "clickCount", "code", "codeSyncedAt", "createdAt", "customerCodeWritten", "customerId", "deviceIpHash", "deviceSeenAt", "deviceUaHash", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "leakFlaggedAt", "leakSince", "locale", "redactedAt", "referralCount", "referredByOrderId", "referredByReferrerId", "referredRevenue", "shareCount", "shop", "showFirstName", "source", "status", "streetHash", "termsAcceptedAt", "termsVersion", "updatedAt", "variantId", "variantMovedAt") SELECT "addressHash", "clickCount", "code", "codeSyncedAt", "createdAt", "customerCodeWritten", "customerId", "deviceIpHash", "deviceSeenAt", "deviceUaHash", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "leakFlaggedAt", "leakSince", "locale", "redactedAt", "referralCount", "referredByOrderId", "referredByReferrerId", "referredRevenue", "shareCount", "shop", "showFirstName", "source", "status", "streetHash", "termsAcceptedAt", "termsVersion", "updatedAt", "variantId", "variantMovedAt" FROM "Referrer";
DROP TABLE "Referrer";
ALTER TABLE "new_Referrer" RENAME TO "Referrer";
CREATE INDEX "Referrer_shop_deviceSeenAt_idx" ON "Referrer"("shop", "deviceSeenAt");
CREATE INDEX "Referrer_shop_createdAt_idx" ON "Referrer"("shop", "createdAt");
CREATE INDEX "Referrer_shop_codeSyncedAt_idx" ON "Referrer"("shop", "codeSyncedAt");
CREATE INDEX "Referrer_shop_referralCount_idx" ON "Referrer"("shop", "referralCount");
CREATE INDEX "Referrer_shop_referredByOrderId_idx" ON "Referrer"("shop", "referredByOrderId");
CREATE INDEX "Referrer_shop_variantId_idx" ON "Referrer"("shop", "variantId");
CREATE INDEX "Referrer_shop_leakFlaggedAt_idx" ON "Referrer"("shop", "leakFlaggedAt");
CREATE INDEX "Referrer_shop_kind_idx" ON "Referrer"("shop", "kind");
CREATE UNIQUE INDEX "Referrer_shop_code_key" ON "Referrer"("shop", "code");
CREATE UNIQUE INDEX "Referrer_shop_customerId_key" ON "Referrer"("shop", "customerId");
CREATE UNIQUE INDEX "Referrer_shop_emailKey_key" ON "Referrer"("shop", "emailKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Partner_referrerId_key" ON "Partner"("referrerId");

-- CreateIndex
CREATE INDEX "Partner_shop_status_createdAt_idx" ON "Partner"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Partner_shop_groupId_idx" ON "Partner"("shop", "groupId");

-- CreateIndex
CREATE UNIQUE INDEX "Partner_shop_emailKey_key" ON "Partner"("shop", "emailKey");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerGroup_shop_name_key" ON "PartnerGroup"("shop", "name");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementVersion_shop_version_key" ON "AgreementVersion"("shop", "version");

-- CreateIndex
CREATE INDEX "AgreementAcceptance_shop_versionId_idx" ON "AgreementAcceptance"("shop", "versionId");

-- CreateIndex
CREATE INDEX "AgreementAcceptance_shop_partnerId_acceptedAt_idx" ON "AgreementAcceptance"("shop", "partnerId", "acceptedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementAcceptance_partnerId_versionId_key" ON "AgreementAcceptance"("partnerId", "versionId");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerSignIn_tokenHash_key" ON "PartnerSignIn"("tokenHash");

-- CreateIndex
CREATE INDEX "PartnerSignIn_shop_partnerId_idx" ON "PartnerSignIn"("shop", "partnerId");

-- CreateIndex
CREATE INDEX "PartnerSignIn_expiresAt_idx" ON "PartnerSignIn"("expiresAt");

-- CreateIndex
CREATE INDEX "PayoutBatch_shop_status_createdAt_idx" ON "PayoutBatch"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PayoutBatch_shop_number_key" ON "PayoutBatch"("shop", "number");

-- CreateIndex
CREATE INDEX "Reward_shop_payoutBatchId_idx" ON "Reward"("shop", "payoutBatchId");

