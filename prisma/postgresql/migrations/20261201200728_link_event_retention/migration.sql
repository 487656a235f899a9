-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "linkEventsSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "clickCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shareCount" INTEGER NOT NULL DEFAULT 0;


-- Backfill: the counts of the link events recorded so far.
UPDATE "Referrer" SET
  "clickCount" = (SELECT COUNT(*) FROM "LinkEvent" e WHERE e."referrerId" = "Referrer"."id" AND e."shop" = "Referrer"."shop" AND e."type" = 'CLICK'),
  "shareCount" = (SELECT COUNT(*) FROM "LinkEvent" e WHERE e."referrerId" = "Referrer"."id" AND e."shop" = "Referrer"."shop" AND e."type" = 'SHARE');
