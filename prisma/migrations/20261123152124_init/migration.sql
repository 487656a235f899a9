-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "scope" TEXT,
    "currencyCode" TEXT,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Program" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Referrer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "emailKey" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "code" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "disabledReason" TEXT,
    "codeSyncedAt" DATETIME,
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "friendCustomerId" TEXT,
    "friendEmail" TEXT,
    "friendEmailKey" TEXT,
    "friendAddressHash" TEXT,
    "codeUsed" TEXT,
    "attributedBy" TEXT NOT NULL,
    "subtotalAmount" DECIMAL NOT NULL,
    "totalAmount" DECIMAL NOT NULL,
    "refundedAmount" DECIMAL NOT NULL DEFAULT 0,
    "currencyCode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
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

-- CreateTable
CREATE TABLE "Reward" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "referralId" TEXT,
    "kind" TEXT NOT NULL,
    "valueType" TEXT NOT NULL,
    "value" DECIMAL NOT NULL,
    "currencyCode" TEXT,
    "code" TEXT,
    "shopifyId" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "expiresAt" DATETIME,
    "issuedAt" DATETIME,
    "revokedAt" DATETIME,
    "paidAt" DATETIME,
    "payoutReference" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Reward_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reward_referralId_fkey" FOREIGN KEY ("referralId") REFERENCES "Referral" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LinkEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LinkEvent_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "triggeredAt" DATETIME,
    "payload" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "availableAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "availableAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referralId" TEXT,
    "rewardId" TEXT,
    "referrerId" TEXT,
    "action" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "cause" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Program_shop_key" ON "Program"("shop");

-- CreateIndex
CREATE INDEX "Referrer_shop_createdAt_idx" ON "Referrer"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Referrer_shop_codeSyncedAt_idx" ON "Referrer"("shop", "codeSyncedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Referrer_shop_code_key" ON "Referrer"("shop", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Referrer_shop_customerId_key" ON "Referrer"("shop", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Referrer_shop_emailKey_key" ON "Referrer"("shop", "emailKey");

-- CreateIndex
CREATE INDEX "Referral_shop_status_holdUntil_idx" ON "Referral"("shop", "status", "holdUntil");

-- CreateIndex
CREATE INDEX "Referral_shop_createdAt_idx" ON "Referral"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Referral_shop_referrerId_status_idx" ON "Referral"("shop", "referrerId", "status");

-- CreateIndex
CREATE INDEX "Referral_shop_friendEmailKey_idx" ON "Referral"("shop", "friendEmailKey");

-- CreateIndex
CREATE INDEX "Referral_shop_friendCustomerId_idx" ON "Referral"("shop", "friendCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shop_orderId_key" ON "Referral"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Reward_referralId_key" ON "Reward"("referralId");

-- CreateIndex
CREATE INDEX "Reward_shop_referrerId_idx" ON "Reward"("shop", "referrerId");

-- CreateIndex
CREATE INDEX "Reward_shop_status_createdAt_idx" ON "Reward"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reward_shop_code_key" ON "Reward"("shop", "code");

-- CreateIndex
CREATE INDEX "LinkEvent_shop_createdAt_idx" ON "LinkEvent"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "LinkEvent_shop_referrerId_type_idx" ON "LinkEvent"("shop", "referrerId", "type");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_availableAt_idx" ON "WebhookDelivery"("status", "availableAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_status_idx" ON "WebhookDelivery"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shop_webhookId_key" ON "WebhookDelivery"("shop", "webhookId");

-- CreateIndex
CREATE INDEX "Job_status_availableAt_idx" ON "Job"("status", "availableAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_shop_kind_key_key" ON "Job"("shop", "kind", "key");

-- CreateIndex
CREATE INDEX "AuditEvent_shop_referralId_idx" ON "AuditEvent"("shop", "referralId");

-- CreateIndex
CREATE INDEX "AuditEvent_shop_referrerId_idx" ON "AuditEvent"("shop", "referrerId");

-- CreateIndex
CREATE INDEX "AuditEvent_shop_createdAt_idx" ON "AuditEvent"("shop", "createdAt");

