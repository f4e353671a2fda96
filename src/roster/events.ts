/**
 * Changes to the duty roster, for live dashboards. Every mutating roster function returns the
 * changes it made next to its result; the command runner (src/common/command.ts) writes them to
 * the outbox in the same transaction, so a rolled-back change is never announced and a committed
 * one always is.
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
  stream: 'roster';
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
  return { stream: 'roster', kind, shiftId, assignmentId: null, volunteerId: null, occurredAt };
}

/** A change to one assignment. */
export function assignmentChange(
  kind: RosterChangeKind,
  assignment: { id: number; shiftId: number; volunteerId: number },
  occurredAt: Date,
): RosterChange {
  return { stream: 'roster', kind, shiftId: assignment.shiftId, assignmentId: assignment.id, volunteerId: assignment.volunteerId, occurredAt };
}

/**
 * A roster change as stored in the outbox and delivered to subscribers. It carries ids only (each
 * subscriber re-loads the records in its own shape) plus what subscriptions filter on.
 */
export interface RosterEvent {
  /** Position in the one order of events, the same on every instance (gapless, commit order). */
  sequence: number;
  stream: 'roster';
  kind: RosterChangeKind;
  /** ISO 8601 instant. */
  occurredAt: string;
  shiftId: number;
  assignmentId: number | null;
  volunteerId: number | null;
  /** Materialised path of the site of the shift's post, for "this site and below" matching. */
  sitePath: string;
  postId: number;
  projectId: number;
  /** The team organising the shift's project, for team leaders' scope. */
  organizerId: number;
}
