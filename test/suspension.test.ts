import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import {
  AuthPersonalDataDocument,
  AuthRosterEventsDocument,
  AuthUpdateVolunteerDocument,
  AuthViewerDocument,
} from './generated/graphql.js';
import { type AuthWorld, type Session, codesOf, logIn, loginOverHttp, roleSessions } from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { wsClient } from './support/live-clients.js';
import { authWorld } from './support/accounts.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Suspension takes everything away at once (issue 8, item 3). On the base commit a suspended team
 * leader kept their sessions, kept reading members' phone numbers, and could log in again.
 */

describe.each(DATABASE_KINDS)('suspension on %s', (kind) => {
  let t: TestServer;
  let bus: AppBus;
  let w: AuthWorld;
  let s: Awaited<ReturnType<typeof roleSessions>>;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer(kind, { pubsub: bus });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
  });

  const setStatus = (volunteerId: number, status: 'ACTIVE' | 'SUSPENDED', headers: Record<string, string>) =>
    request(t.url, AuthUpdateVolunteerDocument, { input: { id: gid('Volunteer', volunteerId), status } }, headers);
  const memberPhone = (session: Session) =>
    request(t.url, AuthPersonalDataDocument, { id: gid('Volunteer', w.people.member.id) }, session.headers);

  it('suspending a team leader closes their sockets with 4401, ends their sessions and stops their logins', async () => {
    // Before: the leader reads their member's phone and holds a live subscription.
    expect((await memberPhone(s.leader)).data?.volunteer?.phone).toBe(w.people.member.phone);
    const second = await logIn(t.url, s.leader.phone, s.leader.password);
    const client = wsClient(t.wsUrl, s.leader.headers);
    const started = t.live.subscriptionsStarted();
    const sub = client.subscribe(AuthRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(started + 1);

    const suspended = await setStatus(w.people.leader.id, 'SUSPENDED', s.manager.headers);
    expect(expectType(suspended.data!.updateVolunteer, 'UpdateVolunteerPayload').volunteer.status).toBe('SUSPENDED');

    await expect(sub.results.nextResult()).rejects.toThrow(/close code 4401/);
    expect(client.closes).toEqual([4401]);
    await client.dispose();

    // Both sessions are over, on HTTP too: no PII, no viewer.
    for (const session of [s.leader, second]) {
      const refused = await memberPhone(session);
      expect(codesOf(refused.errors)).toEqual(['UNAUTHENTICATED']);
      expect(refused.data?.volunteer ?? null).toBeNull();
    }
    const sessions = await t.db.prisma.authSession.findMany({ where: { accountId: s.leader.accountId } });
    expect(sessions.map((x) => x.revokedReason)).toEqual(sessions.map(() => 'account suspended'));

    // Login says why — only to someone with the right password.
    const login = await loginOverHttp(t.url, s.leader.phone, s.leader.password);
    expect(login).toMatchObject({ __typename: 'AccountSuspendedError', message: expect.stringMatching(/suspended/) });
    expect((await loginOverHttp(t.url, s.leader.phone, 'not the password at all')).__typename).toBe('InvalidCredentialsError');

    // Reinstated, they log in again and lead again.
    expectType((await setStatus(w.people.leader.id, 'ACTIVE', s.manager.headers)).data!.updateVolunteer, 'UpdateVolunteerPayload');
    const back = await logIn(t.url, s.leader.phone, s.leader.password);
    expect((await memberPhone(back)).data?.volunteer?.phone).toBe(w.people.member.phone);
    s.leader = back;
  });

  it('a suspended person’s roles confer nothing even with a session that was not revoked', async () => {
    // Suspension written straight to the database (no revocation): the token check itself refuses.
    await t.db.prisma.volunteer.update({ where: { id: w.people.leader.id }, data: { status: 'SUSPENDED' } });
    const viewer = await request(t.url, AuthViewerDocument, {}, s.leader.headers);
    expect(codesOf(viewer.errors)).toEqual(['UNAUTHENTICATED']);
    expect(codesOf((await memberPhone(s.leader)).errors)).toEqual(['UNAUTHENTICATED']);
    await t.db.prisma.volunteer.update({ where: { id: w.people.leader.id }, data: { status: 'ACTIVE' } });
    const restored = await request(t.url, AuthViewerDocument, {}, s.leader.headers);
    expect(restored.data?.viewer?.roles).toEqual(['TEAM_LEADER', 'VOLUNTEER']);
  });

  it('only a manager of the home site can suspend; a volunteer cannot suspend or reinstate themself', async () => {
    expect(codesOf((await setStatus(w.people.plain.id, 'SUSPENDED', s.volunteer.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(codesOf((await setStatus(w.people.member.id, 'SUSPENDED', s.leader.headers)).errors)).toEqual(['FORBIDDEN']);
    expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: w.people.member.id } })).status).toBe('ACTIVE');
    // The volunteer's own session is untouched by the refused attempts.
    expect((await request(t.url, AuthViewerDocument, {}, s.volunteer.headers)).data?.viewer?.phone).toBe(s.volunteer.phone);
  });
});
