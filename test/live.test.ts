import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveDutyBoardDocument, LiveRosterDocument } from './generated/graphql.js';
import {
  LiveAssignDocument,
  LiveBoardBareDocument,
  LiveCancelAssignmentDocument,
  LiveCheckInDocument,
  LiveCheckOutDocument,
  LiveCreateShiftsDocument,
  LiveEventKindsDocument,
} from './generated/graphql.js';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { type LiveClient, sseClient, wsClient } from './support/live-clients.js';
import {
  CLOCK_SETTINGS,
  makePost,
  makeShift,
  makeVolunteers,
  minutesFromNow,
  rosterWorld,
  shanghaiDate,
  testClock,
  type RosterWorld,
} from './support/roster-fixtures.js';
import type { ManualClock } from '../src/common/clock.js';
import { startTestServer, type TestServer } from './support/server.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = createLogger('silent');

/** A Redis-backed bus on a channel prefix of its own, so parallel test files never hear each other. */
function redisBus(prefix: string, name: string): AppBus {
  return createEventBus({ redisUrl: REDIS_URL, channelPrefix: prefix, connectionName: `${prefix}${name}`, logger: silent });
}

/** Makes Redis drop every connection whose name starts with `prefix`, as a Redis restart would. */
async function killRedisConnections(prefix: string): Promise<number> {
  const admin = new Redis(REDIS_URL);
  try {
    const list = (await admin.client('LIST')) as string;
    const ids = list
      .split('\n')
      .filter((line) => / name=(\S+)/.exec(line)?.[1]?.startsWith(prefix))
      .map((line) => /(?:^| )id=(\d+)/.exec(line)![1]!);
    for (const id of ids) await admin.client('KILL', 'ID', id);
    return ids.length;
  } finally {
    admin.disconnect();
  }
}

interface Scene {
  world: RosterWorld;
  /** A shift at station A starting in 10 minutes (check-in is open), one place. */
  shiftA: number;
  /** A shift at station B (another institute), same times. */
  shiftB: number;
  volunteers: { id: number; gid: string }[];
}

async function scene(t: TestServer): Promise<Scene> {
  const world = await rosterWorld(t.db.prisma, randomBytes(3).toString('hex'));
  const postB = await makePost(t.db.prisma, world.sites.stationB.id, '青山村路口岗');
  const times = { startsAt: minutesFromNow(10), endsAt: minutesFromNow(190) };
  const shiftA = await makeShift(t.db.prisma, { projectId: world.projectId, postId: world.postId, capacity: 1, minimum: 1, ...times });
  const shiftB = await makeShift(t.db.prisma, { projectId: world.projectId, postId: postB.id, capacity: 1, minimum: 1, ...times });
  const volunteers = (await makeVolunteers(t.db.prisma, world.sites.stationA.id, 4, '实时')).map((v) => ({
    id: v.id,
    gid: gid('Volunteer', v.id),
  }));
  return { world, shiftA: shiftA.id, shiftB: shiftB.id, volunteers };
}

const assign = async (t: TestServer, shiftId: number, volunteer: string) =>
  expectType(
    (await gql(t.url, LiveAssignDocument, { input: { shiftId: gid('Shift', shiftId), volunteerId: volunteer } }, t.admin)).assignVolunteer,
    'AssignVolunteerPayload',
  ).assignment;

// The roster's live views depend on the day ("today's" shifts, check-in windows): each runs with
// the server's clock set to 10:00, 23:30 and 00:10 Shanghai time.
describe.each(CLOCK_SETTINGS)('rosterChanged over graphql-ws and SSE, at %s', (_label, at) => {
  let t: TestServer;
  let bus: AppBus;
  let s: Scene;
  beforeAll(async () => {
    bus = createEventBus({ logger: silent });
    t = await startTestServer('pglite', { pubsub: bus, clock: testClock(at()) });
    s = await scene(t);
  });
  afterAll(() => t?.close());

  it.each([
    ['graphql-ws', (t: TestServer) => wsClient(t.wsUrl, t.admin)],
    ['SSE', (t: TestServer) => sseClient(t.url, t.admin)],
  ] as const)('%s: assign, waitlist → promote, check-in, check-out, in order; nothing from another site', async (_name, connect) => {
    const client: LiveClient = connect(t);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(LiveEventKindsDocument, { filter: { siteId: gid('Site', s.world.sites.instituteA.id) } });
    await t.live.waitForSubscriptionsStarted(before + 1);

    // Fresh shifts per transport, so both runs see the same story.
    const times = { startsAt: minutesFromNow(10), endsAt: minutesFromNow(190) };
    const shiftA = await makeShift(t.db.prisma, { projectId: s.world.projectId, postId: s.world.postId, capacity: 1, minimum: 1, ...times });
    const postB = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: s.shiftB } });
    const shiftB = await makeShift(t.db.prisma, { projectId: s.world.projectId, postId: postB.postId, capacity: 1, minimum: 1, ...times });
    const [v1, v2, v3] = (await makeVolunteers(t.db.prisma, s.world.sites.stationA.id, 3, `${_name}-`)).map((v) => ({
      gid: gid('Volunteer', v.id),
    }));

    // Another institute's station: the subscriber must not hear of it. It happens first, so if it
    // leaked it would be the first event received.
    await assign(t, shiftB.id, v3!.gid);
    const a1 = await assign(t, shiftA.id, v1!.gid);
    const a2 = await assign(t, shiftA.id, v2!.gid);
    expect([a1.status, a2.status]).toEqual(['ASSIGNED', 'WAITLISTED']);
    await gql(t.url, LiveCancelAssignmentDocument, { input: { id: a1.id, reason: '临时有事' } }, t.admin);
    await gql(t.url, LiveCheckInDocument, { input: { id: a2.id } }, t.admin);
    await gql(t.url, LiveCheckOutDocument, { input: { id: a2.id } }, t.admin);

    const seen: string[] = [];
    for (;;) {
      const event = (await sub.results.next()).rosterChanged;
      expect(event.shift?.id, `event ${event.kind} from another site`).toBe(gid('Shift', shiftA.id));
      seen.push(`${event.kind}:${event.volunteer?.id === v1!.gid ? 'v1' : event.volunteer ? 'v2' : '-'}`);
      if (event.kind === 'CHECKED_OUT') {
        // The shift arrives as it is now: v2 completed, so the one place is still taken.
        expect(event.shift).toMatchObject({ assignedCount: 1, openSlots: 0, staffing: 'FULL' });
        break;
      }
    }
    expect(seen).toEqual([
      'ASSIGNED:v1',
      'STAFFING_CHANGED:-',
      'WAITLISTED:v2',
      'UNASSIGNED:v1',
      'PROMOTED:v2',
      'CHECKED_IN:v2',
      'CHECKED_OUT:v2',
    ]);
    sub.stop();
    await client.dispose();
  });

  it('publishes nothing for a rolled-back mutation', async () => {
    const client = wsClient(t.wsUrl, t.admin);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(LiveEventKindsDocument, { filter: { siteId: gid('Site', s.world.sites.center.id) } });
    await t.live.waitForSubscriptionsStarted(before + 1);
    // The last post id does not exist: the bulk insert fails inside the transaction after the
    // project was locked, and everything is rolled back.
    const rowsBefore = await t.db.prisma.shift.count();
    const failed = (
      await gql(t.url, LiveCreateShiftsDocument, {
        input: {
          projectId: gid('Project', s.world.projectId),
          postIds: [gid('DutyPost', s.world.postId), gid('DutyPost', 999_999)],
          startDate: shanghaiDate(3),
          windows: [{ start: '08:00', end: '12:00' }],
          capacity: 2,
          role: '文明引导',
        },
      }, t.admin)
    ).createShifts;
    expect(failed.__typename).not.toBe('CreateShiftsPayload');
    expect(await t.db.prisma.shift.count()).toBe(rowsBefore);
    // A later, successful change is the first thing the subscriber hears.
    await assign(t, s.shiftA, s.volunteers[3]!.gid);
    const first = (await sub.results.next()).rosterChanged;
    expect(first).toMatchObject({ kind: 'ASSIGNED', volunteer: { id: s.volunteers[3]!.gid } });
    sub.stop();
    await client.dispose();
  });

  it('refuses unknown sites and malformed arguments cleanly; the socket stays usable', async () => {
    const client = wsClient(t.wsUrl, t.admin);
    // An open subscription keeps the (lazy) client's one socket up throughout.
    const keeper = client.subscribe(LiveBoardBareDocument, { siteId: gid('Site', s.world.sites.center.id) });
    await keeper.results.next();
    const unknown = client.subscribe(LiveEventKindsDocument, { filter: { siteId: gid('Site', 424_242) } });
    const refused = await unknown.results.nextResult().catch((e: Error) => ({ errors: [{ message: e.message }] }));
    expect(JSON.stringify(refused.errors)).toContain(`No Site with ID ${gid('Site', 424_242)} exists.`);

    const malformed = client.subscribe(LiveEventKindsDocument, { filter: { siteId: 'not-an-id' } });
    const bad = await malformed.results.nextResult().catch((e: Error) => ({ errors: [{ message: e.message }] }));
    expect(JSON.stringify(bad.errors)).toContain('Invalid global ID');

    const wrongType = client.subscribe(LiveBoardBareDocument, { siteId: gid('Volunteer', 1) });
    const wrong = await wrongType.results.nextResult().catch((e: Error) => ({ errors: [{ message: e.message }] }));
    expect(JSON.stringify(wrong.errors)).toContain('is not of type: Site');

    // Same socket, a good subscription: the board's first snapshot arrives.
    const board = client.subscribe(LiveBoardBareDocument, { siteId: gid('Site', s.world.sites.center.id) });
    expect((await board.results.next()).dutyBoard.onDutyNow).toBeGreaterThanOrEqual(0);
    expect(client.connectionsOpened).toBe(1);
    expect(client.closes).toEqual([]);
    board.stop();
    keeper.stop();
    await client.dispose();
  });
});

describe.each(CLOCK_SETTINGS)('dutyBoard at %s', (_label, at) => {
  let t: TestServer;
  let bus: AppBus;
  let s: Scene;
  let clock: ManualClock;
  beforeAll(async () => {
    bus = createEventBus({ logger: silent });
    clock = testClock(at());
    t = await startTestServer('pglite', { pubsub: bus, clock });
    s = await scene(t);
  });
  afterAll(() => t?.close());

  it('sends a snapshot on subscribe and a fresh one after a check-in', async () => {
    const client = wsClient(t.wsUrl, t.admin);
    const sub = client.subscribe(LiveDutyBoardDocument, { siteId: gid('Site', s.world.sites.instituteA.id) });
    const first = (await sub.results.next()).dutyBoard;
    expect(first).toMatchObject({ onDutyNow: 0, expectedNow: 0, site: { name: s.world.sites.instituteA.name } });
    // Shift A (one place, starts in 10 minutes) is today's and understaffed until someone signs up.
    expect(first.understaffedCount).toBeGreaterThanOrEqual(1);

    const a = await assign(t, s.shiftA, s.volunteers[0]!.gid);
    const afterAssign = await sub.results.until((d) => d.dutyBoard.understaffedCount === first.understaffedCount - 1);
    expect(afterAssign.data.dutyBoard.openSlotsToday).toBe(first.openSlotsToday - 1);
    await gql(t.url, LiveCheckInDocument, { input: { id: a.id } }, t.admin);
    const checkedIn = await sub.results.until((d) => d.dutyBoard.onDutyNow === 1);
    expect(checkedIn.data.dutyBoard.onDutyNow).toBe(1);
    sub.stop();
    await client.dispose();
  });

  it('coalesces a burst: 720 new shifts give a couple of snapshots, not 720', async () => {
    const client = wsClient(t.wsUrl, t.admin);
    const site = s.world.sites.stationA.id;
    const sub = client.subscribe(LiveBoardBareDocument, { siteId: gid('Site', site) });
    const initial = (await sub.results.next()).dutyBoard;

    // 30 posts × 24 hourly windows today = 720 shifts, one createShifts call.
    const posts = await Promise.all(Array.from({ length: 30 }, (_, i) => makePost(t.db.prisma, site, `临时岗${i + 1}`)));
    const created = (
      await gql(t.url, LiveCreateShiftsDocument, {
        input: {
          projectId: gid('Project', s.world.projectId),
          postIds: posts.map((p) => gid('DutyPost', p.id)),
          dates: [shanghaiDate(0)],
          windows: Array.from({ length: 24 }, (_, h) => ({
            start: `${String(h).padStart(2, '0')}:00`,
            end: `${String(h + 1).padStart(2, '0')}:00`,
          })),
          capacity: 2,
          minimum: 1,
          role: '文明引导',
        },
      }, t.admin)
    ).createShifts;
    expect(expectType(created, 'CreateShiftsPayload').count).toBe(720);

    const burst = await sub.results.until((d) => d.dutyBoard.openSlotsToday === initial.openSlotsToday + 1440);
    // One snapshot after the first change (or two if the burst straddled a 250 ms window).
    expect(burst.count).toBeLessThanOrEqual(2);
    // Then a single further change: the next snapshot reflects it, and nothing else was queued.
    // Any of today's shifts not yet over takes a sign-up (at 23:30 that is the 23:00 one).
    const later = await t.db.prisma.shift.findFirstOrThrow({
      where: { postId: posts[0]!.id, endsAt: { gt: clock.now() } },
      orderBy: { startsAt: 'asc' },
    });
    const [fresh] = await makeVolunteers(t.db.prisma, site, 1, '突发');
    await assign(t, later.id, gid('Volunteer', fresh!.id));
    const after = await sub.results.until((d) => d.dutyBoard.openSlotsToday === initial.openSlotsToday + 1439);
    expect(after.count).toBeLessThanOrEqual(2);
    expect(sub.results.received.length).toBeLessThanOrEqual(5);
    sub.stop();
    await client.dispose();
  });
});

describe('live limits and shutdown', () => {
  it('limits subscriptions per connection', async () => {
    const limited = await startTestServer('pglite', { wsMaxSubscriptions: 2 });
    try {
      const client = wsClient(limited.wsUrl, limited.admin);
      const center = gid('Site', (await limited.db.prisma.site.create({ data: { name: '中心', level: 'CENTER', address: 'x', path: 'tmp' } })).id);
      await limited.db.prisma.site.updateMany({ data: { path: String((await limited.db.prisma.site.findFirstOrThrow()).id) } });
      const subs = [1, 2, 3].map(() => client.subscribe(LiveBoardBareDocument, { siteId: center }));
      await subs[0]!.results.next();
      await subs[1]!.results.next();
      const third = await subs[2]!.results.nextResult().catch((e: Error) => ({ errors: [{ message: e.message }] }));
      expect(JSON.stringify(third.errors)).toContain('At most 2 subscriptions may run on one connection.');
      // Ending one frees a place on the same connection.
      subs[0]!.stop();
      const fourth = client.subscribe(LiveBoardBareDocument, { siteId: center });
      await expect(fourth.results.next()).resolves.toBeDefined();
      expect(client.connectionsOpened).toBe(1);
      await client.dispose();
    } finally {
      await limited.close();
    }
  });

  it('closes WebSocket clients with 1001 Going Away on shutdown', async () => {
    const other = await startTestServer('pglite');
    const client = wsClient(other.wsUrl, other.admin);
    const site = await other.db.prisma.site.create({ data: { name: '中心', level: 'CENTER', address: 'x', path: 'p' } });
    const sub = client.subscribe(LiveBoardBareDocument, { siteId: gid('Site', site.id) });
    await sub.results.next();
    await other.close();
    await sub.results.nextResult().catch(() => undefined);
    expect(client.closes).toEqual([1001]);
    await client.dispose();
  });
});


describe('two server instances sharing Redis', () => {
  let a: TestServer;
  let b: TestServer;
  let busA: AppBus;
  let busB: AppBus;
  let s: Scene;
  let prefix: string;
  beforeAll(async () => {
    prefix = `test-${process.pid}-${randomBytes(4).toString('hex')}:`;
    busA = redisBus(prefix, 'a');
    busB = redisBus(prefix, 'b');
    a = await startTestServer('postgres', { pubsub: busA });
    b = await startTestServer('postgres', { pubsub: busB, databaseUrl: a.databaseUrl });
    await Promise.all([busA.ready, busB.ready]);
    s = await scene(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await busA?.close();
    await busB?.close();
  });

  it('a mutation on instance A reaches a subscriber on instance B (WebSocket and SSE)', async () => {
    const ws = wsClient(b.wsUrl, b.admin);
    const sse = sseClient(b.url, b.admin);
    const filter = { shiftId: gid('Shift', s.shiftA) };
    const [startedA, startedB] = [a.live.subscriptionsStarted(), b.live.subscriptionsStarted()];
    const viaWs = ws.subscribe(LiveRosterDocument, { filter });
    const viaSse = sse.subscribe(LiveRosterDocument, { filter });
    await b.live.waitForSubscriptionsStarted(startedB + 2);
    // Both listen on B; A only publishes.
    expect(a.live.subscriptionsStarted()).toBe(startedA);

    await assign(a, s.shiftA, s.volunteers[0]!.gid);
    for (const sub of [viaWs, viaSse]) {
      const event = (await sub.results.next()).rosterChanged;
      expect(event).toMatchObject({
        kind: 'ASSIGNED',
        volunteer: { name: '实时1' },
        assignment: { status: 'ASSIGNED' },
        shift: { id: gid('Shift', s.shiftA), assignedCount: 1, openSlots: 0, staffing: 'FULL' },
      });
      sub.stop();
    }
    await ws.dispose();
    await sse.dispose();
  });

  it('reports Redis in /readyz and resumes after Redis drops the connections', async () => {
    expect(await (await fetch(new URL('/readyz', b.url))).json()).toEqual({ database: 'up', events: 'redis:up' });
    const ws = wsClient(b.wsUrl, b.admin);
    const before = b.live.subscriptionsStarted();
    const sub = ws.subscribe(LiveEventKindsDocument, { filter: { shiftId: gid('Shift', s.shiftB) } });
    await b.live.waitForSubscriptionsStarted(before + 1);

    // Redis drops every connection of both instances (as on a Redis restart); each reconnects and
    // re-subscribes by itself.
    const clients = [busA, busB].flatMap((bus) => [bus.redis!.publish, bus.redis!.subscribe]);
    const reconnected = clients.map(async (client) => {
      await once(client, 'close');
      await once(client, 'ready');
    });
    expect(await killRedisConnections(prefix)).toBe(4);
    await Promise.all(reconnected);
    await Promise.all([busA.roundTrip(), busB.roundTrip()]);
    expect((await fetch(new URL('/readyz', b.url))).status).toBe(200);

    await assign(a, s.shiftB, s.volunteers[1]!.gid);
    const event = (await sub.results.next()).rosterChanged;
    expect(event).toMatchObject({ kind: 'ASSIGNED', shift: { id: gid('Shift', s.shiftB) } });
    sub.stop();
    await ws.dispose();
  });

  it('/readyz answers 503 while Redis cannot be reached', async () => {
    const down = createEventBus({ redisUrl: 'redis://127.0.0.1:1', logger: silent });
    const t = await startTestServer('pglite', { pubsub: down });
    try {
      const response = await fetch(new URL('/readyz', t.url));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ database: 'up', events: 'redis:down' });
    } finally {
      await t.close();
      await down.close();
    }
  });
});
