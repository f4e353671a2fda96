import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/auth/viewer.js';
import { createAccount } from '../src/auth/service.js';
import { manualClock } from '../src/common/clock.js';
import { NotFoundError, ValidationError } from '../src/common/errors.js';
import type { Database } from '../src/db/index.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { assignVolunteer, cancelAssignment, markNoShow, selfSignUp } from '../src/roster/assignments/rules.js';
import {
  DoubleBookingError,
  FourEyesError,
  ProjectNotRecruitingError,
  ShiftClosedError,
  ShiftNotStartedError,
  VolunteerSuspendedError,
} from '../src/roster/errors.js';
import { isPublicShift, requireOpenShift } from '../src/roster/open-shifts.js';
import { createDutyPost, updateDutyPost } from '../src/roster/posts/rules.js';
import { recordService, reviewServiceRecord } from '../src/roster/records/rules.js';
import { openSlots, projectSpan, staffingOf } from '../src/roster/rules.js';
import { rosterWhere } from '../src/roster/shifts/query.js';
import { createShifts, updateShift } from '../src/roster/shifts/rules.js';
import { cancelShift, closeShift, endProjectShifts } from '../src/roster/shifts/settle.js';
import { createTeam } from '../src/teams/service.js';
import { openMigratedPglite } from './support/databases.js';
import { siteTree, uniquePhone } from './support/fixtures.js';
import { calendarDay, makePost, makeProject, makeShift, makeVolunteers, shanghai } from './support/roster-fixtures.js';

/*
 * Unit tests of the other roster rules at their boundaries: each rule function called directly
 * in a transaction on a migrated in-memory PGlite database, with fixed instants (July 2026,
 * Asia/Shanghai) and a manual clock for sign-ups. No request is made; where a rule takes an actor,
 * the test says which (a site manager's account records, another's reviews).
 */

const MS = 1;
const HOUR = 3_600_000;
const D = '2026-07-07';
const D1 = '2026-07-08';

let db: Database;
let siteId: number;
let teamId: number;
let projectId: number;
let postId: number;
let manager: Actor;
let otherManager: Actor;

/** Runs a rule in its own transaction, as the command runner does (without the outbox). */
const tx = <T>(rule: (t: Prisma.TransactionClient) => Promise<T>) => db.prisma.$transaction(rule, { timeout: 20_000 });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

beforeAll(async () => {
  db = await openMigratedPglite();
  const sites = await siteTree(db.prisma, '规则');
  siteId = sites.stationA.id;
  teamId = (await createTeam(db.prisma, { name: '规则测试服务队', siteId: sites.instituteA.id })).id;
  projectId = (await makeProject(db.prisma, { organizerId: teamId, siteId: sites.instituteA.id, startsOn: '2026-07-01', endsOn: D })).id;
  postId = (await makePost(db.prisma, siteId, '规则测试岗')).id;
  const [a, b] = await Promise.all(
    [0, 1].map(() =>
      createAccount(db.prisma, {
        phone: `+86${uniquePhone()}`,
        password: 'unit-test-password',
        roles: [{ role: 'SITE_MANAGER', siteId: sites.instituteA.id }],
      }),
    ),
  );
  manager = { accountId: a.id, volunteerId: null };
  otherManager = { accountId: b.id, volunteerId: null };
}, 120_000);

afterAll(async () => {
  await db?.close();
});

const shiftAt = (startsAt: Date, endsAt: Date, capacity = 2, minimum = 1) =>
  makeShift(db.prisma, { projectId, postId, startsAt, endsAt, capacity, minimum });
const volunteers = (n: number, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => makeVolunteers(db.prisma, siteId, n, '规则志愿者', status);
const signUp = (shiftId: number, volunteerId: number, at: Date) =>
  tx((t) => assignVolunteer(t, { shiftId, volunteerId }, manualClock(at)));

describe('pure rules', () => {
  it('staffing: UNDERSTAFFED below the minimum, STAFFED from it, FULL at capacity', () => {
    expect(staffingOf({ assignedCount: 1, minimum: 2, capacity: 3 })).toBe('UNDERSTAFFED');
    expect(staffingOf({ assignedCount: 2, minimum: 2, capacity: 3 })).toBe('STAFFED');
    expect(staffingOf({ assignedCount: 3, minimum: 2, capacity: 3 })).toBe('FULL');
    expect(openSlots({ assignedCount: 2, capacity: 3, status: 'OPEN' })).toBe(1);
    expect(openSlots({ assignedCount: 2, capacity: 3, status: 'CANCELLED' })).toBe(0);
  });

  it('a project covers [startsOn 00:00, endsOn + 1 day 00:00) Shanghai', () => {
    expect(projectSpan({ startsOn: calendarDay('2026-07-01'), endsOn: calendarDay(D) })).toEqual({
      from: shanghai('2026-07-01', '00:00'),
      to: shanghai(D1, '00:00'),
    });
  });

  it('a shift is public while OPEN with a free place and its project open', async () => {
    const status = (s: string) => async () => s;
    const shift = { status: 'OPEN', assignedCount: 1, capacity: 2, projectId: 1 };
    expect(await isPublicShift(shift, status('RECRUITING'))).toBe(true);
    expect(await isPublicShift(shift, status('ACTIVE'))).toBe(true);
    expect(await isPublicShift(shift, status('DRAFT'))).toBe(false);
    expect(await isPublicShift({ ...shift, assignedCount: 2 }, status('ACTIVE'))).toBe(false);
    expect(await isPublicShift({ ...shift, status: 'CANCELLED' }, status('ACTIVE'))).toBe(false);
  });

  it('takes sign-ups until one ms before the end', () => {
    const shift = { id: 1, status: 'OPEN', closedAt: null, cancelledAt: null, endsAt: shanghai(D, '12:00') } as never;
    expect(() => requireOpenShift(shift, new Date(shanghai(D, '12:00').getTime() - MS))).not.toThrow();
    expect(() => requireOpenShift(shift, shanghai(D, '12:00'))).toThrow(ShiftClosedError);
    expect(() => requireOpenShift(shift, shanghai(D, '12:00'), { allowEnded: true })).not.toThrow();
  });
});

describe('duty posts', () => {
  it('createDutyPost takes latitude ±90 and refuses past it; an unknown site is NotFound', async () => {
    const base = { name: '边界岗', kind: 'OTHER' as const, siteId, address: '北极' };
    const { post } = await tx((t) => createDutyPost(t, { ...base, location: { lat: 90, lng: -180 } }));
    expect(post).toMatchObject({ latitude: 90, longitude: -180 });
    expect(await failure(tx((t) => createDutyPost(t, { ...base, location: { lat: 90.000001, lng: 0 } })))).toBeInstanceOf(ValidationError);
    expect(await failure(tx((t) => createDutyPost(t, { ...base, siteId: 999_999 })))).toBeInstanceOf(NotFoundError);
    const { post: cleared } = await tx((t) => updateDutyPost(t, post.id, { location: null }));
    expect(cleared).toMatchObject({ latitude: null, longitude: null, name: '边界岗' });
  });
});

describe('shifts', () => {
  it('createShifts takes a window ending at 24:00 on the last day and refuses one running past it', async () => {
    const input = { projectId, postIds: [postId], startDate: D, capacity: 2, role: '文明引导' };
    const made = await tx((t) => createShifts(t, { ...input, windows: [{ start: '22:00', end: '24:00' }] }, shanghai(D, '08:00')));
    expect(made).toMatchObject({ count: 1, firstStartsAt: shanghai(D, '22:00'), lastEndsAt: shanghai(D1, '00:00') });
    const refused = await failure(tx((t) => createShifts(t, { ...input, windows: [{ start: '23:00', end: '00:01' }] }, shanghai(D, '08:00'))));
    expect(refused).toBeInstanceOf(ValidationError);
    expect(await db.prisma.shift.count({ where: { id: { in: made.shiftIds } } })).toBe(1);
  });

  it('updateShift allows 24 hours and capacity down to the places held, not past either', async () => {
    const shift = await shiftAt(shanghai('2026-07-02', '08:00'), shanghai('2026-07-02', '12:00'), 3);
    const [a, b] = await volunteers(2);
    await signUp(shift.id, a.id, shanghai('2026-07-01', '10:00'));
    await signUp(shift.id, b.id, shanghai('2026-07-01', '10:00'));
    const now = shanghai('2026-07-01', '12:00');
    const day = await tx((t) => updateShift(t, shift.id, { endsAt: new Date(shift.startsAt.getTime() + 24 * HOUR) }, now));
    expect(day.shift.endsAt).toEqual(shanghai('2026-07-03', '08:00'));
    expect(await failure(tx((t) => updateShift(t, shift.id, { endsAt: new Date(shift.startsAt.getTime() + 24 * HOUR + MS) }, now)))).toBeInstanceOf(ValidationError);
    expect((await tx((t) => updateShift(t, shift.id, { capacity: 2 }, now))).shift).toMatchObject({ capacity: 2, assignedCount: 2 });
    expect(await failure(tx((t) => updateShift(t, shift.id, { capacity: 1 }, now)))).toBeInstanceOf(ValidationError);
  });

  it('closeShift before the end checks out at now; cancelShift keeps the history', async () => {
    const shift = await shiftAt(shanghai('2026-07-03', '08:00'), shanghai('2026-07-03', '12:00'));
    const [a] = await volunteers(1);
    const { assignment } = await signUp(shift.id, a.id, shanghai('2026-07-02', '10:00'));
    await db.prisma.shiftAssignment.update({ where: { id: assignment.id }, data: { status: 'CHECKED_IN', checkedInAt: shift.startsAt } });
    await db.prisma.shift.update({ where: { id: shift.id }, data: { checkedInCount: 1 } });
    const closed = await tx((t) => closeShift(t, { shiftId: shift.id }, shanghai('2026-07-03', '10:00')));
    expect(closed.shift).toMatchObject({ checkedInCount: 0, closedAt: shanghai('2026-07-03', '10:00') });
    const done = await db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: assignment.id } });
    expect(done).toMatchObject({ status: 'COMPLETED', checkedOutAt: shanghai('2026-07-03', '10:00'), serviceMinutes: 120 });
    expect(await failure(tx((t) => cancelShift(t, { shiftId: shift.id }, shanghai('2026-07-03', '11:00'))))).toBeInstanceOf(ShiftClosedError);
  });

  it('endProjectShifts cancels a shift one ms before it starts and closes one that started', async () => {
    const project = await makeProject(db.prisma, { organizerId: teamId, siteId, startsOn: '2026-07-01', endsOn: D });
    const at = shanghai('2026-07-04', '08:00');
    const later = await makeShift(db.prisma, { projectId: project.id, postId, startsAt: new Date(at.getTime() + MS), endsAt: shanghai('2026-07-04', '12:00') });
    const started = await makeShift(db.prisma, { projectId: project.id, postId, startsAt: at, endsAt: shanghai('2026-07-04', '12:00') });
    const events = await tx((t) => endProjectShifts(t, project.id, at, '项目结束'));
    const after = await db.prisma.shift.findMany({ where: { id: { in: [later.id, started.id] } }, orderBy: { id: 'asc' } });
    expect(after.map((s) => [s.status, s.closedAt])).toEqual([['CANCELLED', null], ['OPEN', at]]);
    expect(events.map((e) => e.kind)).toContain('SHIFT_CANCELLED');
  });
});

describe('assignments', () => {
  it('signs up until one ms before the end, waitlists when full, refuses suspended volunteers and overlaps', async () => {
    const shift = await shiftAt(shanghai('2026-07-05', '08:00'), shanghai('2026-07-05', '12:00'), 1);
    const [a, b, c] = await volunteers(3);
    const [suspended] = await volunteers(1, 'SUSPENDED');
    const last = new Date(shift.endsAt.getTime() - MS);
    expect((await signUp(shift.id, a.id, last)).assignment.status).toBe('ASSIGNED');
    expect((await tx((t) => selfSignUp(t, { shiftId: shift.id, volunteerId: b.id }, manualClock(last)))).assignment.status).toBe('WAITLISTED');
    expect(await failure(signUp(shift.id, c.id, shift.endsAt))).toBeInstanceOf(ShiftClosedError);
    expect(await failure(signUp(shift.id, suspended.id, last))).toBeInstanceOf(VolunteerSuspendedError);
    const overlapping = await shiftAt(new Date(shift.endsAt.getTime() - MS), shanghai('2026-07-05', '14:00'));
    expect(await failure(signUp(overlapping.id, a.id, shanghai('2026-07-05', '07:00')))).toBeInstanceOf(DoubleBookingError);
    const backToBack = await shiftAt(shift.endsAt, shanghai('2026-07-05', '14:00'));
    expect((await signUp(backToBack.id, a.id, shanghai('2026-07-05', '07:00'))).assignment.status).toBe('ASSIGNED');
  });

  it('cancelAssignment frees the place for the first on the waitlist', async () => {
    const shift = await shiftAt(shanghai('2026-07-06', '08:00'), shanghai('2026-07-06', '12:00'), 1);
    const [a, b, c] = await volunteers(3);
    const first = (await signUp(shift.id, a.id, shanghai('2026-07-05', '09:00'))).assignment;
    const second = (await signUp(shift.id, b.id, shanghai('2026-07-05', '09:01'))).assignment;
    await signUp(shift.id, c.id, shanghai('2026-07-05', '09:02'));
    const { events } = await tx((t) => cancelAssignment(t, { assignmentId: first.id }, shanghai('2026-07-05', '10:00')));
    expect(events.map((e) => [e.kind, e.assignmentId])).toContainEqual(['PROMOTED', second.id]);
    expect((await db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('ASSIGNED');
  });

  it('markNoShow is refused one ms before the start and allowed at the start', async () => {
    const shift = await shiftAt(shanghai('2026-07-06', '14:00'), shanghai('2026-07-06', '18:00'));
    const [a] = await volunteers(1);
    const { assignment } = await signUp(shift.id, a.id, shanghai('2026-07-05', '09:00'));
    expect(await failure(tx((t) => markNoShow(t, { assignmentId: assignment.id }, new Date(shift.startsAt.getTime() - MS))))).toBeInstanceOf(ShiftNotStartedError);
    const { assignment: absent } = await tx((t) => markNoShow(t, { assignmentId: assignment.id }, shift.startsAt));
    expect(absent.status).toBe('NO_SHOW');
    expect((await db.prisma.shift.findUniqueOrThrow({ where: { id: shift.id } })).assignedCount).toBe(0);
  });

  it('refuses sign-ups on a project that is not open', async () => {
    const draft = await makeProject(db.prisma, { organizerId: teamId, siteId, startsOn: '2026-07-01', endsOn: D, status: 'DRAFT' });
    const shift = await makeShift(db.prisma, { projectId: draft.id, postId, startsAt: shanghai(D, '08:00'), endsAt: shanghai(D, '12:00') });
    const [a] = await volunteers(1);
    expect(await failure(signUp(shift.id, a.id, shanghai('2026-07-06', '08:00')))).toBeInstanceOf(ProjectNotRecruitingError);
  });
});

describe('service records', () => {
  it('takes today (Shanghai) but not tomorrow: servedOn D1 is refused at D 23:59:59.999 and taken at D1 00:00', async () => {
    const [v] = await volunteers(1);
    await db.prisma.teamMembership.create({ data: { teamId, volunteerId: v.id } });
    const input = { volunteerId: v.id, teamId, servedOn: D1, minutes: 60, description: '社区服务' };
    const early = new Date(shanghai(D1, '00:00').getTime() - MS);
    expect(await failure(tx((t) => recordService(t, input, early, manager)))).toBeInstanceOf(ValidationError);
    const { record } = await tx((t) => recordService(t, input, shanghai(D1, '00:00'), manager));
    expect(record).toMatchObject({ status: 'PENDING', servedOn: calendarDay(D1), recordedByAccountId: manager.accountId });
    // Four eyes: whoever entered it cannot approve it; another manager can.
    expect(await failure(tx((t) => reviewServiceRecord(t, { recordId: record.id, decision: 'APPROVED' }, shanghai(D1, '09:00'), manager)))).toBeInstanceOf(FourEyesError);
    const { record: approved } = await tx((t) => reviewServiceRecord(t, { recordId: record.id, decision: 'APPROVED' }, shanghai(D1, '09:00'), otherManager));
    expect(approved.status).toBe('APPROVED');
    expect((await db.prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).serviceMinutes).toBe(60);
  });
});

describe('roster filter', () => {
  it('takes several staffing levels and statuses at once', async () => {
    const day = { from: shanghai('2026-07-02', '00:00'), to: shanghai('2026-07-03', '00:00') };
    const empty = await shiftAt(shanghai('2026-07-02', '13:00'), shanghai('2026-07-02', '14:00'), 2, 1);
    const full = await shiftAt(shanghai('2026-07-02', '15:00'), shanghai('2026-07-02', '16:00'), 1, 1);
    const [a] = await volunteers(1);
    await signUp(full.id, a.id, shanghai('2026-07-01', '09:00'));
    const ids = async (filter: Parameters<typeof rosterWhere>[1]) =>
      (
        await db.prisma.shift.findMany({
          // Only this test's two shifts (others of this file share the post and the day).
          where: { AND: [await rosterWhere(db.prisma, { ...day, postId, ...filter }), { id: { in: [empty.id, full.id] } }] },
          orderBy: { id: 'asc' },
        })
      ).map((s) => s.id);
    expect(await ids({ staffing: ['UNDERSTAFFED'] })).toEqual([empty.id]);
    expect(await ids({ staffing: ['FULL'] })).toEqual([full.id]);
    expect(await ids({ staffing: ['UNDERSTAFFED', 'FULL'] })).toEqual([empty.id, full.id]);
    expect(await ids({ staffing: ['STAFFED'] })).toEqual([]);
    expect(await ids({ status: ['CANCELLED'] })).toEqual([]);
    expect(await ids({ status: ['OPEN', 'CANCELLED'] })).toEqual([empty.id, full.id]);
  });
});
