-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "nextDiscountCode" TEXT,
ADD COLUMN     "previousDiscountId" TEXT;

