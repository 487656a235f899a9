-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "scope" TEXT,
    "currencyCode" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Program" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "friendOfferKind" TEXT NOT NULL DEFAULT 'PERCENTAGE',
    "friendOfferValue" DECIMAL(65,30) NOT NULL DEFAULT 10,
    "rewardKind" TEXT NOT NULL DEFAULT 'CODE_PERCENTAGE',
    "rewardValue" DECIMAL(65,30) NOT NULL DEFAULT 10,
    "rewardExpiryDays" INTEGER,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "minimumOrderAmount" DECIMAL(65,30),
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
    "discountSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Program_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referrer" (
    "id" TEXT NOT NULL,
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
    "codeSyncedAt" TIMESTAMP(3),
    "redactedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referrer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL,
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
    "subtotalAmount" DECIMAL(65,30) NOT NULL,
    "totalAmount" DECIMAL(65,30) NOT NULL,
    "refundedAmount" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "currencyCode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "orderCreatedAt" TIMESTAMP(3),
    "holdUntil" TIMESTAMP(3),
    "approvedAt" TIMESTAMP(3),
    "rewardedAt" TIMESTAMP(3),
    "rejectedAt" TIMESTAMP(3),
    "reversedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reward" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "referralId" TEXT,
    "kind" TEXT NOT NULL,
    "valueType" TEXT NOT NULL,
    "value" DECIMAL(65,30) NOT NULL,
    "currencyCode" TEXT,
    "code" TEXT,
    "shopifyId" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "expiresAt" TIMESTAMP(3),
    "issuedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),
    "payoutReference" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "triggeredAt" TIMESTAMP(3),
    "payload" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referralId" TEXT,
    "rewardId" TEXT,
    "referrerId" TEXT,
    "action" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "cause" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
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

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_referralId_fkey" FOREIGN KEY ("referralId") REFERENCES "Referral"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkEvent" ADD CONSTRAINT "LinkEvent_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

