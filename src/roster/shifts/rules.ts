import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../common/errors.js';
import { optionalText, parseInput, text } from '../../common/validation.js';
import type { Prisma, Shift } from '../../generated/prisma/client.js';
import { findOverlap } from '../assignments/overlap.js';
import { fillFromWaitlist } from '../assignments/waitlist.js';
import { DoubleBookingError, ProjectNotRecruitingError } from '../errors.js';
import { type RosterChange, shiftChange } from '../events.js';
import { lockShift, lockVolunteers, shareLockProject } from '../locks.js';
import { requireOpenShift } from '../open-shifts.js';
import {
  ACTIVE_ASSIGNMENT_STATUSES,
  MAX_SHIFTS_PER_CALL,
  MAX_SHIFT_MINUTES,
  MINUTE_MS,
  SHIFT_PLANNING_PROJECT_STATUSES,
  type Tx,
  calendarDay,
  id,
  instant,
  projectSpan,
  staffingEvents,
} from '../rules.js';
import { addDays, formatCalendarDate, parseClockTime, shanghaiWallClock } from '../time.js';

/*
 * Planning shifts: a campaign's shifts in bulk, and changes to one shift. Ending shifts (cancel,
 * close, a project's end) is ./settle.ts. Locks follow src/roster/locks.ts.
 */

const clockTime = z.string().transform((value, ctx) => {
  const minutes = parseClockTime(value);
  if (minutes === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a time of day HH:MM, e.g. 08:00' });
    return z.NEVER;
  }
  return minutes;
});

/**
 * A daily window in Asia/Shanghai wall-clock time. An end earlier than the start means the window
 * runs past midnight into the next day (e.g. 22:00–06:00); '24:00' is midnight at the end of the day.
 */
const timeWindow = z
  .object({ start: clockTime, end: clockTime })
  .refine((w) => w.start !== w.end, { path: ['end'], message: 'end must differ from start' })
  .refine((w) => w.start < 24 * 60, { path: ['start'], message: 'start must be before 24:00' })
  .transform((w) => ({ start: w.start, end: w.end > w.start ? w.end : w.end + 24 * 60 }));

const capacity = z.number().int().min(1, 'capacity must be at least 1').max(500, 'capacity may be at most 500');
const minimum = z.number().int().min(0, 'minimum must not be negative').max(500, 'minimum may be at most 500');
const role = text('role', 50);
const notes = optionalText('notes', 1000);

const CreateShiftsInput = z
  .object({
    projectId: id,
    postIds: z
      .array(id)
      .min(1, 'at least one post')
      .max(100, 'at most 100 posts')
      .transform((ids) => [...new Set(ids)]),
    /** First day of the campaign; with `days`. */
    startDate: calendarDay.optional(),
    /** Number of consecutive days from startDate (default 1). */
    days: z.number().int().min(1, 'days must be at least 1').max(120, 'days may be at most 120').optional(),
    /** Explicit days instead of startDate/days. */
    dates: z.array(calendarDay).min(1, 'at least one date').max(120, 'at most 120 dates').optional(),
    windows: z.array(timeWindow).min(1, 'at least one time window').max(24, 'at most 24 time windows'),
    capacity,
    minimum: minimum.optional(),
    role,
    notes,
  })
  .superRefine((input, ctx) => {
    if ((input.startDate === undefined) === (input.dates === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['startDate'], message: 'give either startDate (with days) or dates' });
    }
    if (input.dates === undefined && input.days !== undefined && input.startDate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'days needs startDate' });
    }
    if (input.dates !== undefined && input.days !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'days goes with startDate, not with dates' });
    }
    if (input.minimum !== undefined && input.minimum > input.capacity) {
      ctx.addIssue({ code: 'custom', path: ['minimum'], message: 'minimum must not exceed capacity' });
    }
    // Windows of one call are for the same role at the same posts: they must not overlap each
    // other, also across midnight into the next day.
    const ws = input.windows;
    for (let i = 0; i < ws.length; i++) {
      for (let j = i + 1; j < ws.length; j++) {
        const overlaps = [-1440, 0, 1440].some((shift) => ws[i].start < ws[j].end + shift && ws[j].start + shift < ws[i].end);
        if (overlaps) {
          ctx.addIssue({ code: 'custom', path: ['windows', j], message: `time window ${j + 1} overlaps window ${i + 1}` });
        }
      }
    }
  });

export type CreateShiftsInput = z.input<typeof CreateShiftsInput>;

const UpdateShiftInput = z.object({
  startsAt: instant.optional(),
  endsAt: instant.optional(),
  capacity: capacity.optional(),
  minimum: minimum.optional(),
  role: role.optional(),
  /** null or '' clears the notes. */
  notes,
});

export type UpdateShiftInput = z.input<typeof UpdateShiftInput>;

export interface CreateShiftsResult {
  count: number;
  /** Ids of the created shifts, in order of start time, then post. */
  shiftIds: number[];
  firstStartsAt: Date;
  lastEndsAt: Date;
  events: RosterChange[];
}

/**
 * Creates a campaign's shifts: every post × every day × every daily window, in one transaction
 * and one multi-row INSERT. Days and windows are Asia/Shanghai wall-clock; all shifts must fall
 * within the project's dates.
 */
export async function createShifts(tx: Tx, raw: CreateShiftsInput, now: Date): Promise<CreateShiftsResult> {
  const input = parseInput(CreateShiftsInput, raw);
  const days =
    input.dates !== undefined
      ? [...new Map(input.dates.map((d) => [d.getTime(), d])).values()].sort((a, b) => a.getTime() - b.getTime())
      : Array.from({ length: input.days ?? 1 }, (_, i) => addDays(input.startDate!, i));
  const total = days.length * input.windows.length * input.postIds.length;
  if (total > MAX_SHIFTS_PER_CALL) {
    throw ValidationError.field(
      'input',
      `this would create ${total} shifts (${days.length} days × ${input.windows.length} windows × ${input.postIds.length} posts); at most ${MAX_SHIFTS_PER_CALL} per call`,
    );
  }
  const windows = [...input.windows].sort((a, b) => a.start - b.start);
  const postIds = [...input.postIds].sort((a, b) => a - b);
  const capacityValue = input.capacity;
  const minimumValue = input.minimum ?? capacityValue;
  const rows: Prisma.ShiftCreateManyInput[] = [];
  for (const day of days) {
    for (const window of windows) {
      const startsAt = shanghaiWallClock(day, window.start);
      const endsAt = shanghaiWallClock(day, window.end);
      for (const postId of postIds) {
        rows.push({
          projectId: input.projectId,
          postId,
          startsAt,
          endsAt,
          capacity: capacityValue,
          minimum: minimumValue,
          role: input.role,
          notes: input.notes ?? null,
        });
      }
    }
  }
  const firstStartsAt = rows[0].startsAt as Date;
  const lastEndsAt = rows.reduce((max, r) => ((r.endsAt as Date) > max ? (r.endsAt as Date) : max), rows[0].endsAt as Date);
  const datePath = input.dates !== undefined ? 'input.dates' : 'input.startDate';

  // FOR SHARE keeps the project's status and dates stable until the shifts are in.
  await shareLockProject(tx, input.projectId);
  const project = await tx.project.findUniqueOrThrow({
    where: { id: input.projectId },
    select: { id: true, status: true, startsOn: true, endsOn: true },
  });
  if (!(SHIFT_PLANNING_PROJECT_STATUSES as readonly string[]).includes(project.status)) {
    throw new ProjectNotRecruitingError(project.id, project.status, SHIFT_PLANNING_PROJECT_STATUSES);
  }
  const span = projectSpan(project);
  if (firstStartsAt < span.from || lastEndsAt > span.to) {
    throw ValidationError.field(
      datePath,
      `shifts must fall within the project's dates, ${formatCalendarDate(project.startsOn)} to ${formatCalendarDate(project.endsOn)} (Asia/Shanghai)`,
    );
  }
  const posts = await tx.dutyPost.findMany({ where: { id: { in: postIds } }, select: { id: true } });
  if (posts.length !== postIds.length) {
    const found = new Set(posts.map((p) => p.id));
    throw new NotFoundError('DutyPost', postIds.find((p) => !found.has(p))!);
  }
  const created = await tx.shift.createManyAndReturn({ data: rows, select: { id: true } });
  const shiftIds = created.map((s) => s.id).sort((a, b) => a - b);
  return {
    count: shiftIds.length,
    shiftIds,
    firstStartsAt,
    lastEndsAt,
    events: shiftIds.map((shiftId) => shiftChange('SHIFT_CREATED', shiftId, now)),
  };
}

/**
 * Changes a shift's times, capacity, minimum, role or notes.
 * - Capacity cannot drop below the places already held; when it grows, waitlisted volunteers are
 *   promoted in waitlist order.
 * - Lowering capacity below the minimum without giving a minimum lowers the minimum with it.
 * - New times must stay within the project's dates, last at most 24 h, and must not double-book
 *   any volunteer on the shift (DoubleBookingError names the first one); the start cannot move
 *   once anyone has checked in.
 * Cancelled and closed shifts, and shifts of COMPLETED or CANCELLED projects, cannot be changed.
 */
export async function updateShift(
  tx: Tx,
  shiftId: number,
  raw: UpdateShiftInput,
  now: Date,
): Promise<{ shift: Shift; events: RosterChange[] }> {
  const input = parseInput(UpdateShiftInput, raw);
  const before = await lockShift(tx, shiftId);
  requireOpenShift(before, now, { allowEnded: true });
  const project = await tx.project.findUniqueOrThrow({
    where: { id: before.projectId },
    select: { id: true, status: true, startsOn: true, endsOn: true },
  });
  if (!(SHIFT_PLANNING_PROJECT_STATUSES as readonly string[]).includes(project.status)) {
    throw new ProjectNotRecruitingError(project.id, project.status, SHIFT_PLANNING_PROJECT_STATUSES);
  }

  const startsAt = input.startsAt ?? before.startsAt;
  const endsAt = input.endsAt ?? before.endsAt;
  const timesChanged =
    startsAt.getTime() !== before.startsAt.getTime() || endsAt.getTime() !== before.endsAt.getTime();
  if (timesChanged) {
    if (endsAt <= startsAt) throw ValidationError.field('input.endsAt', 'endsAt must be after startsAt');
    if (endsAt.getTime() - startsAt.getTime() > MAX_SHIFT_MINUTES * MINUTE_MS) {
      throw ValidationError.field('input.endsAt', 'a shift may last at most 24 hours');
    }
    if (startsAt.getTime() !== before.startsAt.getTime()) {
      const started = await tx.shiftAssignment.count({
        where: { shiftId, status: { in: ['CHECKED_IN', 'COMPLETED'] } },
      });
      if (started > 0) {
        throw new ConflictError('Volunteers have already checked in to this shift; its start time can no longer change.');
      }
    }
    const span = projectSpan(project);
    if (startsAt < span.from || endsAt > span.to) {
      throw ValidationError.field(
        input.startsAt && startsAt < span.from ? 'input.startsAt' : 'input.endsAt',
        `the shift must fall within the project's dates, ${formatCalendarDate(project.startsOn)} to ${formatCalendarDate(project.endsOn)} (Asia/Shanghai)`,
      );
    }
    const onShift = await tx.shiftAssignment.findMany({
      where: { shiftId, status: { in: [...ACTIVE_ASSIGNMENT_STATUSES] } },
      select: { volunteerId: true },
    });
    const volunteerIds = onShift.map((a) => a.volunteerId);
    await lockVolunteers(tx, volunteerIds);
    const clash = await findOverlap(tx, volunteerIds, shiftId, startsAt, endsAt);
    if (clash) {
      throw new DoubleBookingError(clash.volunteerId, shiftId, clash.id, clash.shift.id, clash.shift.startsAt, clash.shift.endsAt);
    }
  }

  const capacityValue = input.capacity ?? before.capacity;
  if (capacityValue < before.assignedCount) {
    throw ValidationError.field(
      'input.capacity',
      `capacity cannot be below the ${before.assignedCount} volunteers already holding a place`,
    );
  }
  const minimumValue = input.minimum ?? Math.min(before.minimum, capacityValue);
  if (minimumValue > capacityValue) {
    throw ValidationError.field('input.minimum', 'minimum must not exceed capacity');
  }

  const updated = await tx.shift.update({
    where: { id: shiftId },
    data: {
      startsAt,
      endsAt,
      capacity: capacityValue,
      minimum: minimumValue,
      role: input.role,
      notes: input.notes,
    },
  });
  const events: RosterChange[] = [shiftChange('SHIFT_UPDATED', shiftId, now)];
  // No promotions once the shift is over: closeShift settles the waitlist.
  const filled = now < updated.endsAt ? await fillFromWaitlist(tx, updated, now) : { shift: updated, events: [] };
  events.push(...filled.events, ...staffingEvents(before, filled.shift, now));
  return { shift: filled.shift, events };
}
