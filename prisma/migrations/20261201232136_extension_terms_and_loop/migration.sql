-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Referrer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "emailKey" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "locale" TEXT,
    "code" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "disabledReason" TEXT,
    "addressHash" TEXT,
    "codeSyncedAt" DATETIME,
    "redactedAt" DATETIME,
    "referralCount" INTEGER NOT NULL DEFAULT 0,
    "referredRevenue" DECIMAL NOT NULL DEFAULT 0,
    "clickCount" INTEGER NOT NULL DEFAULT 0,
    "shareCount" INTEGER NOT NULL DEFAULT 0,
    "termsVersion" TEXT,
    "termsAcceptedAt" DATETIME,
    "showFirstName" BOOLEAN NOT NULL DEFAULT false,
    "referredByOrderId" TEXT,
    "referredByReferrerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Referrer" ("addressHash", "clickCount", "code", "codeSyncedAt", "createdAt", "customerId", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "locale", "redactedAt", "referralCount", "referredRevenue", "shareCount", "shop", "source", "status", "updatedAt") SELECT "addressHash", "clickCount", "code", "codeSyncedAt", "createdAt", "customerId", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "locale", "redactedAt", "referralCount", "referredRevenue", "shareCount", "shop", "source", "status", "updatedAt" FROM "Referrer";
DROP TABLE "Referrer";
ALTER TABLE "new_Referrer" RENAME TO "Referrer";
CREATE INDEX "Referrer_shop_createdAt_idx" ON "Referrer"("shop", "createdAt");
CREATE INDEX "Referrer_shop_codeSyncedAt_idx" ON "Referrer"("shop", "codeSyncedAt");
CREATE INDEX "Referrer_shop_referralCount_idx" ON "Referrer"("shop", "referralCount");
CREATE INDEX "Referrer_shop_referredByOrderId_idx" ON "Referrer"("shop", "referredByOrderId");
CREATE UNIQUE INDEX "Referrer_shop_code_key" ON "Referrer"("shop", "code");
CREATE UNIQUE INDEX "Referrer_shop_customerId_key" ON "Referrer"("shop", "customerId");
CREATE UNIQUE INDEX "Referrer_shop_emailKey_key" ON "Referrer"("shop", "emailKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

