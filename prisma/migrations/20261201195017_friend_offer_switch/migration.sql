-- AlterTable
ALTER TABLE "Program" ADD COLUMN "nextDiscountCode" TEXT;
ALTER TABLE "Program" ADD COLUMN "previousDiscountId" TEXT;

