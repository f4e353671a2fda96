-- CreateEnum
CREATE TYPE "BeneficiaryKind" AS ENUM ('HARDSHIP_FAMILY', 'VETERAN', 'ELDERLY_ALONE', 'LEFT_BEHIND_CHILD', 'DISABLED');

-- CreateEnum
CREATE TYPE "BeneficiaryStatus" AS ENUM ('ACTIVE', 'CLOSED');

-- CreateEnum
CREATE TYPE "CareService" AS ENUM ('MEAL_DELIVERY', 'CLEANING', 'MEDICAL_ESCORT', 'WINTER_SUPPLIES', 'COMPANIONSHIP', 'REPAIRS', 'OTHER');

-- CreateTable
CREATE TABLE "Beneficiary" (
    "id" SERIAL NOT NULL,
    "kind" "BeneficiaryKind" NOT NULL,
    "siteId" INTEGER NOT NULL,
    "needs" TEXT[],
    "status" "BeneficiaryStatus" NOT NULL DEFAULT 'ACTIVE',
    "closedReason" TEXT,
    "closedAt" TIMESTAMPTZ(3),
    "householdSize" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "address" TEXT NOT NULL,
    "idNumber" TEXT,
    "careTeamId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Beneficiary_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareAssignment" (
    "id" SERIAL NOT NULL,
    "beneficiaryId" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "note" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CareAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareVisit" (
    "id" SERIAL NOT NULL,
    "beneficiaryId" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "projectId" INTEGER,
    "visitedOn" DATE NOT NULL,
    "services" "CareService"[],
    "minutes" INTEGER NOT NULL,
    "notes" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CareVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareVisitVolunteer" (
    "visitId" INTEGER NOT NULL,
    "volunteerId" INTEGER NOT NULL,
    "serviceRecordId" INTEGER NOT NULL,

    CONSTRAINT "CareVisitVolunteer_pkey" PRIMARY KEY ("visitId","volunteerId")
);

-- CreateTable
CREATE TABLE "BeneficiaryDataAccess" (
    "id" SERIAL NOT NULL,
    "beneficiaryId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "fields" TEXT[],
    "operation" TEXT,
    "accessedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BeneficiaryDataAccess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Beneficiary_siteId_idx" ON "Beneficiary"("siteId");

-- CreateIndex
CREATE INDEX "Beneficiary_kind_status_idx" ON "Beneficiary"("kind", "status");

-- CreateIndex
CREATE INDEX "Beneficiary_careTeamId_idx" ON "Beneficiary"("careTeamId");

-- CreateIndex
CREATE INDEX "CareAssignment_beneficiaryId_startedAt_idx" ON "CareAssignment"("beneficiaryId", "startedAt");

-- CreateIndex
CREATE INDEX "CareAssignment_teamId_idx" ON "CareAssignment"("teamId");

-- CreateIndex
CREATE INDEX "CareVisit_beneficiaryId_visitedOn_idx" ON "CareVisit"("beneficiaryId", "visitedOn");

-- CreateIndex
CREATE INDEX "CareVisit_projectId_idx" ON "CareVisit"("projectId");

-- CreateIndex
CREATE INDEX "CareVisit_teamId_visitedOn_idx" ON "CareVisit"("teamId", "visitedOn");

-- CreateIndex
CREATE UNIQUE INDEX "CareVisitVolunteer_serviceRecordId_key" ON "CareVisitVolunteer"("serviceRecordId");

-- CreateIndex
CREATE INDEX "CareVisitVolunteer_volunteerId_idx" ON "CareVisitVolunteer"("volunteerId");

-- CreateIndex
CREATE INDEX "BeneficiaryDataAccess_beneficiaryId_accessedAt_idx" ON "BeneficiaryDataAccess"("beneficiaryId", "accessedAt");

-- CreateIndex
CREATE INDEX "BeneficiaryDataAccess_accountId_accessedAt_idx" ON "BeneficiaryDataAccess"("accountId", "accessedAt");

-- AddForeignKey
ALTER TABLE "Beneficiary" ADD CONSTRAINT "Beneficiary_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Beneficiary" ADD CONSTRAINT "Beneficiary_careTeamId_fkey" FOREIGN KEY ("careTeamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareAssignment" ADD CONSTRAINT "CareAssignment_beneficiaryId_fkey" FOREIGN KEY ("beneficiaryId") REFERENCES "Beneficiary"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareAssignment" ADD CONSTRAINT "CareAssignment_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareVisit" ADD CONSTRAINT "CareVisit_beneficiaryId_fkey" FOREIGN KEY ("beneficiaryId") REFERENCES "Beneficiary"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareVisit" ADD CONSTRAINT "CareVisit_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareVisit" ADD CONSTRAINT "CareVisit_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareVisitVolunteer" ADD CONSTRAINT "CareVisitVolunteer_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "CareVisit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareVisitVolunteer" ADD CONSTRAINT "CareVisitVolunteer_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareVisitVolunteer" ADD CONSTRAINT "CareVisitVolunteer_serviceRecordId_fkey" FOREIGN KEY ("serviceRecordId") REFERENCES "ServiceRecord"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BeneficiaryDataAccess" ADD CONSTRAINT "BeneficiaryDataAccess_beneficiaryId_fkey" FOREIGN KEY ("beneficiaryId") REFERENCES "Beneficiary"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

