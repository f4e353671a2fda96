import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { developmentTokens } from '../src/server.js';
import {
  AuthAssignVolunteerDocument,
  AuthRefreshTokenDocument,
  BoardCreateDocument,
  BoardDutyBoardNowDocument,
  BoardListDocument,
  BoardRevokeDocument,
  BoardRosterEventsDocument,
  RenewConnectionDocument,
} from './generated/graphql.js';
import {
  ANONYMOUS,
  type AuthWorld,
  type Session,
  accountSession,
  authWorld,
  bearer,
  codesOf,
  roleSessions,
  signAccessToken,
} from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { wsClient } from './support/live-clients.js';
import { futureSlot, makeShift, makeVolunteers } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * Dashboards that outlive their access token: in-band renewal of a graphql-ws connection's token,
 * and long-lived, read-only, revocable board credentials scoped to one site subtree. Every request
 * names the role it acts as.
 *
 * The short TTL: the connections start with access tokens that expire SHORT_TTL seconds after
 * they are signed (tokens of real sessions, signed like the server's). The renewal uses a token
 * from the real `refreshToken` mutation, which lasts the server's 60 seconds.
 */
const SHORT_TTL = 4;

describe('dashboards that outlive their token', () => {
  let t: TestServer;
  let bus: AppBus;
  let w: AuthWorld;
  let s: { admin: Session; manager: Session; leader: Session; volunteer: Session };
  /** ADMIN, with the 15-minute token issued at setup. */
  let asAdmin: Record<string, string>;
  let day = 20;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, tokens: { ...developmentTokens(), accessTokenTtlSeconds: 60 } });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
    asAdmin = bearer(t.adminToken);
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
  });

  /** The SITE_MANAGER of institute A issues a board credential for station A. */
  async function stationABoard(label = '城关站站厅东墙') {
    const result = await request(
      t.url,
      BoardCreateDocument,
      { input: { siteId: gid('Site', w.sites.stationA.id), label } },
      s.manager.headers,
    );
    return expectType(result.data!.createBoardCredential, 'CreateBoardCredentialPayload');
  }

  /** As ADMIN (setup token): puts a volunteer on a shift. */
  async function assign(shiftId: number, volunteerId: number) {
    const result = await request(
      t.url,
      AuthAssignVolunteerDocument,
      { input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', volunteerId) } },
      asAdmin,
    );
    expectType(result.data!.assignVolunteer, 'AssignVolunteerPayload');
  }

  async function stage() {
    day += 1;
    const times = futureSlot(day);
    return {
      /** One place at station A's post: full (so no longer public) after one assignment. */
      tinyAtA: (await makeShift(t.db.prisma, { projectId: w.ledProject.id, postId: w.postA, capacity: 1, minimum: 1, ...times })).id,
      /** At station B: outside station A's board. */
      atB: (await makeShift(t.db.prisma, { projectId: w.otherProject.id, postId: w.postB, capacity: 10, minimum: 1, ...times })).id,
      volunteers: (await makeVolunteers(t.db.prisma, w.sites.stationB.id, 2, `看板${day}-`)).map((v) => v.id),
    };
  }

  it('a renewed connection and a board connection keep their subscriptions across the access token’s expiry; an unrenewed one closes with 4401', async () => {
    const x = await stage();
    const { token: boardToken } = await stationABoard();
    // ADMIN (s.admin's session) with a short token: renews in-band. Another ADMIN session with a short token: does not.
    const control = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
    const short = (session: Session) => signAccessToken({ accountId: session.accountId, sessionId: session.sessionId, expiresIn: SHORT_TTL });
    const renewing = wsClient(t.wsUrl, bearer(await short(s.admin)));
    const unrenewed = wsClient(t.wsUrl, bearer(await short(control)));
    const board = wsClient(t.wsUrl, bearer(boardToken));
    const before = t.live.subscriptionsStarted();
    const subs = {
      renewing: renewing.subscribe(BoardRosterEventsDocument, {}),
      unrenewed: unrenewed.subscribe(BoardRosterEventsDocument, {}),
      board: board.subscribe(BoardRosterEventsDocument, { filter: { siteId: gid('Site', w.sites.center.id) } }),
    };
    await t.live.waitForSubscriptionsStarted(before + 3);

    // The dashboard refreshes its session over HTTP (anonymous request carrying the refresh token)…
    const refreshed = await request(t.url, AuthRefreshTokenDocument, { input: { refreshToken: s.admin.refreshToken } }, ANONYMOUS);
    const { tokens } = expectType(refreshed.data!.refreshToken, 'RefreshTokenPayload');
    // …and hands the new access token to its open connection.
    const renewal = await renewing.subscribe(RenewConnectionDocument, { input: { accessToken: tokens.accessToken } }).results.next();
    const renewed = expectType(renewal.renewConnection, 'RenewConnectionPayload');
    expect(new Date(renewed.expiresAt!).getTime()).toBe(decodeJwt(tokens.accessToken).exp! * 1000);

    // The unrenewed connection closes when its token expires…
    await expect(subs.unrenewed.results.nextResult(20_000)).rejects.toThrow(/close code 4401/);
    expect(unrenewed.closes).toEqual([4401]);

    // …after which the other two still receive events: the board only its own subtree, and the
    // full shift there (no longer public) in full.
    await assign(x.atB, x.volunteers[0]!);
    await assign(x.tinyAtA, x.volunteers[1]!);
    expect((await subs.renewing.results.next()).rosterChanged).toMatchObject({ kind: 'ASSIGNED', shift: { id: gid('Shift', x.atB) } });
    const seen = await subs.board.results.nextResult();
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.rosterChanged).toMatchObject({ kind: 'ASSIGNED', shift: { id: gid('Shift', x.tinyAtA), openSlots: 0 } });
    expect(renewing.closes).toEqual([]);
    expect(board.closes).toEqual([]);
    await Promise.all([renewing.dispose(), unrenewed.dispose(), board.dispose()]);
  }, 40_000);

  it('revoking a board credential closes its connections at once and its token stops working', async () => {
    const { token, credential } = await stationABoard('revoked screen');
    const board = wsClient(t.wsUrl, bearer(token));
    const before = t.live.subscriptionsStarted();
    const sub = board.subscribe(BoardRosterEventsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 1);

    // The SITE_MANAGER of institute A revokes it.
    const revoked = await request(t.url, BoardRevokeDocument, { input: { id: credential.id } }, s.manager.headers);
    expect(expectType(revoked.data!.revokeBoardCredential, 'RevokeBoardCredentialPayload').credential.revokedAt).toBeTruthy();
    await expect(sub.results.nextResult()).rejects.toThrow(/close code 4401/);

    // The revoked token over HTTP.
    const after = await request(t.url, BoardDutyBoardNowDocument, { siteId: gid('Site', w.sites.stationA.id) }, bearer(token));
    expect(codesOf(after.errors)).toEqual(['UNAUTHENTICATED']);
    // The manager's list shows it only when revoked ones are asked for.
    const live = await request(t.url, BoardListDocument, {}, s.manager.headers);
    expect(live.data!.boardCredentials!.edges.map((e) => e.node.id)).not.toContain(credential.id);
    const all = await request(t.url, BoardListDocument, { filter: { includeRevoked: true } }, s.manager.headers);
    expect(all.data!.boardCredentials!.edges.find((e) => e.node.id === credential.id)?.node.revokedAt).toBeTruthy();
    await board.dispose();
  });

  it('a board credential is read-only and sees only its own subtree', async () => {
    const { token } = await stationABoard('read-only screen');
    const asBoard = bearer(token);
    const own = await request(t.url, BoardDutyBoardNowDocument, { siteId: gid('Site', w.sites.stationA.id) }, asBoard);
    expect(own.errors).toBeUndefined();
    expect(own.data!.dutyBoard?.site.id).toBe(gid('Site', w.sites.stationA.id));
    const elsewhere = await request(t.url, BoardDutyBoardNowDocument, { siteId: gid('Site', w.sites.stationB.id) }, asBoard);
    expect(codesOf(elsewhere.errors)).toEqual(['FORBIDDEN']);
    const x = await stage();
    const mutation = await request(
      t.url,
      AuthAssignVolunteerDocument,
      { input: { shiftId: gid('Shift', x.tinyAtA), volunteerId: gid('Volunteer', x.volunteers[0]!) } },
      asBoard,
    );
    expect(codesOf(mutation.errors)).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: x.tinyAtA } })).toBe(0);
  });

  it('only ADMIN and the site’s managers issue, list and revoke board credentials', async () => {
    const stationB = { input: { siteId: gid('Site', w.sites.stationB.id), label: '青山站' } };
    // SITE_MANAGER of institute A, for station B (not theirs); TEAM_LEADER; VOLUNTEER; anonymous.
    for (const headers of [s.manager.headers, s.leader.headers, s.volunteer.headers, ANONYMOUS]) {
      const refused = await request(t.url, BoardCreateDocument, stationB, headers);
      expect(codesOf(refused.errors)).toEqual(['FORBIDDEN']);
      expect(refused.data?.createBoardCredential ?? null).toBeNull();
    }
    // ADMIN may.
    const issued = await request(t.url, BoardCreateDocument, stationB, s.admin.headers);
    const atB = expectType(issued.data!.createBoardCredential, 'CreateBoardCredentialPayload').credential;
    // The manager of institute A neither lists nor revokes station B's credential.
    const list = await request(t.url, BoardListDocument, {}, s.manager.headers);
    expect(list.data!.boardCredentials!.edges.every((e) => e.node.site.id === gid('Site', w.sites.stationA.id))).toBe(true);
    expect(list.data!.boardCredentials!.totalCount).toBeGreaterThan(0);
    const revoke = await request(t.url, BoardRevokeDocument, { input: { id: atB.id } }, s.manager.headers);
    expect(codesOf(revoke.errors)).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.boardCredential.count({ where: { revokedAt: { not: null }, siteId: w.sites.stationB.id } })).toBe(0);
  });

  it('refuses renewals that are not one: over HTTP, on an anonymous connection, with a bad token, or another account’s', async () => {
    const refusal = async (client: ReturnType<typeof wsClient>, accessToken: string) =>
      expectType((await client.subscribe(RenewConnectionDocument, { input: { accessToken } }).results.next()).renewConnection, 'ConnectionRenewalError').problem;
    // VOLUNTEER over HTTP.
    const http = await request(t.url, RenewConnectionDocument, { input: { accessToken: s.volunteer.accessToken } }, s.volunteer.headers);
    expect(expectType(http.data!.renewConnection, 'ConnectionRenewalError').problem).toBe('NOT_A_WEBSOCKET');
    // Anonymous connection.
    const anonymous = wsClient(t.wsUrl, ANONYMOUS);
    expect(await refusal(anonymous, s.volunteer.accessToken)).toBe('ANONYMOUS_CONNECTION');
    // VOLUNTEER connection: a garbage token, then the TEAM_LEADER's token.
    const volunteer = wsClient(t.wsUrl, s.volunteer.headers);
    expect(await refusal(volunteer, 'not-a-token')).toBe('INVALID_TOKEN');
    expect(await refusal(volunteer, s.leader.accessToken)).toBe('DIFFERENT_IDENTITY');
    // A lazy client closes normally (1000) once its last operation is done; never with 4401.
    expect(volunteer.closes).not.toContain(4401);
    await Promise.all([anonymous.dispose(), volunteer.dispose()]);
  });
});
