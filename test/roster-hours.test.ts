import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeamMember } from '../src/teams/service.js';
import {
  RosterRecordServiceDocument,
  RosterReviewServiceRecordDocument,
  RosterServiceRecordsDocument,
  RosterTeamServiceRecordsDocument,
} from './generated/graphql.js';
import { type Session, accountSession } from './support/accounts.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import {
  dbIdOf,
  makeShift,
  makeVolunteers,
  MINUTE,
  minutesFromNow,
  rosterApi,
  rosterWorld,
  type RosterWorld,
  fixtureNow,
} from './support/roster-fixtures.js';
import { KINDS_AND_CLOCKS, startTestServer, type TestServer } from './support/server.js';
import { manualClock } from '../src/common/clock.js';

/*
 * Service records (PENDING → APPROVED counts, REJECTED does not, a record is reviewed once),
 * service-hour totals and the star levels of the national scheme at their exact thresholds.
 */
// The rules depend on the time of day (check-in windows, Shanghai days): each database runs them
// with the server's clock at 10:00, 23:30 and 00:10 Shanghai time.
describe.each(KINDS_AND_CLOCKS)('service hours and stars on %s at %s', (kind, _label, at) => {
  let t: TestServer;
  let w: RosterWorld;
  let api: ReturnType<typeof rosterApi>;
  /** A second admin: records are entered as the default admin and reviewed by another (four eyes). */
  let reviewer: Session;
  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock(at()) });
    w = await rosterWorld(t.db.prisma);
    api = rosterApi(t.url, t.admin);
    reviewer = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
  });
  afterAll(() => t?.close());

  /** A volunteer who is a member of the organising team. */
  const member = async (name: string) => {
    const [v] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, name);
    await addTeamMember(t.db.prisma, { teamId: w.teamId, volunteerId: v.id });
    return v;
  };
  const record = async (volunteerId: number, minutes: number, servedOn = '2025-06-15') =>
    expectType(
      (
        await gql(t.url, RosterRecordServiceDocument, {
          input: { volunteerId: gid('Volunteer', volunteerId), teamId: gid('Team', w.teamId), servedOn, minutes, description: '文明劝导' },
        }, t.admin)
      ).recordService,
      'RecordServicePayload',
    ).serviceRecord;
  const review = async (id: string, decision: 'APPROVED' | 'REJECTED', note?: string) =>
    (await gql(t.url, RosterReviewServiceRecordDocument, { input: { id, decision, note } }, reviewer.headers)).reviewServiceRecord;
  /** Each approved record on a day of its own: at most 24 h are credited for one day. */
  let days = 0;
  const approve = async (volunteerId: number, minutes: number) => {
    const servedOn = new Date(Date.UTC(2025, 0, 1) + days++ * 86_400_000).toISOString().slice(0, 10);
    return expectType(await review((await record(volunteerId, minutes, servedOn)).id, 'APPROVED'), 'ReviewServiceRecordPayload').serviceRecord;
  };

  it('counts a service record once approved, never when rejected, and reviews it only once', async () => {
    const v = await member('记录');
    const pending = await record(v.id, 150);
    expect(pending).toMatchObject({
      status: 'PENDING',
      minutes: 150,
      servedOn: '2025-06-15',
      description: '文明劝导',
      reviewNote: null,
      reviewedAt: null,
      volunteer: { id: gid('Volunteer', v.id), serviceMinutes: 0 },
      team: { id: gid('Team', w.teamId) },
    });

    const approved = expectType(await review(pending.id, 'APPROVED', '情况属实'), 'ReviewServiceRecordPayload').serviceRecord;
    expect(approved).toMatchObject({ status: 'APPROVED', reviewNote: '情况属实', volunteer: { serviceMinutes: 150, serviceHours: 2.5 } });
    expect(Math.abs(new Date(approved.reviewedAt!).getTime() - fixtureNow().getTime())).toBeLessThan(MINUTE);

    // A decided record cannot be decided again, either way, and the minutes count once.
    for (const decision of ['REJECTED', 'APPROVED'] as const) {
      const again = expectType(await review(pending.id, decision), 'ServiceRecordStatusTransitionError');
      expect(again).toMatchObject({ from: 'APPROVED', to: decision, allowed: [] });
      expect(again.message).toBe(`A service record cannot go from APPROVED to ${decision}; allowed next: none.`);
    }
    expect((await api.volunteer(v.id)).serviceMinutes).toBe(150);

    const rejectedRecord = await record(v.id, 600);
    const rejected = expectType(await review(rejectedRecord.id, 'REJECTED', '无活动记录'), 'ReviewServiceRecordPayload').serviceRecord;
    expect(rejected).toMatchObject({ status: 'REJECTED', reviewNote: '无活动记录', volunteer: { serviceMinutes: 150 } });
    expect(expectType(await review(rejectedRecord.id, 'APPROVED'), 'ServiceRecordStatusTransitionError')).toMatchObject({ from: 'REJECTED', to: 'APPROVED' });
    expect((await api.volunteer(v.id)).serviceMinutes).toBe(150);
    expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).serviceMinutes).toBe(150);

    const stillPending = await record(v.id, 45);
    const listed = await gql(t.url, RosterServiceRecordsDocument, { filter: { volunteerId: gid('Volunteer', v.id) }, first: 10 }, t.admin);
    expect(listed.serviceRecords!.edges.map((e) => [e.node.minutes, e.node.status])).toEqual([
      [45, 'PENDING'],
      [600, 'REJECTED'],
      [150, 'APPROVED'],
    ]);
    const pendingOnly = await gql(t.url, RosterServiceRecordsDocument, { filter: { volunteerId: gid('Volunteer', v.id), status: 'PENDING' } }, t.admin);
    expect(pendingOnly.serviceRecords!.edges.map((e) => e.node.id)).toEqual([stillPending.id]);
    const team = await gql(t.url, RosterTeamServiceRecordsDocument, { id: gid('Team', w.teamId), status: 'APPROVED' }, t.admin);
    expect(team.team?.serviceRecords!.edges.map((e) => e.node.id)).toContain(approved.id);
    expect(team.team?.serviceRecords!.edges.every((e) => e.node.status === 'APPROVED')).toBe(true);
  });

  it('awards the first star at exactly 100 hours: 99 h 59 min is still none', async () => {
    const v = await member('一星');
    // 4 × 24 h + 3 h 59 min = 99 h 59 min, in records of at most a day each.
    for (const minutes of [1440, 1440, 1440, 1440, 239]) await approve(v.id, minutes);
    const almost = await api.volunteer(v.id);
    expect(almost).toMatchObject({ serviceMinutes: 5999, eligibleStarLevel: 0 });
    // serviceHours rounds down, so 99.98 h shows as 99.9 h, not as the 100 h of the first star.
    expect(almost.serviceHours).toBe(99.9);

    const last = await approve(v.id, 1);
    expect(last.volunteer).toMatchObject({ serviceMinutes: 6000, serviceHours: 100, eligibleStarLevel: 1 });
    expect(await api.volunteer(v.id)).toMatchObject({ serviceMinutes: 6000, serviceHours: 100, eligibleStarLevel: 1 });
  });

  it.each([
    [2, 300],
    [3, 600],
    [4, 1000],
    [5, 1500],
  ])('awards star %i at exactly %i hours', async (stars, hours) => {
    const v = await member(`${stars}星`);
    // Setup only: start the volunteer one minute short of the threshold (approving ~1000 day-long
    // records over HTTP would add nothing); the last minute is earned through the API.
    await t.db.prisma.volunteer.update({ where: { id: v.id }, data: { serviceMinutes: hours * 60 - 1 } });
    expect(await api.volunteer(v.id)).toMatchObject({ serviceMinutes: hours * 60 - 1, eligibleStarLevel: stars - 1 });
    const reached = await approve(v.id, 1);
    expect(reached.volunteer).toMatchObject({ serviceMinutes: hours * 60, serviceHours: hours, eligibleStarLevel: stars });
    // A rejected record changes nothing.
    expectType(await review((await record(v.id, 1440)).id, 'REJECTED'), 'ReviewServiceRecordPayload');
    expect(await api.volunteer(v.id)).toMatchObject({ serviceMinutes: hours * 60, eligibleStarLevel: stars });
  });

  it('five stars is the top: more hours add no star', async () => {
    const v = await member('满星');
    await t.db.prisma.volunteer.update({ where: { id: v.id }, data: { serviceMinutes: 1500 * 60 } });
    const more = await approve(v.id, 1440);
    expect(more.volunteer).toMatchObject({ serviceMinutes: 1524 * 60, serviceHours: 1524, eligibleStarLevel: 5 });
  });

  it('adds completed duty and approved records into one total', async () => {
    const v = await member('合计');
    // Duty: 2 hours on a shift in progress (check-in set back 2 h 30 s), then checked out.
    const s = await makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, startsAt: minutesFromNow(-150), endsAt: minutesFromNow(90) });
    const a = expectType(await api.assign(s.id, v.id), 'AssignVolunteerPayload').assignment;
    expectType(await api.checkIn(dbIdOf(a.id)), 'CheckInPayload');
    await t.db.prisma.shiftAssignment.update({ where: { id: dbIdOf(a.id) }, data: { checkedInAt: new Date(fixtureNow().getTime() - 120 * MINUTE - 30_000) } });
    expect(expectType(await api.checkOut(dbIdOf(a.id)), 'CheckOutPayload').assignment.serviceMinutes).toBe(120);

    await approve(v.id, 45);
    expectType(await review((await record(v.id, 30)).id, 'REJECTED'), 'ReviewServiceRecordPayload');
    await record(v.id, 60); // still pending

    const totals = await api.volunteer(v.id);
    expect(totals).toMatchObject({ serviceMinutes: 165, serviceHours: 2.7, eligibleStarLevel: 0 });
    expect(totals.assignments.edges.map((e) => [e.node.status, e.node.serviceMinutes])).toEqual([['COMPLETED', 120]]);
    expect(totals.serviceRecords.totalCount).toBe(3);
    // The stored total equals what the rows say.
    const approvedSum = await t.db.prisma.serviceRecord.aggregate({ where: { volunteerId: v.id, status: 'APPROVED' }, _sum: { minutes: true } });
    const dutySum = await t.db.prisma.shiftAssignment.aggregate({ where: { volunteerId: v.id, status: 'COMPLETED' }, _sum: { serviceMinutes: true } });
    expect((approvedSum._sum.minutes ?? 0) + (dutySum._sum.serviceMinutes ?? 0)).toBe(165);

    // A no-show earns nothing.
    const later = await makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, startsAt: minutesFromNow(100), endsAt: minutesFromNow(200) });
    const absent = expectType(await api.assign(later.id, v.id), 'AssignVolunteerPayload').assignment;
    expectType(await api.closeShift(later.id), 'CloseShiftPayload');
    expect((await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: dbIdOf(absent.id) } })).status).toBe('NO_SHOW');
    expect((await api.volunteer(v.id)).serviceMinutes).toBe(165);
  });
});
