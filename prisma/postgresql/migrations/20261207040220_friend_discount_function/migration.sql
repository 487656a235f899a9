-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "friendDiscountMode" TEXT NOT NULL DEFAULT 'BASIC',
ADD COLUMN     "friendDiscountModeDetail" TEXT,
ADD COLUMN     "friendDiscountModeReason" TEXT,
ADD COLUMN     "referralCheckDiscountId" TEXT,
ADD COLUMN     "referralCheckTitle" TEXT;

-- AlterTable
ALTER TABLE "Referrer" ADD COLUMN     "customerCodeWritten" TEXT;

