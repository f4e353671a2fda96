import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { AuthLogoutDocument, AuthViewerDocument } from './generated/graphql.js';
import { accountSession, codesOf } from './support/accounts.js';
import { request } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Sessions off the hot path (src/auth/session-cache.ts): an authenticated request answers from the
 * in-process cache of valid sessions instead of running the session query, and a logout on one
 * instance is refused on the other as soon as the revocation crosses Redis. The acting role is a
 * plain account (no staff role) logged in over HTTP; its own token is sent on every request.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = createLogger('silent');
const sessionQueries = (queries: string[]) => queries.filter((q) => /FROM "AuthSession"/.test(q)).length;

describe('the session cache, two instances on PostgreSQL and Redis', () => {
  const prefix = `sc-${randomBytes(4).toString('hex')}:`;
  let busA: AppBus;
  let busB: AppBus;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    busA = createEventBus({ redisUrl: REDIS_URL, channelPrefix: prefix, connectionName: `${prefix}a`, logger: silent });
    busB = createEventBus({ redisUrl: REDIS_URL, channelPrefix: prefix, connectionName: `${prefix}b`, logger: silent });
    a = await startTestServer('postgres', { pubsub: busA, server: { sessionCacheMs: 1000 } });
    b = await startTestServer('postgres', { databaseUrl: a.databaseUrl, pubsub: busB, server: { sessionCacheMs: 1000 } });
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await busB?.close();
    await busA?.close();
  });

  it('a repeated authenticated request runs no session query; anonymous requests are not cached as anyone', async () => {
    const session = await accountSession(a.url, a.db.prisma);
    const first = await request(b.url, AuthViewerDocument, {}, session.headers);
    expect(first.data?.viewer?.phone).toBe(session.phone);
    b.queries.length = 0;
    for (let i = 0; i < 3; i++) {
      const again = await request(b.url, AuthViewerDocument, {}, session.headers);
      expect(again.data?.viewer?.phone).toBe(session.phone);
    }
    expect(sessionQueries(b.queries)).toBe(0);
    const anonymous = await request(b.url, AuthViewerDocument, {}, {});
    expect(anonymous.data?.viewer ?? null).toBeNull();
  });

  it('a logout on instance A is refused on instance B once the revocation crosses the bus, though B had the session cached', async () => {
    const session = await accountSession(a.url, a.db.prisma);
    expect((await request(b.url, AuthViewerDocument, {}, session.headers)).data?.viewer?.phone).toBe(session.phone);
    b.queries.length = 0;
    expect((await request(b.url, AuthViewerDocument, {}, session.headers)).data?.viewer?.phone).toBe(session.phone);
    expect(sessionQueries(b.queries)).toBe(0); // cached on B

    // The test listens on B's bus as B's cache does; B's cache subscribed first, so it has the
    // revocation by the time this listener does.
    const heardOnB = (async () => {
      for await (const key of busB.pubsub.subscribe('sessionRevoked')) if (key === session.sessionId) return;
    })();
    const started = Date.now();
    const loggedOut = await request(a.url, AuthLogoutDocument, {}, session.headers);
    expect(loggedOut.data?.logout.__typename).toBe('LogoutPayload');
    await heardOnB;
    const refused = await request(b.url, AuthViewerDocument, {}, session.headers);
    expect(codesOf(refused.errors)).toContain('UNAUTHENTICATED');
    expect(Date.now() - started).toBeLessThan(1000);
    // And on A, at once.
    expect(codesOf((await request(a.url, AuthViewerDocument, {}, session.headers)).errors)).toContain('UNAUTHENTICATED');
  });

  it('a roster sign-up keeps the cache; any other mutation drops it', async () => {
    const session = await accountSession(a.url, a.db.prisma);
    const post = (query: string) =>
      fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/json', ...session.headers }, body: JSON.stringify({ query }) }).then(
        (r) => r.json() as Promise<{ data?: Record<string, { __typename: string } | null> }>,
      );
    const missing = Buffer.from('Shift:2147483647').toString('base64');
    const volunteer = Buffer.from('Volunteer:2147483647').toString('base64');
    expect((await request(a.url, AuthViewerDocument, {}, session.headers)).data?.viewer?.phone).toBe(session.phone);
    // A sign-up (refused here: no such shift, or not allowed) runs as a mutation all the same.
    const signUp = await post(`mutation { selfSignUp(input: { shiftId: "${missing}", volunteerId: "${volunteer}" }) { __typename } }`);
    expect(signUp.data).toBeDefined();
    a.queries.length = 0;
    expect((await request(a.url, AuthViewerDocument, {}, session.headers)).data?.viewer?.phone).toBe(session.phone);
    expect(sessionQueries(a.queries)).toBe(0);
    // Any other mutation (here refreshToken with a bad token) drops the cache.
    await post(`mutation { refreshToken(input: { refreshToken: "not-a-token" }) { __typename } }`);
    a.queries.length = 0;
    expect((await request(a.url, AuthViewerDocument, {}, session.headers)).data?.viewer?.phone).toBe(session.phone);
    expect(sessionQueries(a.queries)).toBe(1);
  });

  it('a logout is refused on the same instance by the very next request', async () => {
    const session = await accountSession(a.url, a.db.prisma);
    expect((await request(a.url, AuthViewerDocument, {}, session.headers)).data?.viewer?.phone).toBe(session.phone);
    expect((await request(a.url, AuthLogoutDocument, {}, session.headers)).data?.logout.__typename).toBe('LogoutPayload');
    expect(codesOf((await request(a.url, AuthViewerDocument, {}, session.headers)).errors)).toContain('UNAUTHENTICATED');
  });
});
