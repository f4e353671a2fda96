-- Volunteer search (src/volunteers/search.ts) and indexes for the hot read paths.
-- Generated with prisma-migrate-diff; "nameChars" is then made a generated column, which Prisma's
-- schema language cannot express: the characters of the lower-cased name after the first one.

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "nameChars" TEXT[] GENERATED ALWAYS AS (string_to_array(lower(substr("name", 2)), NULL)) STORED,
ADD COLUMN     "nameInitials" TEXT,
ADD COLUMN     "namePinyin" TEXT;

-- CreateIndex
CREATE INDEX "Volunteer_name_id_idx" ON "Volunteer"("name", "id");

-- CreateIndex
CREATE INDEX "Volunteer_nameChars_idx" ON "Volunteer" USING GIN ("nameChars");

-- CreateIndex
CREATE INDEX "Volunteer_namePinyin_idx" ON "Volunteer"("namePinyin");

-- CreateIndex
CREATE INDEX "Volunteer_nameInitials_idx" ON "Volunteer"("nameInitials");

-- CreateIndex
CREATE INDEX "Shift_endsAt_idx" ON "Shift"("endsAt");

-- CreateIndex
CREATE INDEX "Shift_checkedInCount_idx" ON "Shift"("checkedInCount");

-- CreateIndex
CREATE INDEX "ShiftAssignment_status_checkedOutAt_idx" ON "ShiftAssignment"("status", "checkedOutAt");
