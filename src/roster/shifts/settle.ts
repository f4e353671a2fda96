import { z } from 'zod';
import { parseInput } from '../../common/validation.js';
import type { Prisma, Shift, ShiftAssignment } from '../../generated/prisma/client.js';
import { creditDuty } from '../credit.js';
import { type RosterChange, assignmentChange, shiftChange } from '../events.js';
import { lockOpenShiftsOfProject, lockShift } from '../locks.js';
import { requireOpenShift } from '../open-shifts.js';
import {
  ACTIVE_ASSIGNMENT_STATUSES,
  SHIFT_CANCELLED_REASON,
  SHIFT_CLOSED_REASON,
  type Tx,
  id,
  reason,
  serviceMinutesFor,
  staffingEvents,
} from '../rules.js';

/*
 * Ending shifts: cancelling one, closing one, and ending a project's shifts when the project is
 * cancelled or completed. Each settles the shift's assignments under the shift's lock; the
 * volunteers credited are locked one by one in ascending id order (src/roster/locks.ts).
 */

const ShiftActionInput = z.object({ shiftId: id });
const CancelShiftInput = z.object({ shiftId: id, reason });

export type ShiftActionInput = z.input<typeof ShiftActionInput>;
export type CancelShiftInput = z.input<typeof CancelShiftInput>;

/**
 * Checks out every CHECKED_IN assignment of a locked shift at `at` (closing or cancelling it),
 * crediting minutes to the volunteers in ascending volunteer order. Does not touch the shift row.
 */
async function checkOutAll(
  tx: Tx,
  shift: Shift,
  checkedIn: ShiftAssignment[],
  at: Date,
  now: Date,
): Promise<RosterChange[]> {
  const events: RosterChange[] = [];
  for (const assignment of [...checkedIn].sort((a, b) => a.volunteerId - b.volunteerId)) {
    const checkedInAt = assignment.checkedInAt ?? shift.startsAt;
    const checkedOutAt = at < checkedInAt ? checkedInAt : at;
    const minutes = await creditDuty(tx, assignment.volunteerId, checkedInAt, serviceMinutesFor(shift, checkedInAt, checkedOutAt));
    await tx.shiftAssignment.update({
      where: { id: assignment.id },
      data: { status: 'COMPLETED', checkedOutAt, serviceMinutes: minutes },
    });
    events.push(assignmentChange('CHECKED_OUT', assignment, now));
  }
  return events;
}

/**
 * Ends every active assignment of a locked shift: CHECKED_IN volunteers are checked out at
 * min(now, endsAt) and credited; ASSIGNED ones get `assignedBecome` (CANCELLED with the reason, or
 * NO_SHOW); WAITLISTED ones are CANCELLED with the reason. Then writes `shiftData` with the
 * counters brought down. Shared by cancelShift and closeShift.
 */
async function settleShift(
  tx: Tx,
  before: Shift,
  now: Date,
  outcome: { assignedBecome: 'CANCELLED' | 'NO_SHOW'; reason: string; shiftData: Prisma.ShiftUpdateInput },
): Promise<{ shift: Shift; events: RosterChange[] }> {
  const active = await tx.shiftAssignment.findMany({
    where: { shiftId: before.id, status: { in: [...ACTIVE_ASSIGNMENT_STATUSES] } },
    orderBy: { id: 'asc' },
  });
  const checkedIn = active.filter((a) => a.status === 'CHECKED_IN');
  const assigned = active.filter((a) => a.status === 'ASSIGNED');
  const waitlisted = active.filter((a) => a.status === 'WAITLISTED');
  const cancelled = { status: 'CANCELLED' as const, cancelledAt: now, cancelReason: outcome.reason };

  const checkoutAt = now < before.endsAt ? now : before.endsAt;
  const events = await checkOutAll(tx, before, checkedIn, checkoutAt, now);
  const groups = [
    outcome.assignedBecome === 'NO_SHOW'
      ? { rows: assigned, data: { status: 'NO_SHOW' as const }, kind: 'NO_SHOW' as const }
      : { rows: assigned, data: cancelled, kind: 'UNASSIGNED' as const },
    { rows: waitlisted, data: cancelled, kind: 'UNASSIGNED' as const },
  ];
  for (const group of groups) {
    if (group.rows.length === 0) continue;
    await tx.shiftAssignment.updateMany({ where: { id: { in: group.rows.map((a) => a.id) } }, data: group.data });
    events.push(...group.rows.map((a) => assignmentChange(group.kind, a, now)));
  }
  const shift = await tx.shift.update({
    where: { id: before.id },
    data: {
      ...outcome.shiftData,
      assignedCount: { decrement: assigned.length },
      checkedInCount: { decrement: checkedIn.length },
    },
  });
  return { shift, events };
}

/**
 * Cancels a shift, keeping its history: ASSIGNED and WAITLISTED assignments become CANCELLED
 * (with the reason and time); volunteers already CHECKED_IN are checked out at min(now, endsAt)
 * and credited like a normal check-out, so time served is never lost. Nothing is deleted.
 */
export async function cancelShift(
  tx: Tx,
  raw: CancelShiftInput,
  now: Date,
): Promise<{ shift: Shift; events: RosterChange[] }> {
  const input = parseInput(CancelShiftInput, raw);
  const before = await lockShift(tx, input.shiftId);
  requireOpenShift(before, now, { allowEnded: true });
  return cancelLockedShift(tx, before, now, input.reason ?? SHIFT_CANCELLED_REASON);
}

/** cancelShift on a shift already locked and checked to be open. */
async function cancelLockedShift(tx: Tx, before: Shift, now: Date, reason: string): Promise<{ shift: Shift; events: RosterChange[] }> {
  const settled = await settleShift(tx, before, now, {
    assignedBecome: 'CANCELLED',
    reason,
    shiftData: { status: 'CANCELLED', cancelledAt: now },
  });
  const events = [shiftChange('SHIFT_CANCELLED', before.id, now), ...settled.events];
  events.push(...staffingEvents(before, settled.shift, now));
  return { shift: settled.shift, events };
}

/**
 * Closes a shift — normally after it ends, but staff may close it at any time. CHECKED_IN
 * assignments are checked out at min(now, endsAt) and credited; ASSIGNED ones become NO_SHOW;
 * WAITLISTED ones become CANCELLED with a reason. Sets closedAt; a closed shift is final.
 */
export async function closeShift(
  tx: Tx,
  raw: ShiftActionInput,
  now: Date,
): Promise<{ shift: Shift; events: RosterChange[] }> {
  const input = parseInput(ShiftActionInput, raw);
  const before = await lockShift(tx, input.shiftId);
  requireOpenShift(before, now, { allowEnded: true });
  return closeLockedShift(tx, before, now);
}

/** closeShift on a shift already locked and checked to be open. */
async function closeLockedShift(tx: Tx, before: Shift, now: Date): Promise<{ shift: Shift; events: RosterChange[] }> {
  const { shift, events } = await settleShift(tx, before, now, {
    assignedBecome: 'NO_SHOW',
    reason: SHIFT_CLOSED_REASON,
    shiftData: { closedAt: now },
  });
  events.push(shiftChange('SHIFT_UPDATED', shift.id, now), ...staffingEvents(before, shift, now));
  return { shift, events };
}

/**
 * Ends the shifts of a project that is being cancelled or completed, in its transaction (the
 * project row locked first, then its open shifts in ascending id order): a shift that has not
 * started is cancelled as cancelShift does (its assigned and waitlisted volunteers are released
 * with `reason`); one that has started (or ended without being closed) is closed as closeShift
 * does (checked-in volunteers are checked out and credited). Returns the roster changes, for the
 * command runner to write to the outbox.
 */
export async function endProjectShifts(tx: Tx, projectId: number, now: Date, reason: string): Promise<RosterChange[]> {
  const shifts = await lockOpenShiftsOfProject(tx, projectId);
  const events: RosterChange[] = [];
  for (const shift of shifts) {
    const ended = now < shift.startsAt ? await cancelLockedShift(tx, shift, now, reason) : await closeLockedShift(tx, shift, now);
    events.push(...ended.events);
  }
  return events;
}
