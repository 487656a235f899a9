-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "emailAccentColor" TEXT NOT NULL DEFAULT '#2c6ecb',
ADD COLUMN     "emailLogoUrl" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "emailReplyTo" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "emailSenderName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "primaryLocale" TEXT,
ADD COLUMN     "rewardReminderDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "shopEmail" TEXT,
ADD COLUMN     "shopName" TEXT;

-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "locale" TEXT;

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "usedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "InviteRun" ADD COLUMN     "emailed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "notEmailed" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "emailKey" TEXT NOT NULL,
    "locale" TEXT,
    "referrerId" TEXT,
    "referralId" TEXT,
    "rewardId" TEXT,
    "inviteRunId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "payload" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailSuppression" (
    "shop" TEXT NOT NULL,
    "emailKey" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailSuppression_pkey" PRIMARY KEY ("shop","emailKey")
);

-- CreateTable
CREATE TABLE "EmailSwitch" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailSwitch_pkey" PRIMARY KEY ("shop","kind")
);

-- CreateTable
CREATE TABLE "EmailText" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "heading" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailText_pkey" PRIMARY KEY ("shop","kind","locale")
);

-- CreateIndex
CREATE INDEX "EmailMessage_status_availableAt_idx" ON "EmailMessage"("status", "availableAt");

-- CreateIndex
CREATE INDEX "EmailMessage_shop_status_availableAt_idx" ON "EmailMessage"("shop", "status", "availableAt");

-- CreateIndex
CREATE INDEX "EmailMessage_shop_createdAt_idx" ON "EmailMessage"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "EmailMessage_shop_emailKey_idx" ON "EmailMessage"("shop", "emailKey");

-- CreateIndex
CREATE INDEX "EmailMessage_shop_inviteRunId_status_idx" ON "EmailMessage"("shop", "inviteRunId", "status");

-- CreateIndex
CREATE INDEX "EmailMessage_shop_id_idx" ON "EmailMessage"("shop", "id");

-- CreateIndex
CREATE UNIQUE INDEX "EmailMessage_shop_kind_key_key" ON "EmailMessage"("shop", "kind", "key");

