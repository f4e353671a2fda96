import type { PrismaClient } from '../db/index.js';
import type { Prisma } from '../generated/prisma/client.js';
import { subtreeOf } from '../sites/service.js';
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
 * Computes the duty board of a site subtree for the Asia/Shanghai day containing `now`, in a
 * handful of aggregate queries that do not grow with the number of shifts.
 */
export async function dutyBoard(
  prisma: PrismaClient | Prisma.TransactionClient,
  site: { id: number; path: string },
  now: Date,
): Promise<DutyBoardSnapshot> {
  const today = shanghaiDayRange(now);
  const atSite: Prisma.ShiftWhereInput = { post: { site: subtreeOf(site) } };
  const todayOpen: Prisma.ShiftWhereInput = {
    ...atSite,
    status: 'OPEN',
    startsAt: { lt: today.end },
    endsAt: { gt: today.start },
  };
  const [onDuty, inProgress, understaffed, today_, minutes] = await Promise.all([
    // Checked-in volunteers are on duty until they check out (closing or cancelling a shift checks them out).
    prisma.shift.aggregate({ _sum: { checkedInCount: true }, where: { ...atSite, checkedInCount: { gt: 0 } } }),
    prisma.shift.aggregate({
      _sum: { assignedCount: true },
      where: { ...atSite, status: 'OPEN', closedAt: null, startsAt: { lte: now }, endsAt: { gt: now } },
    }),
    prisma.shift.findMany({
      where: { ...todayOpen, assignedCount: { lt: prisma.shift.fields.minimum } },
      select: { id: true },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    }),
    prisma.shift.aggregate({ _sum: { capacity: true, assignedCount: true }, where: todayOpen }),
    prisma.shiftAssignment.aggregate({
      _sum: { serviceMinutes: true },
      where: { status: 'COMPLETED', checkedOutAt: { gte: today.start, lt: today.end }, shift: atSite },
    }),
  ]);
  return {
    siteId: site.id,
    generatedAt: now,
    onDutyNow: onDuty._sum.checkedInCount ?? 0,
    expectedNow: inProgress._sum.assignedCount ?? 0,
    understaffedShiftIds: understaffed.map((s) => s.id),
    // A shift never holds more places than its capacity, so the sums subtract cleanly.
    openSlotsToday: (today_._sum.capacity ?? 0) - (today_._sum.assignedCount ?? 0),
    serviceMinutesToday: minutes._sum.serviceMinutes ?? 0,
  };
}
