-- CreateTable
CREATE TABLE "Erasure" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "marks" TEXT,
    "phase" TEXT NOT NULL,
    "cursor" TEXT,
    "counts" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Erasure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Erasure_shop_cause_key" ON "Erasure"("shop", "cause");

-- CreateIndex
CREATE INDEX "Referral_shop_id_idx" ON "Referral"("shop", "id");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_id_idx" ON "WebhookDelivery"("shop", "id");

-- CreateIndex
CREATE INDEX "Job_shop_id_idx" ON "Job"("shop", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_shop_id_idx" ON "AuditEvent"("shop", "id");

