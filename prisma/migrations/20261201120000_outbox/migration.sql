-- CreateTable
CREATE TABLE "outbox" (
    "sequence" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "shiftId" INTEGER NOT NULL,
    "assignmentId" INTEGER,
    "volunteerId" INTEGER,
    "sitePath" TEXT NOT NULL,
    "postId" INTEGER NOT NULL,
    "projectId" INTEGER NOT NULL,
    "organizerId" INTEGER NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "outbox_counter" (
    "id" INTEGER NOT NULL,
    "last" BIGINT NOT NULL,
    "prunedThrough" BIGINT NOT NULL,

    CONSTRAINT "outbox_counter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_sentAt_sequence_idx" ON "outbox"("sentAt", "sequence");

-- CreateIndex
CREATE INDEX "outbox_recordedAt_idx" ON "outbox"("recordedAt");


-- The counter's one row.
INSERT INTO "outbox_counter" ("id", "last", "prunedThrough") VALUES (1, 0, 0);
