-- AlterTable
ALTER TABLE "Program" ADD COLUMN "storefrontUrl" TEXT;

