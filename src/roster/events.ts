/**
 * Changes to the duty roster, for live dashboards. Every mutating roster function returns the
 * changes it made next to its result; the caller publishes them after the transaction commits
 * (never before: a rolled-back change must not be announced).
 */

export const ROSTER_CHANGE_KINDS = [
  'SHIFT_CREATED',
  'SHIFT_UPDATED',
  'SHIFT_CANCELLED',
  'ASSIGNED',
  'WAITLISTED',
  'PROMOTED',
  'UNASSIGNED',
  'CHECKED_IN',
  'CHECKED_OUT',
  'NO_SHOW',
  'STAFFING_CHANGED',
] as const;

export type RosterChangeKind = (typeof ROSTER_CHANGE_KINDS)[number];

export interface RosterChange {
  kind: RosterChangeKind;
  shiftId: number;
  /** The assignment concerned; null for changes to the shift itself (SHIFT_*, STAFFING_CHANGED). */
  assignmentId: number | null;
  /** The volunteer concerned; null for changes to the shift itself. */
  volunteerId: number | null;
  occurredAt: Date;
}

/** A change to a shift as a whole. */
export function shiftChange(kind: RosterChangeKind, shiftId: number, occurredAt: Date): RosterChange {
  return { kind, shiftId, assignmentId: null, volunteerId: null, occurredAt };
}

/** A change to one assignment. */
export function assignmentChange(
  kind: RosterChangeKind,
  assignment: { id: number; shiftId: number; volunteerId: number },
  occurredAt: Date,
): RosterChange {
  return { kind, shiftId: assignment.shiftId, assignmentId: assignment.id, volunteerId: assignment.volunteerId, occurredAt };
}
