import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { LiveAssignDocument, SharedBoardDocument } from './generated/graphql.js';
import { bearer } from './support/accounts.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { wsClient } from './support/live-clients.js';
import { makeShift, makeVolunteers, minutesFromNow, rosterWorld, testClock, type RosterWorld } from './support/roster-fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Duty-board subscribers share their snapshots (src/roster/board-hub.ts): after a change, N
 * subscribers of one site cost the SQL of one — the snapshot and the fields read beneath it
 * (`site`, `understaffedShifts`) run once, whatever N. Deterministic statement counts, no timings.
 * The acting role is the city office (ADMIN) on every request and socket.
 */

describe('shared duty-board snapshots on pglite', () => {
  let t: TestServer;
  let bus: AppBus;
  let world: RosterWorld;
  let admin: Record<string, string>;
  let volunteers: string[];
  let next = 0;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock: testClock(new Date()) });
    admin = bearer(t.adminToken);
    world = await rosterWorld(t.db.prisma, randomBytes(3).toString('hex'));
    await makeShift(t.db.prisma, { projectId: world.projectId, postId: world.postId, capacity: 40, minimum: 30, startsAt: minutesFromNow(10), endsAt: minutesFromNow(190) });
    volunteers = (await makeVolunteers(t.db.prisma, world.sites.stationA.id, 10, '共享')).map((v) => gid('Volunteer', v.id));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Statements the server sends for a sign-up (the mutation and its event) until every one of `n` subscribers has seen it. */
  async function statementsForOneChange(n: number): Promise<string[]> {
    const clients = Array.from({ length: n }, () => wsClient(t.wsUrl, admin));
    const subs = clients.map((c) => c.subscribe(SharedBoardDocument, { siteId: gid('Site', world.sites.instituteA.id) }));
    const firsts = await Promise.all(subs.map(async (s) => (await s.results.next()).dutyBoard));
    const before = firsts[0]!.openSlotsToday;
    for (const first of firsts) expect(first.openSlotsToday).toBe(before);

    t.queries.length = 0;
    const shiftId = (await t.db.prisma.shift.findFirstOrThrow({ where: { postId: world.postId } })).id;
    const result = await gql(t.url, LiveAssignDocument, { input: { shiftId: gid('Shift', shiftId), volunteerId: volunteers[next++]! } }, admin);
    expectType(result.assignVolunteer, 'AssignVolunteerPayload');
    const seen = await Promise.all(subs.map((s) => s.results.until((d) => d.dutyBoard.openSlotsToday === before - 1)));
    for (const { data } of seen) {
      expect(data.dutyBoard.site.name).toBe(world.sites.instituteA.name);
      expect(data.dutyBoard.understaffedShifts.length).toBe(data.dutyBoard.understaffedCount);
    }
    const sent = [...t.queries];
    for (const s of subs) s.stop();
    await Promise.all(clients.map((c) => c.dispose()));
    return sent;
  }

  it('eight subscribers of a site cost the same SQL per change as one', async () => {
    const one = await statementsForOneChange(1);
    const eight = await statementsForOneChange(8);
    // The mutation, then the snapshot (outbox position and one statement of aggregates) and the two fields beneath.
    const aggregates = (list: string[]) => list.filter((q) => /SUM\(|sum\(/.test(q)).length;
    expect(aggregates(one)).toBe(1);
    expect(aggregates(eight)).toBe(aggregates(one));
    expect(eight.length, eight.join('\n')).toBe(one.length);
  });
});
