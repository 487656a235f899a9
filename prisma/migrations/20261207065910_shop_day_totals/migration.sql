-- CreateTable
CREATE TABLE "ShopDayTotal" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "revenue" DECIMAL NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "complete" BOOLEAN NOT NULL,
    "fetchedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "day")
);

