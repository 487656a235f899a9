-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "leakAutoRotate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "leakGraceDays" INTEGER NOT NULL DEFAULT 14,
ADD COLUMN     "leakMinOrders" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "leakThresholdPercent" INTEGER NOT NULL DEFAULT 80;

-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "leakFlaggedAt" TIMESTAMP(3),
ADD COLUMN     "leakSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN     "couponSite" TEXT,
ADD COLUMN     "landingSite" TEXT,
ADD COLUMN     "referringSite" TEXT,
ADD COLUMN     "typedWithoutLink" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ReferrerCode" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "retireAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),
    "discountId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferrerCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReferrerCode_shop_referrerId_idx" ON "ReferrerCode"("shop", "referrerId");

-- CreateIndex
CREATE UNIQUE INDEX "ReferrerCode_shop_code_key" ON "ReferrerCode"("shop", "code");

-- CreateIndex
CREATE INDEX "Referrer_shop_leakFlaggedAt_idx" ON "Referrer"("shop", "leakFlaggedAt");

-- CreateIndex
CREATE INDEX "Referral_shop_referrerId_createdAt_idx" ON "Referral"("shop", "referrerId", "createdAt");

-- AddForeignKey
ALTER TABLE "ReferrerCode" ADD CONSTRAINT "ReferrerCode_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

