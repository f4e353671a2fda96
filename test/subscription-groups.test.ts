import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import {
  AuthAssignVolunteerDocument,
  AuthLogoutDocument,
  AuthRosterEventPhonesDocument,
  AuthRosterEventsDocument,
  EventsFollowDocument,
  LiveCreateShiftsDocument,
  LiveEventsWithAddressesDocument,
} from './generated/graphql.js';
import { WS_CLOSE } from '../src/ws-limits.js';
import { ANONYMOUS, type AuthWorld, type Session, accountSession, authWorld, logIn } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { type ResultQueue, clientSet } from './support/live-clients.js';
import { acked, rawSocket, until } from './support/raw-socket.js';
import { futureSlot, makePost, makeShift, makeVolunteers, rosterWorld, shanghaiDate } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * Subscription groups (src/events/subscription-groups.ts): identical WebSocket subscriptions of the
 * same visibility class share one execution per event. What each socket receives must be exactly
 * what a subscription of its own receives — proven against SSE, which never groups — and the
 * roles, the sessions and the join points still hold per subscriber.
 */

describe('rosterChanged subscription groups over graphql-ws', () => {
  let t: TestServer;
  let bus: AppBus;
  let w: AuthWorld;
  let admin: Session;
  let managerA: Session;
  let managerB: Session;
  let day = 40;
  const clients = clientSet();

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    [admin, managerA, managerB] = await Promise.all([
      accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] }),
      accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteA.id }] }),
      accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteB.id }] }),
    ]);
  });
  afterAll(async () => {
    await clients.disposeAll();
    await t?.close();
    await bus?.close();
  });

  const groups = () => t.server.subscriptionGroups!.stats();
  const ws = (headers: Record<string, string>) => clients.ws(t.wsUrl, headers);

  async function stage() {
    day += 1;
    const times = futureSlot(day);
    const shift = (projectId: number, postId: number) =>
      makeShift(t.db.prisma, { projectId, postId, capacity: 10, minimum: 1, ...times }).then((x) => x.id);
    const volunteers = await makeVolunteers(t.db.prisma, w.sites.stationB.id, 4, `组播${day}-`);
    return { atA: await shift(w.ledProject.id, w.postA), atB: await shift(w.otherProject.id, w.postB), volunteers: volunteers.map((v) => v.id) };
  }

  async function assign(shiftId: number, volunteerId: number) {
    const result = await request(
      t.url,
      AuthAssignVolunteerDocument,
      { input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', volunteerId) } },
      admin.headers,
    );
    return expectType(result.data!.assignVolunteer, 'AssignVolunteerPayload').assignment;
  }


  it('runs one execution per event per group, and every socket gets exactly what a subscription of its own gets', async () => {
    const x = await stage();
    // Sockets: 3 anonymous, 2 of one ADMIN session, 2 of one manager of institute A, 1 of a manager
    // of institute B — 4 visibility classes. Each class also has an SSE subscription, which runs alone.
    const principals = [
      { name: 'anonymous', headers: ANONYMOUS, sockets: 3, expected: 4 },
      { name: 'admin', headers: admin.headers, sockets: 2, expected: 4 },
      { name: 'manager A', headers: managerA.headers, sockets: 2, expected: 2 },
      { name: 'manager B', headers: managerB.headers, sockets: 1, expected: 2 },
    ];
    const before = t.live.subscriptionsStarted();
    const executionsBefore = groups().executions;
    const subscriptions = principals.map((p) => ({
      ...p,
      grouped: Array.from({ length: p.sockets }, () => ws(p.headers).subscribe(AuthRosterEventPhonesDocument, {})),
      alone: clients.sse(t.url, p.headers).subscribe(AuthRosterEventPhonesDocument, {}),
    }));
    await t.live.waitForSubscriptionsStarted(before + 8 + 4);
    expect(groups()).toMatchObject({ groups: 4, members: 8 });

    // One change at institute B, one at institute A; each is ASSIGNED, then STAFFING_CHANGED.
    await assign(x.atB, x.volunteers[0]!);
    await assign(x.atA, x.volunteers[1]!);

    for (const s of subscriptions) {
      const alone = await s.alone.results.nextResults(s.expected);
      expect(alone.length, s.name).toBe(s.expected);
      for (const [i, sub] of s.grouped.entries()) {
        expect(await sub.results.nextResults(s.expected), `${s.name}, socket ${i}`).toEqual(alone);
      }
    }
    // Anonymous subscribers see the change but not the person; managers only their own institute.
    const shiftsOf = (i: number) => subscriptions[i]!.alone.results.received.map((r) => r.data?.rosterChanged.shift?.id);
    const assigned = (i: number) => subscriptions[i]!.alone.results.received.filter((r) => r.data?.rosterChanged.kind === 'ASSIGNED');
    expect(assigned(0).map((r) => [r.data?.rosterChanged.volunteer, r.errors?.[0]?.extensions?.code])).toEqual([
      [null, 'FORBIDDEN'],
      [null, 'FORBIDDEN'],
    ]);
    expect(assigned(1).map((r) => r.data?.rosterChanged.volunteer?.phone)).toEqual([expect.stringMatching(/^\+86/), expect.stringMatching(/^\+86/)]);
    expect(shiftsOf(2)).toEqual([gid('Shift', x.atA), gid('Shift', x.atA)]);
    expect(shiftsOf(3)).toEqual([gid('Shift', x.atB), gid('Shift', x.atB)]);

    // Executions: anonymous 4, admin 4, manager A 2, manager B 2 — not one per socket (which would be 24).
    expect(groups().executions - executionsBefore).toBe(12);

    for (const s of subscriptions) {
      for (const sub of s.grouped) sub.stop();
      s.alone.stop();
    }
    await until(() => groups().groups === 0);
  });

  it('three groups that select the same fields cost the statements of one per event', async () => {
    // Each event's rows are loaded once for every group that executes it (sharedField on the event;
    // Prisma also batches the same findUnique issued in one tick).
    const x = await stage();
    // Three ADMIN accounts: three groups, and no authorization lookups of their own (an anonymous
    // group, say, also checks that the shift is public).
    const [second, third] = await Promise.all([1, 2].map(() => accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] })));
    /** Statements from an assignment until every subscriber has its two events (ASSIGNED, STAFFING_CHANGED). */
    async function statementsFor(shiftId: number, volunteerId: number, subs: { results: ResultQueue<unknown> }[]) {
      t.queries.length = 0;
      await assign(shiftId, volunteerId);
      for (const sub of subs) await sub.results.nextResults(2);
      return t.queries.length;
    }
    let before = t.live.subscriptionsStarted();
    const one = [ws(admin.headers).subscribe(AuthRosterEventsDocument, {})];
    await t.live.waitForSubscriptionsStarted(before + 1);
    const alone = await statementsFor(x.atA, x.volunteers[0]!, one);

    before = t.live.subscriptionsStarted();
    const three = [...one, ...[second!, third!].map((s) => ws(s.headers).subscribe(AuthRosterEventsDocument, {}))];
    await t.live.waitForSubscriptionsStarted(before + 2);
    expect(groups()).toMatchObject({ groups: 3, members: 3 });
    expect(await statementsFor(x.atB, x.volunteers[1]!, three)).toBe(alone);
    for (const sub of three) (sub as { stop: () => void }).stop();
    await until(() => groups().groups === 0);
  });

  it('a member that joins a running group gets only later events; members leave without disturbing the rest; the last one stops the group', async () => {
    const x = await stage();
    const activeBefore = t.live.activeSubscriptions();
    let before = t.live.subscriptionsStarted();
    const first = ws(ANONYMOUS).subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);
    await assign(x.atA, x.volunteers[0]!);
    const seen = await first.results.nextResults(2);
    expect(seen.map((r) => r.data?.rosterChanged.kind)).toEqual(['ASSIGNED', 'STAFFING_CHANGED']);

    before = t.live.subscriptionsStarted();
    const second = ws(ANONYMOUS).subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);
    expect(groups()).toMatchObject({ groups: 1, members: 2 });
    await assign(x.atA, x.volunteers[1]!);
    const [a, b] = [await first.results.nextResult(), await second.results.nextResult()];
    expect(a.data?.rosterChanged).toMatchObject({ kind: 'ASSIGNED', shift: { id: gid('Shift', x.atA) } });
    expect(b).toEqual(a);
    expect(second.results.received).toHaveLength(1);

    first.stop();
    await until(() => groups().members === 1);
    await assign(x.atB, x.volunteers[2]!);
    const third = await second.results.nextResults(2);
    expect(third.map((r) => [r.data?.rosterChanged.kind, r.data?.rosterChanged.shift?.id])).toEqual([
      ['ASSIGNED', gid('Shift', x.atB)],
      ['STAFFING_CHANGED', gid('Shift', x.atB)],
    ]);
    expect(first.results.received).toHaveLength(3);

    second.stop();
    await until(() => groups().groups === 0 && t.live.activeSubscriptions() === activeBefore);
  });

  it('two sessions of one account share a group; logging one out ends only its own stream', async () => {
    const x = await stage();
    const other = await logIn(t.url, admin.phone, admin.password);
    const before = t.live.subscriptionsStarted();
    const leaving = ws(other.headers);
    const staying = ws(admin.headers);
    const left = leaving.subscribe(AuthRosterEventPhonesDocument, {});
    const stays = staying.subscribe(AuthRosterEventPhonesDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 2);
    expect(groups()).toMatchObject({ groups: 1, members: 2 });

    const out = await request(t.url, AuthLogoutDocument, {}, other.headers);
    expect(out.data?.logout.__typename).toBe('LogoutPayload');
    await until(() => leaving.closes.includes(4401));
    await until(() => groups().members === 1);

    await assign(x.atA, x.volunteers[0]!);
    expect((await stays.results.next()).rosterChanged.volunteer?.id).toBe(gid('Volunteer', x.volunteers[0]!));
    expect(left.results.received).toHaveLength(0);
    stays.stop();
    await until(() => groups().groups === 0);
  });

  it('a subscription that resumes with `after` runs alone; with `after: null` it joins', async () => {
    const x = await stage();
    const client = ws(admin.headers);
    const position = t.server.services.events.feed.position;
    const before = t.live.subscriptionsStarted();
    const resuming = client.subscribe(EventsFollowDocument, { after: String(position) });
    const live = client.subscribe(EventsFollowDocument, { after: null });
    await t.live.waitForSubscriptionsStarted(before + 2);
    expect(groups()).toMatchObject({ groups: 1, members: 1 });
    await assign(x.atA, x.volunteers[0]!);
    const [r, l] = [await resuming.results.next(), await live.results.next()];
    expect(r.rosterChanged.sequence).toBe(position + 1);
    expect(l).toEqual(r);
    resuming.stop();
    live.stop();
    await until(() => groups().groups === 0);
  });
});

describe('a slow member of a subscription group', () => {
  it('is closed as a slow consumer while the rest of its group receives every event, in order', async () => {
    // Its own server: 64 KiB of unsent data at most per socket.
    // PostgreSQL: each event's execution waits on the network, so this process reads its sockets meanwhile.
    const t = await startTestServer('postgres', { server: { wsLimits: { maxBufferedBytes: 64 * 1024, maxOperationsPerSecond: 100_000 } } });
    const world = await rosterWorld(t.db.prisma, 'slow');
    // 20 posts with 30 KB addresses; 24 shifts each: 480 events of ~30 KB, far more than loopback buffers hold.
    const posts = await Promise.all(Array.from({ length: 20 }, (_, i) => makePost(t.db.prisma, world.sites.stationA.id, `长地址岗${i}`)));
    await t.db.prisma.dutyPost.updateMany({ where: { id: { in: posts.map((p) => p.id) } }, data: { address: '地'.repeat(10_000) } });
    const query = LiveEventsWithAddressesDocument.toString();
    const slow = rawSocket(t.wsUrl, t.anonymous);
    const reader = rawSocket(t.wsUrl, t.anonymous);
    try {
      await Promise.all([acked(slow), acked(reader)]);
      const before = t.live.subscriptionsStarted();
      slow.subscribe('s', query, {});
      reader.subscribe('r', query, {});
      await t.live.waitForSubscriptionsStarted(before + 2);
      expect(t.server.subscriptionGroups!.stats()).toMatchObject({ groups: 1, members: 2 });
      slow.ws.pause();

      const created = (
        await gql(t.url, LiveCreateShiftsDocument, {
          input: {
            projectId: gid('Project', world.projectId),
            postIds: posts.map((p) => gid('DutyPost', p.id)),
            dates: [shanghaiDate(5)],
            windows: Array.from({ length: 24 }, (_, h) => ({ start: `${String(h).padStart(2, '0')}:00`, end: `${String(h + 1).padStart(2, '0')}:00` })),
            capacity: 2,
            role: '文明引导',
          },
        }, t.admin)
      ).createShifts;
      expect(expectType(created, 'CreateShiftsPayload').count).toBe(480);

      await reader.waitFor((m) => m.type === 'next', 480);
      const sequences = reader.messages.filter((m) => m.type === 'next').map((m) => m.payload.data.rosterChanged.sequence as number);
      expect(sequences).toEqual(Array.from({ length: 480 }, (_, i) => sequences[0]! + i));
      await until(() => t.server.wsLimits.slowConsumersClosed === 1);
      slow.ws.resume();
      expect((await slow.closed).code).toBe(WS_CLOSE.SLOW_CONSUMER);
      expect(slow.messages.filter((m) => m.type === 'next').length).toBeLessThan(480);
      await until(() => t.server.subscriptionGroups!.stats().members === 1);
    } finally {
      reader.ws.close(1000);
      await reader.closed;
      await t.close();
    }
  });
});
