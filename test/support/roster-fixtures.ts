import { type Clock, type ManualClock, manualClock, systemClock } from '../../src/common/clock.js';
import type { PrismaClient } from '../../src/db/index.js';
import type { AssignmentStatus, ProjectStatus } from '../../src/generated/prisma/client.js';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { createTeam } from '../../src/teams/service.js';
import {
  RosterAssignVolunteerDocument,
  RosterCancelAssignmentDocument,
  RosterCancelShiftDocument,
  RosterCheckInDocument,
  RosterCheckOutDocument,
  RosterCloseShiftDocument,
  RosterMarkNoShowDocument,
  RosterSelfSignUpDocument,
  RosterShiftDocument,
  RosterUpdateShiftDocument,
  RosterVolunteerTotalsDocument,
  type UpdateShiftInput,
} from '../generated/graphql.js';
import { gql } from './client.js';
import { gid, siteTree, uniquePhone } from './fixtures.js';

/*
 * Setup helpers for the duty-roster tests. They write straight through Prisma (fast, and able to
 * create awkward states such as shifts that already ended); the behaviour under test always goes
 * through HTTP.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const SHANGHAI_OFFSET = 8 * HOUR;

let fixtureClock: Clock = systemClock;

/**
 * Sets the clock the fixtures take "now" from (minutesFromNow, shanghaiDate, futureSlot, …); the
 * system clock until a test sets one. Pass the clock the test server takes, so setup and rules
 * agree on the time.
 */
export function useFixtureClock(clock: Clock): void {
  fixtureClock = clock;
}

/** "Now" for fixtures: the fixture clock's time. */
export const fixtureNow = (): Date => fixtureClock.now();

/**
 * The times at which the tests whose rules depend on the day run, on today's Shanghai date: 10:00,
 * and 23:30 and 00:10 — the last hour of a Shanghai day and the first minutes of the next, where a
 * rule that confuses UTC and Shanghai days, or "today" and "after now", goes wrong. Never the wall
 * clock's time of day, so the suite passes at any hour.
 */
export const CLOCK_SETTINGS: readonly (readonly [label: string, at: () => Date])[] = [
  ['10:00 Shanghai', () => shanghai(shanghaiDate(0, new Date()), '10:00')],
  ['23:30 Shanghai', () => shanghai(shanghaiDate(0, new Date()), '23:30')],
  ['00:10 Shanghai', () => shanghai(shanghaiDate(1, new Date()), '00:10')],
];

/** A manual clock at `at`, which the fixtures then follow too; hand it to startTestServer. */
export function testClock(at: Date): ManualClock {
  const clock = manualClock(at);
  useFixtureClock(clock);
  return clock;
}

/** An instant `minutes` from now (negative: in the past), by the fixture clock. */
export const minutesFromNow = (minutes: number) => new Date(fixtureNow().getTime() + minutes * MINUTE);

/** The Asia/Shanghai calendar date `days` from today (by the fixture clock) as 'YYYY-MM-DD'. */
export function shanghaiDate(days = 0, from = fixtureNow()): string {
  return new Date(from.getTime() + SHANGHAI_OFFSET + days * DAY).toISOString().slice(0, 10);
}

/** A calendar date as Prisma stores @db.Date columns: UTC midnight. */
export const calendarDay = (ymd: string) => new Date(`${ymd}T00:00:00.000Z`);

/** The instant of a wall-clock time in Asia/Shanghai, e.g. shanghai('2026-07-07', '08:00'). */
export const shanghai = (ymd: string, hhmm: string) => new Date(`${ymd}T${hhmm}:00+08:00`);

/**
 * A far-future slot, `day` days from now at 09:00 Shanghai, `hours` long. Tests that need plain
 * future shifts (sign-ups, waitlists) use these: nothing about them depends on the clock.
 */
export function futureSlot(day: number, startHour = 9, hours = 3): { startsAt: Date; endsAt: Date } {
  const startsAt = shanghai(shanghaiDate(day), `${String(startHour).padStart(2, '0')}:00`);
  return { startsAt, endsAt: new Date(startsAt.getTime() + hours * HOUR) };
}

export interface RosterWorld {
  sites: Awaited<ReturnType<typeof siteTree>>;
  teamId: number;
  /** An ACTIVE project running from 60 days ago to a year ahead. */
  projectId: number;
  /** One post at station A (below institute A). */
  postId: number;
}

/** Sites, an organising team, an ACTIVE project covering the near past and the next year, and a post. */
export async function rosterWorld(prisma: PrismaClient, label = ''): Promise<RosterWorld> {
  const sites = await siteTree(prisma, label);
  const team = await createTeam(prisma, { name: `文明引导志愿服务队${label}`, siteId: sites.instituteA.id });
  const project = await makeProject(prisma, { organizerId: team.id, siteId: sites.instituteA.id });
  const post = await makePost(prisma, sites.stationA.id, `古城南门文明引导岗${label}`);
  return { sites, teamId: team.id, projectId: project.id, postId: post.id };
}

export async function makeProject(
  prisma: PrismaClient,
  options: {
    organizerId: number;
    siteId: number;
    status?: ProjectStatus;
    /** 'YYYY-MM-DD'; default 60 days ago (Shanghai). */
    startsOn?: string;
    /** 'YYYY-MM-DD'; default a year ahead (Shanghai). */
    endsOn?: string;
    title?: string;
  },
) {
  return prisma.project.create({
    data: {
      title: options.title ?? '旅游旺季文明引导行动',
      description: '',
      category: 'TOURISM',
      organizerId: options.organizerId,
      siteId: options.siteId,
      status: options.status ?? 'ACTIVE',
      startsOn: calendarDay(options.startsOn ?? shanghaiDate(-60)),
      endsOn: calendarDay(options.endsOn ?? shanghaiDate(365)),
    },
  });
}

export async function makePost(prisma: PrismaClient, siteId: number, name: string) {
  return prisma.dutyPost.create({
    data: { name, kind: 'SCENIC_SPOT', siteId, address: '古城南门广场' },
  });
}

export async function makeShift(
  prisma: PrismaClient,
  options: {
    projectId: number;
    postId: number;
    startsAt: Date;
    endsAt: Date;
    capacity?: number;
    minimum?: number;
    role?: string;
  },
) {
  const capacity = options.capacity ?? 5;
  return prisma.shift.create({
    data: {
      projectId: options.projectId,
      postId: options.postId,
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      capacity,
      minimum: options.minimum ?? Math.min(1, capacity),
      role: options.role ?? '文明引导',
    },
  });
}

/** `count` volunteers at a site, named `${prefix}1`…, in ascending id order. */
export async function makeVolunteers(
  prisma: PrismaClient,
  siteId: number,
  count: number,
  prefix = '志愿者',
  status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE',
) {
  const rows = await prisma.volunteer.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({
      name: `${prefix}${i + 1}`,
      phone: `+86${uniquePhone()}`,
      gender: 'UNDISCLOSED' as const,
      skills: [],
      homeSiteId: siteId,
      status,
    })),
  });
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * An assignment written directly (for states HTTP cannot reach with the real clock, e.g. on a
 * shift that already ended), keeping the shift's counters consistent.
 */
export async function makeAssignment(
  prisma: PrismaClient,
  options: { shiftId: number; volunteerId: number; status: AssignmentStatus; checkedInAt?: Date; assignedAt?: Date },
) {
  return prisma.$transaction(async (tx) => {
    const assignment = await tx.shiftAssignment.create({
      data: {
        shiftId: options.shiftId,
        volunteerId: options.volunteerId,
        status: options.status,
        assignedAt: options.assignedAt ?? fixtureNow(),
        checkedInAt: options.checkedInAt ?? null,
      },
    });
    const holdsPlace = ['ASSIGNED', 'CHECKED_IN', 'COMPLETED'].includes(options.status);
    await tx.shift.update({
      where: { id: options.shiftId },
      data: {
        assignedCount: { increment: holdsPlace ? 1 : 0 },
        checkedInCount: { increment: options.status === 'CHECKED_IN' ? 1 : 0 },
      },
    });
    return assignment;
  });
}

/** Row counts of every roster table, to prove a refused mutation wrote nothing. */
export async function rosterRowCounts(prisma: PrismaClient) {
  const [dutyPosts, shifts, assignments, serviceRecords] = await Promise.all([
    prisma.dutyPost.count(),
    prisma.shift.count(),
    prisma.shiftAssignment.count(),
    prisma.serviceRecord.count(),
  ]);
  const minutes = await prisma.volunteer.aggregate({ _sum: { serviceMinutes: true } });
  return { dutyPosts, shifts, assignments, serviceRecords, serviceMinutes: minutes._sum.serviceMinutes ?? 0 };
}

/**
 * The roster's mutations and queries over HTTP as the role whose `headers` are given, taking
 * database ids (turned into global IDs here) and returning the mutation's result union.
 */
export function rosterApi(url: string, headers: Record<string, string>) {
  const shiftGid = (id: number) => gid('Shift', id);
  const assignmentGid = (id: number) => gid('ShiftAssignment', id);
  return {
    assign: async (shiftId: number, volunteerId: number) =>
      (await gql(url, RosterAssignVolunteerDocument, { input: { shiftId: shiftGid(shiftId), volunteerId: gid('Volunteer', volunteerId) } }, headers))
        .assignVolunteer,
    selfSignUp: async (shiftId: number, volunteerId: number) =>
      (await gql(url, RosterSelfSignUpDocument, { input: { shiftId: shiftGid(shiftId), volunteerId: gid('Volunteer', volunteerId) } }, headers))
        .selfSignUp,
    cancelAssignment: async (assignmentId: number, reason?: string) =>
      (await gql(url, RosterCancelAssignmentDocument, { input: { id: assignmentGid(assignmentId), reason } }, headers)).cancelAssignment,
    checkIn: async (assignmentId: number) => (await gql(url, RosterCheckInDocument, { input: { id: assignmentGid(assignmentId) } }, headers)).checkIn,
    checkOut: async (assignmentId: number) => (await gql(url, RosterCheckOutDocument, { input: { id: assignmentGid(assignmentId) } }, headers)).checkOut,
    markNoShow: async (assignmentId: number) =>
      (await gql(url, RosterMarkNoShowDocument, { input: { id: assignmentGid(assignmentId) } }, headers)).markNoShow,
    updateShift: async (shiftId: number, changes: Omit<UpdateShiftInput, 'id'>) =>
      (await gql(url, RosterUpdateShiftDocument, { input: { id: shiftGid(shiftId), ...changes } }, headers)).updateShift,
    cancelShift: async (shiftId: number, reason?: string) =>
      (await gql(url, RosterCancelShiftDocument, { input: { id: shiftGid(shiftId), reason } }, headers)).cancelShift,
    closeShift: async (shiftId: number) => (await gql(url, RosterCloseShiftDocument, { input: { id: shiftGid(shiftId) } }, headers)).closeShift,
    shift: async (shiftId: number) => {
      const { shift } = await gql(url, RosterShiftDocument, { id: shiftGid(shiftId) }, headers);
      if (!shift) throw new Error(`no shift ${shiftId}`);
      return shift;
    },
    volunteer: async (volunteerId: number) => {
      const { volunteer } = await gql(url, RosterVolunteerTotalsDocument, { id: gid('Volunteer', volunteerId) }, headers);
      if (!volunteer) throw new Error(`no volunteer ${volunteerId}`);
      return volunteer;
    },
  };
}

/** The database id inside a global ID the API returned. */
export function dbIdOf(globalId: string): number {
  return Number(decodeGlobalID(globalId).id);
}
