import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { FourEyesRecordServiceDocument, FourEyesReviewServiceRecordDocument, RosterCheckInDocument, RosterCheckOutDocument, RosterSelfSignUpDocument } from './generated/graphql.js';
import { type AuthWorld, type Session, accountSession, authWorld, roleSessions } from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { makeProject, makeShift, shanghai } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Four eyes on service hours and at most 24 h a day (issue 8, item 2). On the base commit a team
 * leader recorded 1,440 minutes for themself, approved them, and could repeat it without end.
 */

describe.each(DATABASE_KINDS)('four eyes and the daily limit on %s', (kind) => {
  let t: TestServer;
  let w: AuthWorld;
  let s: Awaited<ReturnType<typeof roleSessions>>;
  let member: Session;
  let secondAdmin: Session;
  let projectId: number;
  const clock = manualClock('2026-07-07T12:00:00+08:00');

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
    member = await accountSession(t.url, t.db.prisma, { phone: w.people.member.phone, volunteerId: w.people.member.id });
    secondAdmin = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
    projectId = (await makeProject(t.db.prisma, { organizerId: w.ledTeam.id, siteId: w.sites.stationA.id, startsOn: '2026-07-01', endsOn: '2026-07-31' })).id;
  });
  afterAll(() => t?.close());

  const minutesOf = async (volunteerId: number) =>
    (await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId } })).serviceMinutes;
  const record = async (volunteerId: number, minutes: number, servedOn: string, headers: Record<string, string>) =>
    (
      await request(
        t.url,
        FourEyesRecordServiceDocument,
        { input: { volunteerId: gid('Volunteer', volunteerId), teamId: gid('Team', w.ledTeam.id), servedOn, minutes, description: '敬老院帮扶' } },
        headers,
      )
    ).data!.recordService;
  const recorded = async (volunteerId: number, minutes: number, servedOn: string, headers: Record<string, string>) =>
    expectType(await record(volunteerId, minutes, servedOn, headers), 'RecordServicePayload').serviceRecord.id;
  const review = async (id: string, headers: Record<string, string>, decision: 'APPROVED' | 'REJECTED' = 'APPROVED') =>
    (await request(t.url, FourEyesReviewServiceRecordDocument, { input: { id, decision } }, headers)).data!.reviewServiceRecord;

  /**
   * The member serves a shift over HTTP with the clock set for each step: signs up the evening
   * before it starts, checks in at `checkIn`, checks out at `checkOut`. Returns the check-out result.
   */
  async function serveDuty(startsAt: Date, endsAt: Date, checkIn: Date, checkOut: Date) {
    const shift = await makeShift(t.db.prisma, { projectId, postId: w.postA, startsAt, endsAt, capacity: 5 });
    clock.set(new Date(startsAt.getTime() - 90 * 60_000));
    const input = { shiftId: gid('Shift', shift.id), volunteerId: gid('Volunteer', w.people.member.id) };
    const signedUp = await request(t.url, RosterSelfSignUpDocument, { input }, member.headers);
    const id = expectType(signedUp.data!.selfSignUp, 'SelfSignUpPayload').assignment.id;
    clock.set(checkIn);
    expectType((await request(t.url, RosterCheckInDocument, { input: { id } }, member.headers)).data!.checkIn, 'CheckInPayload');
    clock.set(checkOut);
    return expectType((await request(t.url, RosterCheckOutDocument, { input: { id } }, member.headers)).data!.checkOut, 'CheckOutPayload');
  }

  it('a leader cannot approve their own hours: another leader or a manager must', async () => {
    const before = await minutesOf(w.people.leader.id);
    const own = await recorded(w.people.leader.id, 1440, '2026-07-01', s.leader.headers);
    expect(await review(own, s.leader.headers)).toMatchObject({ __typename: 'FourEyesError', reason: 'VOLUNTEER' });
    expect(await minutesOf(w.people.leader.id)).toBe(before);
    const approved = expectType(await review(own, s.manager.headers), 'ReviewServiceRecordPayload');
    expect(approved.serviceRecord.volunteer.serviceMinutes).toBe(before + 1440);
    const row = await t.db.prisma.serviceRecord.findUniqueOrThrow({ where: { id: Number(Buffer.from(own, 'base64').toString().split(':')[1]) } });
    expect(row).toMatchObject({ recordedByAccountId: s.leader.accountId, reviewedByAccountId: s.manager.accountId });
    // And the same day cannot take a second day's worth, however it is entered.
    expect(await record(w.people.leader.id, 1, '2026-07-01', s.manager.headers)).toMatchObject({
      __typename: 'DailyServiceLimitError',
      day: '2026-07-01',
      creditedMinutes: 1440,
      remainingMinutes: 0,
    });
  });

  it('whoever recorded the hours cannot approve them; the volunteer never can', async () => {
    const byLeader = await recorded(w.people.member.id, 60, '2026-07-02', s.leader.headers);
    expect(await review(byLeader, s.leader.headers)).toMatchObject({ __typename: 'FourEyesError', reason: 'RECORDER' });
    // The member has no right to review at all.
    expect((await request(t.url, FourEyesReviewServiceRecordDocument, { input: { id: byLeader, decision: 'APPROVED' } }, member.headers)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expectType(await review(byLeader, s.manager.headers), 'ReviewServiceRecordPayload');

    // Entered by a manager, the leader may approve a member's hours.
    const byManager = await recorded(w.people.member.id, 30, '2026-07-02', s.manager.headers);
    expect(await review(byManager, s.manager.headers)).toMatchObject({ __typename: 'FourEyesError', reason: 'RECORDER' });
    expectType(await review(byManager, s.leader.headers), 'ReviewServiceRecordPayload');
    // Even an admin cannot approve what they entered themself.
    const byAdmin = await recorded(w.people.member.id, 15, '2026-07-02', s.admin.headers);
    expect(await review(byAdmin, s.admin.headers)).toMatchObject({ __typename: 'FourEyesError', reason: 'RECORDER' });
    expectType(await review(byAdmin, secondAdmin.headers), 'ReviewServiceRecordPayload');
  });

  it('at most 1,440 minutes a Shanghai day, duty and records together; refused with a typed error', async () => {
    const v = w.people.member.id;
    // Duty on 2026-07-10, 08:00–18:00: checked in at 08:00, out at 18:00 → 600 minutes.
    const at = (hhmm: string) => shanghai('2026-07-10', hhmm);
    const out = await serveDuty(at('08:00'), at('18:00'), at('08:00'), at('18:00'));
    expect(out.assignment.serviceMinutes).toBe(600);
    clock.set(shanghai('2026-07-12', '12:00'));

    const before = await minutesOf(v);
    // Two records of 500 minutes each fit only one at a time: 600 + 500 = 1,100, a second would be 1,600.
    const first = await recorded(v, 500, '2026-07-10', s.leader.headers);
    const second = await recorded(v, 500, '2026-07-10', s.leader.headers);
    expectType(await review(first, s.manager.headers), 'ReviewServiceRecordPayload');
    expect(await review(second, s.manager.headers)).toMatchObject({
      __typename: 'DailyServiceLimitError',
      day: '2026-07-10',
      creditedMinutes: 1100,
      remainingMinutes: 340,
    });
    expect(await minutesOf(v)).toBe(before + 500);
    // Exactly up to the limit is fine; a rejection needs no room.
    expectType(await review(second, s.manager.headers, 'REJECTED'), 'ReviewServiceRecordPayload');
    expectType(await review(await recorded(v, 340, '2026-07-10', s.leader.headers), s.manager.headers), 'ReviewServiceRecordPayload');
    expect(await minutesOf(v)).toBe(before + 840);
    // Another day is another 24 hours.
    expectType(await review(await recorded(v, 1440, '2026-07-11', s.leader.headers), s.manager.headers), 'ReviewServiceRecordPayload');
  });

  it('duty checked in just before Shanghai midnight counts for that day, and is cut at the day’s limit', async () => {
    const v = w.people.member.id;
    // The 12th is full from a record; the 13th is empty.
    clock.set(shanghai('2026-07-13', '12:00'));
    expectType(await review(await recorded(v, 1440, '2026-07-12', s.leader.headers), s.manager.headers), 'ReviewServiceRecordPayload');
    const before = await minutesOf(v);
    const out = await serveDuty(shanghai('2026-07-12', '23:30'), shanghai('2026-07-13', '01:30'), shanghai('2026-07-12', '23:30'), shanghai('2026-07-13', '00:10'));
    // Checked out (never refused: the volunteer has left), but nothing more is credited for the 12th.
    expect(out.assignment).toMatchObject({ status: 'COMPLETED', serviceMinutes: 0 });
    expect(await minutesOf(v)).toBe(before);
    // The 13th still has its full 24 hours.
    expectType(await review(await recorded(v, 1440, '2026-07-13', s.leader.headers), s.manager.headers), 'ReviewServiceRecordPayload');
  });

  it('two approvals at once cannot both pass the limit (the volunteer’s row is locked)', async () => {
    const v = w.people.member.id;
    clock.set(shanghai('2026-07-21', '12:00'));
    const a = await recorded(v, 900, '2026-07-20', s.leader.headers);
    const b = await recorded(v, 900, '2026-07-20', s.leader.headers);
    const before = await minutesOf(v);
    const results = await Promise.all([review(a, s.manager.headers), review(b, s.admin.headers)]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['DailyServiceLimitError', 'ReviewServiceRecordPayload']);
    expect(await minutesOf(v)).toBe(before + 900);
  });
});
