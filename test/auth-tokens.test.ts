import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { developmentTokens } from '../src/server.js';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import {
  AuthAssignVolunteerDocument,
  AuthLogoutDocument,
  AuthRefreshTokenDocument,
  AuthRosterEventsDocument,
  AuthViewerDocument,
} from './generated/graphql.js';
import {
  ANONYMOUS,
  type Session,
  accountSession,
  bearer,
  codesOf,
  logIn,
  rawPost,
  signAccessToken,
} from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { sseClient, wsClient } from './support/live-clients.js';
import { futureSlot, makeShift, makeVolunteers, rosterWorld } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

const VIEWER = { query: AuthViewerDocument.toString() };

describe.each(DATABASE_KINDS)('access and refresh tokens on %s', (kind) => {
  let t: TestServer;
  let bus: AppBus;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer(kind, { pubsub: bus });
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
  });

  const viewerWith = (headers: Record<string, string>) => rawPost(t.url, VIEWER, headers);
  const refresh = async (refreshToken: string) => {
    const result = await request(t.url, AuthRefreshTokenDocument, { input: { refreshToken } }, ANONYMOUS);
    expect(result.errors).toBeUndefined();
    return result.data!.refreshToken;
  };

  /** The request was refused as a whole: HTTP 401 and one UNAUTHENTICATED error, no data. */
  async function expectUnauthenticated(headers: Record<string, string>, message?: RegExp) {
    const response = await viewerWith(headers);
    expect(response.status, JSON.stringify(response.body)).toBe(401);
    expect(codesOf(response.body.errors)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data ?? null).toBeNull();
    if (message) expect(response.body.errors![0]!.message).toMatch(message);
  }

  const expectViewer = async (headers: Record<string, string>, phone: string) => {
    const response = await viewerWith(headers);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.data).toMatchObject({ viewer: { phone } });
  };

  describe('expiry', () => {
    let me: Session;
    beforeAll(async () => {
      me = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
    });

    it('a token signed the server’s way works while valid (control)', async () => {
      const token = await signAccessToken({ accountId: me.accountId, sessionId: me.sessionId, expiresIn: 600 });
      await expectViewer(bearer(token), me.phone);
    });

    it('an expired access token: HTTP 401, UNAUTHENTICATED, saying it expired', async () => {
      const token = await signAccessToken({ accountId: me.accountId, sessionId: me.sessionId, expiresIn: -5 });
      await expectUnauthenticated(bearer(token), /expired/);
      // Over the typed client too: the error comes back, not data.
      const typed = await request(t.url, AuthViewerDocument, {}, bearer(token));
      expect(codesOf(typed.errors)).toEqual(['UNAUTHENTICATED']);
    });

    it('an expired access token on graphql-ws: the socket is closed with 4401', async () => {
      const token = await signAccessToken({ accountId: me.accountId, sessionId: me.sessionId, expiresIn: -5 });
      const client = wsClient(t.wsUrl, bearer(token));
      const sub = client.subscribe(AuthRosterEventsDocument, {});
      await expect(sub.results.nextResult()).rejects.toThrow(/close code 4401/);
      expect(client.closes).toEqual([4401]);
      await client.dispose();
    });

    it('an expired access token on SSE: the subscription is refused', async () => {
      const token = await signAccessToken({ accountId: me.accountId, sessionId: me.sessionId, expiresIn: -5 });
      const client = sseClient(t.url, bearer(token));
      const sub = client.subscribe(AuthRosterEventsDocument, {});
      await expect(sub.results.nextResult()).rejects.toThrow(/401|UNAUTHENTICATED|expired/);
      await client.dispose();
    });

    it('a valid token on graphql-ws is accepted (control), anonymous too', async () => {
      for (const params of [me.headers, ANONYMOUS]) {
        const client = wsClient(t.wsUrl, params);
        const before = t.live.subscriptionsStarted();
        const sub = client.subscribe(AuthRosterEventsDocument, {});
        await t.live.waitForSubscriptionsStarted(before + 1);
        expect(client.closes).toEqual([]);
        sub.stop();
        await client.dispose();
      }
    });
  });

  describe('malformed or forged Authorization', () => {
    let me: Session;
    beforeAll(async () => {
      me = await accountSession(t.url, t.db.prisma);
    });

    it.each([
      ['a scheme other than Bearer', () => 'Basic dXNlcjpwYXNzd29yZA=='],
      ['Bearer without a token', () => 'Bearer'],
      ['Bearer with two tokens', () => 'Bearer abc def'],
      ['a bare token without a scheme', () => me.accessToken],
      ['Bearer with garbage', () => 'Bearer not-a-jwt'],
      ['a token with a mangled signature', () => `Bearer ${me.accessToken.slice(0, -4)}AAAA`],
    ])('%s → 401 UNAUTHENTICATED', async (_name, header) => {
      await expectUnauthenticated({ authorization: header() });
    });

    it('a token signed with another secret, with alg "none", or for another audience → 401', async () => {
      const claims = { accountId: me.accountId, sessionId: me.sessionId, expiresIn: 600 };
      const otherSecret = await signAccessToken({ ...claims, secret: new TextEncoder().encode('x'.repeat(48)) });
      await expectUnauthenticated(bearer(otherSecret));
      const unsigned = new UnsecuredJWT({ sid: me.sessionId })
        .setSubject(String(me.accountId))
        .setIssuer('volunteer-api')
        .setAudience('volunteer-api')
        .setExpirationTime('10m')
        .encode();
      await expectUnauthenticated(bearer(unsigned));
      await expectUnauthenticated(bearer(await signAccessToken({ ...claims, audience: 'someone-else' })));
    });

    it('a well-signed token naming another account’s session, or no session → 401', async () => {
      const other = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
      // My account id with the admin's session: must not become the admin (nor me).
      await expectUnauthenticated(bearer(await signAccessToken({ accountId: me.accountId, sessionId: other.sessionId, expiresIn: 600 })));
      await expectUnauthenticated(
        bearer(await signAccessToken({ accountId: me.accountId, sessionId: '00000000-0000-4000-8000-000000000000', expiresIn: 600 })),
      );
      // A token without a session id at all.
      const noSid = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(me.accountId))
        .setIssuer('volunteer-api')
        .setAudience('volunteer-api')
        .setExpirationTime('10m')
        .sign(developmentTokens().secret);
      await expectUnauthenticated(bearer(noSid));
    });

    it('a malformed token on graphql-ws closes the socket with 4401', async () => {
      const client = wsClient(t.wsUrl, { authorization: 'Bearer not-a-jwt' });
      const sub = client.subscribe(AuthRosterEventsDocument, {});
      await expect(sub.results.nextResult()).rejects.toThrow(/close code 4401/);
      expect(client.closes).toEqual([4401]);
      await client.dispose();
    });
  });

  describe('refresh rotation', () => {
    it('each refresh token works once; reusing a rotated one revokes the whole session', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      const first = expectType(await refresh(me.refreshToken), 'RefreshTokenPayload').tokens;
      expect(first.refreshToken).not.toBe(me.refreshToken);
      await expectViewer(bearer(first.accessToken), me.phone);

      // The new refresh token works once…
      const second = expectType(await refresh(first.refreshToken), 'RefreshTokenPayload').tokens;
      await expectViewer(bearer(second.accessToken), me.phone);
      // …and after its rotation it is refused: presenting it again is a reuse.
      const reused = expectType(await refresh(first.refreshToken), 'InvalidRefreshTokenError');
      expect(reused).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/already used/) });

      // The session is gone: the newest refresh token and every access token of it stop working.
      expectType(await refresh(second.refreshToken), 'InvalidRefreshTokenError');
      await expectUnauthenticated(bearer(second.accessToken), /session has ended/);
      await expectUnauthenticated(me.headers);
      const row = await t.db.prisma.authSession.findUniqueOrThrow({ where: { id: me.sessionId } });
      expect(row).toMatchObject({ revokedReason: 'refresh token reused' });
      expect(row.revokedAt).toBeInstanceOf(Date);

      // Logging in again starts a new, working session.
      const again = await logIn(t.url, me.phone, me.password);
      await expectViewer(again.headers, me.phone);
    });

    it('the original (login) refresh token is refused after its first use', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      expectType(await refresh(me.refreshToken), 'RefreshTokenPayload');
      expectType(await refresh(me.refreshToken), 'InvalidRefreshTokenError');
    });

    it('two refreshes racing with the same token: exactly one gets new tokens', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      const results = await Promise.all([refresh(me.refreshToken), refresh(me.refreshToken), refresh(me.refreshToken)]);
      expect(results.map((r) => r.__typename).sort()).toEqual([
        'InvalidRefreshTokenError',
        'InvalidRefreshTokenError',
        'RefreshTokenPayload',
      ]);
    });

    it('garbage, unknown, expired and wrong-secret refresh tokens are refused cleanly', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      const [sessionId, generation, secret] = me.refreshToken.split('.');
      for (const token of ['', 'nope', `${sessionId}.0`, `00000000-0000-4000-8000-000000000000.0.${secret}`, `${sessionId}.7.${secret}`]) {
        expectType(await refresh(token), 'InvalidRefreshTokenError');
      }
      // The right session and generation with a wrong secret: refused, and the session survives.
      expectType(await refresh(`${sessionId}.${generation}.${'A'.repeat(43)}`), 'InvalidRefreshTokenError');
      await expectViewer(me.headers, me.phone);

      // An expired session (moved back in the database, not waited for).
      await t.db.prisma.authSession.update({ where: { id: me.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = expectType(await refresh(me.refreshToken), 'InvalidRefreshTokenError');
      expect(expired.message).toMatch(/expired/);
    });

    it('a forged OLD-generation token (session id read from the access token, random secret) does not revoke the session', async () => {
      // The session id is public: it is the `sid` claim of every access token. Anyone who saw an
      // access token can write "<sid>.0.<anything>"; that must not be taken for a stolen token.
      const me = await accountSession(t.url, t.db.prisma);
      const rotated = expectType(await refresh(me.refreshToken), 'RefreshTokenPayload').tokens;
      const forged = `${me.sessionId}.0.${'f'.repeat(43)}`;
      expectType(await refresh(forged), 'InvalidRefreshTokenError');
      await expectViewer(bearer(rotated.accessToken), me.phone);
      expectType(await refresh(rotated.refreshToken), 'RefreshTokenPayload');
    });
  });

  describe('logout', () => {
    it('ends the session: its access token → 401 UNAUTHENTICATED, its refresh token refused; other sessions live on', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      const elsewhere = await logIn(t.url, me.phone, me.password);
      const result = await request(t.url, AuthLogoutDocument, {}, me.headers);
      expect(expectType(result.data!.logout, 'LogoutPayload').loggedOut).toBe(true);

      await expectUnauthenticated(me.headers, /session has ended/);
      const refused = expectType(await refresh(me.refreshToken), 'InvalidRefreshTokenError');
      expect(refused.message).toMatch(/revoked/);
      // Logging out again with the dead token is refused like any other request.
      expect((await rawPost(t.url, { query: AuthLogoutDocument.toString() }, me.headers)).status).toBe(401);

      // Another session of the same account is not affected.
      await expectViewer(elsewhere.headers, me.phone);
    });

    it('anonymous logout: UNAUTHENTICATED, nothing to end', async () => {
      const result = await request(t.url, AuthLogoutDocument, {}, ANONYMOUS);
      expect(codesOf(result.errors)).toEqual(['UNAUTHENTICATED']);
    });

    it('graphql-ws: after logout, the next operation on an open socket closes it with 4401', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      const client = wsClient(t.wsUrl, me.headers);
      const before = t.live.subscriptionsStarted();
      const first = client.subscribe(AuthRosterEventsDocument, {});
      await t.live.waitForSubscriptionsStarted(before + 1);

      expectType((await request(t.url, AuthLogoutDocument, {}, me.headers)).data!.logout, 'LogoutPayload');
      const second = client.subscribe(AuthRosterEventsDocument, {});
      await expect(second.results.nextResult()).rejects.toThrow(/4401|session has ended/);
      await expect(first.results.nextResult()).rejects.toThrow(/close code 4401/);
      expect(client.closes).toEqual([4401]);
      await client.dispose();
    });

    it('graphql-ws: a subscription opened before logout stops receiving events after it', async () => {
      const world = await rosterWorld(t.db.prisma, `登出${kind}`);
      const [volunteer] = await makeVolunteers(t.db.prisma, world.sites.stationA.id, 1, '登出测试');
      const shift = await makeShift(t.db.prisma, { projectId: world.projectId, postId: world.postId, capacity: 5, ...futureSlot(40) });
      const me = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
      const client = wsClient(t.wsUrl, me.headers);
      const before = t.live.subscriptionsStarted();
      const sub = client.subscribe(AuthRosterEventsDocument, { filter: { shiftId: gid('Shift', shift.id) } });
      await t.live.waitForSubscriptionsStarted(before + 1);

      expectType((await request(t.url, AuthLogoutDocument, {}, me.headers)).data!.logout, 'LogoutPayload');
      // Another admin changes the shift; the logged-out subscriber must not hear of it.
      const assigned = await request(
        t.url,
        AuthAssignVolunteerDocument,
        { input: { shiftId: gid('Shift', shift.id), volunteerId: gid('Volunteer', volunteer!.id) } },
        bearer(t.adminToken),
      );
      expectType(assigned.data!.assignVolunteer, 'AssignVolunteerPayload');
      // The session ended: the socket should be closed (4401) or the subscription completed,
      // rather than the event being delivered.
      const outcome = await sub.results.nextResult().then(
        (result) => `delivered ${JSON.stringify(result.data)}`,
        (error: Error) => error.message,
      );
      expect(outcome).toMatch(/close code 4401|completed/);
      await client.dispose();
    });
  });
});
