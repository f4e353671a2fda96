/**
 * What the demo roster's builders share (src/seed/roster/index.ts) besides src/seed/draw.ts: the
 * replay of sign-ups and withdrawals (settle), and the counters and check-outs as the roster's
 * rules keep them.
 */
import { CHECK_IN_OPENS_MINUTES, serviceMinutesFor } from '../../roster/service.js';
import type { DemoCity, ProjectRow, VolunteerRow } from '../city/index.js';
import type { AssignmentRow, ShiftRow } from './rows.js';

export const MINUTE_MS = 60_000;

export const at = (ms: number) => new Date(ms);
export const plusMinutes = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * MINUTE_MS);

/** Whether an ACTIVE project's dates cover a calendar date. */
export function covers(project: ProjectRow, date: Date): boolean {
  return project.status === 'ACTIVE' && project.startsOn <= date && date <= project.endsOn;
}

export interface SignUp {
  volunteerId: number;
  assignedAt: Date;
  cancelledAt?: Date;
  cancelReason?: string;
}

export interface Settled extends SignUp {
  status: 'ASSIGNED' | 'WAITLISTED' | 'CANCELLED';
  promotedAt: Date | null;
}

/**
 * Replays sign-ups and withdrawals in time order as src/roster/service.ts would have handled them:
 * a sign-up takes a place while one is free, otherwise joins the waitlist; a withdrawal from a
 * place promotes the first waitlisted volunteer. Returns the sign-ups in waitlist order (assignedAt,
 * then — as ids are given in this order — insertion), with their resulting status.
 */
export function settle(capacity: number, signUps: SignUp[]): Settled[] {
  const order: Settled[] = [...signUps]
    .sort((a, b) => a.assignedAt.getTime() - b.assignedAt.getTime() || a.volunteerId - b.volunteerId)
    .map((s) => ({ ...s, status: 'ASSIGNED', promotedAt: null }));
  const events = [
    ...order.map((s, i) => ({ t: s.assignedAt.getTime(), join: true, i })),
    ...order.flatMap((s, i) => (s.cancelledAt ? [{ t: s.cancelledAt.getTime(), join: false, i }] : [])),
  ].sort((a, b) => a.t - b.t || Number(b.join) - Number(a.join) || a.i - b.i);
  let held = 0;
  const waitlist: number[] = [];
  for (const event of events) {
    const s = order[event.i];
    if (event.join) {
      if (held < capacity) {
        s.status = 'ASSIGNED';
        held++;
      } else {
        s.status = 'WAITLISTED';
        waitlist.push(event.i);
      }
      continue;
    }
    if (s.status === 'ASSIGNED') {
      held--;
      const next = waitlist.shift();
      if (next !== undefined) {
        order[next].status = 'ASSIGNED';
        order[next].promotedAt = s.cancelledAt!;
        held++;
      }
    } else {
      waitlist.splice(waitlist.indexOf(event.i), 1);
    }
    s.status = 'CANCELLED';
  }
  return order;
}

export function assignmentRow(id: number, shiftId: number, s: Settled): AssignmentRow {
  return {
    id,
    shiftId,
    volunteerId: s.volunteerId,
    status: s.status,
    assignedAt: s.assignedAt,
    promotedAt: s.promotedAt,
    checkedInAt: null,
    checkedOutAt: null,
    serviceMinutes: null,
    cancelledAt: s.cancelledAt ?? null,
    cancelReason: s.cancelReason ?? null,
    updatedAt: s.cancelledAt ?? s.promotedAt ?? s.assignedAt,
  };
}

/** Sets a shift's counters from its assignments, exactly as the rules keep them. */
export function count(shift: ShiftRow, assignments: AssignmentRow[]): void {
  shift.assignedCount = assignments.filter((a) => ['ASSIGNED', 'CHECKED_IN', 'COMPLETED'].includes(a.status)).length;
  shift.checkedInCount = assignments.filter((a) => a.status === 'CHECKED_IN').length;
  if (shift.assignedCount > shift.capacity) throw new Error(`seed: shift ${shift.id} over capacity`);
}

/** A shift as createShifts makes it: OPEN, nobody on it yet. */
export function openShift(fields: Omit<ShiftRow, 'status' | 'assignedCount' | 'checkedInCount' | 'closedAt' | 'cancelledAt' | 'updatedAt'>): ShiftRow {
  return { ...fields, status: 'OPEN', assignedCount: 0, checkedInCount: 0, closedAt: null, cancelledAt: null, updatedAt: fields.createdAt };
}

/** cancelShift's effect: the shift cancelled, and with it every place and waitlist entry, for `reason`. */
export function cancelShift(shift: ShiftRow, rows: AssignmentRow[], at: Date, reason: string): void {
  for (const a of rows) {
    if (a.status === 'CANCELLED') continue;
    a.status = 'CANCELLED';
    a.cancelledAt = at;
    a.cancelReason = reason;
    a.updatedAt = at;
  }
  shift.status = 'CANCELLED';
  shift.cancelledAt = at;
}

/** Checks a volunteer in and out (COMPLETED), crediting minutes as a check-out would. */
export function complete(a: AssignmentRow, shift: ShiftRow, checkedInAt: Date, checkedOutAt: Date): void {
  const opens = plusMinutes(shift.startsAt, -CHECK_IN_OPENS_MINUTES);
  if (checkedInAt < opens || checkedInAt >= shift.endsAt || checkedOutAt < checkedInAt) {
    throw new Error(`seed: bad check-in/out on shift ${shift.id}`);
  }
  a.status = 'COMPLETED';
  a.checkedInAt = checkedInAt;
  a.checkedOutAt = checkedOutAt;
  a.serviceMinutes = serviceMinutesFor(shift, checkedInAt, checkedOutAt);
  a.updatedAt = checkedOutAt;
}

export interface Ids {
  shift: number;
  assignment: number;
}

export interface Person {
  row: VolunteerRow;
  teams: Set<number>;
}

export function people(city: DemoCity): Person[] {
  const teamsOf = new Map<number, Set<number>>();
  for (const m of city.memberships) {
    let set = teamsOf.get(m.volunteerId);
    if (!set) teamsOf.set(m.volunteerId, (set = new Set()));
    set.add(m.teamId);
  }
  return city.volunteers.map((row) => ({ row, teams: teamsOf.get(row.id) ?? new Set() }));
}
