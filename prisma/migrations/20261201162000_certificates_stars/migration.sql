-- CreateEnum
CREATE TYPE "CertificateStatus" AS ENUM ('REQUESTED', 'ISSUED', 'DECLINED');

-- CreateEnum
CREATE TYPE "StarApplicationStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "ServiceCertificate" (
    "id" SERIAL NOT NULL,
    "volunteerId" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "periodFrom" DATE NOT NULL,
    "periodTo" DATE NOT NULL,
    "status" "CertificateStatus" NOT NULL DEFAULT 'REQUESTED',
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "issuedAt" TIMESTAMPTZ(3),
    "declinedReason" TEXT,
    "code" TEXT,
    "totalMinutes" INTEGER,
    "breakdown" JSONB,

    CONSTRAINT "ServiceCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StarLevelApplication" (
    "id" SERIAL NOT NULL,
    "volunteerId" INTEGER NOT NULL,
    "level" INTEGER NOT NULL,
    "status" "StarApplicationStatus" NOT NULL DEFAULT 'PENDING',
    "appliedAt" TIMESTAMPTZ(3) NOT NULL,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewNote" TEXT,
    "noticeEndsAt" TIMESTAMPTZ(3),

    CONSTRAINT "StarLevelApplication_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ServiceCertificate_code_key" ON "ServiceCertificate"("code");

-- CreateIndex
CREATE INDEX "ServiceCertificate_volunteerId_idx" ON "ServiceCertificate"("volunteerId");

-- CreateIndex
CREATE INDEX "ServiceCertificate_teamId_status_idx" ON "ServiceCertificate"("teamId", "status");

-- CreateIndex
CREATE INDEX "StarLevelApplication_volunteerId_status_idx" ON "StarLevelApplication"("volunteerId", "status");

-- CreateIndex
CREATE INDEX "StarLevelApplication_status_noticeEndsAt_idx" ON "StarLevelApplication"("status", "noticeEndsAt");

-- AddForeignKey
ALTER TABLE "ServiceCertificate" ADD CONSTRAINT "ServiceCertificate_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceCertificate" ADD CONSTRAINT "ServiceCertificate_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StarLevelApplication" ADD CONSTRAINT "StarLevelApplication_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

