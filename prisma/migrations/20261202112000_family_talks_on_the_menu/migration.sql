-- AlterTable
ALTER TABLE "ServiceMenuItem" ADD COLUMN     "familyId" INTEGER;

-- CreateIndex
CREATE INDEX "ServiceMenuItem_familyId_idx" ON "ServiceMenuItem"("familyId");

-- AddForeignKey
ALTER TABLE "ServiceMenuItem" ADD CONSTRAINT "ServiceMenuItem_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE SET NULL ON UPDATE CASCADE;

