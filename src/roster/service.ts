import { z } from 'zod';
import type { Actor } from '../auth/viewer.js';
import { type Clock, systemClock } from '../common/clock.js';
import { ConflictError, InvalidStatusTransitionError, NotFoundError, ValidationError } from '../common/errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import {
  Prisma,
  type AssignmentStatus,
  type DutyPost,
  type DutyPostKind,
  type ProjectStatus,
  type ServiceRecord,
  type Shift,
  type ShiftAssignment,
  type ShiftStatus,
} from '../generated/prisma/client.js';
import { OPEN_PROJECT_STATUSES, isOpenProject } from '../projects/status.js';
import { subtreeFilter } from '../sites/service.js';
import {
  AlreadyAssignedError,
  type AssignmentAction,
  CheckInWindowError,
  DoubleBookingError,
  FourEyesError,
  InvalidAssignmentStateError,
  ProjectNotRecruitingError,
  ShiftCancelledError,
  ShiftClosedError,
  ShiftNotStartedError,
  VolunteerSuspendedError,
} from './errors.js';
import { creditDuty, creditRecord, lockVolunteerRow, requireWithinDailyLimit } from './credit.js';
import { assignmentChange, type RosterChange, shiftChange } from './events.js';
import {
  addDays,
  asCalendarDate,
  formatCalendarDate,
  parseCalendarDate,
  parseClockTime,
  shanghaiDateOf,
  shanghaiMidnight,
  shanghaiWallClock,
} from './time.js';

/*
 * The duty roster's business rules.
 *
 * Concurrency: every transition that touches a shift's assignments runs in one interactive
 * transaction and first locks the Shift row (SELECT … FOR UPDATE), then — when volunteers matter —
 * the Volunteer row(s) in ascending id order, and only then reads counts and overlaps and writes.
 * Every function takes locks in that same global order (shifts, then volunteers, each by ascending
 * id), so they cannot deadlock one another. Under the shift lock the stored counters
 * Shift.assignedCount and Shift.checkedInCount are exact; under the volunteer lock the
 * no-double-booking check cannot race another sign-up of the same volunteer.
 *
 * Every mutating function takes the transaction it runs in and returns `events: RosterChange[]`
 * next to its result; the command runner (src/common/command.ts) opens that transaction and writes
 * the events to the outbox in it, as its last write. Functions that do not touch shifts (duty
 * posts, service records) return an empty list so callers can treat all mutations alike.
 */

type Tx = Prisma.TransactionClient;

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

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
/** The longest a single shift may last. */
export const MAX_SHIFT_MINUTES = 24 * 60;

const MINUTE_MS = 60_000;

export const SHIFT_CLOSED_REASON = '班次已结束，未能递补 (shift closed before a place became free)';
export const SHIFT_CANCELLED_REASON = '班次已取消 (shift cancelled)';

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

export type Staffing = 'UNDERSTAFFED' | 'STAFFED' | 'FULL';

type Counts = Pick<Shift, 'assignedCount' | 'capacity' | 'minimum'>;

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

function isActive(status: AssignmentStatus): boolean {
  return (ACTIVE_ASSIGNMENT_STATUSES as readonly string[]).includes(status);
}

/** The instants a project's dates cover in Asia/Shanghai: [startsOn 00:00, endsOn + 1 day 00:00). */
export function projectSpan(project: { startsOn: Date; endsOn: Date }): { from: Date; to: Date } {
  return { from: shanghaiMidnight(project.startsOn), to: shanghaiMidnight(addDays(project.endsOn, 1)) };
}

function staffingEvents(before: Counts, after: Counts & { id: number }, now: Date): RosterChange[] {
  return staffingOf(before) === staffingOf(after) ? [] : [shiftChange('STAFFING_CHANGED', after.id, now)];
}

// ---------------------------------------------------------------------------------------------
// Input schemas
// ---------------------------------------------------------------------------------------------

const id = z.number().int().positive();

/** A calendar date: a Date (its UTC Y-M-D, as the GraphQL Date scalar gives) or 'YYYY-MM-DD'. */
const calendarDay = z
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

const instant = z.date().refine(
  (d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100,
  'time must be in 2000–2100',
);

const DUTY_POST_KINDS = [
  'SCENIC_SPOT',
  'TRAFFIC_INTERSECTION',
  'STATION_PORT',
  'COMMUNITY',
  'PRACTICE_SITE',
  'OTHER',
] as const satisfies readonly DutyPostKind[];

const location = z.object({
  lat: z.number().min(-90, 'lat must be between -90 and 90').max(90, 'lat must be between -90 and 90'),
  lng: z.number().min(-180, 'lng must be between -180 and 180').max(180, 'lng must be between -180 and 180'),
});

const DutyPostFields = {
  name: text('name', 100),
  kind: z.enum(DUTY_POST_KINDS),
  siteId: id,
  address: text('address', 200),
  /** null clears the location. */
  location: location.nullish(),
  instructions: optionalText('instructions', 2000),
};

const CreateDutyPostInput = z.object(DutyPostFields);
const UpdateDutyPostInput = z.object({
  name: DutyPostFields.name.optional(),
  kind: DutyPostFields.kind.optional(),
  siteId: id.optional(),
  address: DutyPostFields.address.optional(),
  location: DutyPostFields.location,
  instructions: DutyPostFields.instructions,
});

export type CreateDutyPostInput = z.input<typeof CreateDutyPostInput>;
export type UpdateDutyPostInput = z.input<typeof UpdateDutyPostInput>;

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

const reason = optionalText('reason', 500);

const ShiftActionInput = z.object({ shiftId: id });
const CancelShiftInput = z.object({ shiftId: id, reason });
const AssignInput = z.object({ shiftId: id, volunteerId: id });
const AssignmentActionInput = z.object({ assignmentId: id });
const CancelAssignmentInput = z.object({ assignmentId: id, reason });

export type ShiftActionInput = z.input<typeof ShiftActionInput>;
export type CancelShiftInput = z.input<typeof CancelShiftInput>;
export type AssignInput = z.input<typeof AssignInput>;
export type AssignmentActionInput = z.input<typeof AssignmentActionInput>;
export type CancelAssignmentInput = z.input<typeof CancelAssignmentInput>;

const RecordServiceInput = z.object({
  volunteerId: id,
  teamId: id,
  servedOn: calendarDay,
  minutes: z.number().int().min(1, 'minutes must be at least 1').max(1440, 'minutes may be at most 1440 (one day)'),
  description: text('description', 500),
});

const ReviewServiceRecordInput = z.object({
  recordId: id,
  decision: z.enum(['APPROVED', 'REJECTED']),
  note: optionalText('note', 500),
});

export type RecordServiceInput = z.input<typeof RecordServiceInput>;
export type ReviewServiceRecordInput = z.input<typeof ReviewServiceRecordInput>;

// ---------------------------------------------------------------------------------------------
// Locks and guards (always: shift rows first, then volunteer rows, each by ascending id)
// ---------------------------------------------------------------------------------------------

/** Locks a shift row for the rest of the transaction and returns it. */
async function lockShift(tx: Tx, shiftId: number): Promise<Shift> {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Shift" WHERE "id" = ${shiftId}::int FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError('Shift', shiftId);
  return tx.shift.findUniqueOrThrow({ where: { id: shiftId } });
}

/** Locks a volunteer row (after the shift) and returns its status. */
async function lockVolunteer(tx: Tx, volunteerId: number): Promise<{ id: number; status: string }> {
  const rows = await tx.$queryRaw<{ id: number; status: string }[]>`
    SELECT "id", "status"::text AS "status" FROM "Volunteer" WHERE "id" = ${volunteerId}::int FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Volunteer', volunteerId);
  return rows[0];
}

/** Locks several volunteer rows in ascending id order. */
async function lockVolunteers(tx: Tx, volunteerIds: number[]): Promise<void> {
  const ids = [...new Set(volunteerIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await tx.$queryRaw`
    SELECT "id" FROM "Volunteer" WHERE "id" IN (${Prisma.join(ids.map((v) => Prisma.sql`${v}::int`))})
    ORDER BY "id" FOR UPDATE`;
}

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

/** Refuses sign-ups, check-ins and check-outs on shifts of a project that is not open (src/projects/status.ts). */
async function requireOpenProject(tx: Tx, projectId: number): Promise<void> {
  const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { id: true, status: true } });
  if (!isOpenProject(project.status)) throw new ProjectNotRecruitingError(project.id, project.status, OPEN_PROJECT_STATUSES);
}

/** Refuses cancelled and closed shifts, and — unless allowEnded — shifts whose end has passed. */
function requireOpenShift(shift: Shift, now: Date, options: { allowEnded?: boolean } = {}): void {
  if (shift.status === 'CANCELLED') throw new ShiftCancelledError(shift.id, shift.cancelledAt);
  if (shift.closedAt) throw new ShiftClosedError(shift.id, shift.endsAt, shift.closedAt);
  if (!options.allowEnded && now >= shift.endsAt) throw new ShiftClosedError(shift.id, shift.endsAt, null);
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

/**
 * The first active assignment of any of these volunteers, on a shift other than `exceptShiftId`,
 * whose time overlaps [startsAt, endsAt). Call with the volunteers locked.
 */
async function findOverlap(
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

/**
 * Promotes waitlisted assignments, in waitlist order (assignedAt, then id), into the shift's free
 * places. Call with the shift locked; returns the updated shift.
 */
async function fillFromWaitlist(
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

// ---------------------------------------------------------------------------------------------
// Duty posts
// ---------------------------------------------------------------------------------------------

async function requireSite(prisma: PrismaClient | Tx, siteId: number): Promise<void> {
  const site = await prisma.site.findUnique({ where: { id: siteId }, select: { id: true } });
  if (!site) throw new NotFoundError('Site', siteId);
}

export async function createDutyPost(
  prisma: Tx,
  raw: CreateDutyPostInput,
): Promise<{ post: DutyPost; events: RosterChange[] }> {
  const input = parseInput(CreateDutyPostInput, raw);
  await requireSite(prisma, input.siteId);
  const post = await prisma.dutyPost.create({
    data: {
      name: input.name,
      kind: input.kind,
      siteId: input.siteId,
      address: input.address,
      latitude: input.location?.lat ?? null,
      longitude: input.location?.lng ?? null,
      instructions: input.instructions ?? null,
    },
  });
  return { post, events: [] };
}

export async function updateDutyPost(
  prisma: Tx,
  postId: number,
  raw: UpdateDutyPostInput,
): Promise<{ post: DutyPost; events: RosterChange[] }> {
  const input = parseInput(UpdateDutyPostInput, raw);
  const existing = await prisma.dutyPost.findUnique({ where: { id: postId }, select: { id: true } });
  if (!existing) throw new NotFoundError('DutyPost', postId);
  if (input.siteId !== undefined) await requireSite(prisma, input.siteId);
  const data: Prisma.DutyPostUncheckedUpdateInput = {
    name: input.name,
    kind: input.kind,
    siteId: input.siteId,
    address: input.address,
    instructions: input.instructions,
  };
  if (input.location !== undefined) {
    data.latitude = input.location?.lat ?? null;
    data.longitude = input.location?.lng ?? null;
  }
  const post = await prisma.dutyPost.update({ where: { id: postId }, data });
  return { post, events: [] };
}

// ---------------------------------------------------------------------------------------------
// Shifts
// ---------------------------------------------------------------------------------------------

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
export async function createShifts(tx: Tx, raw: CreateShiftsInput): Promise<CreateShiftsResult> {
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
    const locked = await tx.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "Project" WHERE "id" = ${input.projectId}::int FOR SHARE`;
    if (locked.length === 0) throw new NotFoundError('Project', input.projectId);
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
    const now = new Date();
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
  now: Date = new Date(),
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
  now: Date = new Date(),
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
  now: Date = new Date(),
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
  const open = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "Shift" WHERE "projectId" = ${projectId}::int AND "status" = 'OPEN' AND "closedAt" IS NULL
    ORDER BY "id" FOR UPDATE`;
  if (open.length === 0) return [];
  const shifts = await tx.shift.findMany({ where: { id: { in: open.map((s) => s.id) } }, orderBy: { id: 'asc' } });
  const events: RosterChange[] = [];
  for (const shift of shifts) {
    const ended = now < shift.startsAt ? await cancelLockedShift(tx, shift, now, reason) : await closeLockedShift(tx, shift, now);
    events.push(...ended.events);
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Assignments
// ---------------------------------------------------------------------------------------------

async function signUp(
  tx: Tx,
  raw: AssignInput,
  clock: Clock,
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
  const input = parseInput(AssignInput, raw);
    const shift = await lockShift(tx, input.shiftId);
  // Stamped under the shift's lock (so the clock is read here, not by the caller), so sign-up
  // times (the waitlist order) follow the order in which places are decided, even when many
  // requests arrive at once.
  const now = clock.now();
    const volunteer = await lockVolunteer(tx, input.volunteerId);
    requireOpenShift(shift, now);
    if (volunteer.status !== 'ACTIVE') throw new VolunteerSuspendedError(volunteer.id);
    await requireOpenProject(tx, shift.projectId);
    const existing = await tx.shiftAssignment.findUnique({
      where: { shiftId_volunteerId: { shiftId: shift.id, volunteerId: volunteer.id } },
    });
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
    if (status === 'ASSIGNED') {
      const after = await tx.shift.update({ where: { id: shift.id }, data: { assignedCount: { increment: 1 } } });
      events.push(...staffingEvents(shift, after, now));
    }
    return { assignment, events };
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
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
  return signUp(tx, input, clock);
}

/** A volunteer signing themself up; the same rules as assignVolunteer. */
export function selfSignUp(
  tx: Tx,
  input: AssignInput,
  clock: Clock = systemClock,
): Promise<{ assignment: ShiftAssignment; events: RosterChange[] }> {
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
  now: Date = new Date(),
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
  now: Date = new Date(),
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
  now: Date = new Date(),
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
  now: Date = new Date(),
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

// ---------------------------------------------------------------------------------------------
// Service records (hours served outside the roster)
// ---------------------------------------------------------------------------------------------

/**
 * Records hours a team member served outside the roster; PENDING until someone else reviews it.
 * Refused (DailyServiceLimitError) when the day already has too much credited for it to be approved.
 */
export async function recordService(
  tx: Tx,
  raw: RecordServiceInput,
  now: Date,
  recorder: Actor,
  /** What the service was for, when the record is credited by another workflow (a completed service order). */
  link: { serviceOrderId?: number } = {},
): Promise<{ record: ServiceRecord; events: RosterChange[] }> {
  const input = parseInput(RecordServiceInput, raw);
  if (input.servedOn > shanghaiDateOf(now)) {
    throw ValidationError.field('input.servedOn', 'servedOn must not be in the future');
  }
  const volunteer = await tx.volunteer.findUnique({ where: { id: input.volunteerId }, select: { id: true } });
  if (!volunteer) throw new NotFoundError('Volunteer', input.volunteerId);
  const team = await tx.team.findUnique({ where: { id: input.teamId }, select: { id: true } });
  if (!team) throw new NotFoundError('Team', input.teamId);
  const membership = await tx.teamMembership.findUnique({
    where: { teamId_volunteerId: { teamId: input.teamId, volunteerId: input.volunteerId } },
    select: { id: true },
  });
  if (!membership) throw new ConflictError('The volunteer is not a member of this team.');
  await lockVolunteerRow(tx, input.volunteerId);
  await requireWithinDailyLimit(tx, input.volunteerId, input.servedOn, input.minutes);
  const record = await tx.serviceRecord.create({
    data: {
      volunteerId: input.volunteerId,
      teamId: input.teamId,
      servedOn: input.servedOn,
      minutes: input.minutes,
      description: input.description,
      recordedByAccountId: recorder.accountId,
      serviceOrderId: link.serviceOrderId ?? null,
      createdAt: now,
    },
  });
  return { record, events: [] };
}

/**
 * Approves or rejects a PENDING service record (InvalidStatusTransitionError otherwise).
 * - Four eyes: the reviewer is neither the volunteer who served nor whoever entered the record
 *   (FourEyesError), so a leader's own hours go to another leader of the team or to a manager.
 * - Approval adds the minutes to Volunteer.serviceMinutes in the same transaction, under the
 *   volunteer's row lock, unless that would credit more than 24 hours for the day
 *   (DailyServiceLimitError). The status change is conditional on PENDING, so two concurrent
 *   reviews cannot both count.
 */
export async function reviewServiceRecord(
  tx: Tx,
  raw: ReviewServiceRecordInput,
  now: Date,
  reviewer: Actor,
): Promise<{ record: ServiceRecord; events: RosterChange[] }> {
  const input = parseInput(ReviewServiceRecordInput, raw);
    const current = await tx.serviceRecord.findUnique({ where: { id: input.recordId } });
    if (!current) throw new NotFoundError('ServiceRecord', input.recordId);
    if (reviewer.volunteerId === current.volunteerId) throw new FourEyesError(current.id, 'VOLUNTEER');
    if (reviewer.accountId === current.recordedByAccountId) throw new FourEyesError(current.id, 'RECORDER');
    if (current.status !== 'PENDING') throw new InvalidStatusTransitionError('service record', current.status, input.decision, []);
    if (input.decision === 'APPROVED') {
      await lockVolunteerRow(tx, current.volunteerId);
      await requireWithinDailyLimit(tx, current.volunteerId, current.servedOn, current.minutes);
    }
    const { count } = await tx.serviceRecord.updateMany({
      where: { id: current.id, status: 'PENDING' },
      data: { status: input.decision, reviewNote: input.note ?? null, reviewedAt: now, reviewedByAccountId: reviewer.accountId },
    });
    if (count === 0) {
      const latest = await tx.serviceRecord.findUniqueOrThrow({ where: { id: current.id }, select: { status: true } });
      throw new InvalidStatusTransitionError('service record', latest.status, input.decision, []);
    }
    if (input.decision === 'APPROVED') await creditRecord(tx, current.volunteerId, current.minutes);
    const record = await tx.serviceRecord.findUniqueOrThrow({ where: { id: current.id } });
    return { record, events: [] };
}

// ---------------------------------------------------------------------------------------------
// Query helpers for the GraphQL layer
// ---------------------------------------------------------------------------------------------

export interface RosterFilter {
  /** This site and every site below it (via the post's site). */
  siteId?: number | null;
  postId?: number | null;
  projectId?: number | null;
  /** Shifts still running at or after this instant (endsAt > from). */
  from?: Date | null;
  /** Shifts starting before this instant (startsAt < to). */
  to?: Date | null;
  /** Staffing level of OPEN shifts; implies status OPEN. */
  staffing?: Staffing | null;
  status?: ShiftStatus | null;
  /** Shifts the volunteer is on in any status but CANCELLED. */
  volunteerId?: number | null;
}

/** The default order of a roster: by start time, then id. */
export const ROSTER_ORDER: Prisma.ShiftOrderByWithRelationInput[] = [{ startsAt: 'asc' }, { id: 'asc' }];

/** A Prisma filter for one staffing level, compared in SQL against the shift's own columns. */
export function staffingWhere(prisma: PrismaClient | Tx, staffing: Staffing): Prisma.ShiftWhereInput {
  const fields = prisma.shift.fields;
  switch (staffing) {
    case 'UNDERSTAFFED':
      return { assignedCount: { lt: fields.minimum } };
    case 'STAFFED':
      return { assignedCount: { gte: fields.minimum, lt: fields.capacity } };
    case 'FULL':
      return { assignedCount: { gte: fields.capacity } };
  }
}

/**
 * The Prisma filter for a roster query. from/to select shifts overlapping [from, to), so
 * `shanghaiDayRange(date)` gives a day's roster including shifts running across midnight.
 */
export async function rosterWhere(prisma: PrismaClient, filter: RosterFilter = {}): Promise<Prisma.ShiftWhereInput> {
  const and: Prisma.ShiftWhereInput[] = [];
  if (filter.siteId != null) and.push({ post: { site: await subtreeFilter(prisma, filter.siteId) } });
  if (filter.postId != null) and.push({ postId: filter.postId });
  if (filter.projectId != null) and.push({ projectId: filter.projectId });
  if (filter.from != null) and.push({ endsAt: { gt: filter.from } });
  if (filter.to != null) and.push({ startsAt: { lt: filter.to } });
  if (filter.status != null) and.push({ status: filter.status });
  if (filter.staffing != null) and.push({ status: 'OPEN' }, staffingWhere(prisma, filter.staffing));
  if (filter.volunteerId != null) {
    and.push({ assignments: { some: { volunteerId: filter.volunteerId, status: { not: 'CANCELLED' } } } });
  }
  return and.length > 0 ? { AND: and } : {};
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
