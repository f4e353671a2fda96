-- CreateEnum
CREATE TYPE "TeamJoinKind" AS ENUM ('INVITATION', 'APPLICATION');

-- CreateEnum
CREATE TYPE "TeamJoinStatus" AS ENUM ('PENDING', 'ACCEPTED', 'DECLINED');

-- CreateEnum
CREATE TYPE "PersonalDataField" AS ENUM ('PHONE', 'BIRTH_DATE');

-- DropIndex
DROP INDEX "ServiceRecord_volunteerId_idx";

-- AlterTable
ALTER TABLE "ServiceRecord" ADD COLUMN     "recordedByAccountId" INTEGER,
ADD COLUMN     "reviewedByAccountId" INTEGER;

-- CreateTable
CREATE TABLE "TeamJoinRequest" (
    "id" SERIAL NOT NULL,
    "kind" "TeamJoinKind" NOT NULL,
    "status" "TeamJoinStatus" NOT NULL DEFAULT 'PENDING',
    "teamId" INTEGER NOT NULL,
    "volunteerId" INTEGER NOT NULL,
    "message" TEXT,
    "createdByAccountId" INTEGER NOT NULL,
    "decidedByAccountId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "TeamJoinRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PersonalDataRead" (
    "id" SERIAL NOT NULL,
    "readerAccountId" INTEGER NOT NULL,
    "volunteerId" INTEGER NOT NULL,
    "field" "PersonalDataField" NOT NULL,
    "readAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PersonalDataRead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TeamJoinRequest_teamId_status_idx" ON "TeamJoinRequest"("teamId", "status");

-- CreateIndex
CREATE INDEX "TeamJoinRequest_volunteerId_status_idx" ON "TeamJoinRequest"("volunteerId", "status");

-- CreateIndex
CREATE INDEX "PersonalDataRead_readAt_idx" ON "PersonalDataRead"("readAt");

-- CreateIndex
CREATE INDEX "PersonalDataRead_volunteerId_readAt_idx" ON "PersonalDataRead"("volunteerId", "readAt");

-- CreateIndex
CREATE INDEX "PersonalDataRead_readerAccountId_readAt_idx" ON "PersonalDataRead"("readerAccountId", "readAt");

-- CreateIndex
CREATE INDEX "ServiceRecord_volunteerId_servedOn_idx" ON "ServiceRecord"("volunteerId", "servedOn");

-- AddForeignKey
ALTER TABLE "TeamJoinRequest" ADD CONSTRAINT "TeamJoinRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamJoinRequest" ADD CONSTRAINT "TeamJoinRequest_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamJoinRequest" ADD CONSTRAINT "TeamJoinRequest_createdByAccountId_fkey" FOREIGN KEY ("createdByAccountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamJoinRequest" ADD CONSTRAINT "TeamJoinRequest_decidedByAccountId_fkey" FOREIGN KEY ("decidedByAccountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceRecord" ADD CONSTRAINT "ServiceRecord_recordedByAccountId_fkey" FOREIGN KEY ("recordedByAccountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceRecord" ADD CONSTRAINT "ServiceRecord_reviewedByAccountId_fkey" FOREIGN KEY ("reviewedByAccountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonalDataRead" ADD CONSTRAINT "PersonalDataRead_readerAccountId_fkey" FOREIGN KEY ("readerAccountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonalDataRead" ADD CONSTRAINT "PersonalDataRead_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

