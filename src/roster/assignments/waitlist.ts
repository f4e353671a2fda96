import type { PrismaClient } from '../../db/index.js';
import type { Shift } from '../../generated/prisma/client.js';
import { type RosterChange, assignmentChange } from '../events.js';
import type { Tx } from '../rules.js';

/** A shift's waitlist: served in order of sign-up time (assignedAt), then id. */

/**
 * Promotes waitlisted assignments, in waitlist order (assignedAt, then id), into the shift's free
 * places. Call with the shift locked; returns the updated shift.
 */
export async function fillFromWaitlist(
  tx: Tx,
  shift: Shift,
  now: Date,
): Promise<{ shift: Shift; events: RosterChange[] }> {
  const free = shift.capacity - shift.assignedCount;
  if (free <= 0) return { shift, events: [] };
  const next = await tx.shiftAssignment.findMany({
    where: { shiftId: shift.id, status: 'WAITLISTED' },
    orderBy: [{ assignedAt: 'asc' }, { id: 'asc' }],
    take: free,
  });
  if (next.length === 0) return { shift, events: [] };
  await tx.shiftAssignment.updateMany({
    where: { id: { in: next.map((a) => a.id) }, status: 'WAITLISTED' },
    data: { status: 'ASSIGNED', promotedAt: now },
  });
  const updated = await tx.shift.update({
    where: { id: shift.id },
    data: { assignedCount: { increment: next.length } },
  });
  return { shift: updated, events: next.map((a) => assignmentChange('PROMOTED', a, now)) };
}

/**
 * The waitlists of some shifts: for each shift, its WAITLISTED assignment ids in waitlist order
 * (sign-up time, then id). One query for any number of shifts.
 */
export async function waitlistsOf(prisma: PrismaClient, shiftIds: readonly number[]): Promise<Map<number, number[]>> {
  const rows = await prisma.shiftAssignment.findMany({
    where: { shiftId: { in: [...shiftIds] }, status: 'WAITLISTED' },
    select: { id: true, shiftId: true },
    orderBy: [{ shiftId: 'asc' }, { assignedAt: 'asc' }, { id: 'asc' }],
  });
  const lists = new Map<number, number[]>(shiftIds.map((id) => [id, []]));
  for (const row of rows) lists.get(row.shiftId)!.push(row.id);
  return lists;
}
