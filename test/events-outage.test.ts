import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { createLogger } from '../src/logger.js';
import {
  LiveAssignDocument,
  LiveCancelAssignmentDocument,
  EventsFollowDocument,
  type EventsFollowSubscription,
} from './generated/graphql.js';
import { accountSession, type Session } from './support/accounts.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { type LiveClient, type ResultQueue, sseClient, wsClient } from './support/live-clients.js';
import { ChildRun, REPO_ROOT } from './support/process.js';
import { OwnRedis } from './support/redis-server.js';
import { dbIdOf, futureSlot, makeShift, makeVolunteers, rosterWorld, type RosterWorld } from './support/roster-fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Roster events are never lost or reordered — across instances, through a Redis outage and a
 * crash between commit and publish. Two (or three) server instances share a PostgreSQL database
 * and a Redis this file starts itself, so it can kill it. Requests act as a SITE_MANAGER of the
 * test city's center (explicit headers).
 */

type RosterEventData = EventsFollowSubscription['rosterChanged'];
const silent = createLogger('silent');
const CRASH_EXIT_CODE = 70;

function bus(redis: OwnRedis, prefix: string, name: string): AppBus {
  return createEventBus({ redisUrl: redis.url, channelPrefix: prefix, connectionName: `${prefix}${name}`, logger: silent });
}

const take = async (results: ResultQueue<EventsFollowSubscription>, n: number): Promise<RosterEventData[]> =>
  (await results.take(n, 20_000)).map((d) => d.rosterChanged);

/**
 * Resolves when every Redis connection of these buses has gone down (after `kill`) or come back
 * (`ready`). (Not events.once: it rejects on the 'error' a reset connection emits first.)
 */
function connections(buses: AppBus[], event: 'close' | 'ready'): Promise<unknown> {
  const clients = buses.flatMap((b) => [b.redis!.publish, b.redis!.subscribe]);
  return Promise.all(clients.map((client) => new Promise((resolve) => client.once(event, resolve))));
}

/** What a test needs of one city: a shift and its volunteers, and a manager of the center. */
async function stage(t: TestServer, world: RosterWorld, day: number, volunteers: number, capacity: number) {
  const shift = await makeShift(t.db.prisma, { projectId: world.projectId, postId: world.postId, capacity, minimum: 0, ...futureSlot(day) });
  const people = await makeVolunteers(t.db.prisma, world.sites.stationA.id, volunteers, `断${day}-`);
  return { shiftId: shift.id, filter: { shiftId: gid('Shift', shift.id) }, volunteers: people.map((v) => v.id) };
}

function roster(manager: () => Session) {
  return {
    assign: async (t: { url: string }, shiftId: number, volunteerId: number) =>
      expectType(
        (
          await gql(
            t.url,
            LiveAssignDocument,
            { input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', volunteerId) } },
            manager().headers,
          )
        ).assignVolunteer,
        'AssignVolunteerPayload',
      ).assignment,
    cancel: async (t: { url: string }, assignmentId: string) =>
      expectType(
        (await gql(t.url, LiveCancelAssignmentDocument, { input: { id: assignmentId, reason: '临时有事' } }, manager().headers))
          .cancelAssignment,
        'CancelAssignmentPayload',
      ),
  };
}

/** The stored events of a shift, in outbox order. */
async function stored(t: TestServer, shiftId: number) {
  const rows = await t.db.prisma.outboxEvent.findMany({ where: { shiftId }, orderBy: { sequence: 'asc' } });
  return rows.map((r) => ({ sequence: Number(r.sequence), kind: r.kind, assignmentId: r.assignmentId }));
}

describe('two instances, a Redis outage, concurrent sign-ups', () => {
  let redis: OwnRedis;
  let busA: AppBus;
  let busB: AppBus;
  let a: TestServer;
  let b: TestServer;
  let world: RosterWorld;
  let manager: Session;
  const api = roster(() => manager);
  let clients: LiveClient[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    const prefix = `outage-${process.pid}-${randomBytes(3).toString('hex')}:`;
    busA = bus(redis, prefix, 'a');
    busB = bus(redis, prefix, 'b');
    // Instance A never polls: what it hears of B comes through Redis (or fills a gap before its
    // own events). Instance B polls as in production.
    a = await startTestServer('postgres', { pubsub: busA, events: { pollMs: 0 } });
    b = await startTestServer('postgres', { pubsub: busB, databaseUrl: a.databaseUrl });
    await Promise.all([busA.ready, busB.ready]);
    world = await rosterWorld(a.db.prisma, randomBytes(3).toString('hex'));
    manager = await accountSession(a.url, a.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.center.id }] });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await b?.close();
    await a?.close();
    await busA?.close();
    await busB?.close();
    await redis?.kill();
  });

  /** Subscribers on both instances, over both transports, listening before this returns. */
  async function follow(filter: Record<string, string>) {
    const [startedA, startedB] = [a.live.subscriptionsStarted(), b.live.subscriptionsStarted()];
    const onA = wsClient(a.wsUrl, manager.headers);
    const onB = wsClient(b.wsUrl, manager.headers);
    const sseB = sseClient(b.url, manager.headers);
    clients.push(onA, onB, sseB);
    const subs = {
      'A/graphql-ws': onA.subscribe(EventsFollowDocument, { filter }),
      'B/graphql-ws': onB.subscribe(EventsFollowDocument, { filter }),
      'B/SSE': sseB.subscribe(EventsFollowDocument, { filter }),
    };
    await a.live.waitForSubscriptionsStarted(startedA + 1);
    await b.live.waitForSubscriptionsStarted(startedB + 2);
    return subs;
  }

  it('Redis dies while 30 assignments run: every subscriber on both instances gets all 30, in order, once', async () => {
    const x = await stage(a, world, 40, 31, 100);
    const subs = await follow(x.filter);
    const instances = [a, b];
    const assignGroup = (from: number) =>
      Promise.all(x.volunteers.slice(from, from + 10).map((v, i) => api.assign(instances[i % 2]!, x.shiftId, v)));

    await assignGroup(0);
    const down = connections([busA, busB], 'close');
    await redis.kill();
    await down;
    expect(await (await fetch(new URL('/readyz', a.url))).json()).toEqual({ database: 'up', events: 'redis:down' });
    expect((await fetch(new URL('/readyz', b.url))).status).toBe(503);

    // Ten more with Redis gone. A's subscriber hears of A's own commits at once, and of B's
    // before them (a jump in the sequence is filled from the outbox) — without Redis, without polling.
    const during = await assignGroup(10);
    const ownOnA = new Set(during.filter((_, i) => i % 2 === 0).map((asg) => dbIdOf(asg.id)));
    const soFar = await stored(a, x.shiftId);
    const lastOfA = Math.max(...soFar.filter((e) => ownOnA.has(e.assignmentId!)).map((e) => e.sequence));
    const heardOnA = await take(subs['A/graphql-ws'].results, soFar.filter((e) => e.sequence <= lastOfA).length);
    expect(heardOnA.map((e) => e.sequence)).toEqual(soFar.filter((e) => e.sequence <= lastOfA).map((e) => e.sequence));

    const up = connections([busA, busB], 'ready');
    await redis.restart();
    await up;
    await Promise.all([busA.roundTrip(), busB.roundTrip()]);
    expect((await fetch(new URL('/readyz', a.url))).status).toBe(200);
    await assignGroup(20);

    const expected = await stored(a, x.shiftId);
    expect(expected).toHaveLength(30);
    const received = {
      'A/graphql-ws': [...heardOnA, ...(await take(subs['A/graphql-ws'].results, 30 - heardOnA.length))],
      'B/graphql-ws': await take(subs['B/graphql-ws'].results, 30),
      'B/SSE': await take(subs['B/SSE'].results, 30),
    };
    for (const [name, events] of Object.entries(received)) {
      expect(events.map((e) => e.sequence), name).toEqual(expected.map((e) => e.sequence));
    }
    // Nothing more is queued: the next event anyone hears is a new one, not a repeat.
    await api.assign(b, x.shiftId, x.volunteers[30]!);
    const marker = (await stored(a, x.shiftId)).at(-1)!.sequence;
    for (const [name, sub] of Object.entries(subs)) {
      expect((await take(sub.results, 1))[0]!.sequence, name).toBe(marker);
      sub.stop();
    }
    // Everything was relayed in the end.
    await b.server.services.events.relay!.flush();
    expect(await a.db.prisma.outboxEvent.count({ where: { shiftId: x.shiftId, sentAt: null } })).toBe(0);
  });

  it('50 concurrent sign-ups with withdrawals reach every subscriber in exactly the outbox order', async () => {
    const x = await stage(a, world, 41, 50, 10);
    const subs = await follow(x.filter);
    // Every third volunteer withdraws at once, through the other instance; freed places promote
    // the waitlist. Sign-ups alternate between the instances.
    let signUps = 0;
    await Promise.all(
      x.volunteers.map(async (v, i) => {
        const assignment = await api.assign([a, b][i % 2]!, x.shiftId, v);
        signUps += 1;
        if (i % 3 === 0) await api.cancel([b, a][i % 2]!, assignment.id);
      }),
    );
    expect(signUps).toBe(50);
    const expected = await stored(a, x.shiftId);
    const kinds = new Set(expected.map((e) => e.kind));
    for (const kind of ['ASSIGNED', 'WAITLISTED', 'UNASSIGNED', 'PROMOTED']) expect(kinds, kind).toContain(kind);

    for (const [name, sub] of Object.entries(subs)) {
      const events = await take(sub.results, expected.length);
      expect(events.map((e) => `${e.sequence}:${e.kind}`), name).toEqual(expected.map((e) => `${e.sequence}:${e.kind}`));
      // Each event's shift is loaded as it is delivered, so it is never older than the one before:
      // its assignments (kept, even when cancelled) never shrink and include every sign-up so far.
      let seenSignUps = 0;
      let previous = 0;
      for (const event of events) {
        if (event.kind === 'ASSIGNED' || event.kind === 'WAITLISTED') seenSignUps += 1;
        const total = event.shift!.assignments!.totalCount;
        expect(total, `${name} at ${event.sequence}`).toBeGreaterThanOrEqual(Math.max(previous, seenSignUps));
        previous = total;
      }
      expect(sub.results.unread, name).toBe(0);
      sub.stop();
    }
  });
});

describe('a crash between commit and publish', () => {
  let redis: OwnRedis;
  let busC: AppBus;
  let c: TestServer;
  let world: RosterWorld;
  let manager: Session;
  const api = roster(() => manager);
  let prefix: string;
  const children: ChildRun[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    prefix = `crash-${process.pid}-${randomBytes(3).toString('hex')}:`;
    busC = bus(redis, prefix, 'c');
    // This instance does not poll, so only the restarted instance's relay can deliver the event.
    c = await startTestServer('postgres', { pubsub: busC, events: { pollMs: 0 } });
    await busC.ready;
    world = await rosterWorld(c.db.prisma, randomBytes(3).toString('hex'));
    manager = await accountSession(c.url, c.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.center.id }] });
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.running) child.child.kill('SIGTERM');
      await child.exited;
    }
    await c?.close();
    await busC?.close();
    await redis?.kill();
  });

  async function instance(crash: boolean): Promise<{ run: ChildRun; url: string }> {
    // Node itself with tsx's loader (not the tsx CLI, which relays signals through a process of its own).
    const run = new ChildRun(process.execPath, ['--import', 'tsx', 'test/support/instance-process.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: c.databaseUrl,
        REDIS_URL: redis.url,
        REDIS_CHANNEL_PREFIX: prefix,
        CRASH_AFTER_COMMIT: crash ? '1' : '0',
        TEST_JWT_SECRET: Buffer.from(c.server.services.tokens.secret).toString('base64'),
      },
    });
    children.push(run);
    const [, url] = await run.waitForLine(/^listening (\S+)/);
    return { run, url: url! };
  }

  it('the process dies after commit; once it is back, its relay delivers the event', async () => {
    const x = await stage(c, world, 42, 1, 5);
    const ws = wsClient(c.wsUrl, manager.headers);
    const before = c.live.subscriptionsStarted();
    const sub = ws.subscribe(EventsFollowDocument, { filter: x.filter });
    await c.live.waitForSubscriptionsStarted(before + 1);

    const crashing = await instance(true);
    await expect(api.assign(crashing, x.shiftId, x.volunteers[0]!)).rejects.toThrow();
    expect((await crashing.run.exited).code).toBe(CRASH_EXIT_CODE);

    // Committed: the assignment and its outbox row, which nobody has published.
    expect(await c.db.prisma.shiftAssignment.count({ where: { shiftId: x.shiftId, status: 'ASSIGNED' } })).toBe(1);
    const [row] = await stored(c, x.shiftId);
    expect(row).toMatchObject({ kind: 'ASSIGNED' });
    expect((await c.db.prisma.outboxEvent.findUniqueOrThrow({ where: { sequence: BigInt(row!.sequence) } })).sentAt).toBeNull();
    expect(sub.results.received).toHaveLength(0);

    // Restarted, the instance relays what it left unsent.
    const restarted = await instance(false);
    const [event] = await take(sub.results, 1);
    expect(event).toMatchObject({ kind: 'ASSIGNED', sequence: row!.sequence, shift: { id: gid('Shift', x.shiftId), assignedCount: 1 } });
    restarted.run.child.kill('SIGTERM');
    expect(await restarted.run.exited, restarted.run.output()).toEqual({ code: 0, signal: null });
    sub.stop();
    await ws.dispose();
  });
});
