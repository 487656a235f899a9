-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN "deviceIpHash" TEXT;
ALTER TABLE "Referrer" ADD COLUMN "deviceSeenAt" DATETIME;
ALTER TABLE "Referrer" ADD COLUMN "deviceUaHash" TEXT;
ALTER TABLE "Referrer" ADD COLUMN "streetHash" TEXT;

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN "friendIpHash" TEXT;
ALTER TABLE "Referral" ADD COLUMN "friendStreetHash" TEXT;
ALTER TABLE "Referral" ADD COLUMN "friendUaHash" TEXT;
ALTER TABLE "Referral" ADD COLUMN "reviewStatus" TEXT;

-- AlterTable
ALTER TABLE "LinkEvent" ADD COLUMN "ipHash" TEXT;
ALTER TABLE "LinkEvent" ADD COLUMN "uaHash" TEXT;

-- CreateTable
CREATE TABLE "ReferralFlag" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "referralId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "evidence" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReferralFlag_referralId_fkey" FOREIGN KEY ("referralId") REFERENCES "Referral" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ReferralFlag_shop_createdAt_idx" ON "ReferralFlag"("shop", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReferralFlag_referralId_rule_key" ON "ReferralFlag"("referralId", "rule");

-- CreateIndex
CREATE INDEX "Referrer_shop_deviceSeenAt_idx" ON "Referrer"("shop", "deviceSeenAt");

-- CreateIndex
CREATE INDEX "Referral_shop_reviewStatus_createdAt_idx" ON "Referral"("shop", "reviewStatus", "createdAt");

-- CreateIndex
CREATE INDEX "Referral_shop_referrerId_friendIpHash_idx" ON "Referral"("shop", "referrerId", "friendIpHash");

