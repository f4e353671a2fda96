-- AlterTable
ALTER TABLE "ServiceRecord" ADD COLUMN     "serviceOrderId" INTEGER;

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "accountId" INTEGER,
ADD COLUMN     "orderId" INTEGER,
ADD COLUMN     "previousKind" TEXT,
ADD COLUMN     "reportId" INTEGER,
ADD COLUMN     "siteId" INTEGER,
ADD COLUMN     "stream" TEXT NOT NULL DEFAULT 'roster',
ADD COLUMN     "teamId" INTEGER,
ALTER COLUMN "shiftId" DROP NOT NULL,
ALTER COLUMN "postId" DROP NOT NULL,
ALTER COLUMN "projectId" DROP NOT NULL,
ALTER COLUMN "organizerId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "ServiceRecord_serviceOrderId_idx" ON "ServiceRecord"("serviceOrderId");

-- CreateIndex
CREATE INDEX "outbox_stream_sequence_idx" ON "outbox"("stream", "sequence");

-- Link the records that service-order completion already wrote (their description names the order).
UPDATE "ServiceRecord" r SET "serviceOrderId" = o."id"
FROM "ServiceOrder" o
WHERE r."description" ~ '^服务工单 #[0-9]+：'
  AND o."id" = substring(r."description" from '^服务工单 #([0-9]+)：')::int;

-- AddForeignKey
ALTER TABLE "ServiceRecord" ADD CONSTRAINT "ServiceRecord_serviceOrderId_fkey" FOREIGN KEY ("serviceOrderId") REFERENCES "ServiceOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

