-- One word per concept: a reward is revoked (not "clawed back"), and a reward
-- cancelled before it was issued is CANCELLED (REVERSED is what a referral becomes).
ALTER TABLE "Reward" RENAME COLUMN "clawbackAttemptedAt" TO "revokeAttemptedAt";
ALTER TABLE "Reward" RENAME COLUMN "clawbackShopifyId" TO "revokeShopifyId";
ALTER INDEX "Reward_shop_clawbackShopifyId_key" RENAME TO "Reward_shop_revokeShopifyId_key";
UPDATE "Reward" SET "status" = 'CANCELLED' WHERE "status" = 'REVERSED';
UPDATE "AuditEvent" SET "toStatus" = 'CANCELLED' WHERE "rewardId" IS NOT NULL AND "action" = 'reward.cancelled' AND "toStatus" = 'REVERSED';
UPDATE "Job" SET "kind" = 'revoke-reward' WHERE "kind" = 'clawback-reward';
