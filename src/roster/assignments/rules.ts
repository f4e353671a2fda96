import { z } from 'zod';
import { type Clock, systemClock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { parseInput } from '../../common/validation.js';
import type { AssignmentStatus, Shift, ShiftAssignment } from '../../generated/prisma/client.js';
import { creditDuty } from '../credit.js';
import {
  AlreadyAssignedError,
  type AssignmentAction,
  CheckInWindowError,
  DoubleBookingError,
  InvalidAssignmentStateError,
  ShiftNotStartedError,
  VolunteerSuspendedError,
} from '../errors.js';
import { type RosterChange, assignmentChange } from '../events.js';
import { lockShift, lockShiftWithProjectStatus, lockVolunteerOnShift } from '../locks.js';
import { requireOpenProject, requireOpenProjectStatus, requireOpenShift } from '../open-shifts.js';
import { type Tx, checkInWindow, id, isActive, reason, serviceMinutesFor, staffingEvents } from '../rules.js';
import { findOverlap } from './overlap.js';
import { fillFromWaitlist } from './waitlist.js';

/*
 * A volunteer's life on a shift: sign-up (onto the shift or its waitlist), cancellation (which
 * promotes the waitlist), check-in, check-out (which credits minutes) and no-show. Each locks the
 * shift first, then the volunteer where it matters (src/roster/locks.ts).
 */

const AssignInput = z.object({ shiftId: id, volunteerId: id });
const AssignmentActionInput = z.object({ assignmentId: id });
const CancelAssignmentInput = z.object({ assignmentId: id, reason });

export type AssignInput = z.input<typeof AssignInput>;
export type AssignmentActionInput = z.input<typeof AssignmentActionInput>;
export type CancelAssignmentInput = z.input<typeof CancelAssignmentInput>;

/**
 * Prepares an action on one assignment: finds it, locks its shift, re-reads it under that lock,
 * and refuses when the shift is cancelled or closed (or, unless allowEnded, over) or when the
 * assignment's status does not allow the action.
 */
async function lockAssignmentFor(
  tx: Tx,
  assignmentId: number,
  now: Date,
  action: AssignmentAction,
  allowedFrom: readonly AssignmentStatus[],
  shiftRule: { allowEnded?: boolean } = {},
): Promise<{ shift: Shift; assignment: ShiftAssignment }> {
  const found = await tx.shiftAssignment.findUnique({ where: { id: assignmentId }, select: { shiftId: true } });
  if (!found) throw new NotFoundError('ShiftAssignment', assignmentId);
  const shift = await lockShift(tx, found.shiftId);
  const assignment = await tx.shiftAssignment.findUniqueOrThrow({ where: { id: assignmentId } });
  requireOpenShift(shift, now, shiftRule);
  requireStatus(assignment, action, allowedFrom);
  return { shift, assignment };
}

function requireStatus(
  assignment: ShiftAssignment,
  action: AssignmentAction,
  allowedFrom: readonly AssignmentStatus[],
): void {
  if (!allowedFrom.includes(assignment.status)) {
    throw new InvalidAssignmentStateError(assignment.id, assignment.status, action, allowedFrom);
  }
}

async function signUp(
  tx: Tx,
  raw: AssignInput,
  clock: Clock,
): Promise<SignUp> {
  const input = parseInput(AssignInput, raw);
  // The shift's lock, with its project's status (read, as requireOpenProject reads it).
  const { shift, projectStatus } = await lockShiftWithProjectStatus(tx, input.shiftId);
  // Stamped under the shift's lock (so the clock is read here, not by the caller), so sign-up
  // times (the waitlist order) follow the order in which places are decided, even when many
  // requests arrive at once.
  const now = clock.now();
  // The volunteer's lock, with their record on this shift (stable under the shift's lock).
  const volunteer = await lockVolunteerOnShift(tx, input.volunteerId, shift.id);
  requireOpenShift(shift, now);
  if (volunteer.status !== 'ACTIVE') throw new VolunteerSuspendedError(volunteer.id);
  requireOpenProjectStatus(shift.projectId, projectStatus);
  const { existing } = volunteer;
  if (existing && isActive(existing.status)) {
    throw new AlreadyAssignedError(existing.id, shift.id, volunteer.id, existing.status);
  }
  if (existing && existing.status !== 'CANCELLED') {
    // COMPLETED or NO_SHOW: the volunteer's record on this shift is final.
    throw new InvalidAssignmentStateError(existing.id, existing.status, 'ASSIGN', ['CANCELLED']);
  }
  const clash = await findOverlap(tx, [volunteer.id], shift.id, shift.startsAt, shift.endsAt);
  if (clash) {
    throw new DoubleBookingError(volunteer.id, shift.id, clash.id, clash.shift.id, clash.shift.startsAt, clash.shift.endsAt);
  }

  const status: AssignmentStatus = shift.assignedCount < shift.capacity ? 'ASSIGNED' : 'WAITLISTED';
  const fields = {
    status,
    assignedAt: now,
    promotedAt: null,
    checkedInAt: null,
    checkedOutAt: null,
    serviceMinutes: null,
    cancelledAt: null,
    cancelReason: null,
  };
  // The (shiftId, volunteerId) pair is unique: a cancelled row is reused for the new sign-up.
  const assignment = existing
    ? await tx.shiftAssignment.update({ where: { id: existing.id }, data: fields })
    : await tx.shiftAssignment.create({ data: { shiftId: shift.id, volunteerId: volunteer.id, ...fields } });
  const events: RosterChange[] = [assignmentChange(status, assignment, now)];
  let after = shift;
  if (status === 'ASSIGNED') {
    after = await tx.shift.update({ where: { id: shift.id }, data: { assignedCount: { increment: 1 } } });
    events.push(...staffingEvents(shift, after, now));
  }
  return { assignment, shift: after, events };
}

/** A sign-up's outcome: the assignment, its shift as the sign-up left it, and the roster events. */
export interface SignUp {
  assignment: ShiftAssignment;
  shift: Shift;
  events: RosterChange[];
}

/**
 * Puts a volunteer on a shift (staff action). ASSIGNED while places are free, otherwise
 * WAITLISTED (served in order of assignedAt, then id). Refusals: VolunteerSuspendedError,
 * ShiftCancelledError, ShiftClosedError (closed or already ended), ProjectNotRecruitingError,
 * AlreadyAssignedError, DoubleBookingError, InvalidAssignmentStateError (a COMPLETED/NO_SHOW
 * record already exists for this pair), NotFoundError.
 */
export function assignVolunteer(
  tx: Tx,
  input: AssignInput,
  clock: Clock = systemClock,
): Promise<SignUp> {
  return signUp(tx, input, clock);
}

/** A volunteer signing themself up; the same rules as assignVolunteer. */
export function selfSignUp(
  tx: Tx,
  input: AssignInput,
  clock: Clock = systemClock,
): Promise<SignUp> {
  return signUp(tx, input, clock);
}

/**
 * Cancels an ASSIGNED or WAITLISTED assignment (kept as CANCELLED with reason and time). When a
 * place is freed, the first waitlisted volunteer is promoted (PROMOTED event, promotedAt set).
 * Not possible once the shift has ended or been closed: closeShift settles it then.
 */
export async function cancelAssignment(
  tx: Tx,
  raw: CancelAssignmentInput,
  now: Date,
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
  const input = parseInput(CancelAssignmentInput, raw);
  const { shift: before, assignment: current } = await lockAssignmentFor(
    tx,
    input.assignmentId,
    now,
    'CANCEL',
    ['ASSIGNED', 'WAITLISTED'],
  );
  const assignment = await tx.shiftAssignment.update({
    where: { id: current.id },
    data: { status: 'CANCELLED', cancelledAt: now, cancelReason: input.reason ?? null },
  });
  const events: RosterChange[] = [assignmentChange('UNASSIGNED', assignment, now)];
  let shift = before;
  if (current.status === 'ASSIGNED') {
    shift = await tx.shift.update({ where: { id: before.id }, data: { assignedCount: { decrement: 1 } } });
    const filled = await fillFromWaitlist(tx, shift, now);
    shift = filled.shift;
    events.push(...filled.events);
  }
  events.push(...staffingEvents(before, shift, now));
  return { assignment, events };
}

/** Checks a volunteer in: only from ASSIGNED, from 30 minutes before the start until the end. */
export async function checkIn(
  tx: Tx,
  raw: AssignmentActionInput,
  now: Date,
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
  const input = parseInput(AssignmentActionInput, raw);
  const { shift, assignment: current } = await lockAssignmentFor(
    tx,
    input.assignmentId,
    now,
    'CHECK_IN',
    ['ASSIGNED'],
    { allowEnded: true },
  );
  await requireOpenProject(tx, shift.projectId);
  const { opensAt, closesAt } = checkInWindow(shift);
  if (now < opensAt || now >= closesAt) throw new CheckInWindowError(opensAt, closesAt, now);
  const assignment = await tx.shiftAssignment.update({
    where: { id: current.id },
    data: { status: 'CHECKED_IN', checkedInAt: now },
  });
  await tx.shift.update({ where: { id: shift.id }, data: { checkedInCount: { increment: 1 } } });
  return { assignment, events: [assignmentChange('CHECKED_IN', assignment, now)] };
}

/**
 * Checks a volunteer out: only from CHECKED_IN. Earns floor((now − checkedInAt) / 1 min) minutes,
 * capped at the shift's length + 30 min and at what is left of the check-in day's 24 hours
 * (src/roster/credit.ts), added to Volunteer.serviceMinutes in the same transaction.
 */
export async function checkOut(
  tx: Tx,
  raw: AssignmentActionInput,
  now: Date,
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
  const input = parseInput(AssignmentActionInput, raw);
  const { shift, assignment: current } = await lockAssignmentFor(
    tx,
    input.assignmentId,
    now,
    'CHECK_OUT',
    ['CHECKED_IN'],
    { allowEnded: true },
  );
  await requireOpenProject(tx, shift.projectId);
  const checkedInAt = current.checkedInAt ?? shift.startsAt;
  const minutes = await creditDuty(tx, current.volunteerId, checkedInAt, serviceMinutesFor(shift, checkedInAt, now));
  const assignment = await tx.shiftAssignment.update({
    where: { id: current.id },
    data: { status: 'COMPLETED', checkedOutAt: now, serviceMinutes: minutes },
  });
  await tx.shift.update({ where: { id: shift.id }, data: { checkedInCount: { decrement: 1 } } });
  return { assignment, events: [assignmentChange('CHECKED_OUT', assignment, now)] };
}

/**
 * Marks an ASSIGNED volunteer as absent, once the shift has started. The place is freed
 * (assignedCount − 1) but nobody is promoted: the shift is under way and a waitlisted volunteer
 * would not know to come. A later sign-up can take the freed place.
 */
export async function markNoShow(
  tx: Tx,
  raw: AssignmentActionInput,
  now: Date,
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
  const input = parseInput(AssignmentActionInput, raw);
  const { shift: before, assignment: current } = await lockAssignmentFor(
    tx,
    input.assignmentId,
    now,
    'MARK_NO_SHOW',
    ['ASSIGNED'],
    { allowEnded: true },
  );
  if (now < before.startsAt) throw new ShiftNotStartedError(before.id, before.startsAt);
  const assignment = await tx.shiftAssignment.update({
    where: { id: current.id },
    data: { status: 'NO_SHOW' },
  });
  const shift = await tx.shift.update({ where: { id: before.id }, data: { assignedCount: { decrement: 1 } } });
  return {
    assignment,
    events: [assignmentChange('NO_SHOW', assignment, now), ...staffingEvents(before, shift, now)],
  };
}
