-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "addressHash" TEXT;

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "attemptedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "OrderRefund" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderRefund_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderRefund_shop_orderId_idx" ON "OrderRefund"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderRefund_shop_refundId_key" ON "OrderRefund"("shop", "refundId");

