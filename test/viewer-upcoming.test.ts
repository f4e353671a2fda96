import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientUpcomingShiftsDocument } from './generated/graphql.js';
import { authWorld, roleSessions } from './support/accounts.js';
import { gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { futureSlot, makeAssignment, makeShift, minutesFromNow } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/* viewer.upcomingShifts: a volunteer's own shifts that have not ended, in one query. */

describe('viewer.upcomingShifts', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it('lists the VOLUNTEER’s active places and waitlist spots on shifts not yet ended, soonest first; nothing for an ADMIN without a volunteer', async () => {
    const w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    const s = await roleSessions(t.url, t.db.prisma, w);
    const me = w.people.plain.id;
    const shift = (times: { startsAt: Date; endsAt: Date }) =>
      makeShift(t.db.prisma, { projectId: w.otherProject.id, postId: w.postB, capacity: 5, minimum: 1, ...times }).then((x) => x.id);
    const later = await shift(futureSlot(9));
    const sooner = await shift(futureSlot(3));
    const waitlisted = await shift(futureSlot(5));
    const cancelled = await shift(futureSlot(4));
    const ended = await shift({ startsAt: minutesFromNow(-300), endsAt: minutesFromNow(-60) });
    const someoneElses = await shift(futureSlot(2));
    await makeAssignment(t.db.prisma, { shiftId: later, volunteerId: me, status: 'ASSIGNED' });
    await makeAssignment(t.db.prisma, { shiftId: sooner, volunteerId: me, status: 'ASSIGNED' });
    await makeAssignment(t.db.prisma, { shiftId: waitlisted, volunteerId: me, status: 'WAITLISTED' });
    await makeAssignment(t.db.prisma, { shiftId: cancelled, volunteerId: me, status: 'CANCELLED' });
    await makeAssignment(t.db.prisma, { shiftId: ended, volunteerId: me, status: 'COMPLETED' });
    await makeAssignment(t.db.prisma, { shiftId: someoneElses, volunteerId: w.people.elsewhere.id, status: 'ASSIGNED' });

    // As the VOLUNTEER.
    const mine = (await gql(t.url, ClientUpcomingShiftsDocument, {}, s.volunteer.headers)).viewer!;
    expect(mine.upcomingShifts.totalCount).toBe(3);
    expect(mine.upcomingShifts.edges.map((e) => e.node.id)).toEqual([sooner, waitlisted, later].map((id) => gid('Shift', id)));
    expect(mine.id).toBe(gid('Account', s.volunteer.accountId));

    // As an ADMIN with no volunteer of their own.
    const admin = (await gql(t.url, ClientUpcomingShiftsDocument, {}, s.admin.headers)).viewer!;
    expect(admin.upcomingShifts).toEqual({ totalCount: 0, edges: [] });
  });
});
