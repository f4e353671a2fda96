-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('REMINDER', 'PROMOTED', 'SHIFT_CHANGED', 'SHIFT_CANCELLED', 'UNASSIGNED', 'BROADCAST', 'ORDER_UPDATE', 'REPORT_UPDATE');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('IN_APP', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "NotificationDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED', 'SUPPRESSED');

-- CreateEnum
CREATE TYPE "ReminderJobStatus" AS ENUM ('PENDING', 'SENT', 'CANCELLED', 'SKIPPED');

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "recipientId" INTEGER NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "targetIds" TEXT[],
    "eventSequence" BIGINT,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationDelivery" (
    "notificationId" INTEGER NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "status" "NotificationDeliveryStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NotificationDelivery_pkey" PRIMARY KEY ("notificationId","channel")
);

-- CreateTable
CREATE TABLE "NotificationPreference" (
    "volunteerId" INTEGER NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NotificationPreference_pkey" PRIMARY KEY ("volunteerId","kind","channel")
);

-- CreateTable
CREATE TABLE "notification_cursor" (
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "notification_cursor_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ReminderJob" (
    "id" SERIAL NOT NULL,
    "assignmentId" INTEGER NOT NULL,
    "shiftId" INTEGER NOT NULL,
    "volunteerId" INTEGER NOT NULL,
    "offsetMinutes" INTEGER NOT NULL,
    "shiftStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "status" "ReminderJobStatus" NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReminderJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProjectReminderSetting" (
    "projectId" INTEGER NOT NULL,
    "offsetsMinutes" INTEGER[],
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProjectReminderSetting_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "ShiftNoticeState" (
    "shiftId" INTEGER NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "postId" INTEGER NOT NULL,

    CONSTRAINT "ShiftNoticeState_pkey" PRIMARY KEY ("shiftId")
);

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" SERIAL NOT NULL,
    "senderAccountId" INTEGER NOT NULL,
    "shiftId" INTEGER,
    "projectId" INTEGER,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "includeWaitlist" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "fannedOutAt" TIMESTAMPTZ(3),
    "recipientCount" INTEGER,

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceConfirmation" (
    "assignmentId" INTEGER NOT NULL,
    "attending" BOOLEAN NOT NULL,
    "answeredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttendanceConfirmation_pkey" PRIMARY KEY ("assignmentId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Notification_dedupeKey_key" ON "Notification"("dedupeKey");

-- CreateIndex
CREATE INDEX "Notification_recipientId_id_idx" ON "Notification"("recipientId", "id");

-- CreateIndex
CREATE INDEX "Notification_recipientId_readAt_idx" ON "Notification"("recipientId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_eventSequence_recipientId_kind_key" ON "Notification"("eventSequence", "recipientId", "kind");

-- CreateIndex
CREATE INDEX "NotificationDelivery_channel_status_idx" ON "NotificationDelivery"("channel", "status");

-- CreateIndex
CREATE INDEX "ReminderJob_status_dueAt_idx" ON "ReminderJob"("status", "dueAt");

-- CreateIndex
CREATE INDEX "ReminderJob_shiftId_idx" ON "ReminderJob"("shiftId");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderJob_assignmentId_offsetMinutes_key" ON "ReminderJob"("assignmentId", "offsetMinutes");

-- CreateIndex
CREATE INDEX "Broadcast_senderAccountId_createdAt_idx" ON "Broadcast"("senderAccountId", "createdAt");

-- CreateIndex
CREATE INDEX "Broadcast_fannedOutAt_idx" ON "Broadcast"("fannedOutAt");

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The worker starts at the outbox's current position: events before this migration are history.
INSERT INTO "notification_cursor" ("name", "position")
SELECT 'roster', COALESCE((SELECT "last" FROM "outbox_counter" WHERE "id" = 1), 0);

-- What volunteers of open shifts know now, so the first move of such a shift is told.
INSERT INTO "ShiftNoticeState" ("shiftId", "startsAt", "endsAt", "postId")
SELECT "id", "startsAt", "endsAt", "postId" FROM "Shift" WHERE "status" = 'OPEN' AND "closedAt" IS NULL;

-- Reminders (the default 24 h and 2 h) for places already held on shifts still to come.
INSERT INTO "ReminderJob" ("assignmentId", "shiftId", "volunteerId", "offsetMinutes", "shiftStartsAt", "dueAt", "status", "updatedAt")
SELECT a."id", a."shiftId", a."volunteerId", o."minutes", s."startsAt", s."startsAt" - o."minutes" * INTERVAL '1 minute',
       (CASE WHEN s."startsAt" - o."minutes" * INTERVAL '1 minute' > now() THEN 'PENDING' ELSE 'SKIPPED' END)::"ReminderJobStatus",
       now()
FROM "ShiftAssignment" a
JOIN "Shift" s ON s."id" = a."shiftId"
CROSS JOIN (VALUES (1440), (120)) AS o("minutes")
WHERE a."status" = 'ASSIGNED' AND s."status" = 'OPEN' AND s."closedAt" IS NULL AND s."startsAt" > now();
