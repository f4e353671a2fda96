import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/auth/viewer.js';
import { createAccount } from '../src/auth/service.js';
import { manualClock } from '../src/common/clock.js';
import type { Database } from '../src/db/index.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { assignVolunteer, checkIn, checkOut } from '../src/roster/assignments/rules.js';
import { DailyServiceLimitError, MAX_DAILY_SERVICE_MINUTES, creditedMinutesOn } from '../src/roster/credit.js';
import { CheckInWindowError } from '../src/roster/errors.js';
import { recordService, reviewServiceRecord } from '../src/roster/records/rules.js';
import { checkInWindow, serviceMinutesFor } from '../src/roster/rules.js';
import {
  addDays,
  parseClockTime,
  shanghaiDateOf,
  shanghaiDayRange,
  shanghaiMidnight,
  shanghaiWallClock,
} from '../src/roster/time.js';
import { createTeam } from '../src/teams/service.js';
import { openMigratedPglite } from './support/databases.js';
import { siteTree, uniquePhone } from './support/fixtures.js';
import { calendarDay, makePost, makeProject, makeShift, makeVolunteers, shanghai } from './support/roster-fixtures.js';

/*
 * Unit tests of the roster's time rules at their boundaries, calling the rule functions directly
 * in a transaction on a migrated in-memory PGlite database, with a manual clock. Every instant is
 * fixed (July 2026, Asia/Shanghai), so nothing depends on the wall clock. No request is made: the
 * acting role is whoever the rule is handed — a site manager's account records service, another
 * leader's account reviews it; check-ins are the rule itself (who may call it is the GraphQL
 * layer's business, tested elsewhere).
 */

const MS = 1;
const MINUTE = 60_000;
const D = '2026-07-07';
const D1 = '2026-07-08';

let db: Database;
let world: { siteId: number; teamId: number; projectId: number; postId: number };
let recorder: Actor;
let reviewer: Actor;

/** Runs a rule in its own transaction, as the command runner does (without the outbox). */
const tx = <T>(rule: (t: Prisma.TransactionClient) => Promise<T>) => db.prisma.$transaction(rule, { timeout: 20_000 });

beforeAll(async () => {
  db = await openMigratedPglite();
  const sites = await siteTree(db.prisma, '单元');
  const team = await createTeam(db.prisma, { name: '单元测试服务队', siteId: sites.instituteA.id });
  const project = await makeProject(db.prisma, {
    organizerId: team.id,
    siteId: sites.instituteA.id,
    startsOn: '2026-06-01',
    endsOn: '2026-08-31',
  });
  const post = await makePost(db.prisma, sites.stationA.id, '单元测试岗');
  world = { siteId: sites.stationA.id, teamId: team.id, projectId: project.id, postId: post.id };
  const accounts = await Promise.all(
    ['a', 'b'].map(() =>
      createAccount(db.prisma, {
        phone: `+86${uniquePhone()}`,
        password: 'unit-test-password',
        roles: [{ role: 'SITE_MANAGER', siteId: sites.instituteA.id }],
      }),
    ),
  );
  recorder = { accountId: accounts[0].id, volunteerId: null };
  reviewer = { accountId: accounts[1].id, volunteerId: null };
}, 120_000);

afterAll(async () => {
  await db?.close();
});

/** A fresh ACTIVE volunteer on a new shift [startsAt, endsAt), signed up by the assign rule at `signUpAt`. */
async function onShift(startsAt: Date, endsAt: Date, signUpAt = new Date(startsAt.getTime() - 24 * 60 * MINUTE)) {
  const shift = await makeShift(db.prisma, { projectId: world.projectId, postId: world.postId, startsAt, endsAt, capacity: 5 });
  const [volunteer] = await makeVolunteers(db.prisma, world.siteId, 1, '单元志愿者');
  const { assignment } = await tx((t) => assignVolunteer(t, { shiftId: shift.id, volunteerId: volunteer.id }, manualClock(signUpAt)));
  expect(assignment.status).toBe('ASSIGNED');
  return { shift, volunteer, assignment };
}

describe('Shanghai time helpers at the day edges', () => {
  it('puts 23:59:59.999 on the day and 00:00 on the next', () => {
    expect(shanghaiDateOf(new Date(shanghai(D1, '00:00').getTime() - MS))).toEqual(calendarDay(D));
    expect(shanghaiDateOf(shanghai(D, '23:59'))).toEqual(calendarDay(D));
    expect(shanghaiDateOf(shanghai(D1, '00:00'))).toEqual(calendarDay(D1));
    // 00:00 Shanghai is 16:00 UTC the day before: the UTC date is not the Shanghai date.
    expect(shanghai(D1, '00:00').toISOString()).toBe('2026-07-07T16:00:00.000Z');
  });

  it('gives a day as [00:00, next 00:00) Shanghai, whether asked with an instant or a calendar date', () => {
    const day = { start: shanghai(D, '00:00'), end: shanghai(D1, '00:00') };
    expect(shanghaiDayRange(shanghai(D, '00:00'))).toEqual(day);
    expect(shanghaiDayRange(new Date(shanghai(D1, '00:00').getTime() - MS))).toEqual(day);
    expect(shanghaiDayRange(calendarDay(D))).toEqual(day);
    expect(shanghaiDayRange(shanghai(D1, '00:00')).start).toEqual(shanghai(D1, '00:00'));
    expect(shanghaiMidnight(calendarDay(D))).toEqual(shanghai(D, '00:00'));
    expect(addDays(calendarDay('2026-12-31'), 1)).toEqual(calendarDay('2027-01-01'));
  });

  it('reads wall-clock times 00:00–23:59 and 24:00, and nothing past them', () => {
    expect(parseClockTime('00:00')).toBe(0);
    expect(parseClockTime('23:59')).toBe(23 * 60 + 59);
    expect(parseClockTime('24:00')).toBe(24 * 60);
    expect(parseClockTime('24:01')).toBeNull();
    expect(parseClockTime('23:60')).toBeNull();
    expect(shanghaiWallClock(calendarDay(D), 23 * 60 + 59)).toEqual(shanghai(D, '23:59'));
    expect(shanghaiWallClock(calendarDay(D), 24 * 60)).toEqual(shanghai(D1, '00:00'));
  });
});

describe('check-in window', () => {
  const startsAt = shanghai(D, '08:00');
  const endsAt = shanghai(D, '12:00');

  it('opens at start − 30 min and closes at the end', () => {
    expect(checkInWindow({ startsAt, endsAt })).toEqual({ opensAt: shanghai(D, '07:30'), closesAt: endsAt });
  });

  it('refuses one ms before start − 30 min and accepts at start − 30 min exactly', async () => {
    const { assignment } = await onShift(startsAt, endsAt);
    const early = new Date(shanghai(D, '07:30').getTime() - MS);
    const refused = await tx((t) => checkIn(t, { assignmentId: assignment.id }, early)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CheckInWindowError);
    expect(refused).toMatchObject({ opensAt: shanghai(D, '07:30'), closesAt: endsAt });
    expect((await db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: assignment.id } })).status).toBe('ASSIGNED');

    const { assignment: inNow } = await tx((t) => checkIn(t, { assignmentId: assignment.id }, shanghai(D, '07:30')));
    expect(inNow).toMatchObject({ status: 'CHECKED_IN', checkedInAt: shanghai(D, '07:30') });
  });

  it('accepts one ms before the end and refuses at the end', async () => {
    const late = await onShift(startsAt, endsAt);
    const refused = await tx((t) => checkIn(t, { assignmentId: late.assignment.id }, endsAt)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CheckInWindowError);
    const last = new Date(endsAt.getTime() - MS);
    const { assignment } = await tx((t) => checkIn(t, { assignmentId: late.assignment.id }, last));
    expect(assignment).toMatchObject({ status: 'CHECKED_IN', checkedInAt: last });
  });
});

describe('check-out cap', () => {
  const startsAt = shanghai(D, '14:00');
  const endsAt = shanghai(D, '18:00');
  const length = 4 * 60;

  it('credits whole minutes served, up to the shift length + 30 minutes', () => {
    const at = (ms: number) => new Date(endsAt.getTime() + ms);
    expect(serviceMinutesFor({ startsAt, endsAt }, startsAt, at(30 * MINUTE - MS))).toBe(length + 29);
    expect(serviceMinutesFor({ startsAt, endsAt }, startsAt, at(30 * MINUTE))).toBe(length + 30);
    expect(serviceMinutesFor({ startsAt, endsAt }, startsAt, at(31 * MINUTE))).toBe(length + 30);
    // Checked in 30 minutes early and out 30 minutes late: still the cap.
    expect(serviceMinutesFor({ startsAt, endsAt }, shanghai(D, '13:30'), at(30 * MINUTE))).toBe(length + 30);
    expect(serviceMinutesFor({ startsAt, endsAt }, startsAt, startsAt)).toBe(0);
  });

  for (const [label, offset, expected] of [
    ['one ms before end + 30 min', 30 * MINUTE - MS, length + 29],
    ['at end + 30 min exactly', 30 * MINUTE, length + 30],
    ['an hour after end + 30 min', 90 * MINUTE, length + 30],
  ] as const) {
    it(`checkOut ${label} credits ${expected} minutes to the volunteer`, async () => {
      const { assignment, volunteer } = await onShift(startsAt, endsAt);
      await tx((t) => checkIn(t, { assignmentId: assignment.id }, startsAt));
      const out = new Date(endsAt.getTime() + offset);
      const done = await tx((t) => checkOut(t, { assignmentId: assignment.id }, out));
      expect(done.assignment).toMatchObject({ status: 'COMPLETED', checkedOutAt: out, serviceMinutes: expected });
      expect((await db.prisma.volunteer.findUniqueOrThrow({ where: { id: volunteer.id } })).serviceMinutes).toBe(expected);
    });
  }
});

describe('daily credit limit at the Shanghai day edge', () => {
  /** A team member with `minutes` of approved service on day `ymd`. */
  async function memberWith(ymd: string, minutes: number) {
    const [volunteer] = await makeVolunteers(db.prisma, world.siteId, 1, '满额志愿者');
    await db.prisma.teamMembership.create({ data: { teamId: world.teamId, volunteerId: volunteer.id } });
    if (minutes > 0) {
      await db.prisma.serviceRecord.create({
        data: { volunteerId: volunteer.id, teamId: world.teamId, servedOn: calendarDay(ymd), minutes, description: '前期服务', status: 'APPROVED' },
      });
      await db.prisma.volunteer.update({ where: { id: volunteer.id }, data: { serviceMinutes: minutes } });
    }
    return volunteer;
  }

  const record = (volunteerId: number, ymd: string, minutes: number, now = shanghai(D1, '12:00')) =>
    tx((t) => recordService(t, { volunteerId, teamId: world.teamId, servedOn: ymd, minutes, description: '社区服务' }, now, recorder));

  it('lets a day reach exactly 24 hours and refuses one minute more, while the next day is free', async () => {
    const v = await memberWith(D, MAX_DAILY_SERVICE_MINUTES - 60);
    const { record: last } = await record(v.id, D, 60);
    await tx((t) => reviewServiceRecord(t, { recordId: last.id, decision: 'APPROVED' }, shanghai(D1, '12:00'), reviewer));
    expect(await tx((t) => creditedMinutesOn(t, v.id, calendarDay(D)))).toBe(MAX_DAILY_SERVICE_MINUTES);

    const refused = await record(v.id, D, 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DailyServiceLimitError);
    expect(refused).toMatchObject({ creditedMinutes: MAX_DAILY_SERVICE_MINUTES, remainingMinutes: 0, day: calendarDay(D) });
    expect(await db.prisma.serviceRecord.count({ where: { volunteerId: v.id } })).toBe(2);

    const { record: next } = await record(v.id, D1, 1);
    expect(next).toMatchObject({ status: 'PENDING', minutes: 1, servedOn: calendarDay(D1) });
  });

  it('refuses approving a record that would pass the limit, counting only that Shanghai day', async () => {
    const v = await memberWith(D, MAX_DAILY_SERVICE_MINUTES - 30);
    const { record: pending } = await record(v.id, D, 30);
    // Duty checked in at 23:59:59.999 on D counts for D and fills it...
    const { assignment: late } = await onShiftFor(v.id, shanghai(D, '23:00'), shanghai(D1, '01:00'));
    await tx((t) => checkIn(t, { assignmentId: late.id }, new Date(shanghai(D1, '00:00').getTime() - MS)));
    const out = await tx((t) => checkOut(t, { assignmentId: late.id }, shanghai(D1, '00:40')));
    expect(out.assignment.serviceMinutes).toBe(30);
    expect(await tx((t) => creditedMinutesOn(t, v.id, calendarDay(D)))).toBe(MAX_DAILY_SERVICE_MINUTES);
    // ...so the pending 30 minutes for D can no longer be approved.
    const refused = await tx((t) =>
      reviewServiceRecord(t, { recordId: pending.id, decision: 'APPROVED' }, shanghai(D1, '12:00'), reviewer),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DailyServiceLimitError);
    expect((await db.prisma.serviceRecord.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('PENDING');
  });

  it('credits duty to the check-in day: 23:59:59.999 caps at the full day, 00:00 starts a fresh one', async () => {
    const startsAt = shanghai(D, '23:30');
    const endsAt = shanghai(D1, '02:00');
    const full = await memberWith(D, MAX_DAILY_SERVICE_MINUTES);
    const fresh = await memberWith(D, MAX_DAILY_SERVICE_MINUTES);
    const shift = await makeShift(db.prisma, { projectId: world.projectId, postId: world.postId, startsAt, endsAt, capacity: 5 });
    const signUp = (volunteerId: number) =>
      tx((t) => assignVolunteer(t, { shiftId: shift.id, volunteerId }, manualClock(shanghai(D, '12:00'))));
    const a = (await signUp(full.id)).assignment;
    const b = (await signUp(fresh.id)).assignment;

    await tx((t) => checkIn(t, { assignmentId: a.id }, new Date(shanghai(D1, '00:00').getTime() - MS)));
    await tx((t) => checkIn(t, { assignmentId: b.id }, shanghai(D1, '00:00')));
    const outA = await tx((t) => checkOut(t, { assignmentId: a.id }, shanghai(D1, '01:00')));
    const outB = await tx((t) => checkOut(t, { assignmentId: b.id }, shanghai(D1, '01:00')));

    expect(outA.assignment.serviceMinutes).toBe(0);
    expect(outB.assignment.serviceMinutes).toBe(60);
    expect(await tx((t) => creditedMinutesOn(t, fresh.id, calendarDay(D1)))).toBe(60);
    const totals = await db.prisma.volunteer.findMany({ where: { id: { in: [full.id, fresh.id] } }, orderBy: { id: 'asc' } });
    expect(totals.map((v) => v.serviceMinutes)).toEqual([MAX_DAILY_SERVICE_MINUTES, MAX_DAILY_SERVICE_MINUTES + 60]);
  });
});

/** Signs an existing volunteer up for a new shift. */
async function onShiftFor(volunteerId: number, startsAt: Date, endsAt: Date) {
  const shift = await makeShift(db.prisma, { projectId: world.projectId, postId: world.postId, startsAt, endsAt, capacity: 5 });
  return tx((t) => assignVolunteer(t, { shiftId: shift.id, volunteerId }, manualClock(shanghai(D, '09:00'))));
}
