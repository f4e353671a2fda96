import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { createLogger } from '../src/logger.js';
import {
  LiveAssignDocument,
  EventsBoardDocument,
  EventsBoardLiveDocument,
  EventsFollowDocument,
  type EventsFollowSubscription,
} from './generated/graphql.js';
import { accountSession, type Session } from './support/accounts.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { type ResultQueue, sseClient, wsClient } from './support/live-clients.js';
import { futureSlot, makeShift, makeVolunteers, rosterWorld, type RosterWorld } from './support/roster-fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Resuming `rosterChanged` after a disconnect: `after` (or SSE's Last-Event-ID) replays exactly the
 * stored events after that point, then the stream goes live with no gap and no repeat. Every
 * request acts as a SITE_MANAGER of the test city's center (explicit headers).
 */

type RosterEventData = EventsFollowSubscription['rosterChanged'];
const HOUR = 3_600_000;

describe('rosterChanged resumes after a point', () => {
  const clock = manualClock(new Date());
  let t: TestServer;
  let bus: AppBus;
  let world: RosterWorld;
  let manager: Session;
  let day = 30;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock });
    world = await rosterWorld(t.db.prisma, randomBytes(3).toString('hex'));
    manager = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.center.id }] });
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
  });

  /** A fresh shift with room for everyone (minimum 0: no staffing events), and volunteers for it. */
  async function stage(volunteers: number) {
    day += 1;
    const shift = await makeShift(t.db.prisma, {
      projectId: world.projectId,
      postId: world.postId,
      capacity: 100,
      minimum: 0,
      ...futureSlot(day),
    });
    const people = await makeVolunteers(t.db.prisma, world.sites.stationA.id, volunteers, `续${day}-`);
    return { shiftId: shift.id, filter: { shiftId: gid('Shift', shift.id) }, volunteers: people.map((v) => v.id) };
  }

  const assign = async (shiftId: number, volunteerId: number) =>
    expectType(
      (
        await gql(
          t.url,
          LiveAssignDocument,
          { input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', volunteerId) } },
          manager.headers,
        )
      ).assignVolunteer,
      'AssignVolunteerPayload',
    ).assignment;

  /** The stored sequences of a shift's events, in order. */
  const stored = async (shiftId: number) =>
    (await t.db.prisma.outboxEvent.findMany({ where: { shiftId }, orderBy: { sequence: 'asc' } })).map((r) => Number(r.sequence));

  const take = async (results: ResultQueue<EventsFollowSubscription>, n: number): Promise<RosterEventData[]> =>
    (await results.take(n)).map((d) => d.rosterChanged);

  it('graphql-ws: disconnect, 20 events, reconnect with `after` → exactly those 20, then live ones', async () => {
    const x = await stage(22);
    const first = wsClient(t.wsUrl, manager.headers);
    const before = t.live.subscriptionsStarted();
    const sub = first.subscribe(EventsFollowDocument, { filter: x.filter });
    await t.live.waitForSubscriptionsStarted(before + 1);
    await assign(x.shiftId, x.volunteers[0]!);
    const [seen] = await take(sub.results, 1);
    expect(seen).toMatchObject({ kind: 'ASSIGNED', id: gid('RosterEvent', seen!.sequence) });
    sub.stop();
    await first.dispose();

    // 20 changes while the dashboard is away.
    for (const v of x.volunteers.slice(1, 21)) await assign(x.shiftId, v);
    const missed = (await stored(x.shiftId)).slice(1);
    expect(missed).toHaveLength(20);

    const again = wsClient(t.wsUrl, manager.headers);
    const resumed = again.subscribe(EventsFollowDocument, { filter: x.filter, after: String(seen!.sequence) });
    const replayed = await take(resumed.results, 20);
    expect(replayed.map((e) => e.sequence)).toEqual(missed);
    expect(replayed.every((e) => e.kind === 'ASSIGNED')).toBe(true);
    // The shift as it is now: all 21 on it, whichever replayed event it comes with.
    expect(replayed[0]!.shift?.assignedCount).toBe(21);

    // Then live, continuing the same order with nothing repeated.
    await assign(x.shiftId, x.volunteers[21]!);
    const [live] = await take(resumed.results, 1);
    expect(live!.sequence).toBe((await stored(x.shiftId)).at(-1));
    expect(live!.sequence).toBeGreaterThan(missed.at(-1)!);
    expect(resumed.results.unread).toBe(0);
    resumed.stop();
    await again.dispose();
  });

  it('`after` takes the event’s global ID as well as its sequence', async () => {
    const x = await stage(3);
    for (const v of x.volunteers) await assign(x.shiftId, v);
    const [a, b, c] = await stored(x.shiftId);
    const client = wsClient(t.wsUrl, manager.headers);
    const sub = client.subscribe(EventsFollowDocument, { filter: x.filter, after: gid('RosterEvent', a!) });
    expect((await take(sub.results, 2)).map((e) => e.sequence)).toEqual([b, c]);
    sub.stop();
    await client.dispose();
  });

  it('SSE: Last-Event-ID resumes the same way', async () => {
    const x = await stage(6);
    for (const v of x.volunteers.slice(0, 5)) await assign(x.shiftId, v);
    const [first, ...rest] = await stored(x.shiftId);
    const client = sseClient(t.url, { ...manager.headers, 'last-event-id': String(first) });
    const sub = client.subscribe(EventsFollowDocument, { filter: x.filter });
    expect((await take(sub.results, 4)).map((e) => e.sequence)).toEqual(rest);
    // The replay came after the stream started listening, so this change arrives live.
    await assign(x.shiftId, x.volunteers[5]!);
    expect((await take(sub.results, 1))[0]!.sequence).toBe((await stored(x.shiftId)).at(-1));
    sub.stop();
    await client.dispose();
  });

  it('SSE: each event carries `id: <sequence>` (selected or not), and that id as Last-Event-ID resumes after it', async () => {
    const x = await stage(4);
    // Raw SSE, the way a browser EventSource reads it. The selection leaves out `sequence` and `id`:
    // the id line comes from the event itself.
    const open = async (headers: Record<string, string>) => {
      const controller = new AbortController();
      const response = await fetch(t.url, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...manager.headers, ...headers },
        body: JSON.stringify({
          query: 'subscription($f: RosterChangedFilter) { rosterChanged(filter: $f) { kind } }',
          variables: { f: x.filter },
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      /** The next `event: next` message, as its fields. */
      const next = async (): Promise<{ id?: string; data: unknown }> => {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = message.split('\n').filter((line) => !line.startsWith(':') && line !== '');
            if (!fields.includes('event: next')) continue;
            const id = fields.find((line) => line.startsWith('id: '))?.slice(4);
            const data = JSON.parse(fields.find((line) => line.startsWith('data: '))!.slice(6));
            return { id, data };
          }
          const chunk = await reader.read();
          if (chunk.done) throw new Error('the SSE stream ended');
          buffer += chunk.value;
        }
      };
      return { next, close: () => controller.abort() };
    };

    const before = t.live.subscriptionsStarted();
    const stream = await open({});
    await t.live.waitForSubscriptionsStarted(before + 1);
    await assign(x.shiftId, x.volunteers[0]!);
    await assign(x.shiftId, x.volunteers[1]!);
    const [a, b] = [await stream.next(), await stream.next()];
    expect([a.data, b.data]).toEqual([{ data: { rosterChanged: { kind: 'ASSIGNED' } } }, { data: { rosterChanged: { kind: 'ASSIGNED' } } }]);
    expect([a.id, b.id]).toEqual((await stored(x.shiftId)).map(String));
    stream.close();

    // Reconnecting with the first id as Last-Event-ID (what EventSource sends) brings the second, then live ones.
    await assign(x.shiftId, x.volunteers[2]!);
    const resumed = await open({ 'last-event-id': a.id! });
    const replayed = await resumed.next();
    expect(replayed.id).toBe(b.id);
    const missed = await resumed.next();
    expect(missed.id).toBe(String((await stored(x.shiftId)).at(-1)));
    resumed.close();
  });

  it('a dutyBoard snapshot carries the sequence it reflects; following it from there misses nothing', async () => {
    const x = await stage(2);
    await assign(x.shiftId, x.volunteers[0]!);
    const site = gid('Site', world.sites.stationA.id);
    const board = (await gql(t.url, EventsBoardDocument, { siteId: site }, manager.headers)).dutyBoard!;
    expect(board.sequence).toBe((await stored(x.shiftId)).at(-1));

    // A change after the snapshot, made before the dashboard subscribes: `after` still brings it.
    await assign(x.shiftId, x.volunteers[1]!);
    const client = wsClient(t.wsUrl, manager.headers);
    const sub = client.subscribe(EventsFollowDocument, { filter: { siteId: site }, after: String(board.sequence) });
    const [next] = await take(sub.results, 1);
    expect(next).toMatchObject({ kind: 'ASSIGNED', sequence: (await stored(x.shiftId)).at(-1) });
    // The live board says the same.
    const live = client.subscribe(EventsBoardLiveDocument, { siteId: site });
    expect((await live.results.next()).dutyBoard.sequence).toBe(next!.sequence);
    sub.stop();
    live.stop();
    await client.dispose();
  });

  it('resuming from a pruned point (older than EVENT_RETENTION_HOURS) or from beyond the log is a typed error', async () => {
    const x = await stage(2);
    await assign(x.shiftId, x.volunteers[0]!);
    const [old] = await stored(x.shiftId);
    // Everything so far has been relayed (no Redis here: rows are written sent); 49 hours pass.
    clock.advance(49 * HOUR);
    await assign(x.shiftId, x.volunteers[1]!);
    expect(await t.server.services.events.prune()).toBeGreaterThan(0);

    const client = wsClient(t.wsUrl, manager.headers);
    for (const after of [String(old! - 1), '999999999']) {
      const sub = client.subscribe(EventsFollowDocument, { filter: x.filter, after });
      const failure = await sub.results.nextResult().catch((error: unknown) => ({ errors: error as { extensions?: Record<string, unknown> }[] }));
      expect(failure.errors?.[0]?.extensions?.code, `after ${after}`).toBe('EVENTS_EXPIRED');
      expect(JSON.stringify(failure.errors)).toMatch(/reload the snapshot/);
    }
    const malformed = client.subscribe(EventsFollowDocument, { filter: x.filter, after: 'yesterday' });
    const bad = await malformed.results.nextResult().catch((error: unknown) => ({ errors: error as { extensions?: Record<string, unknown> }[] }));
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await client.dispose();
  });
});

describe('live streams end cleanly when the server stops', () => {
  it('SSE: the stream completes instead of hanging', async () => {
    const t = await startTestServer('pglite');
    const world = await rosterWorld(t.db.prisma, randomBytes(3).toString('hex'));
    const admin = { authorization: `Bearer ${t.adminToken}` };
    const client = sseClient(t.url, admin);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(EventsFollowDocument, { filter: { siteId: gid('Site', world.sites.center.id) } });
    await t.live.waitForSubscriptionsStarted(before + 1);
    await t.close();
    await expect(sub.results.nextResult()).rejects.toThrow('subscription completed');
    expect(sub.results.failure).toBeUndefined();
    expect(t.live.activeSubscriptions()).toBe(0);
    await client.dispose();
  });
});
