import type { PrismaClient } from '../db/index.js';
import type { Prisma } from '../generated/prisma/client.js';
import { shanghaiDayRange } from './time.js';

/** A live snapshot of duty at a site and every site below it. */
export interface DutyBoardSnapshot {
  siteId: number;
  generatedAt: Date;
  /** Volunteers checked in right now. */
  onDutyNow: number;
  /** Volunteers holding a place on shifts in progress now (checked in or not yet). */
  expectedNow: number;
  /** Today's OPEN shifts below their minimum. */
  understaffedShiftIds: number[];
  /** Free places on today's OPEN shifts. */
  openSlotsToday: number;
  /** Minutes credited today by check-outs on this subtree's shifts. */
  serviceMinutesToday: number;
}

/**
 * Computes the duty board of a site subtree for the Asia/Shanghai day containing `now`, in one
 * statement of indexed aggregates that does not grow with the number of shifts: shifts with
 * volunteers checked in (the checkedInCount index), shifts running now and today's (the time
 * indexes), and today's completed check-outs (the (status, checkedOutAt) index).
 */
export async function dutyBoard(
  prisma: PrismaClient | Prisma.TransactionClient,
  site: { id: number; path: string },
  now: Date,
): Promise<DutyBoardSnapshot> {
  const today = shanghaiDayRange(now);
  // Site paths are digits and dots, so the subtree pattern needs no escaping.
  const below = `${site.path}.%`;
  const [row] = await prisma.$queryRaw<
    { onDutyNow: bigint; expectedNow: bigint; understaffed: number[]; openSlots: bigint; minutes: bigint }[]
  >`
    WITH posts AS (
      SELECT p."id" FROM "DutyPost" p JOIN "Site" st ON st."id" = p."siteId"
      WHERE st."id" = ${site.id} OR st."path" LIKE ${below}
    ), today AS (
      SELECT sh."id", sh."startsAt", sh."capacity", sh."assignedCount", sh."minimum" FROM "Shift" sh
      WHERE sh."postId" IN (SELECT "id" FROM posts) AND sh."status" = 'OPEN'
        AND sh."startsAt" < ${today.end} AND sh."endsAt" > ${today.start}
    )
    SELECT
      -- Checked-in volunteers are on duty until they check out (closing or cancelling a shift checks them out).
      (SELECT COALESCE(SUM(sh."checkedInCount"), 0) FROM "Shift" sh
        WHERE sh."checkedInCount" > 0 AND sh."postId" IN (SELECT "id" FROM posts)) AS "onDutyNow",
      (SELECT COALESCE(SUM(sh."assignedCount"), 0) FROM "Shift" sh
        WHERE sh."postId" IN (SELECT "id" FROM posts) AND sh."status" = 'OPEN' AND sh."closedAt" IS NULL
          AND sh."startsAt" <= ${now} AND sh."endsAt" > ${now}) AS "expectedNow",
      (SELECT COALESCE(array_agg(t."id" ORDER BY t."startsAt", t."id"), '{}') FROM today t
        WHERE t."assignedCount" < t."minimum") AS "understaffed",
      -- A shift never holds more places than its capacity, so the sums subtract cleanly.
      (SELECT COALESCE(SUM(t."capacity" - t."assignedCount"), 0) FROM today t) AS "openSlots",
      (SELECT COALESCE(SUM(a."serviceMinutes"), 0) FROM "ShiftAssignment" a JOIN "Shift" sh ON sh."id" = a."shiftId"
        WHERE a."status" = 'COMPLETED' AND a."checkedOutAt" >= ${today.start} AND a."checkedOutAt" < ${today.end}
          AND sh."postId" IN (SELECT "id" FROM posts)) AS "minutes"`;
  return {
    siteId: site.id,
    generatedAt: now,
    onDutyNow: Number(row!.onDutyNow),
    expectedNow: Number(row!.expectedNow),
    understaffedShiftIds: row!.understaffed.map(Number),
    openSlotsToday: Number(row!.openSlots),
    serviceMinutesToday: Number(row!.minutes),
  };
}
