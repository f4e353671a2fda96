import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import {
  AuthAssignVolunteerDocument,
  AuthRosterEventPhonesDocument,
  AuthRosterEventsDocument,
  AuthSelfSignUpDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type AuthWorld, type Session, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { sseClient, wsClient } from './support/live-clients.js';
import { futureSlot, makeShift, makeVolunteers } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * rosterChanged per role, over graphql-ws and SSE with real tokens. Scoped staff (site managers,
 * team leaders) hear only their part of the city; everyone else hears every change, with the
 * person fields guarded by the type rules. Each test fires the change its subscriber must NOT
 * hear first, so a leak would be the first event received.
 */

describe('rosterChanged per role', () => {
  let t: TestServer;
  let bus: AppBus;
  let w: AuthWorld;
  let s: { admin: Session; manager: Session; leader: Session; volunteer: Session };
  let day = 10;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
  });

  /** Fresh shifts on a day of their own, and fresh volunteers (no double bookings between tests). */
  async function stage() {
    day += 1;
    const times = futureSlot(day);
    const shift = (projectId: number, postId: number) =>
      makeShift(t.db.prisma, { projectId, postId, capacity: 10, minimum: 1, ...times }).then((x) => x.id);
    const volunteers = await makeVolunteers(t.db.prisma, w.sites.stationB.id, 3, `实时${day}-`);
    return {
      /** The led team's project, at station A (institute A). */
      ledAtA: await shift(w.ledProject.id, w.postA),
      /** The led team's project, at a post at station B. */
      ledAtB: await shift(w.ledProject.id, w.postB),
      /** Another team's project at station B (institute B). */
      otherAtB: await shift(w.otherProject.id, w.postB),
      volunteers: volunteers.map((v) => v.id),
    };
  }

  /** The admin puts a volunteer on a shift over HTTP. */
  async function assign(shiftId: number, volunteerId: number) {
    const result = await request(
      t.url,
      AuthAssignVolunteerDocument,
      { input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', volunteerId) } },
      s.admin.headers,
    );
    return expectType(result.data!.assignVolunteer, 'AssignVolunteerPayload').assignment;
  }

  const transports = [
    ['graphql-ws', (url: { ws: string; http: string }, headers: Record<string, string>) => wsClient(url.ws, headers)],
    ['SSE', (url: { ws: string; http: string }, headers: Record<string, string>) => sseClient(url.http, headers)],
  ] as const;
  const urls = () => ({ ws: t.wsUrl, http: t.url });

  it.each(transports)('%s: a SITE_MANAGER of institute A hears nothing of station B, even asking for the whole city', async (_name, connect) => {
    const x = await stage();
    const client = connect(urls(), s.manager.headers);
    const before = t.live.subscriptionsStarted();
    const unfiltered = client.subscribe(AuthRosterEventsDocument, {});
    const wholeCity = client.subscribe(AuthRosterEventsDocument, { filter: { siteId: gid('Site', w.sites.center.id) } });
    await t.live.waitForSubscriptionsStarted(before + 2);

    await assign(x.otherAtB, x.volunteers[0]!);
    await assign(x.ledAtA, x.volunteers[1]!);

    for (const sub of [unfiltered, wholeCity]) {
      const first = (await sub.results.next()).rosterChanged;
      expect(first.shift?.id, `heard ${first.kind} of station B`).toBe(gid('Shift', x.ledAtA));
      expect(first).toMatchObject({ kind: 'ASSIGNED', volunteer: { id: gid('Volunteer', x.volunteers[1]!) } });
      sub.stop();
    }
    await client.dispose();
  });

  it('graphql-ws: a TEAM_LEADER hears their team’s project (wherever its post is), not another team’s', async () => {
    const x = await stage();
    const client = wsClient(t.wsUrl, s.leader.headers);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);

    // Another team's project at station B, then the led team's project at the same post.
    await assign(x.otherAtB, x.volunteers[0]!);
    await assign(x.ledAtB, x.volunteers[1]!);

    const first = (await sub.results.next()).rosterChanged;
    expect(first.shift?.id, `heard ${first.kind} of another team's project`).toBe(gid('Shift', x.ledAtB));
    expect(first.kind).toBe('ASSIGNED');
    sub.stop();
    await client.dispose();
  });

  it('graphql-ws: an ADMIN hears everything, station B included', async () => {
    const x = await stage();
    const client = wsClient(t.wsUrl, s.admin.headers);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);
    await assign(x.otherAtB, x.volunteers[0]!);
    const first = (await sub.results.next()).rosterChanged;
    expect(first).toMatchObject({
      kind: 'ASSIGNED',
      shift: { id: gid('Shift', x.otherAtB) },
      volunteer: { id: gid('Volunteer', x.volunteers[0]!) },
    });
    sub.stop();
    await client.dispose();
  });

  it.each(transports)('%s: anonymous subscribers get events, but `volunteer` is null with FORBIDDEN', async (_name, connect) => {
    const x = await stage();
    const client = connect(urls(), ANONYMOUS);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);
    await assign(x.otherAtB, x.volunteers[0]!);

    const result = await sub.results.nextResult();
    expect(result.data?.rosterChanged).toMatchObject({ kind: 'ASSIGNED', shift: { id: gid('Shift', x.otherAtB) }, volunteer: null });
    expect(codesOf(result.errors)).toEqual(['FORBIDDEN']);
    sub.stop();
    await client.dispose();
  });

  it('graphql-ws: an anonymous subscriber is not sent bare errors when a shift fills up', async () => {
    // A shift that fills up is no longer public; its event must either not reach an anonymous
    // subscriber or arrive with what is public (its kind), not as a result without data.
    const x = await stage();
    const tiny = (await makeShift(t.db.prisma, { projectId: w.otherProject.id, postId: w.postB, capacity: 1, minimum: 1, ...futureSlot(day, 14) })).id;
    const client = wsClient(t.wsUrl, ANONYMOUS);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);

    await assign(tiny, x.volunteers[0]!);
    await assign(x.otherAtB, x.volunteers[1]!);

    const first = await sub.results.nextResult();
    expect(first.data?.rosterChanged, `an error-only result: ${JSON.stringify(first.errors)}`).toBeTruthy();
    sub.stop();
    await client.dispose();
  });

  it('graphql-ws: a VOLUNTEER hears changes, with only their own phone', async () => {
    const x = await stage();
    const client = wsClient(t.wsUrl, s.volunteer.headers);
    const before = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventPhonesDocument, { filter: { shiftId: gid('Shift', x.otherAtB) } });
    await t.live.waitForSubscriptionsStarted(before + 1);

    await assign(x.otherAtB, x.volunteers[0]!);
    const signUp = await request(
      t.url,
      AuthSelfSignUpDocument,
      { input: { shiftId: gid('Shift', x.otherAtB), volunteerId: gid('Volunteer', w.people.plain.id) } },
      s.volunteer.headers,
    );
    expectType(signUp.data!.selfSignUp, 'SelfSignUpPayload');

    const assigned: { volunteer: unknown; errors: unknown[] }[] = [];
    while (assigned.length < 2) {
      const result = await sub.results.nextResult();
      if (result.data?.rosterChanged.kind !== 'ASSIGNED') continue;
      assigned.push({ volunteer: result.data.rosterChanged.volunteer, errors: codesOf(result.errors) });
    }
    expect(assigned).toEqual([
      { volunteer: { id: gid('Volunteer', x.volunteers[0]!), phone: null }, errors: ['FORBIDDEN'] },
      { volunteer: { id: gid('Volunteer', w.people.plain.id), phone: w.people.plain.phone }, errors: [] },
    ]);
    sub.stop();
    await client.dispose();
  });
});
