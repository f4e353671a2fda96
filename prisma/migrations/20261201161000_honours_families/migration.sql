-- CreateEnum
CREATE TYPE "HonorLevel" AS ENUM ('NATIONAL', 'PROVINCIAL', 'CITY', 'DISTRICT');

-- CreateEnum
CREATE TYPE "HonorRecipientKind" AS ENUM ('VOLUNTEER', 'TEAM', 'FAMILY');

-- CreateEnum
CREATE TYPE "NominationStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "OutreachVenueKind" AS ENUM ('SCHOOL', 'COMMUNITY', 'COMPANY', 'GOVERNMENT_OFFICE', 'OTHER');

-- CreateTable
CREATE TABLE "Honor" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "level" "HonorLevel" NOT NULL,
    "year" INTEGER NOT NULL,
    "nominationOnly" BOOLEAN NOT NULL DEFAULT false,
    "citation" TEXT,
    "awardedBy" TEXT NOT NULL,
    "recipientKind" "HonorRecipientKind" NOT NULL,
    "volunteerId" INTEGER,
    "teamId" INTEGER,
    "familyId" INTEGER,
    "siteId" INTEGER NOT NULL,
    "nominationId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Honor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Family" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "story" TEXT NOT NULL,
    "siteId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Family_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FamilyMember" (
    "id" SERIAL NOT NULL,
    "familyId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "relation" TEXT,
    "volunteerId" INTEGER,

    CONSTRAINT "FamilyMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FamilySelectionCycle" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "startYear" INTEGER NOT NULL,
    "endYear" INTEGER NOT NULL,
    "nominationOpensAt" TIMESTAMPTZ(3) NOT NULL,
    "nominationClosesAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FamilySelectionCycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FamilySelectionBatch" (
    "id" SERIAL NOT NULL,
    "cycleId" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "level" "HonorLevel",
    "announcedAt" TIMESTAMPTZ(3),

    CONSTRAINT "FamilySelectionBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FamilyNomination" (
    "id" SERIAL NOT NULL,
    "cycleId" INTEGER NOT NULL,
    "batchId" INTEGER NOT NULL,
    "familyId" INTEGER NOT NULL,
    "statement" TEXT NOT NULL,
    "status" "NominationStatus" NOT NULL DEFAULT 'PENDING',
    "reviewNote" TEXT,
    "reviewedAt" TIMESTAMPTZ(3),
    "nominatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FamilyNomination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FamilyOutreach" (
    "id" SERIAL NOT NULL,
    "familyId" INTEGER NOT NULL,
    "heldOn" DATE NOT NULL,
    "venueKind" "OutreachVenueKind" NOT NULL,
    "venue" TEXT,
    "audienceSize" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FamilyOutreach_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Honor_nominationId_key" ON "Honor"("nominationId");

-- CreateIndex
CREATE INDEX "Honor_level_year_idx" ON "Honor"("level", "year");

-- CreateIndex
CREATE INDEX "Honor_volunteerId_idx" ON "Honor"("volunteerId");

-- CreateIndex
CREATE INDEX "Honor_teamId_idx" ON "Honor"("teamId");

-- CreateIndex
CREATE INDEX "Honor_familyId_idx" ON "Honor"("familyId");

-- CreateIndex
CREATE INDEX "Honor_siteId_idx" ON "Honor"("siteId");

-- CreateIndex
CREATE INDEX "Family_siteId_idx" ON "Family"("siteId");

-- CreateIndex
CREATE INDEX "FamilyMember_familyId_idx" ON "FamilyMember"("familyId");

-- CreateIndex
CREATE INDEX "FamilyMember_volunteerId_idx" ON "FamilyMember"("volunteerId");

-- CreateIndex
CREATE UNIQUE INDEX "FamilySelectionCycle_name_key" ON "FamilySelectionCycle"("name");

-- CreateIndex
CREATE UNIQUE INDEX "FamilySelectionBatch_cycleId_number_key" ON "FamilySelectionBatch"("cycleId", "number");

-- CreateIndex
CREATE INDEX "FamilyNomination_batchId_status_idx" ON "FamilyNomination"("batchId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "FamilyNomination_cycleId_familyId_key" ON "FamilyNomination"("cycleId", "familyId");

-- CreateIndex
CREATE INDEX "FamilyOutreach_familyId_heldOn_idx" ON "FamilyOutreach"("familyId", "heldOn");

-- AddForeignKey
ALTER TABLE "Honor" ADD CONSTRAINT "Honor_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Honor" ADD CONSTRAINT "Honor_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Honor" ADD CONSTRAINT "Honor_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Honor" ADD CONSTRAINT "Honor_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Honor" ADD CONSTRAINT "Honor_nominationId_fkey" FOREIGN KEY ("nominationId") REFERENCES "FamilyNomination"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Family" ADD CONSTRAINT "Family_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyMember" ADD CONSTRAINT "FamilyMember_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyMember" ADD CONSTRAINT "FamilyMember_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilySelectionBatch" ADD CONSTRAINT "FamilySelectionBatch_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "FamilySelectionCycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyNomination" ADD CONSTRAINT "FamilyNomination_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "FamilySelectionCycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyNomination" ADD CONSTRAINT "FamilyNomination_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "FamilySelectionBatch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyNomination" ADD CONSTRAINT "FamilyNomination_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyOutreach" ADD CONSTRAINT "FamilyOutreach_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

