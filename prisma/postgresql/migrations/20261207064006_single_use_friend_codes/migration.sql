-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "friendCodeDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "friendCodeMode" TEXT NOT NULL DEFAULT 'SHARED',
ADD COLUMN     "friendCodesPerDay" INTEGER NOT NULL DEFAULT 50;

-- CreateTable
CREATE TABLE "FriendCode" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "discountId" TEXT,
    "ipHash" TEXT,
    "uaHash" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "orderId" TEXT,
    "usedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FriendCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FriendCode_shop_referrerId_createdAt_idx" ON "FriendCode"("shop", "referrerId", "createdAt");

-- CreateIndex
CREATE INDEX "FriendCode_shop_deletedAt_expiresAt_idx" ON "FriendCode"("shop", "deletedAt", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "FriendCode_shop_code_key" ON "FriendCode"("shop", "code");

-- AddForeignKey
ALTER TABLE "FriendCode" ADD CONSTRAINT "FriendCode_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

