-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "partnerApplicationsOpen" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "partnerFeeKind" TEXT NOT NULL DEFAULT 'PERCENT',
ADD COLUMN     "partnerFeeValue" DECIMAL(65,30) NOT NULL DEFAULT 10;

-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'CUSTOMER';

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "feeRate" DECIMAL(65,30),
ADD COLUMN     "payoutBatchId" TEXT;

-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT,
    "status" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "businessName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailKey" TEXT NOT NULL,
    "website" TEXT,
    "pitch" TEXT,
    "payoutEmail" TEXT,
    "locale" TEXT,
    "groupId" TEXT,
    "feeKind" TEXT,
    "feeValue" DECIMAL(65,30),
    "acceptedVersionId" TEXT,
    "acceptedAt" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "decisionNote" TEXT,
    "redactedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerGroup" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "feeKind" TEXT NOT NULL,
    "feeValue" DECIMAL(65,30) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PartnerGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgreementVersion" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedBy" TEXT NOT NULL,

    CONSTRAINT "AgreementVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgreementAcceptance" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "signature" TEXT NOT NULL,
    "ipHash" TEXT,
    "acceptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgreementAcceptance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerSignIn" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartnerSignIn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PayoutBatch" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "currencyCode" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "reference" TEXT,
    "paidAt" TIMESTAMP(3),
    "paidBy" TEXT,

    CONSTRAINT "PayoutBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Partner_referrerId_key" ON "Partner"("referrerId");

-- CreateIndex
CREATE INDEX "Partner_shop_status_createdAt_idx" ON "Partner"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Partner_shop_groupId_idx" ON "Partner"("shop", "groupId");

-- CreateIndex
CREATE UNIQUE INDEX "Partner_shop_emailKey_key" ON "Partner"("shop", "emailKey");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerGroup_shop_name_key" ON "PartnerGroup"("shop", "name");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementVersion_shop_version_key" ON "AgreementVersion"("shop", "version");

-- CreateIndex
CREATE INDEX "AgreementAcceptance_shop_versionId_idx" ON "AgreementAcceptance"("shop", "versionId");

-- CreateIndex
CREATE INDEX "AgreementAcceptance_shop_partnerId_acceptedAt_idx" ON "AgreementAcceptance"("shop", "partnerId", "acceptedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementAcceptance_partnerId_versionId_key" ON "AgreementAcceptance"("partnerId", "versionId");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerSignIn_tokenHash_key" ON "PartnerSignIn"("tokenHash");

-- CreateIndex
CREATE INDEX "PartnerSignIn_shop_partnerId_idx" ON "PartnerSignIn"("shop", "partnerId");

-- CreateIndex
CREATE INDEX "PartnerSignIn_expiresAt_idx" ON "PartnerSignIn"("expiresAt");

-- CreateIndex
CREATE INDEX "PayoutBatch_shop_status_createdAt_idx" ON "PayoutBatch"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PayoutBatch_shop_number_key" ON "PayoutBatch"("shop", "number");

-- CreateIndex
CREATE INDEX "Referrer_shop_kind_idx" ON "Referrer"("shop", "kind");

-- CreateIndex
CREATE INDEX "Reward_shop_payoutBatchId_idx" ON "Reward"("shop", "payoutBatchId");

-- AddForeignKey
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Referrer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "PartnerGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementAcceptance" ADD CONSTRAINT "AgreementAcceptance_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementAcceptance" ADD CONSTRAINT "AgreementAcceptance_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "AgreementVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerSignIn" ADD CONSTRAINT "PartnerSignIn_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

