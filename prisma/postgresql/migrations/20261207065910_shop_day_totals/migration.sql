-- CreateTable
CREATE TABLE "ShopDayTotal" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "revenue" DECIMAL(65,30) NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "complete" BOOLEAN NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopDayTotal_pkey" PRIMARY KEY ("shop","day")
);

