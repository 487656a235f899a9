-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN "addressHash" TEXT;

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN "attemptedAt" DATETIME;

-- CreateTable
CREATE TABLE "OrderRefund" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "amount" DECIMAL NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "OrderRefund_shop_orderId_idx" ON "OrderRefund"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderRefund_shop_refundId_key" ON "OrderRefund"("shop", "refundId");

