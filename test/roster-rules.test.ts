import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../src/common/command.js';
import type { ProjectStatus } from '../src/generated/prisma/client.js';
import { changeProjectStatus } from '../src/projects/service.js';
import { RosterAssignVolunteerDocument, RosterShiftAssignmentsByStatusDocument, RosterShiftOpenSlotsDocument } from './generated/graphql.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import {
  dbIdOf,
  futureSlot,
  HOUR,
  makeAssignment,
  makeProject,
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
 * The roster's business rules over HTTP: capacity and waitlist, double-booking, check-in window,
 * check-out credit, closing and cancelling shifts, suspended volunteers, project status, no-shows.
 * Shifts that depend on the real clock sit at least 10 minutes away from any boundary.
 */
// The rules depend on the time of day (check-in windows, Shanghai days): each database runs them
// with the server's clock at 10:00, 23:30 and 00:10 Shanghai time.
describe.each(KINDS_AND_CLOCKS)('roster rules on %s at %s', (kind, _label, at) => {
  let t: TestServer;
  let w: RosterWorld;
  let api: ReturnType<typeof rosterApi>;
  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock(at()) });
    w = await rosterWorld(t.db.prisma);
    api = rosterApi(t.url, t.admin);
  });
  afterAll(() => t?.close());

  const shift = (options: { startsAt: Date; endsAt: Date; capacity?: number; minimum?: number; projectId?: number }) =>
    makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, ...options });
  /** Moves a project along as changeProjectStatus does, through the command runner (events to the outbox). */
  const projectTo = (projectId: number, status: ProjectStatus) =>
    command(t.server.services, (tx) => changeProjectStatus(tx, projectId, status, t.server.services.clock.now()));
  const volunteers = (count: number, prefix = '志愿者') => makeVolunteers(t.db.prisma, w.sites.stationA.id, count, prefix);
  const assigned = async (shiftId: number, volunteerId: number) =>
    expectType(await api.assign(shiftId, volunteerId), 'AssignVolunteerPayload').assignment;
  const statusesOf = async (shiftId: number) => {
    const rows = await t.db.prisma.shiftAssignment.findMany({ where: { shiftId }, orderBy: { id: 'asc' } });
    return Object.fromEntries(rows.map((r) => [r.volunteerId, r.status]));
  };
  const waitlistOf = async (shiftId: number) => {
    const { shift } = await gql(t.url, RosterShiftAssignmentsByStatusDocument, { id: gid('Shift', shiftId), status: ['WAITLISTED'] }, t.admin);
    return shift!.assignments!.edges.map((e) => [dbIdOf(e.node.volunteer.id), e.node.waitlistPosition]);
  };

  describe('capacity and waitlist', () => {
    it('a full shift waitlists sign-ups in order and promotes the first waitlisted when a place frees', async () => {
      const s = await shift({ ...futureSlot(3), capacity: 2, minimum: 1 });
      const [v1, v2, v3, v4, v5, v6] = await volunteers(6, '候补');

      const a1 = await assigned(s.id, v1.id);
      expect(a1).toMatchObject({ status: 'ASSIGNED', waitlistPosition: null, promotedAt: null });
      expect(a1.shift).toMatchObject({ assignedCount: 1, openSlots: 1, staffing: 'STAFFED' });
      const a2 = await assigned(s.id, v2.id);
      expect(a2.shift).toMatchObject({ assignedCount: 2, openSlots: 0, staffing: 'FULL' });

      const a3 = await assigned(s.id, v3.id);
      // selfSignUp follows the same rules as assignVolunteer.
      const a4 = expectType(await api.selfSignUp(s.id, v4.id), 'SelfSignUpPayload').assignment;
      const a5 = await assigned(s.id, v5.id);
      expect([a3, a4, a5].map((a) => [a.status, a.waitlistPosition])).toEqual([
        ['WAITLISTED', 1],
        ['WAITLISTED', 2],
        ['WAITLISTED', 3],
      ]);
      expect(a5.shift).toMatchObject({ assignedCount: 2, openSlots: 0, staffing: 'FULL' });

      // v1 withdraws: the first on the waitlist (v3) takes the place.
      const c1 = expectType(await api.cancelAssignment(dbIdOf(a1.id), '临时有事'), 'CancelAssignmentPayload').assignment;
      expect(c1).toMatchObject({ status: 'CANCELLED', cancelReason: '临时有事' });
      expect(c1.cancelledAt).not.toBeNull();
      expect(c1.shift).toMatchObject({ assignedCount: 2, staffing: 'FULL' });
      const after1 = await api.shift(s.id);
      const byId = new Map(after1.assignments!.edges.map((e) => [e.node.id, e.node]));
      expect(byId.get(a3.id)).toMatchObject({ status: 'ASSIGNED', waitlistPosition: null });
      expect(byId.get(a3.id)?.promotedAt).not.toBeNull();
      expect(await waitlistOf(s.id)).toEqual([
        [v4.id, 1],
        [v5.id, 2],
      ]);

      // A waitlisted volunteer withdrawing frees no place: nobody is promoted, the queue closes up.
      expectType(await api.cancelAssignment(dbIdOf(a4.id)), 'CancelAssignmentPayload');
      expect(await waitlistOf(s.id)).toEqual([[v5.id, 1]]);
      expect((await api.shift(s.id)).assignedCount).toBe(2);

      // The promoted volunteer withdraws: the next in line (v5) is promoted.
      expectType(await api.cancelAssignment(dbIdOf(a3.id)), 'CancelAssignmentPayload');
      expect(await statusesOf(s.id)).toEqual({
        [v1.id]: 'CANCELLED',
        [v2.id]: 'ASSIGNED',
        [v3.id]: 'CANCELLED',
        [v4.id]: 'CANCELLED',
        [v5.id]: 'ASSIGNED',
      });

      // An empty waitlist: a freed place stays open and the next sign-up takes it directly.
      const c2 = expectType(await api.cancelAssignment(dbIdOf(a2.id)), 'CancelAssignmentPayload').assignment;
      expect(c2.shift).toMatchObject({ assignedCount: 1, openSlots: 1, staffing: 'STAFFED' });
      expect((await assigned(s.id, v6.id)).status).toBe('ASSIGNED');

      // Signing up again after cancelling reuses the row, as a fresh sign-up at the back of the queue.
      const again = await assigned(s.id, v1.id);
      expect(again).toMatchObject({ id: a1.id, status: 'WAITLISTED', waitlistPosition: 1, cancelReason: null, cancelledAt: null });
      expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: s.id } })).toBe(6);
      const row = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.id } });
      expect(row.assignedCount).toBe(2);
    });

    it('promotes several waitlisted volunteers in waitlist order, one per freed place', async () => {
      const s = await shift({ ...futureSlot(4), capacity: 3, minimum: 3 });
      const vs = await volunteers(8, '排队');
      const as = [];
      for (const v of vs) as.push(await assigned(s.id, v.id));
      expect(as.map((a) => a.status)).toEqual(['ASSIGNED', 'ASSIGNED', 'ASSIGNED', 'WAITLISTED', 'WAITLISTED', 'WAITLISTED', 'WAITLISTED', 'WAITLISTED']);
      expect(as.slice(3).map((a) => a.waitlistPosition)).toEqual([1, 2, 3, 4, 5]);

      // Free the three places one by one, in a different order from sign-up.
      for (const [i, freed] of [2, 0, 1].entries()) {
        expectType(await api.cancelAssignment(dbIdOf(as[freed].id)), 'CancelAssignmentPayload');
        const waitlist = await waitlistOf(s.id);
        expect(waitlist.map(([v]) => v)).toEqual(vs.slice(4 + i).map((v) => v.id));
        expect(waitlist.map(([, p]) => p)).toEqual(vs.slice(4 + i).map((_, k) => k + 1));
      }
      expect(await statusesOf(s.id)).toEqual({
        [vs[0].id]: 'CANCELLED',
        [vs[1].id]: 'CANCELLED',
        [vs[2].id]: 'CANCELLED',
        [vs[3].id]: 'ASSIGNED',
        [vs[4].id]: 'ASSIGNED',
        [vs[5].id]: 'ASSIGNED',
        [vs[6].id]: 'WAITLISTED',
        [vs[7].id]: 'WAITLISTED',
      });
      // (The order of promotion was checked step by step above: the head of the queue each time.)
      const promoted = await t.db.prisma.shiftAssignment.findMany({ where: { shiftId: s.id, status: 'ASSIGNED' }, orderBy: { volunteerId: 'asc' } });
      expect(promoted.map((a) => a.volunteerId)).toEqual([vs[3].id, vs[4].id, vs[5].id]);
      expect(promoted.every((a) => a.promotedAt !== null)).toBe(true);
      expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.id } })).assignedCount).toBe(3);
    });

    it('growing capacity with updateShift promotes the waitlist in order', async () => {
      const s = await shift({ ...futureSlot(5), capacity: 1, minimum: 1 });
      const vs = await volunteers(5, '扩容');
      for (const v of vs) await assigned(s.id, v.id);
      expect(await waitlistOf(s.id)).toEqual(vs.slice(1).map((v, i) => [v.id, i + 1]));

      // Capacity below the places held is refused, and nothing changes.
      const tooSmall = expectType(await api.updateShift(s.id, { capacity: 0 }), 'ValidationError');
      expect(tooSmall.fields[0]).toMatchObject({ path: 'input.capacity' });

      const grown = expectType(await api.updateShift(s.id, { capacity: 3 }), 'UpdateShiftPayload').shift;
      expect(grown).toMatchObject({ capacity: 3, assignedCount: 3, openSlots: 0, staffing: 'FULL' });
      const byVolunteer = new Map(grown.assignments!.edges.map((e) => [dbIdOf(e.node.volunteer.id), e.node]));
      expect(vs.map((v) => byVolunteer.get(v.id)?.status)).toEqual(['ASSIGNED', 'ASSIGNED', 'ASSIGNED', 'WAITLISTED', 'WAITLISTED']);
      expect(byVolunteer.get(vs[1].id)?.promotedAt).not.toBeNull();
      expect(byVolunteer.get(vs[0].id)?.promotedAt).toBeNull();
      expect(await waitlistOf(s.id)).toEqual([
        [vs[3].id, 1],
        [vs[4].id, 2],
      ]);

      const shrink = expectType(await api.updateShift(s.id, { capacity: 2 }), 'ValidationError');
      expect(shrink.fields).toEqual([{ path: 'input.capacity', message: 'capacity cannot be below the 3 volunteers already holding a place' }]);
      expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.id } })).capacity).toBe(3);

      const wide = expectType(await api.updateShift(s.id, { capacity: 10 }), 'UpdateShiftPayload').shift;
      expect(wide).toMatchObject({ capacity: 10, assignedCount: 5, openSlots: 5, staffing: 'STAFFED' });
      expect(await waitlistOf(s.id)).toEqual([]);
    });
  });

  describe('no double-booking', () => {
    it('refuses overlapping active assignments and the same shift twice; back-to-back is fine', async () => {
      const day = 6;
      const a = await shift(futureSlot(day, 9, 3)); // 09:00–12:00
      const b = await shift(futureSlot(day, 11, 2)); // 11:00–13:00, overlaps a
      const c = await shift(futureSlot(day, 12, 2)); // 12:00–14:00, right after a
      const [v, other] = await volunteers(2, '双岗');

      const onA = await assigned(a.id, v.id);
      const clash = expectType(await api.assign(b.id, v.id), 'DoubleBookingError');
      expect(clash).toMatchObject({
        conflictingShiftId: gid('Shift', a.id),
        conflictingAssignmentId: onA.id,
        conflictingStartsAt: a.startsAt.toISOString(),
        conflictingEndsAt: a.endsAt.toISOString(),
      });
      expect(clash.message).toMatch(/09:00 to .* 12:00 \(Asia\/Shanghai\)/);
      expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: b.id } })).toBe(0);

      const onC = await assigned(c.id, v.id);
      expect(onC.status).toBe('ASSIGNED');

      const twice = expectType(await api.assign(a.id, v.id), 'AlreadyAssignedError');
      expect(twice.assignmentId).toBe(onA.id);
      expect(expectType(await api.selfSignUp(a.id, v.id), 'AlreadyAssignedError').assignmentId).toBe(onA.id);
      expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: a.id } })).toBe(1);

      // Cancelled assignments do not block: free a, and b is still blocked by c; free c too, and b is fine.
      expectType(await api.cancelAssignment(dbIdOf(onA.id)), 'CancelAssignmentPayload');
      expect(expectType(await api.assign(b.id, v.id), 'DoubleBookingError').conflictingShiftId).toBe(gid('Shift', c.id));
      expectType(await api.cancelAssignment(dbIdOf(onC.id)), 'CancelAssignmentPayload');
      expect((await assigned(b.id, v.id)).status).toBe('ASSIGNED');

      // A waitlist place blocks overlapping sign-ups too.
      const full = await shift({ ...futureSlot(day + 1, 9, 3), capacity: 1 });
      await assigned(full.id, other.id);
      const waiting = await assigned(full.id, v.id);
      expect(waiting.status).toBe('WAITLISTED');
      const inside = await shift(futureSlot(day + 1, 10, 1));
      expect(expectType(await api.assign(inside.id, v.id), 'DoubleBookingError').conflictingAssignmentId).toBe(waiting.id);
    });

    it('refuses moving a shift onto another shift of one of its volunteers', async () => {
      const morning = await shift(futureSlot(9, 9, 1));
      const afternoon = await shift(futureSlot(9, 14, 2));
      const [v] = await volunteers(1, '改时');
      await assigned(morning.id, v.id);
      await assigned(afternoon.id, v.id);
      const moved = expectType(
        await api.updateShift(morning.id, {
          startsAt: new Date(afternoon.startsAt.getTime() - HOUR).toISOString(),
          endsAt: new Date(afternoon.startsAt.getTime() + HOUR).toISOString(),
        }),
        'DoubleBookingError',
      );
      expect(moved.conflictingShiftId).toBe(gid('Shift', afternoon.id));
      const row = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: morning.id } });
      expect(row.startsAt).toEqual(morning.startsAt);
    });
  });

  describe('check-in and check-out', () => {
    it('allows check-in from 30 minutes before the start until the end', async () => {
      const [v1, v2, v3, v4, v5] = await volunteers(5, '签到');

      // Starts in 20 minutes: check-in opened 10 minutes ago.
      const soon = await shift({ startsAt: minutesFromNow(20), endsAt: minutesFromNow(200) });
      const a1 = await assigned(soon.id, v1.id);
      const in1 = expectType(await api.checkIn(dbIdOf(a1.id)), 'CheckInPayload').assignment;
      expect(in1.status).toBe('CHECKED_IN');
      expect(Math.abs(new Date(in1.checkedInAt!).getTime() - fixtureNow().getTime())).toBeLessThan(MINUTE);
      expect(in1.shift).toMatchObject({ checkedInCount: 1, assignedCount: 1 });
      const twice = expectType(await api.checkIn(dbIdOf(a1.id)), 'InvalidAssignmentStateError');
      expect(twice).toMatchObject({ assignmentStatus: 'CHECKED_IN', allowedFrom: ['ASSIGNED'] });

      // Starts in 45 minutes: check-in opens in 15 minutes, at startsAt − 30 min.
      const later = await shift({ startsAt: minutesFromNow(45), endsAt: minutesFromNow(225) });
      const a2 = await assigned(later.id, v2.id);
      const early = expectType(await api.checkIn(dbIdOf(a2.id)), 'CheckInWindowError');
      expect(early.opensAt).toBe(new Date(later.startsAt.getTime() - 30 * MINUTE).toISOString());
      expect(early.closesAt).toBe(later.endsAt.toISOString());
      expect(early.message).toMatch(/^Check-in opens at /);
      expect((await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: dbIdOf(a2.id) } })).status).toBe('ASSIGNED');
      expect((await api.shift(later.id)).checkInOpensAt).toBe(early.opensAt);

      // In progress: started an hour ago.
      const running = await shift({ startsAt: minutesFromNow(-60), endsAt: minutesFromNow(120) });
      const a3 = await assigned(running.id, v3.id);
      expect(expectType(await api.checkIn(dbIdOf(a3.id)), 'CheckInPayload').assignment.status).toBe('CHECKED_IN');

      // Already over (ended 30 minutes ago, not closed): no sign-ups, and check-in has closed.
      const over = await shift({ startsAt: minutesFromNow(-210), endsAt: minutesFromNow(-30) });
      const lateSignUp = expectType(await api.assign(over.id, v4.id), 'ShiftClosedError');
      expect(lateSignUp).toMatchObject({ endsAt: over.endsAt.toISOString(), closedAt: null });
      const a4 = await makeAssignment(t.db.prisma, { shiftId: over.id, volunteerId: v4.id, status: 'ASSIGNED' });
      const tooLate = expectType(await api.checkIn(a4.id), 'CheckInWindowError');
      expect(tooLate.closesAt).toBe(over.endsAt.toISOString());
      expect(tooLate.message).toMatch(/^Check-in closed at /);

      // A waitlisted volunteer cannot check in.
      const full = await shift({ startsAt: minutesFromNow(-60), endsAt: minutesFromNow(120), capacity: 1 });
      await makeAssignment(t.db.prisma, { shiftId: full.id, volunteerId: v1.id, status: 'ASSIGNED', assignedAt: minutesFromNow(-600) });
      const waiting = await assigned(full.id, v5.id);
      expect(waiting.status).toBe('WAITLISTED');
      const notYours = expectType(await api.checkIn(dbIdOf(waiting.id)), 'InvalidAssignmentStateError');
      expect(notYours).toMatchObject({ assignmentStatus: 'WAITLISTED', allowedFrom: ['ASSIGNED'] });
    });

    it('checks out only after check-in, crediting the time on duty capped at the shift length + 30 minutes', async () => {
      // A 4-hour shift in progress.
      const s = await shift({ startsAt: minutesFromNow(-120), endsAt: minutesFromNow(120), capacity: 3 });
      const [long, short] = await volunteers(2, '签退');
      const a = await assigned(s.id, long.id);
      const notIn = expectType(await api.checkOut(dbIdOf(a.id)), 'InvalidAssignmentStateError');
      expect(notIn).toMatchObject({ assignmentStatus: 'ASSIGNED', allowedFrom: ['CHECKED_IN'] });
      expect(notIn.message).toBe('The assignment is ASSIGNED; checking out is only possible from CHECKED_IN.');
      expectType(await api.checkIn(dbIdOf(a.id)), 'CheckInPayload');

      // Pretend the check-in was 6 hours ago: 360 minutes on a 240-minute shift earn 240 + 30.
      await t.db.prisma.shiftAssignment.update({ where: { id: dbIdOf(a.id) }, data: { checkedInAt: minutesFromNow(-360) } });
      const before = (await api.volunteer(long.id)).serviceMinutes;
      const out = expectType(await api.checkOut(dbIdOf(a.id)), 'CheckOutPayload').assignment;
      expect(out).toMatchObject({ status: 'COMPLETED', serviceMinutes: 270 });
      expect(Math.abs(new Date(out.checkedOutAt!).getTime() - fixtureNow().getTime())).toBeLessThan(MINUTE);
      expect(out.volunteer.serviceMinutes).toBe(before + 270);
      // A completed volunteer still holds the place but is no longer on duty.
      expect(out.shift).toMatchObject({ assignedCount: 1, checkedInCount: 0 });
      expect((await api.volunteer(long.id)).serviceMinutes).toBe(before + 270);
      expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: long.id } })).serviceMinutes).toBe(before + 270);

      const again = expectType(await api.checkOut(dbIdOf(a.id)), 'InvalidAssignmentStateError');
      expect(again.assignmentStatus).toBe('COMPLETED');
      const cancelDone = expectType(await api.cancelAssignment(dbIdOf(a.id)), 'InvalidAssignmentStateError');
      expect(cancelDone).toMatchObject({ assignmentStatus: 'COMPLETED', allowedFrom: ['ASSIGNED', 'WAITLISTED'] });
      expect((await api.volunteer(long.id)).serviceMinutes).toBe(before + 270);

      // A normal stint: 95½ minutes on duty earn 95 whole minutes.
      const b = await assigned(s.id, short.id);
      expectType(await api.checkIn(dbIdOf(b.id)), 'CheckInPayload');
      await t.db.prisma.shiftAssignment.update({
        where: { id: dbIdOf(b.id) },
        data: { checkedInAt: new Date(fixtureNow().getTime() - 95 * MINUTE - 30_000) },
      });
      const shortOut = expectType(await api.checkOut(dbIdOf(b.id)), 'CheckOutPayload').assignment;
      expect(shortOut).toMatchObject({ status: 'COMPLETED', serviceMinutes: 95 });
      expect(shortOut.volunteer.serviceMinutes).toBe(95);
      const totals = await api.volunteer(short.id);
      expect(totals.assignments.edges.map((e) => [e.node.status, e.node.serviceMinutes])).toEqual([['COMPLETED', 95]]);
    });
  });

  describe('closing and cancelling shifts', () => {
    it('closeShift checks out who is still on duty, marks ASSIGNED as NO_SHOW and cancels the waitlist', async () => {
      const s = await shift({ startsAt: minutesFromNow(-60), endsAt: minutesFromNow(180), capacity: 2 });
      const [onDuty, absent, waiting] = await volunteers(3, '收岗');
      const a1 = await assigned(s.id, onDuty.id);
      const a2 = await assigned(s.id, absent.id);
      const a3 = await assigned(s.id, waiting.id);
      expect(a3.status).toBe('WAITLISTED');
      expectType(await api.checkIn(dbIdOf(a1.id)), 'CheckInPayload');
      await t.db.prisma.shiftAssignment.update({ where: { id: dbIdOf(a1.id) }, data: { checkedInAt: new Date(fixtureNow().getTime() - 60 * MINUTE - 30_000) } });

      const closed = expectType(await api.closeShift(s.id), 'CloseShiftPayload').shift;
      expect(closed.closedAt).not.toBeNull();
      expect(closed).toMatchObject({ status: 'OPEN', assignedCount: 1, checkedInCount: 0, openSlots: 0 });
      const rows = new Map((await t.db.prisma.shiftAssignment.findMany({ where: { shiftId: s.id } })).map((r) => [r.volunteerId, r]));
      expect(rows.get(onDuty.id)).toMatchObject({ status: 'COMPLETED', serviceMinutes: 60 });
      expect(rows.get(absent.id)).toMatchObject({ status: 'NO_SHOW', serviceMinutes: null });
      expect(rows.get(waiting.id)).toMatchObject({ status: 'CANCELLED' });
      expect(rows.get(waiting.id)?.cancelReason).toMatch(/班次已结束/);
      expect((await api.volunteer(onDuty.id)).serviceMinutes).toBe(60);
      expect((await api.volunteer(absent.id)).serviceMinutes).toBe(0);
      expect((await api.shift(s.id)).openSlots).toBe(0);
      // Asked alone, without closedAt beside it (its own select once left closedAt out).
      expect((await gql(t.url, RosterShiftOpenSlotsDocument, { id: gid('Shift', s.id) }, t.admin)).shift?.openSlots).toBe(0);

      // A closed shift is final.
      const closedAt = closed.closedAt;
      expect(expectType(await api.closeShift(s.id), 'ShiftClosedError').closedAt).toBe(closedAt);
      expect(expectType(await api.cancelShift(s.id), 'ShiftClosedError').closedAt).toBe(closedAt);
      const [late] = await volunteers(1, '迟到');
      expect(expectType(await api.assign(s.id, late.id), 'ShiftClosedError').closedAt).toBe(closedAt);
      expect(expectType(await api.checkIn(dbIdOf(a2.id)), 'ShiftClosedError').closedAt).toBe(closedAt);
      expect(expectType(await api.updateShift(s.id, { capacity: 5 }), 'ShiftClosedError').closedAt).toBe(closedAt);
    });

    it('closing a shift after its end checks out at the end', async () => {
      const s = await shift({ startsAt: minutesFromNow(-150), endsAt: minutesFromNow(-30) });
      const [v] = await volunteers(1, '补签退');
      const a = await makeAssignment(t.db.prisma, {
        shiftId: s.id,
        volunteerId: v.id,
        status: 'CHECKED_IN',
        checkedInAt: new Date(s.startsAt.getTime() + 10 * MINUTE),
      });
      expectType(await api.closeShift(s.id), 'CloseShiftPayload');
      const row = await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: a.id } });
      expect(row).toMatchObject({ status: 'COMPLETED', serviceMinutes: 110, checkedOutAt: s.endsAt });
      expect((await api.volunteer(v.id)).serviceMinutes).toBe(110);
    });

    it('cancelShift cancels its assignments but keeps them, crediting who was on duty', async () => {
      const s = await shift({ startsAt: minutesFromNow(-60), endsAt: minutesFromNow(120), capacity: 2 });
      const [onDuty, assignedV, waiting] = await volunteers(3, '取消');
      const a1 = await assigned(s.id, onDuty.id);
      const a2 = await assigned(s.id, assignedV.id);
      const a3 = await assigned(s.id, waiting.id);
      expectType(await api.checkIn(dbIdOf(a1.id)), 'CheckInPayload');
      await t.db.prisma.shiftAssignment.update({ where: { id: dbIdOf(a1.id) }, data: { checkedInAt: new Date(fixtureNow().getTime() - 45 * MINUTE - 30_000) } });
      const rowsBefore = await t.db.prisma.shiftAssignment.count();

      const cancelled = expectType(await api.cancelShift(s.id, '暴雨红色预警'), 'CancelShiftPayload').shift;
      // The volunteer checked out by the cancellation is COMPLETED and so still counts as holding a place.
      expect(cancelled).toMatchObject({ status: 'CANCELLED', assignedCount: 1, checkedInCount: 0, openSlots: 0 });
      expect(cancelled.cancelledAt).not.toBeNull();

      // Nothing was deleted: the shift and every assignment are still there, as history.
      expect(await t.db.prisma.shiftAssignment.count()).toBe(rowsBefore);
      expect(await t.db.prisma.shift.findUnique({ where: { id: s.id } })).not.toBeNull();
      const history = await api.shift(s.id);
      const byId = new Map(history.assignments!.edges.map((e) => [e.node.id, e.node]));
      expect(history.assignments!.totalCount).toBe(3);
      for (const a of [a2, a3]) {
        expect(byId.get(a.id)).toMatchObject({ status: 'CANCELLED', cancelReason: '暴雨红色预警' });
        expect(byId.get(a.id)?.cancelledAt).toBe(cancelled.cancelledAt);
      }
      expect(byId.get(a1.id)).toMatchObject({ status: 'COMPLETED', serviceMinutes: 45 });
      expect((await api.volunteer(onDuty.id)).serviceMinutes).toBe(45);

      // Nothing more can happen on it.
      const [late] = await volunteers(1, '取消后');
      expect(expectType(await api.assign(s.id, late.id), 'ShiftCancelledError').cancelledAt).toBe(cancelled.cancelledAt);
      expectType(await api.cancelShift(s.id), 'ShiftCancelledError');
      expectType(await api.closeShift(s.id), 'ShiftCancelledError');
      expectType(await api.updateShift(s.id, { capacity: 9 }), 'ShiftCancelledError');
      expectType(await api.checkIn(dbIdOf(a2.id)), 'ShiftCancelledError');
      expectType(await api.cancelAssignment(dbIdOf(a3.id)), 'ShiftCancelledError');

      // Without a reason, the cancellation says why by itself.
      const future = await shift(futureSlot(12));
      const f = await assigned(future.id, late.id);
      expectType(await api.cancelShift(future.id), 'CancelShiftPayload');
      const row = await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: dbIdOf(f.id) } });
      expect(row.status).toBe('CANCELLED');
      expect(row.cancelReason).toMatch(/班次已取消/);
    });
  });

  describe('who may sign up', () => {
    it('refuses a suspended volunteer and writes nothing', async () => {
      const s = await shift(futureSlot(14));
      const [v] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '暂停', 'SUSPENDED');
      const refused = expectType(await api.assign(s.id, v.id), 'VolunteerSuspendedError');
      expect(refused.volunteerId).toBe(gid('Volunteer', v.id));
      expect(refused.message).toMatch(/suspended/);
      expectType(await api.selfSignUp(s.id, v.id), 'VolunteerSuspendedError');
      expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: s.id } })).toBe(0);
      expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.id } })).assignedCount).toBe(0);

      // Reinstated, they can sign up.
      await t.db.prisma.volunteer.update({ where: { id: v.id }, data: { status: 'ACTIVE' } });
      expect((await assigned(s.id, v.id)).status).toBe('ASSIGNED');
    });

    it('takes sign-ups only while the project is RECRUITING or ACTIVE', async () => {
      const project = await makeProject(t.db.prisma, { organizerId: w.teamId, siteId: w.sites.instituteA.id, status: 'DRAFT' });
      const s = await shift({ ...futureSlot(15), projectId: project.id });
      const [v] = await volunteers(1, '招募');

      const draft = expectType(await api.assign(s.id, v.id), 'ProjectNotRecruitingError');
      expect(draft).toMatchObject({ projectStatus: 'DRAFT', allowed: ['RECRUITING', 'ACTIVE'] });
      expect(draft.message).toBe('The project is DRAFT; this is only possible while it is RECRUITING or ACTIVE.');
      expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: s.id } })).toBe(0);

      await projectTo(project.id, 'RECRUITING');
      const a = await assigned(s.id, v.id);
      expectType(await api.cancelAssignment(dbIdOf(a.id)), 'CancelAssignmentPayload');
      await projectTo(project.id, 'ACTIVE');
      expect((await assigned(s.id, v.id)).status).toBe('ASSIGNED');

      await projectTo(project.id, 'COMPLETED');
      // Completing the project cancelled its shift that had not started (test/project-lifecycle.test.ts).
      expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.id } })).status).toBe('CANCELLED');
      const [v2] = await volunteers(1, '结项');
      expectType(await api.assign(s.id, v2.id), 'ShiftCancelledError');
      // A shift of a COMPLETED project (written directly) takes no sign-ups either.
      const late = await shift({ ...futureSlot(16), projectId: project.id });
      expect(expectType(await api.assign(late.id, v2.id), 'ProjectNotRecruitingError').projectStatus).toBe('COMPLETED');
      expect(expectType(await api.selfSignUp(late.id, v2.id), 'ProjectNotRecruitingError').projectStatus).toBe('COMPLETED');
      // A finished project's shifts cannot be changed either.
      const frozen = expectType(await api.updateShift(late.id, { capacity: 9 }), 'ProjectNotRecruitingError');
      expect(frozen.allowed).toEqual(['DRAFT', 'RECRUITING', 'ACTIVE']);

      const cancelledProject = await makeProject(t.db.prisma, { organizerId: w.teamId, siteId: w.sites.instituteA.id, status: 'CANCELLED' });
      const s2 = await shift({ ...futureSlot(15), projectId: cancelledProject.id });
      expect(expectType(await api.assign(s2.id, v2.id), 'ProjectNotRecruitingError').projectStatus).toBe('CANCELLED');
    });
  });

  describe('no-shows', () => {
    it('marks an ASSIGNED volunteer absent once the shift has started, freeing the place without promoting', async () => {
      const [v1, v2, v3] = await volunteers(3, '缺勤');
      const future = await shift(futureSlot(16));
      const early = await assigned(future.id, v1.id);
      const notStarted = expectType(await api.markNoShow(dbIdOf(early.id)), 'ShiftNotStartedError');
      expect(notStarted.startsAt).toBe(future.startsAt.toISOString());
      expect((await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: dbIdOf(early.id) } })).status).toBe('ASSIGNED');

      const s = await shift({ startsAt: minutesFromNow(-30), endsAt: minutesFromNow(150), capacity: 1, minimum: 1 });
      const a1 = await assigned(s.id, v1.id);
      const a2 = await assigned(s.id, v2.id);
      expect(a2.status).toBe('WAITLISTED');
      const absent = expectType(await api.markNoShow(dbIdOf(a1.id)), 'MarkNoShowPayload').assignment;
      expect(absent.status).toBe('NO_SHOW');
      expect(absent.shift).toMatchObject({ assignedCount: 0, openSlots: 1, staffing: 'UNDERSTAFFED' });
      // The shift is under way: the waitlisted volunteer is not promoted.
      expect(await statusesOf(s.id)).toEqual({ [v1.id]: 'NO_SHOW', [v2.id]: 'WAITLISTED' });

      const waitlisted = expectType(await api.markNoShow(dbIdOf(a2.id)), 'InvalidAssignmentStateError');
      expect(waitlisted).toMatchObject({ assignmentStatus: 'WAITLISTED', allowedFrom: ['ASSIGNED'] });
      expectType(await api.markNoShow(dbIdOf(a1.id)), 'InvalidAssignmentStateError');
      expectType(await api.checkIn(dbIdOf(a1.id)), 'InvalidAssignmentStateError');

      // A later sign-up can take the freed place.
      expect((await assigned(s.id, v3.id)).status).toBe('ASSIGNED');
    });

    it('refuses signing up again on a shift where the volunteer is NO_SHOW, as a typed error', async () => {
      // service.ts signUp throws InvalidAssignmentStateError here ("the volunteer's record on this
      // shift is final"); the mutation must report it as a typed error, not an internal error.
      const s = await shift({ startsAt: minutesFromNow(-30), endsAt: minutesFromNow(150) });
      const [v] = await volunteers(1, '再报');
      const a = await assigned(s.id, v.id);
      expectType(await api.markNoShow(dbIdOf(a.id)), 'MarkNoShowPayload');
      const response = await request(t.url, RosterAssignVolunteerDocument, {
        input: { shiftId: gid('Shift', s.id), volunteerId: gid('Volunteer', v.id) },
      }, t.admin);
      expect(response.errors).toBeUndefined();
      expect(response.data?.assignVolunteer.__typename).toBe('InvalidAssignmentStateError');
      expect((await t.db.prisma.shiftAssignment.findUniqueOrThrow({ where: { id: dbIdOf(a.id) } })).status).toBe('NO_SHOW');
    });
  });
});
