import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import {
  AuthRosterEventsDocument,
  ChangeProjectStatusDocument,
  CreateProjectDocument,
  LifecycleUpdateProjectDatesDocument,
  RosterCheckInDocument,
  RosterCheckOutDocument,
  RosterSelfSignUpDocument,
} from './generated/graphql.js';
import { type AuthWorld, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { wsClient } from './support/live-clients.js';
import { makeAssignment, makeProject, makeShift, makeVolunteers, shanghai } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Cancelled and completed projects stop running, and projects stay inside the caller's part of
 * the city (issue 8, items 4 and 5). On the base commit, after a project was cancelled its
 * volunteers could still check in and out, its shifts stayed open, and a team leader could place
 * a project anywhere.
 */

const NOW = shanghai('2026-07-07', '10:00');

describe.each(DATABASE_KINDS)('project life cycle and placement on %s', (kind) => {
  let t: TestServer;
  let bus: AppBus;
  let w: AuthWorld;
  let s: Awaited<ReturnType<typeof roleSessions>>;
  const clock = manualClock(NOW);

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer(kind, { clock, pubsub: bus });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
  });

  /** An ACTIVE July project of the led team with a shift that has started and one that has not. */
  async function julyProject() {
    clock.set(NOW);
    const project = await makeProject(t.db.prisma, { organizerId: w.ledTeam.id, siteId: w.sites.stationA.id, startsOn: '2026-07-01', endsOn: '2026-07-31' });
    const started = await makeShift(t.db.prisma, { projectId: project.id, postId: w.postA, startsAt: shanghai('2026-07-07', '08:00'), endsAt: shanghai('2026-07-07', '18:00'), capacity: 5 });
    const future = await makeShift(t.db.prisma, { projectId: project.id, postId: w.postA, startsAt: shanghai('2026-07-10', '09:00'), endsAt: shanghai('2026-07-10', '12:00'), capacity: 1 });
    const [onDuty, late, placed, waiting] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 4, `七月${project.id}-`);
    const a = {
      onDuty: await makeAssignment(t.db.prisma, { shiftId: started.id, volunteerId: onDuty!.id, status: 'CHECKED_IN', checkedInAt: shanghai('2026-07-07', '08:00') }),
      late: await makeAssignment(t.db.prisma, { shiftId: started.id, volunteerId: late!.id, status: 'ASSIGNED' }),
      placed: await makeAssignment(t.db.prisma, { shiftId: future.id, volunteerId: placed!.id, status: 'ASSIGNED' }),
      waiting: await makeAssignment(t.db.prisma, { shiftId: future.id, volunteerId: waiting!.id, status: 'WAITLISTED' }),
    };
    return { project, started, future, a, volunteers: { onDuty: onDuty!, late: late!, placed: placed!, waiting: waiting! } };
  }
  const change = (projectId: number, status: 'CANCELLED' | 'COMPLETED', headers = s.leader.headers) =>
    request(t.url, ChangeProjectStatusDocument, { input: { id: gid('Project', projectId), status } }, headers);
  const statusOf = async (id: number) => (await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id } })).status;

  it('cancelling a project cancels its shifts not yet started, releases their volunteers, closes the started one, and publishes it all', async () => {
    const { project, started, future, a, volunteers } = await julyProject();
    const client = wsClient(t.wsUrl, s.admin.headers);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);

    const minutesBefore = volunteers.onDuty.serviceMinutes;
    const result = await change(project.id, 'CANCELLED');
    expect(expectType(result.data!.changeProjectStatus, 'ChangeProjectStatusPayload').project.status).toBe('CANCELLED');

    const futureRow = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: future.id } });
    expect(futureRow).toMatchObject({ status: 'CANCELLED', cancelledAt: NOW, assignedCount: 0 });
    expect([await statusOf(a.placed.id), await statusOf(a.waiting.id)]).toEqual(['CANCELLED', 'CANCELLED']);
    expect((await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: a.placed.id } })).cancelReason).toMatch(/project cancelled/);
    // The shift under way is closed as closeShift does: the volunteer on duty is checked out and credited.
    const startedRow = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: started.id } });
    expect(startedRow).toMatchObject({ status: 'OPEN', closedAt: NOW, checkedInCount: 0 });
    expect(await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: a.onDuty.id } })).toMatchObject({ status: 'COMPLETED', serviceMinutes: 120 });
    expect(await statusOf(a.late.id)).toBe('NO_SHOW');
    expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: volunteers.onDuty.id } })).serviceMinutes).toBe(minutesBefore + 120);

    // Live dashboards hear every change, as they would from cancelShift and closeShift.
    const heard: string[] = [];
    while (heard.length < 6) {
      const event = (await sub.results.next()).rosterChanged;
      heard.push(`${event.kind}:${event.shift?.id}:${event.volunteer?.id ?? '-'}`);
    }
    expect(heard.sort()).toEqual(
      [
        `SHIFT_CANCELLED:${gid('Shift', future.id)}:-`,
        `UNASSIGNED:${gid('Shift', future.id)}:${gid('Volunteer', volunteers.placed.id)}`,
        `UNASSIGNED:${gid('Shift', future.id)}:${gid('Volunteer', volunteers.waiting.id)}`,
        `CHECKED_OUT:${gid('Shift', started.id)}:${gid('Volunteer', volunteers.onDuty.id)}`,
        `NO_SHOW:${gid('Shift', started.id)}:${gid('Volunteer', volunteers.late.id)}`,
        `SHIFT_UPDATED:${gid('Shift', started.id)}:-`,
      ].sort(),
    );
    sub.stop();
    await client.dispose();
  });

  it('completing a project closes its started shifts as closeShift does and cancels those not started', async () => {
    const { project, started, future, a } = await julyProject();
    await t.db.prisma.project.update({ where: { id: project.id }, data: { status: 'ACTIVE' } });
    expectType((await change(project.id, 'COMPLETED')).data!.changeProjectStatus, 'ChangeProjectStatusPayload');
    expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: started.id } })).closedAt).toEqual(NOW);
    expect([await statusOf(a.onDuty.id), await statusOf(a.late.id)]).toEqual(['COMPLETED', 'NO_SHOW']);
    expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: future.id } })).status).toBe('CANCELLED');
    expect([await statusOf(a.placed.id), await statusOf(a.waiting.id)]).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('check-in, check-out and sign-up are refused with a typed error on a project that is not RECRUITING or ACTIVE', async () => {
    clock.set(NOW);
    const project = await makeProject(t.db.prisma, { organizerId: w.ledTeam.id, siteId: w.sites.stationA.id, startsOn: '2026-07-01', endsOn: '2026-07-31' });
    const shift = await makeShift(t.db.prisma, { projectId: project.id, postId: w.postA, startsAt: shanghai('2026-07-07', '10:15'), endsAt: shanghai('2026-07-07', '12:00'), capacity: 5 });
    const [assigned, onDuty, newcomer] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 3, `停摆${project.id}-`);
    const toCheckIn = await makeAssignment(t.db.prisma, { shiftId: shift.id, volunteerId: assigned!.id, status: 'ASSIGNED' });
    const toCheckOut = await makeAssignment(t.db.prisma, { shiftId: shift.id, volunteerId: onDuty!.id, status: 'CHECKED_IN', checkedInAt: NOW });
    // Projects cancelled before this rule existed (or put back to DRAFT) still hold such shifts.
    for (const status of ['CANCELLED', 'COMPLETED', 'DRAFT'] as const) {
      await t.db.prisma.project.update({ where: { id: project.id }, data: { status } });
      const checkIn = (await request(t.url, RosterCheckInDocument, { input: { id: gid('ShiftAssignment', toCheckIn.id) } }, s.admin.headers)).data!.checkIn;
      const refusal = { __typename: 'ProjectNotRecruitingError', message: `The project is ${status}; this is only possible while it is RECRUITING or ACTIVE.` };
      expect(checkIn).toMatchObject(refusal);
      const checkOut = (await request(t.url, RosterCheckOutDocument, { input: { id: gid('ShiftAssignment', toCheckOut.id) } }, s.admin.headers)).data!.checkOut;
      expect(checkOut).toMatchObject(refusal);
      const signUp = (
        await request(t.url, RosterSelfSignUpDocument, { input: { shiftId: gid('Shift', shift.id), volunteerId: gid('Volunteer', newcomer!.id) } }, s.admin.headers)
      ).data!.selfSignUp;
      expect(signUp).toMatchObject(refusal);
    }
    expect([await statusOf(toCheckIn.id), await statusOf(toCheckOut.id)]).toEqual(['ASSIGNED', 'CHECKED_IN']);
    // Open again, the same calls go through.
    await t.db.prisma.project.update({ where: { id: project.id }, data: { status: 'ACTIVE' } });
    expectType((await request(t.url, RosterCheckInDocument, { input: { id: gid('ShiftAssignment', toCheckIn.id) } }, s.admin.headers)).data!.checkIn, 'CheckInPayload');
  });

  it('updateProject cannot move its dates past existing shifts, and says how many would fall outside', async () => {
    const { project } = await julyProject();
    await makeShift(t.db.prisma, { projectId: project.id, postId: w.postA, startsAt: shanghai('2026-07-20', '09:00'), endsAt: shanghai('2026-07-20', '12:00') });
    // A cancelled shift does not hold the dates.
    const cancelled = await makeShift(t.db.prisma, { projectId: project.id, postId: w.postA, startsAt: shanghai('2026-07-30', '09:00'), endsAt: shanghai('2026-07-30', '12:00') });
    await t.db.prisma.shift.update({ where: { id: cancelled.id }, data: { status: 'CANCELLED' } });
    const update = async (dates: { startsOn?: string; endsOn?: string }) =>
      (await request(t.url, LifecycleUpdateProjectDatesDocument, { input: { id: gid('Project', project.id), ...dates } }, s.leader.headers)).data!.updateProject;

    expect(await update({ endsOn: '2026-07-15' })).toMatchObject({ __typename: 'ShiftsOutsideProjectDatesError', count: 1, message: expect.stringMatching(/^1 shift of this project/) });
    expect(await update({ startsOn: '2026-07-08' })).toMatchObject({ __typename: 'ShiftsOutsideProjectDatesError', count: 1 });
    expect(await update({ startsOn: '2026-07-08', endsOn: '2026-07-09' })).toMatchObject({ __typename: 'ShiftsOutsideProjectDatesError', count: 3 });
    const row = await t.db.prisma.project.findUniqueOrThrow({ where: { id: project.id } });
    expect([row.startsOn, row.endsOn]).toEqual([new Date('2026-07-01T00:00:00Z'), new Date('2026-07-31T00:00:00Z')]);
    expect(await update({ startsOn: '2026-07-07', endsOn: '2026-07-20' })).toMatchObject({
      __typename: 'UpdateProjectPayload',
      project: { startsOn: '2026-07-07', endsOn: '2026-07-20' },
    });
  });

  describe('placing projects', () => {
    const create = (siteId: number, organizerId: number, headers: Record<string, string>) =>
      request(
        t.url,
        CreateProjectDocument,
        {
          input: {
            title: '社区环境整治',
            category: 'ENVIRONMENT',
            organizerId: gid('Team', organizerId),
            siteId: gid('Site', siteId),
            startsOn: '2026-08-01',
            endsOn: '2026-08-31',
          },
        },
        headers,
      );
    const refused = async (response: Promise<{ errors?: { extensions?: Record<string, unknown> }[]; data?: unknown }>) => {
      const before = await t.db.prisma.project.count();
      expect(codesOf((await response).errors)).toEqual(['FORBIDDEN']);
      expect(await t.db.prisma.project.count()).toBe(before);
    };

    it('a team leader: at the organising team’s site or below, for a team they lead', async () => {
      // The led team is at station A (below institute A).
      expectType((await create(w.sites.stationA.id, w.ledTeam.id, s.leader.headers)).data!.createProject, 'CreateProjectPayload');
      await refused(create(w.sites.instituteA.id, w.ledTeam.id, s.leader.headers));
      await refused(create(w.sites.stationB.id, w.ledTeam.id, s.leader.headers));
      await refused(create(w.sites.center.id, w.ledTeam.id, s.leader.headers));
      // Not their team, even at their own team's site.
      await refused(create(w.sites.stationA.id, w.otherTeam.id, s.leader.headers));
    });

    it('a site manager: within the sites they manage, for a team there', async () => {
      expectType((await create(w.sites.instituteA.id, w.ledTeam.id, s.manager.headers)).data!.createProject, 'CreateProjectPayload');
      await refused(create(w.sites.stationB.id, w.ledTeam.id, s.manager.headers));
      // The other team is at station B, outside institute A.
      await refused(create(w.sites.stationA.id, w.otherTeam.id, s.manager.headers));
      await refused(create(w.sites.stationA.id, w.ledTeam.id, s.volunteer.headers));
    });

    it('updateProject keeps the site and organiser within the same bounds', async () => {
      const { project } = await julyProject();
      const move = (changes: { siteId?: number; organizerId?: number }, headers: Record<string, string>) =>
        request(
          t.url,
          LifecycleUpdateProjectDatesDocument,
          {
            input: {
              id: gid('Project', project.id),
              ...(changes.siteId && { siteId: gid('Site', changes.siteId) }),
              ...(changes.organizerId && { organizerId: gid('Team', changes.organizerId) }),
            },
          },
          headers,
        );
      await refused(move({ siteId: w.sites.stationB.id }, s.leader.headers));
      await refused(move({ siteId: w.sites.instituteA.id }, s.leader.headers));
      await refused(move({ organizerId: w.otherTeam.id }, s.leader.headers));
      await refused(move({ siteId: w.sites.stationB.id }, s.manager.headers));
      expect((await t.db.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).siteId).toBe(w.sites.stationA.id);
      const moved = (await move({ siteId: w.sites.instituteA.id }, s.manager.headers)).data!.updateProject;
      expect(expectType(moved, 'UpdateProjectPayload').project.site.id).toBe(gid('Site', w.sites.instituteA.id));
    });
  });
});
