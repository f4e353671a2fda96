import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeamMember } from '../src/teams/service.js';
import { RosterRecordServiceDocument, RosterReviewServiceRecordDocument, RosterShiftAssignmentsByStatusDocument } from './generated/graphql.js';
import { type Session, accountSession } from './support/accounts.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import {
  dbIdOf,
  futureSlot,
  makeShift,
  makeVolunteers,
  MINUTE,
  minutesFromNow,
  rosterApi,
  rosterWorld,
  type RosterWorld,
} from './support/roster-fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Real concurrent HTTP requests against PostgreSQL (PGlite is a single connection, so nothing
 * there runs concurrently). Every request of a burst is sent before any answer is awaited; no
 * sleeps, no ordering tricks: the outcome must be right whatever order the locks are granted in.
 */
describe('roster races on postgres', () => {
  let t: TestServer;
  let w: RosterWorld;
  let api: ReturnType<typeof rosterApi>;
  let reviewer: Session;
  beforeAll(async () => {
    t = await startTestServer('postgres');
    w = await rosterWorld(t.db.prisma);
    api = rosterApi(t.url, t.admin);
    reviewer = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
  });
  afterAll(() => t?.close());

  const shift = (options: { startsAt: Date; endsAt: Date; capacity?: number; minimum?: number }) =>
    makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, ...options });
  const volunteers = (count: number, prefix: string) => makeVolunteers(t.db.prisma, w.sites.stationA.id, count, prefix);
  const countByStatus = async (shiftId: number) => {
    const groups = await t.db.prisma.shiftAssignment.groupBy({ by: ['status'], where: { shiftId }, _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  };
  /** The invariants of a shift's counters, checked against its rows. */
  const expectConsistent = async (shiftId: number) => {
    const row = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
    const counts = await countByStatus(shiftId);
    const holding = (counts.ASSIGNED ?? 0) + (counts.CHECKED_IN ?? 0) + (counts.COMPLETED ?? 0);
    expect(row.assignedCount).toBe(holding);
    expect(row.checkedInCount).toBe(counts.CHECKED_IN ?? 0);
    expect(row.assignedCount).toBeLessThanOrEqual(row.capacity);
    // Nobody waits while a place is free.
    if ((counts.WAITLISTED ?? 0) > 0) expect(row.assignedCount).toBe(row.capacity);
    return { row, counts };
  };

  it('50 simultaneous sign-ups for 10 places: exactly 10 ASSIGNED and 40 WAITLISTED', async () => {
    const s = await shift({ ...futureSlot(20), capacity: 10, minimum: 5 });
    const vs = await volunteers(50, '抢岗');

    const results = await Promise.all(vs.map((v, i) => (i % 2 ? api.assign(s.id, v.id) : api.selfSignUp(s.id, v.id))));
    const assignments = results.map((r) => {
      if (r.__typename === 'AssignVolunteerPayload' || r.__typename === 'SelfSignUpPayload') return r.assignment;
      throw new Error(`unexpected ${JSON.stringify(r)}`);
    });
    expect(assignments.filter((a) => a.status === 'ASSIGNED')).toHaveLength(10);
    expect(assignments.filter((a) => a.status === 'WAITLISTED')).toHaveLength(40);

    // In the database.
    expect(await countByStatus(s.id)).toEqual({ ASSIGNED: 10, WAITLISTED: 40 });
    const { row } = await expectConsistent(s.id);
    expect(row.assignedCount).toBe(10);

    // Through the API.
    const fetched = await api.shift(s.id);
    expect(fetched).toMatchObject({ assignedCount: 10, openSlots: 0, staffing: 'FULL' });
    expect(fetched.assignments!.totalCount).toBe(50);
    const waitlist = await gql(t.url, RosterShiftAssignmentsByStatusDocument, { id: gid('Shift', s.id), status: ['WAITLISTED'] }, t.admin);
    expect(waitlist.shift?.assignments?.totalCount).toBe(40);
    // One queue, no ties: places 1 to 40, each once, in the order the list is served.
    expect(waitlist.shift?.assignments?.edges.map((e) => e.node.waitlistPosition)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const assignedVolunteers = new Set(assignments.filter((a) => a.status === 'ASSIGNED').map((a) => a.volunteer.id));
    const onShift = await gql(t.url, RosterShiftAssignmentsByStatusDocument, { id: gid('Shift', s.id), status: ['ASSIGNED'] }, t.admin);
    expect(new Set(onShift.shift?.assignments?.edges.map((e) => e.node.volunteer.id))).toEqual(assignedVolunteers);
  });

  it('the same volunteer sent to the same shift five times at once is on it once', async () => {
    const s = await shift({ ...futureSlot(21), capacity: 3 });
    const [v] = await volunteers(1, '连点');
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => (i % 2 ? api.selfSignUp(s.id, v.id) : api.assign(s.id, v.id))));
    const wins = results.filter((r) => r.__typename === 'AssignVolunteerPayload' || r.__typename === 'SelfSignUpPayload');
    expect(wins).toHaveLength(1);
    expect(results.filter((r) => r.__typename === 'AlreadyAssignedError')).toHaveLength(4);
    expect(await countByStatus(s.id)).toEqual({ ASSIGNED: 1 });
    await expectConsistent(s.id);
  });

  it('the waitlist is first come, first served: nobody waits who signed up before someone who got a place', async () => {
    // assignedAt is the sign-up time that orders the waitlist. Places are decided one at a time
    // under the shift's lock, so the recorded sign-up times must follow that order: every
    // ASSIGNED volunteer signed up no later than every WAITLISTED one, and the queue (assignedAt,
    // then id) is the order in which volunteers were put on it (id order, ids being taken under
    // the lock).
    // Three bursts, since an interleaving that breaks the rule is likely but not certain in one.
    const offenders: string[] = [];
    for (let round = 0; round < 3; round++) {
      const s = await shift({ ...futureSlot(22 + round), capacity: 10 });
      const vs = await volunteers(50, `先来${round}-`);
      await Promise.all(vs.map((v) => api.assign(s.id, v.id)));
      const rows = await t.db.prisma.shiftAssignment.findMany({ where: { shiftId: s.id }, orderBy: { id: 'asc' } });
      const placed = rows.filter((r) => r.status === 'ASSIGNED');
      const waiting = rows.filter((r) => r.status === 'WAITLISTED');
      expect([placed.length, waiting.length]).toEqual([10, 40]);
      const lastPlaced = Math.max(...placed.map((r) => r.assignedAt.getTime()));
      for (const r of waiting) {
        if (r.assignedAt.getTime() < lastPlaced) offenders.push(`round ${round}: assignment ${r.id} signed up before the last place was given, yet waits`);
      }
      const queue = [...waiting].sort((a, b) => a.assignedAt.getTime() - b.assignedAt.getTime() || a.id - b.id).map((r) => r.id);
      if (queue.join() !== waiting.map((r) => r.id).join()) offenders.push(`round ${round}: queue order ${queue.join()} differs from arrival under the lock`);
    }
    expect(offenders).toEqual([]);
  });

  it('one volunteer sent to two overlapping shifts at once ends up on exactly one', async () => {
    const vs = await volunteers(8, '分身');
    for (let round = 0; round < 3; round++) {
      const first = await shift({ ...futureSlot(30 + round, 9, 3), capacity: 20 });
      const second = await shift({ ...futureSlot(30 + round, 10, 3), capacity: 20 });
      const results = await Promise.all(
        vs.flatMap((v) => [api.assign(first.id, v.id), round === 1 ? api.selfSignUp(second.id, v.id) : api.assign(second.id, v.id)]),
      );
      for (const [i, v] of vs.entries()) {
        const wins = [results[2 * i], results[2 * i + 1]].filter((r) => r.__typename === 'AssignVolunteerPayload' || r.__typename === 'SelfSignUpPayload');
        const losses = [results[2 * i], results[2 * i + 1]].filter((r) => r.__typename === 'DoubleBookingError');
        expect(wins, `volunteer ${v.id}, round ${round}`).toHaveLength(1);
        expect(losses, `volunteer ${v.id}, round ${round}`).toHaveLength(1);
        const active = await t.db.prisma.shiftAssignment.findMany({
          where: { volunteerId: v.id, shiftId: { in: [first.id, second.id] } },
        });
        expect(active).toHaveLength(1);
        expect(active[0].status).toBe('ASSIGNED');
      }
      await expectConsistent(first.id);
      await expectConsistent(second.id);
      const total = (await t.db.prisma.shift.findMany({ where: { id: { in: [first.id, second.id] } } })).reduce((n, s) => n + s.assignedCount, 0);
      expect(total).toBe(vs.length);
    }
  });

  it('simultaneous withdrawals promote exactly as many waitlisted volunteers, first in line first', async () => {
    const s = await shift({ ...futureSlot(40), capacity: 10, minimum: 10 });
    const vs = await volunteers(20, '递补');
    // Sign up one at a time, so the waitlist order is known.
    const mine: { id: string; waitlistPosition: number | null }[] = [];
    for (const v of vs) mine.push(expectType(await api.assign(s.id, v.id), 'AssignVolunteerPayload').assignment);
    expect(mine.slice(10).map((a) => a.waitlistPosition)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));

    const leaving = [1, 3, 5, 7, 9].map((i) => dbIdOf(mine[i].id));
    const results = await Promise.all(leaving.map((id) => api.cancelAssignment(id, '并发退出')));
    expect(results.map((r) => r.__typename)).toEqual(Array(5).fill('CancelAssignmentPayload'));

    const { counts } = await expectConsistent(s.id);
    expect(counts).toEqual({ ASSIGNED: 10, WAITLISTED: 5, CANCELLED: 5 });
    const rows = new Map((await t.db.prisma.shiftAssignment.findMany({ where: { shiftId: s.id } })).map((r) => [r.volunteerId, r]));
    expect(vs.slice(10, 15).map((v) => rows.get(v.id)?.status)).toEqual(Array(5).fill('ASSIGNED'));
    expect(vs.slice(15).map((v) => rows.get(v.id)?.status)).toEqual(Array(5).fill('WAITLISTED'));
    const waitlist = await gql(t.url, RosterShiftAssignmentsByStatusDocument, { id: gid('Shift', s.id), status: ['WAITLISTED'] }, t.admin);
    expect(waitlist.shift?.assignments?.edges.map((e) => [dbIdOf(e.node.volunteer.id), e.node.waitlistPosition])).toEqual(
      vs.slice(15).map((v, i) => [v.id, i + 1]),
    );
  });

  it('a burst of withdrawals, sign-ups and a capacity change leaves the counters exact', async () => {
    const s = await shift({ ...futureSlot(50), capacity: 5, minimum: 1 });
    const vs = await volunteers(20, '混合');
    const mine: { id: string }[] = [];
    for (const v of vs.slice(0, 10)) mine.push(expectType(await api.assign(s.id, v.id), 'AssignVolunteerPayload').assignment);
    const results = await Promise.all([
      ...mine.slice(0, 3).map((a) => api.cancelAssignment(dbIdOf(a.id))),
      api.cancelAssignment(dbIdOf(mine[7].id)),
      ...vs.slice(10).map((v) => api.assign(s.id, v.id)),
      api.updateShift(s.id, { capacity: 8 }),
    ]);
    expect(results.map((r) => r.__typename).filter((n) => !n.endsWith('Payload'))).toEqual([]);
    const { row, counts } = await expectConsistent(s.id);
    expect(row.capacity).toBe(8);
    // 20 signed up, 4 withdrew: 8 hold places and 8 wait.
    expect(counts).toEqual({ ASSIGNED: 8, WAITLISTED: 8, CANCELLED: 4 });
  });

  it('a double check-in or check-out counts once', async () => {
    const s = await shift({ startsAt: minutesFromNow(-60), endsAt: minutesFromNow(120), capacity: 3 });
    const [v] = await volunteers(1, '重复签到');
    const a = expectType(await api.assign(s.id, v.id), 'AssignVolunteerPayload').assignment;
    const checkIns = await Promise.all([api.checkIn(dbIdOf(a.id)), api.checkIn(dbIdOf(a.id)), api.checkIn(dbIdOf(a.id))]);
    expect(checkIns.map((r) => r.__typename).sort()).toEqual(['CheckInPayload', 'InvalidAssignmentStateError', 'InvalidAssignmentStateError']);
    expect((await expectConsistent(s.id)).row.checkedInCount).toBe(1);

    await t.db.prisma.shiftAssignment.update({ where: { id: dbIdOf(a.id) }, data: { checkedInAt: new Date(Date.now() - 50 * MINUTE - 30_000) } });
    const checkOuts = await Promise.all([api.checkOut(dbIdOf(a.id)), api.checkOut(dbIdOf(a.id)), api.checkOut(dbIdOf(a.id))]);
    expect(checkOuts.map((r) => r.__typename).sort()).toEqual(['CheckOutPayload', 'InvalidAssignmentStateError', 'InvalidAssignmentStateError']);
    expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).serviceMinutes).toBe(50);
    expect((await expectConsistent(s.id)).row.checkedInCount).toBe(0);
  });

  it('closing a shift while its volunteer checks out credits the time once', async () => {
    const vs = await volunteers(4, '同时收岗');
    for (const v of vs) {
      const s = await shift({ startsAt: minutesFromNow(-90), endsAt: minutesFromNow(90), capacity: 2 });
      const a = expectType(await api.assign(s.id, v.id), 'AssignVolunteerPayload').assignment;
      expectType(await api.checkIn(dbIdOf(a.id)), 'CheckInPayload');
      await t.db.prisma.shiftAssignment.update({ where: { id: dbIdOf(a.id) }, data: { checkedInAt: new Date(Date.now() - 40 * MINUTE - 30_000) } });
      const [out, closed] = await Promise.all([api.checkOut(dbIdOf(a.id)), api.closeShift(s.id)]);
      expect(closed.__typename).toBe('CloseShiftPayload');
      expect(['CheckOutPayload', 'ShiftClosedError']).toContain(out.__typename);
      const row = await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: dbIdOf(a.id) } });
      expect(row).toMatchObject({ status: 'COMPLETED', serviceMinutes: 40 });
      expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).serviceMinutes).toBe(40);
      await expectConsistent(s.id);
    }
  });

  it('sign-ups racing a cancellation leave nobody on the cancelled shift', async () => {
    const s = await shift({ ...futureSlot(60), capacity: 5 });
    const vs = await volunteers(12, '撤岗');
    for (const v of vs.slice(0, 4)) expectType(await api.assign(s.id, v.id), 'AssignVolunteerPayload');
    const [cancelled, ...signUps] = await Promise.all([api.cancelShift(s.id, '活动取消'), ...vs.slice(4).map((v) => api.assign(s.id, v.id))]);
    expect(cancelled.__typename).toBe('CancelShiftPayload');
    for (const r of signUps) expect(['AssignVolunteerPayload', 'ShiftCancelledError']).toContain(r.__typename);
    const row = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.id } });
    expect(row).toMatchObject({ status: 'CANCELLED', assignedCount: 0 });
    const accepted = signUps.filter((r) => r.__typename === 'AssignVolunteerPayload').length;
    expect(await countByStatus(s.id)).toEqual({ CANCELLED: 4 + accepted });
  });

  it('two reviewers deciding the same service record at once: one decision counts', async () => {
    const [v] = await volunteers(1, '审核');
    await addTeamMember(t.db.prisma, { teamId: w.teamId, volunteerId: v.id });
    for (const decisions of [['APPROVED', 'APPROVED'], ['APPROVED', 'REJECTED']] as const) {
      const before = (await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).serviceMinutes;
      const recorded = expectType(
        (
          await gql(t.url, RosterRecordServiceDocument, {
            input: { volunteerId: gid('Volunteer', v.id), teamId: gid('Team', w.teamId), servedOn: '2025-06-15', minutes: 90, description: '社区义诊' },
          }, t.admin)
        ).recordService,
        'RecordServicePayload',
      ).serviceRecord;
      const reviews = await Promise.all(
        // Entered by the default admin, reviewed by another (four eyes).
        decisions.map(async (decision) => (await gql(t.url, RosterReviewServiceRecordDocument, { input: { id: recorded.id, decision } }, reviewer.headers)).reviewServiceRecord),
      );
      const winners = reviews.filter((r) => r.__typename === 'ReviewServiceRecordPayload');
      expect(winners).toHaveLength(1);
      expect(reviews.filter((r) => r.__typename === 'ServiceRecordStatusTransitionError')).toHaveLength(1);
      const final = await t.db.prisma.serviceRecord.findUniqueOrThrow({ where: { id: dbIdOf(recorded.id) } });
      const after = (await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).serviceMinutes;
      expect(after).toBe(before + (final.status === 'APPROVED' ? 90 : 0));
    }
  });
});
