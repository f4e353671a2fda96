import { z } from 'zod';
import { optionalText } from '../common/validation.js';
import type { AssignmentStatus, Prisma, ProjectStatus, Shift } from '../generated/prisma/client.js';
import { type RosterChange, shiftChange } from './events.js';
import { addDays, asCalendarDate, parseCalendarDate, shanghaiMidnight } from './time.js';

/*
 * The roster's shared rules: the statuses that count, the check-in window and the check-out cap,
 * staffing levels, and the input pieces every aggregate's rules parse (ids, days, instants).
 * Pure functions only; each aggregate's rules (posts/, shifts/, assignments/, records/) take a
 * Prisma transaction and build on these. The row locks are src/roster/locks.ts; which shifts are
 * public and which take sign-ups is src/roster/open-shifts.ts.
 */

/** A transaction the rules run in (opened by the command runner, src/common/command.ts). */
export type Tx = Prisma.TransactionClient;


/** Assignments that commit the volunteer to the shift's time: they block overlapping sign-ups. */
export const ACTIVE_ASSIGNMENT_STATUSES = ['ASSIGNED', 'WAITLISTED', 'CHECKED_IN'] as const satisfies readonly AssignmentStatus[];
/** Assignments that hold one of the shift's places; Shift.assignedCount counts exactly these. */
export const SLOT_HOLDING_STATUSES = ['ASSIGNED', 'CHECKED_IN', 'COMPLETED'] as const satisfies readonly AssignmentStatus[];
/** Project statuses in which shifts can be created or changed. */
export const SHIFT_PLANNING_PROJECT_STATUSES = ['DRAFT', 'RECRUITING', 'ACTIVE'] as const satisfies readonly ProjectStatus[];

/** Check-in opens this many minutes before the shift starts (and closes when it ends). */
export const CHECK_IN_OPENS_MINUTES = 30;
/** A check-out earns at most the shift's length plus this many minutes. */
export const CHECK_OUT_GRACE_MINUTES = 30;
/** The most shifts one createShifts call may create. */
export const MAX_SHIFTS_PER_CALL = 5000;
/** The longest a single shift may last (the database checks it too: "Shift_lasts_at_most_a_day"). */
export const MAX_SHIFT_MINUTES = 24 * 60;

export const MINUTE_MS = 60_000;

export const SHIFT_CLOSED_REASON = '班次已结束，未能递补 (shift closed before a place became free)';
export const SHIFT_CANCELLED_REASON = '班次已取消 (shift cancelled)';


export type Staffing = 'UNDERSTAFFED' | 'STAFFED' | 'FULL';

export type Counts = Pick<Shift, 'assignedCount' | 'capacity' | 'minimum'>;

/**
 * How well a shift is staffed: UNDERSTAFFED below its minimum, FULL when every place is taken,
 * STAFFED in between. Counts places held (ASSIGNED, CHECKED_IN, COMPLETED), not the waitlist.
 */
export function staffingOf(shift: Counts): Staffing {
  if (shift.assignedCount >= shift.capacity) return 'FULL';
  if (shift.assignedCount < shift.minimum) return 'UNDERSTAFFED';
  return 'STAFFED';
}

/** Places still free on a shift; 0 when it is cancelled or closed. */
export function openSlots(
  shift: Pick<Shift, 'assignedCount' | 'capacity'> & Partial<Pick<Shift, 'status' | 'closedAt'>>,
): number {
  if (shift.status === 'CANCELLED' || shift.closedAt) return 0;
  return Math.max(0, shift.capacity - shift.assignedCount);
}

/** When check-in for a shift opens and closes: [startsAt − 30 min, endsAt). */
export function checkInWindow(shift: Pick<Shift, 'startsAt' | 'endsAt'>): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(shift.startsAt.getTime() - CHECK_IN_OPENS_MINUTES * MINUTE_MS),
    closesAt: shift.endsAt,
  };
}

/**
 * Minutes earned for being checked in from `checkedInAt` to `checkedOutAt`: whole minutes, never
 * negative, at most the shift's length plus 30 minutes.
 */
export function serviceMinutesFor(
  shift: Pick<Shift, 'startsAt' | 'endsAt'>,
  checkedInAt: Date,
  checkedOutAt: Date,
): number {
  const served = Math.floor((checkedOutAt.getTime() - checkedInAt.getTime()) / MINUTE_MS);
  const length = Math.floor((shift.endsAt.getTime() - shift.startsAt.getTime()) / MINUTE_MS);
  return Math.max(0, Math.min(served, length + CHECK_OUT_GRACE_MINUTES));
}

export function isActive(status: AssignmentStatus): boolean {
  return (ACTIVE_ASSIGNMENT_STATUSES as readonly string[]).includes(status);
}

/** The instants a project's dates cover in Asia/Shanghai: [startsOn 00:00, endsOn + 1 day 00:00). */
export function projectSpan(project: { startsOn: Date; endsOn: Date }): { from: Date; to: Date } {
  return { from: shanghaiMidnight(project.startsOn), to: shanghaiMidnight(addDays(project.endsOn, 1)) };
}

/** A STAFFING_CHANGED event when a change moved the shift to another staffing level. */
export function staffingEvents(before: Counts, after: Counts & { id: number }, now: Date): RosterChange[] {
  return staffingOf(before) === staffingOf(after) ? [] : [shiftChange('STAFFING_CHANGED', after.id, now)];
}

/** A database key (the rules take keys; the GraphQL layer decodes global IDs). */
export const id = z.number().int().positive();

/** A calendar date: a Date (its UTC Y-M-D, as the GraphQL Date scalar gives) or 'YYYY-MM-DD'. */
export const calendarDay = z
  .union([z.date(), z.string()])
  .transform((value, ctx) => {
    const day = typeof value === 'string' ? parseCalendarDate(value) : asCalendarDate(value);
    if (!day) {
      ctx.addIssue({ code: 'custom', message: 'must be a date, YYYY-MM-DD' });
      return z.NEVER;
    }
    return day;
  })
  .refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, 'date must be in 2000–2100');

export const instant = z.date().refine(
  (d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100,
  'time must be in 2000–2100',
);

/** Why (a cancellation), told to the volunteers. */
export const reason = optionalText('reason', 500);
