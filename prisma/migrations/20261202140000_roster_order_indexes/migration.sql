-- The roster pages in (startsAt, id) order, and each shift's volunteers in sign-up order, from
-- their indexes: a page stops reading at its last row (issue #10). A shift lasts at most a day
-- (src/roster/rules.ts, MAX_SHIFT_MINUTES), which lets a day's roster bound startsAt from below.

-- DropIndex
DROP INDEX "Shift_startsAt_idx";

-- CreateIndex
CREATE INDEX "Shift_startsAt_id_idx" ON "Shift"("startsAt", "id");

-- CreateIndex
CREATE INDEX "ShiftAssignment_shiftId_assignedAt_id_idx" ON "ShiftAssignment"("shiftId", "assignedAt", "id");

-- AddCheck (not in the Prisma schema, which cannot express it)
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_lasts_at_most_a_day" CHECK ("endsAt" > "startsAt" AND "endsAt" - "startsAt" <= interval '24 hours');
