-- AlterTable
ALTER TABLE "Program" ADD COLUMN "linkEventsSince" DATETIME;

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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Referrer" ("addressHash", "code", "codeSyncedAt", "createdAt", "customerId", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "redactedAt", "referralCount", "referredRevenue", "shop", "source", "status", "updatedAt") SELECT "addressHash", "code", "codeSyncedAt", "createdAt", "customerId", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "redactedAt", "referralCount", "referredRevenue", "shop", "source", "status", "updatedAt" FROM "Referrer";
DROP TABLE "Referrer";
ALTER TABLE "new_Referrer" RENAME TO "Referrer";
CREATE INDEX "Referrer_shop_createdAt_idx" ON "Referrer"("shop", "createdAt");
CREATE INDEX "Referrer_shop_codeSyncedAt_idx" ON "Referrer"("shop", "codeSyncedAt");
CREATE INDEX "Referrer_shop_referralCount_idx" ON "Referrer"("shop", "referralCount");
CREATE UNIQUE INDEX "Referrer_shop_code_key" ON "Referrer"("shop", "code");
CREATE UNIQUE INDEX "Referrer_shop_customerId_key" ON "Referrer"("shop", "customerId");
CREATE UNIQUE INDEX "Referrer_shop_emailKey_key" ON "Referrer"("shop", "emailKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Backfill: the counts of the link events recorded so far.
UPDATE "Referrer" SET
  "clickCount" = (SELECT COUNT(*) FROM "LinkEvent" e WHERE e."referrerId" = "Referrer"."id" AND e."shop" = "Referrer"."shop" AND e."type" = 'CLICK'),
  "shareCount" = (SELECT COUNT(*) FROM "LinkEvent" e WHERE e."referrerId" = "Referrer"."id" AND e."shop" = "Referrer"."shop" AND e."type" = 'SHARE');
