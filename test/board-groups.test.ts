import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { BoardCreateDocument, LiveAssignDocument, SharedBoardDocument } from './generated/graphql.js';
import { type Session, accountSession, bearer } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { clientSet } from './support/live-clients.js';
import { until } from './support/raw-socket.js';
import { makeShift, makeVolunteers, minutesFromNow, rosterWorld, testClock, type RosterWorld } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * dutyBoard subscriptions in groups (src/events/subscription-groups.ts, a snapshot stream):
 * identical WebSocket subscriptions of one visibility class execute each snapshot once. A member
 * starts with a snapshot of its own and then gets the group's newer ones, so every socket receives
 * what a subscription of its own (over SSE, which never groups) receives. Acting roles: the city
 * office (ADMIN, one session), a site manager of institute A, and board credentials it issues.
 */

describe('dutyBoard subscription groups over graphql-ws', () => {
  let t: TestServer;
  let bus: AppBus;
  let world: RosterWorld;
  let admin: Session;
  let manager: Session;
  let shiftId: string;
  let volunteers: string[];
  let next = 0;
  const clients = clientSet();

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock: testClock(new Date()) });
    world = await rosterWorld(t.db.prisma, randomBytes(3).toString('hex'));
    [admin, manager] = await Promise.all([
      accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] }),
      accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.instituteA.id }] }),
    ]);
    const shift = await makeShift(t.db.prisma, {
      projectId: world.projectId,
      postId: world.postId,
      capacity: 40,
      minimum: 30,
      startsAt: minutesFromNow(10),
      endsAt: minutesFromNow(190),
    });
    shiftId = gid('Shift', shift.id);
    volunteers = (await makeVolunteers(t.db.prisma, world.sites.stationA.id, 10, '组看板')).map((v) => gid('Volunteer', v.id));
  });
  afterAll(async () => {
    await clients.disposeAll();
    await t?.close();
    await bus?.close();
  });

  const groups = () => t.server.subscriptionGroups!.stats();
  const board = () => ({ siteId: gid('Site', world.sites.instituteA.id) });
  const ws = (headers: Record<string, string>) => clients.ws(t.wsUrl, headers).subscribe(SharedBoardDocument, board());
  const sse = (headers: Record<string, string>) => clients.sse(t.url, headers).subscribe(SharedBoardDocument, board());
  async function signUp() {
    const result = await gql(t.url, LiveAssignDocument, { input: { shiftId, volunteerId: volunteers[next++]! } }, admin.headers);
    expectType(result.assignVolunteer, 'AssignVolunteerPayload');
  }
  const openSlots = (results: { data?: { dutyBoard: { openSlotsToday: number } } }[]) => results.map((r) => r.data!.dutyBoard.openSlotsToday);
  /** The manager of institute A issues a board credential (a wall screen's token) for a site. */
  async function boardFor(siteId: number) {
    const result = await request(t.url, BoardCreateDocument, { input: { siteId: gid('Site', siteId), label: '看板组测试' } }, manager.headers);
    return bearer(expectType(result.data!.createBoardCredential, 'CreateBoardCredentialPayload').token);
  }

  it('executes each snapshot once per group, and every socket gets what a subscription of its own gets', async () => {
    const executionsAtStart = groups().executions;
    const classes = [
      { name: 'admin', grouped: [ws(admin.headers), ws(admin.headers), ws(admin.headers)], alone: sse(admin.headers) },
      { name: 'manager', grouped: [ws(manager.headers), ws(manager.headers)], alone: sse(manager.headers) },
    ];
    const firsts = await Promise.all(classes.flatMap((c) => [c.alone, ...c.grouped].map((s) => s.results.next())));
    const before = firsts[0]!.dutyBoard.openSlotsToday;
    for (const first of firsts) expect(first.dutyBoard.openSlotsToday).toBe(before);
    expect(groups()).toMatchObject({ groups: 2, members: 5 });
    // Each group executed its own first snapshot once (its members each ran their first alone).
    await until(() => groups().executions - executionsAtStart === 2);

    await signUp();
    await signUp();
    for (const c of classes) {
      const alone = (await c.alone.results.until((d) => d.dutyBoard.openSlotsToday === before - 2)).data;
      expect(alone.dutyBoard.site.name).toBe(world.sites.instituteA.name);
      for (const [i, sub] of c.grouped.entries()) {
        const seen = await sub.results.until((d) => d.dutyBoard.openSlotsToday === before - 2);
        expect(seen.data, `${c.name}, socket ${i}`).toEqual(alone);
        // In order, never an older snapshot after a newer one.
        const slots = openSlots(sub.results.received);
        expect(slots, `${c.name}, socket ${i}`).toEqual([...slots].sort((a, b) => b - a));
      }
    }
    // One execution per snapshot per group: every socket of a group received the same snapshots.
    const snapshotsOf = (c: (typeof classes)[number]) => c.grouped[0]!.results.received.length - 1;
    for (const c of classes) for (const sub of c.grouped) expect(openSlots(sub.results.received)).toEqual(openSlots(c.grouped[0]!.results.received));
    expect(groups().executions - executionsAtStart).toBe(2 + snapshotsOf(classes[0]!) + snapshotsOf(classes[1]!));

    for (const c of classes) {
      for (const sub of c.grouped) sub.stop();
      c.alone.stop();
    }
    await until(() => groups().groups === 0);
  });

  it('a late joiner starts with the board as it is now, then follows the group in order', async () => {
    const early = ws(admin.headers);
    const start = (await early.results.next()).dutyBoard.openSlotsToday;
    await signUp();
    await early.results.until((d) => d.dutyBoard.openSlotsToday === start - 1);

    const late = ws(admin.headers);
    expect((await late.results.next()).dutyBoard.openSlotsToday).toBe(start - 1);
    expect(groups()).toMatchObject({ groups: 1, members: 2 });

    await signUp();
    await early.results.until((d) => d.dutyBoard.openSlotsToday === start - 2);
    await late.results.until((d) => d.dutyBoard.openSlotsToday === start - 2);
    expect(openSlots(late.results.received)[0]).toBe(start - 1);
    for (const sub of [early, late]) {
      const slots = openSlots(sub.results.received);
      expect(slots).toEqual([...slots].sort((a, b) => b - a));
      expect(slots.at(-1)).toBe(start - 2);
    }
    early.stop();
    late.stop();
    await until(() => groups().groups === 0);
  });

  it('a board credential for a station is refused the institute’s board alone, and never joins the group of one that covers it', async () => {
    const [covering, station] = await Promise.all([boardFor(world.sites.instituteA.id), boardFor(world.sites.stationA.id)]);
    const allowed = ws(covering);
    await allowed.results.next();
    const refused = ws(station);
    const refusal = await refused.results.nextResult();
    expect(refusal.data).toBeUndefined();
    expect(refusal.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(groups()).toMatchObject({ groups: 1, members: 1 });
    allowed.stop();
    await until(() => groups().groups === 0);
  });
});
