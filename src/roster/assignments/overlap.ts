import { ACTIVE_ASSIGNMENT_STATUSES, type Tx } from '../rules.js';

/**
 * The first active assignment of any of these volunteers, on a shift other than `exceptShiftId`,
 * whose time overlaps [startsAt, endsAt). Call with the volunteers locked.
 */
export async function findOverlap(
  tx: Tx,
  volunteerIds: number[],
  exceptShiftId: number,
  startsAt: Date,
  endsAt: Date,
) {
  if (volunteerIds.length === 0) return null;
  const clash = await tx.shiftAssignment.findFirst({
    where: {
      volunteerId: { in: volunteerIds },
      status: { in: [...ACTIVE_ASSIGNMENT_STATUSES] },
      shiftId: { not: exceptShiftId },
      shift: { startsAt: { lt: endsAt }, endsAt: { gt: startsAt } },
    },
    select: { id: true, volunteerId: true, shiftId: true },
    orderBy: [{ shift: { startsAt: 'asc' } }, { id: 'asc' }],
  });
  if (!clash) return null;
  // The shift's times are only needed for the error (a separate read keeps the common path to one query).
  const shift = await tx.shift.findUniqueOrThrow({
    where: { id: clash.shiftId },
    select: { id: true, startsAt: true, endsAt: true },
  });
  return { ...clash, shift };
}
