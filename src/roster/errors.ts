import { DomainError } from '../common/errors.js';
import type { ProjectStatus } from '../generated/prisma/client.js';
import { formatShanghai } from './time.js';

/** "A", "A or B", "A, B or C". */
function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** What was attempted on an assignment, for InvalidAssignmentStateError. */
export type AssignmentAction = 'ASSIGN' | 'CANCEL' | 'CHECK_IN' | 'CHECK_OUT' | 'MARK_NO_SHOW';

const ACTION_TEXT: Record<AssignmentAction, string> = {
  ASSIGN: 'signing up again',
  CANCEL: 'cancelling',
  CHECK_IN: 'checking in',
  CHECK_OUT: 'checking out',
  MARK_NO_SHOW: 'marking a no-show',
};

/**
 * Refusals of the duty-roster rules. Besides these the roster throws the common NotFoundError,
 * ValidationError and ConflictError from src/common/errors.ts (each status machine has its own transition error).
 * Times in messages are Asia/Shanghai wall-clock; the fields hold the instants.
 */

/** The volunteer already holds an active assignment on a shift whose time overlaps this one. */
export class DoubleBookingError extends DomainError {
  override name = 'DoubleBookingError';
  constructor(
    readonly volunteerId: number,
    /** The shift the volunteer was being put on. */
    readonly shiftId: number,
    readonly conflictingAssignmentId: number,
    readonly conflictingShiftId: number,
    readonly conflictingStartsAt: Date,
    readonly conflictingEndsAt: Date,
  ) {
    super(
      `The volunteer is already on another shift from ${formatShanghai(conflictingStartsAt)} to ` +
        `${formatShanghai(conflictingEndsAt)} (Asia/Shanghai), which overlaps this one.`,
    );
  }
}

/** Check-in was attempted outside [opensAt, closesAt). */
export class CheckInWindowError extends DomainError {
  override name = 'CheckInWindowError';
  constructor(
    readonly opensAt: Date,
    readonly closesAt: Date,
    readonly attemptedAt: Date,
  ) {
    super(
      attemptedAt < opensAt
        ? `Check-in opens at ${formatShanghai(opensAt)} (Asia/Shanghai), 30 minutes before the shift starts.`
        : `Check-in closed at ${formatShanghai(closesAt)} (Asia/Shanghai), when the shift ended.`,
    );
  }
}

/** The assignment's status does not allow the action, e.g. checking out someone who never checked in. */
export class InvalidAssignmentStateError extends DomainError {
  override name = 'InvalidAssignmentStateError';
  constructor(
    readonly assignmentId: number,
    /** The assignment's current status. */
    readonly status: string,
    /** What was attempted: ASSIGN, CANCEL, CHECK_IN, CHECK_OUT or MARK_NO_SHOW. */
    readonly action: AssignmentAction,
    /** The statuses from which the action is allowed. */
    readonly allowedFrom: readonly string[],
  ) {
    super(`The assignment is ${status}; ${ACTION_TEXT[action]} is only possible from ${orList(allowedFrom)}.`);
  }
}

/** The shift was cancelled; nothing more can happen on it. */
export class ShiftCancelledError extends DomainError {
  override name = 'ShiftCancelledError';
  constructor(
    readonly shiftId: number,
    readonly cancelledAt: Date | null,
  ) {
    super(
      cancelledAt
        ? `The shift was cancelled at ${formatShanghai(cancelledAt)} (Asia/Shanghai).`
        : 'The shift has been cancelled.',
    );
  }
}

/** The shift is over: it has ended (endsAt passed) or staff closed it. */
export class ShiftClosedError extends DomainError {
  override name = 'ShiftClosedError';
  constructor(
    readonly shiftId: number,
    readonly endsAt: Date,
    /** When staff closed it; null when it has merely ended and is not closed yet. */
    readonly closedAt: Date | null,
  ) {
    super(
      closedAt
        ? `The shift was closed at ${formatShanghai(closedAt)} (Asia/Shanghai).`
        : `The shift ended at ${formatShanghai(endsAt)} (Asia/Shanghai).`,
    );
  }
}

/** The action needs the shift to have started (e.g. marking a no-show). */
export class ShiftNotStartedError extends DomainError {
  override name = 'ShiftNotStartedError';
  constructor(
    readonly shiftId: number,
    readonly startsAt: Date,
  ) {
    super(`The shift has not started yet; it starts at ${formatShanghai(startsAt)} (Asia/Shanghai).`);
  }
}

/** The project is not in a status that allows this (signing up needs RECRUITING or ACTIVE). */
export class ProjectNotRecruitingError extends DomainError {
  override name = 'ProjectNotRecruitingError';
  constructor(
    readonly projectId: number,
    /** The project's current status. */
    readonly status: ProjectStatus,
    /** The statuses in which the action is allowed. */
    readonly allowed: readonly ProjectStatus[],
  ) {
    super(`The project is ${status}; this is only possible while it is ${orList(allowed)}.`);
  }
}

/** A suspended volunteer cannot be put on a shift. */
export class VolunteerSuspendedError extends DomainError {
  override name = 'VolunteerSuspendedError';
  constructor(readonly volunteerId: number) {
    super('The volunteer is suspended and cannot take on shifts.');
  }
}

/** The volunteer already holds an active (ASSIGNED, WAITLISTED or CHECKED_IN) assignment on this shift. */
export class AlreadyAssignedError extends DomainError {
  override name = 'AlreadyAssignedError';
  constructor(
    readonly assignmentId: number,
    readonly shiftId: number,
    readonly volunteerId: number,
    /** The existing assignment's status. */
    readonly status: string,
  ) {
    super(`The volunteer is already on this shift (${status}).`);
  }
}

/** Four eyes: a service record is reviewed by someone other than its volunteer and its recorder. */
export class FourEyesError extends DomainError {
  override name = 'FourEyesError';
  constructor(
    readonly recordId: number,
    /** VOLUNTEER: the reviewer is the volunteer who served; RECORDER: the reviewer entered the record. */
    readonly reason: 'VOLUNTEER' | 'RECORDER',
  ) {
    super(
      reason === 'VOLUNTEER'
        ? 'Nobody may review their own service record; another leader of the team or a manager must review it.'
        : 'The record was entered by you; someone else (another leader of the team or a manager) must review it.',
    );
  }
}
