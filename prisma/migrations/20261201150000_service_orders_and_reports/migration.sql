-- CreateEnum
CREATE TYPE "ServiceCategory" AS ENUM ('PERSONAL_CARE', 'ERRANDS', 'LEGAL_ADVICE', 'HOME_REPAIR', 'HEALTH_ESCORT', 'CIVIC_EDUCATION', 'COMPANIONSHIP', 'OTHER');

-- CreateEnum
CREATE TYPE "ServiceOrderStatus" AS ENUM ('PLACED', 'DISPATCHED', 'OPEN_FOR_CLAIM', 'ACCEPTED', 'IN_SERVICE', 'COMPLETED', 'RATED', 'REJECTED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ServiceActorKind" AS ENUM ('REQUESTER', 'STAFF', 'TEAM');

-- CreateEnum
CREATE TYPE "CommunityReportCategory" AS ENUM ('SEWAGE_OVERFLOW', 'WATER_LEAK', 'ILLEGAL_ADS', 'SANITATION_BLIND_SPOT', 'ROAD_HAZARD', 'OTHER');

-- CreateEnum
CREATE TYPE "CommunityReportStatus" AS ENUM ('SUBMITTED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED');

-- CreateTable
CREATE TABLE "ServiceMenuItem" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "category" "ServiceCategory" NOT NULL,
    "siteId" INTEGER NOT NULL,
    "brandId" INTEGER,
    "teamId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServiceMenuItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceDeadline" (
    "id" SERIAL NOT NULL,
    "siteId" INTEGER NOT NULL,
    "category" "ServiceCategory" NOT NULL,
    "dispatchWithinMinutes" INTEGER NOT NULL,
    "completeWithinMinutes" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ServiceDeadline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceOrder" (
    "id" SERIAL NOT NULL,
    "menuItemId" INTEGER,
    "category" "ServiceCategory" NOT NULL,
    "siteId" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "wantedFrom" TIMESTAMPTZ(3),
    "wantedUntil" TIMESTAMPTZ(3),
    "requesterName" TEXT NOT NULL,
    "requesterPhone" TEXT NOT NULL,
    "requesterAccountId" INTEGER,
    "addressKey" TEXT NOT NULL,
    "trackingCodeHash" TEXT NOT NULL,
    "status" "ServiceOrderStatus" NOT NULL DEFAULT 'PLACED',
    "teamId" INTEGER,
    "placedAt" TIMESTAMPTZ(3) NOT NULL,
    "dispatchDueAt" TIMESTAMPTZ(3) NOT NULL,
    "completeDueAt" TIMESTAMPTZ(3) NOT NULL,
    "respondedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "serviceMinutes" INTEGER,
    "summary" TEXT,
    "rejectReason" TEXT,
    "ratingStars" INTEGER,
    "ratingComment" TEXT,
    "ratedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ServiceOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceOrderEvent" (
    "id" SERIAL NOT NULL,
    "orderId" INTEGER NOT NULL,
    "fromStatus" "ServiceOrderStatus",
    "toStatus" "ServiceOrderStatus" NOT NULL,
    "actorKind" "ServiceActorKind" NOT NULL,
    "actorAccountId" INTEGER,
    "teamId" INTEGER,
    "note" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ServiceOrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunityReport" (
    "id" SERIAL NOT NULL,
    "category" "CommunityReportCategory" NOT NULL,
    "description" TEXT NOT NULL,
    "siteId" INTEGER NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "photoUrls" TEXT[],
    "reporterId" INTEGER NOT NULL,
    "status" "CommunityReportStatus" NOT NULL DEFAULT 'SUBMITTED',
    "duplicateOfId" INTEGER,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CommunityReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunityReportEvent" (
    "id" SERIAL NOT NULL,
    "reportId" INTEGER NOT NULL,
    "fromStatus" "CommunityReportStatus",
    "toStatus" "CommunityReportStatus" NOT NULL,
    "actorAccountId" INTEGER,
    "duplicateOfId" INTEGER,
    "note" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CommunityReportEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ServiceMenuItem_teamId_idx" ON "ServiceMenuItem"("teamId");

-- CreateIndex
CREATE INDEX "ServiceMenuItem_brandId_idx" ON "ServiceMenuItem"("brandId");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceMenuItem_siteId_name_key" ON "ServiceMenuItem"("siteId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceDeadline_siteId_category_key" ON "ServiceDeadline"("siteId", "category");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceOrder_trackingCodeHash_key" ON "ServiceOrder"("trackingCodeHash");

-- CreateIndex
CREATE INDEX "ServiceOrder_siteId_status_idx" ON "ServiceOrder"("siteId", "status");

-- CreateIndex
CREATE INDEX "ServiceOrder_teamId_status_idx" ON "ServiceOrder"("teamId", "status");

-- CreateIndex
CREATE INDEX "ServiceOrder_menuItemId_idx" ON "ServiceOrder"("menuItemId");

-- CreateIndex
CREATE INDEX "ServiceOrder_requesterAccountId_idx" ON "ServiceOrder"("requesterAccountId");

-- CreateIndex
CREATE INDEX "ServiceOrder_requesterPhone_placedAt_idx" ON "ServiceOrder"("requesterPhone", "placedAt");

-- CreateIndex
CREATE INDEX "ServiceOrder_addressKey_placedAt_idx" ON "ServiceOrder"("addressKey", "placedAt");

-- CreateIndex
CREATE INDEX "ServiceOrder_status_dispatchDueAt_idx" ON "ServiceOrder"("status", "dispatchDueAt");

-- CreateIndex
CREATE INDEX "ServiceOrder_status_completeDueAt_idx" ON "ServiceOrder"("status", "completeDueAt");

-- CreateIndex
CREATE INDEX "ServiceOrderEvent_orderId_occurredAt_idx" ON "ServiceOrderEvent"("orderId", "occurredAt");

-- CreateIndex
CREATE INDEX "CommunityReport_siteId_status_idx" ON "CommunityReport"("siteId", "status");

-- CreateIndex
CREATE INDEX "CommunityReport_reporterId_status_idx" ON "CommunityReport"("reporterId", "status");

-- CreateIndex
CREATE INDEX "CommunityReport_category_submittedAt_idx" ON "CommunityReport"("category", "submittedAt");

-- CreateIndex
CREATE INDEX "CommunityReport_duplicateOfId_idx" ON "CommunityReport"("duplicateOfId");

-- CreateIndex
CREATE INDEX "CommunityReportEvent_reportId_occurredAt_idx" ON "CommunityReportEvent"("reportId", "occurredAt");

-- AddForeignKey
ALTER TABLE "ServiceMenuItem" ADD CONSTRAINT "ServiceMenuItem_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceMenuItem" ADD CONSTRAINT "ServiceMenuItem_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceMenuItem" ADD CONSTRAINT "ServiceMenuItem_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceDeadline" ADD CONSTRAINT "ServiceDeadline_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceOrder" ADD CONSTRAINT "ServiceOrder_menuItemId_fkey" FOREIGN KEY ("menuItemId") REFERENCES "ServiceMenuItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceOrder" ADD CONSTRAINT "ServiceOrder_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceOrder" ADD CONSTRAINT "ServiceOrder_requesterAccountId_fkey" FOREIGN KEY ("requesterAccountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceOrder" ADD CONSTRAINT "ServiceOrder_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceOrderEvent" ADD CONSTRAINT "ServiceOrderEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "ServiceOrder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceOrderEvent" ADD CONSTRAINT "ServiceOrderEvent_actorAccountId_fkey" FOREIGN KEY ("actorAccountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityReport" ADD CONSTRAINT "CommunityReport_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityReport" ADD CONSTRAINT "CommunityReport_reporterId_fkey" FOREIGN KEY ("reporterId") REFERENCES "Volunteer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityReport" ADD CONSTRAINT "CommunityReport_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "CommunityReport"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityReportEvent" ADD CONSTRAINT "CommunityReportEvent_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "CommunityReport"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityReportEvent" ADD CONSTRAINT "CommunityReportEvent_actorAccountId_fkey" FOREIGN KEY ("actorAccountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

