-- AlterTable
ALTER TABLE "Program" ADD COLUMN "timezone" TEXT;

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN "channel" TEXT;

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN "clawbackAttemptedAt" DATETIME;

-- CreateTable
CREATE TABLE "DailyStat" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "channel" TEXT NOT NULL DEFAULT '',
    "referrers" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "shares" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL NOT NULL DEFAULT 0,
    "rewarded" INTEGER NOT NULL DEFAULT 0,
    "rewards" INTEGER NOT NULL DEFAULT 0,
    "rewardsFixed" DECIMAL NOT NULL DEFAULT 0,
    "rewardsPercent" DECIMAL NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "day", "channel")
);

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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Referrer" ("addressHash", "code", "codeSyncedAt", "createdAt", "customerId", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "redactedAt", "shop", "source", "status", "updatedAt") SELECT "addressHash", "code", "codeSyncedAt", "createdAt", "customerId", "disabledReason", "email", "emailKey", "firstName", "id", "lastName", "redactedAt", "shop", "source", "status", "updatedAt" FROM "Referrer";
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


-- Backfill: the dashboard's totals of every existing row. A shop's time zone is
-- not known yet (Program.timezone is null), so days are UTC days: the app
-- rebuilds a shop's totals in its time zone when it reads it from Shopify
-- (app/referrals/daily-stats.server.ts, setShopTimezone).
INSERT INTO "DailyStat" ("shop", "day", "channel", "referrers", "clicks", "shares", "orders", "revenue", "rewarded", "rewards", "rewardsFixed", "rewardsPercent")
SELECT "shop", "day", "channel", SUM("referrers"), SUM("clicks"), SUM("shares"), SUM("orders"), SUM("revenue"), SUM("rewarded"), SUM("rewards"), SUM("rewardsFixed"), SUM("rewardsPercent")
FROM (
    SELECT "shop", substr("createdAt", 1, 10) AS "day", '' AS "channel", COUNT(*) AS "referrers", 0 AS "clicks", 0 AS "shares", 0 AS "orders", 0 AS "revenue", 0 AS "rewarded", 0 AS "rewards", 0 AS "rewardsFixed", 0 AS "rewardsPercent"
      FROM "Referrer" GROUP BY 1, 2
    UNION ALL
    SELECT "shop", substr("createdAt", 1, 10), "channel", 0, SUM(CASE WHEN "type" = 'CLICK' THEN 1 ELSE 0 END), SUM(CASE WHEN "type" = 'SHARE' THEN 1 ELSE 0 END), 0, 0, 0, 0, 0, 0
      FROM "LinkEvent" GROUP BY 1, 2, 3
    UNION ALL
    SELECT "shop", substr("createdAt", 1, 10), '', 0, 0, 0, COUNT(*), SUM("totalAmount" - "refundedAmount"), SUM(CASE WHEN "status" = 'REWARDED' THEN 1 ELSE 0 END), 0, 0, 0
      FROM "Referral" WHERE "status" IN ('PENDING', 'APPROVED', 'REWARDED') GROUP BY 1, 2
    UNION ALL
    SELECT "shop", substr("createdAt", 1, 10), '', 0, 0, 0, 0, 0, 0, COUNT(*), SUM(CASE WHEN "valueType" = 'PERCENTAGE' THEN 0 ELSE "value" END), SUM(CASE WHEN "valueType" = 'PERCENTAGE' THEN "value" ELSE 0 END)
      FROM "Reward" WHERE "status" IN ('ISSUED', 'PAID') GROUP BY 1, 2
) AS "counted"
GROUP BY "shop", "day", "channel";

-- Backfill: each referrer's live referrals and their revenue.
UPDATE "Referrer" SET "referralCount" = "counted"."n", "referredRevenue" = "counted"."revenue"
FROM (
    SELECT "shop", "referrerId", COUNT(*) AS "n", SUM("totalAmount" - "refundedAmount") AS "revenue"
    FROM "Referral" WHERE "status" IN ('PENDING', 'APPROVED', 'REWARDED') GROUP BY "shop", "referrerId"
) AS "counted"
WHERE "Referrer"."shop" = "counted"."shop" AND "Referrer"."id" = "counted"."referrerId";
