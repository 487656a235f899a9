-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "referredByOrderId" TEXT,
ADD COLUMN     "referredByReferrerId" TEXT,
ADD COLUMN     "showFirstName" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "termsAcceptedAt" TIMESTAMP(3),
ADD COLUMN     "termsVersion" TEXT;

-- CreateIndex
CREATE INDEX "Referrer_shop_referredByOrderId_idx" ON "Referrer"("shop", "referredByOrderId");

