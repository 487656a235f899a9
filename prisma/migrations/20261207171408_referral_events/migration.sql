-- CreateTable
CREATE TABLE "ReferralEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "referrerId" TEXT,
    "referralId" TEXT,
    "rewardId" TEXT,
    "data" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "EventDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "responseStatus" INTEGER,
    "durationMs" INTEGER,
    "availableAt" DATETIME NOT NULL,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    CONSTRAINT "EventDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "ReferralEvent" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ReferralEvent_shop_occurredAt_idx" ON "ReferralEvent"("shop", "occurredAt");

-- CreateIndex
CREATE INDEX "ReferralEvent_shop_referrerId_idx" ON "ReferralEvent"("shop", "referrerId");

-- CreateIndex
CREATE INDEX "ReferralEvent_shop_id_idx" ON "ReferralEvent"("shop", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ReferralEvent_shop_key_key" ON "ReferralEvent"("shop", "key");

-- CreateIndex
CREATE INDEX "EventDelivery_shop_status_availableAt_idx" ON "EventDelivery"("shop", "status", "availableAt");

-- CreateIndex
CREATE INDEX "EventDelivery_status_availableAt_idx" ON "EventDelivery"("status", "availableAt");

-- CreateIndex
CREATE INDEX "EventDelivery_shop_target_createdAt_idx" ON "EventDelivery"("shop", "target", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EventDelivery_eventId_target_key" ON "EventDelivery"("eventId", "target");

