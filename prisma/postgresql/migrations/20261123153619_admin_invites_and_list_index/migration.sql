-- CreateTable
CREATE TABLE "InviteRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "tag" TEXT,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "bulkOperationId" TEXT,
    "totalCustomers" INTEGER,
    "processedLines" INTEGER NOT NULL DEFAULT 0,
    "enrolled" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "skipReasons" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "InviteRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InviteRun_shop_createdAt_idx" ON "InviteRun"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Referral_shop_status_createdAt_idx" ON "Referral"("shop", "status", "createdAt");

