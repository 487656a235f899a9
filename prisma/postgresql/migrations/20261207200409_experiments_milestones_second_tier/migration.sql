-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "secondTierAckAt" TIMESTAMP(3),
ADD COLUMN     "secondTierAckBy" TEXT,
ADD COLUMN     "secondTierAckVersion" TEXT,
ADD COLUMN     "secondTierEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "secondTierKind" TEXT NOT NULL DEFAULT 'CASH',
ADD COLUMN     "secondTierValue" DECIMAL(65,30) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "variantId" TEXT,
ADD COLUMN     "variantMovedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN     "variantId" TEXT;

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "productId" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'REFERRAL',
ADD COLUMN     "sourceKey" TEXT,
ADD COLUMN     "triggerReferralId" TEXT,
ADD COLUMN     "variantId" TEXT;

-- CreateTable
CREATE TABLE "Milestone" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrals" INTEGER NOT NULL,
    "rewardKind" TEXT NOT NULL,
    "rewardValue" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "productId" TEXT,
    "productTitle" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "runningShop" TEXT,
    "alpha" DECIMAL(65,30) NOT NULL DEFAULT 0.05,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "winnerVariantId" TEXT,
    "createdBy" TEXT NOT NULL,
    "endedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentVariant" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "friendOfferKind" TEXT NOT NULL,
    "friendOfferValue" DECIMAL(65,30) NOT NULL,
    "rewardKind" TEXT NOT NULL,
    "rewardValue" DECIMAL(65,30) NOT NULL,
    "discountId" TEXT,
    "discountCode" TEXT,
    "discountSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentVariant_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Reward_shop_triggerReferralId_idx" ON "Reward"("shop", "triggerReferralId");

-- CreateIndex
CREATE INDEX "Reward_shop_variantId_status_valueType_value_idx" ON "Reward"("shop", "variantId", "status", "valueType", "value");

-- CreateIndex
CREATE UNIQUE INDEX "Reward_shop_sourceKey_key" ON "Reward"("shop", "sourceKey");

-- AddForeignKey
ALTER TABLE "ExperimentVariant" ADD CONSTRAINT "ExperimentVariant_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

