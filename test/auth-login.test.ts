import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../src/auth/service.js';
import { AuthLoginDocument } from './generated/graphql.js';
import { accountSession, loginOverHttp, rawPost } from './support/accounts.js';
import { expectType } from './support/client.js';
import { uniquePhone } from './support/fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/** The defaults of DEFAULT_LOGIN_LIMITS (src/auth/service.ts), which the test servers use. */
const LIMITS = { maxFailures: 5, maxFailuresPerIp: 20, windowMinutes: 15 };

describe.each(DATABASE_KINDS)('login on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());
  // Every request comes from 127.0.0.1: start each test with a clean slate for the per-address limit.
  beforeEach(async () => {
    await t.db.prisma.loginFailure.deleteMany();
  });

  /** A fresh account; its phone as E.164 and as a person might type it. */
  async function account(password = 'right-password-123') {
    const local = uniquePhone();
    await createAccount(t.db.prisma, { phone: local, password });
    return { phone: `+86${local}`, typed: `${local.slice(0, 3)} ${local.slice(3, 7)} ${local.slice(7)}`, password };
  }

  /** Moves every recorded failure back in time, as if that many minutes had passed. */
  const age = (minutes: number) =>
    t.db.prisma.$executeRaw`UPDATE "LoginFailure" SET "createdAt" = "createdAt" - make_interval(mins => ${minutes})`;

  const login = (phone: string, password: string) => loginOverHttp(t.url, phone, password);

  describe('per phone number', () => {
    it('5 failures lock the phone: the 6th attempt, even with the right password, gets TOO_MANY_REQUESTS', async () => {
      const a = await account();
      for (let i = 0; i < LIMITS.maxFailures; i++) {
        expectType(await login(a.phone, `wrong-${i}`), 'InvalidCredentialsError');
      }
      const locked = expectType(await login(a.phone, a.password), 'TooManyRequestsError');
      expect(locked.code).toBe('TOO_MANY_REQUESTS');
      expect(locked.retryAfterSeconds).toBeGreaterThan(0);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(LIMITS.windowMinutes * 60);
      // The same number typed differently is the same phone.
      expectType(await login(a.typed, a.password), 'TooManyRequestsError');
      // Refused attempts are not failures of their own: the lock does not grow.
      expect(await t.db.prisma.loginFailure.count({ where: { phone: a.phone } })).toBe(LIMITS.maxFailures);
      // Another phone from the same address is not locked.
      const b = await account();
      expectType(await login(b.phone, b.password), 'LoginPayload');
    });

    it('retryAfterSeconds counts down to when the oldest counting failure leaves the window', async () => {
      const a = await account();
      for (let i = 0; i < LIMITS.maxFailures; i++) expectType(await login(a.phone, 'wrong'), 'InvalidCredentialsError');
      await age(10);
      const locked = expectType(await login(a.phone, a.password), 'TooManyRequestsError');
      // Five minutes are left (give or take the seconds the failures took).
      expect(locked.retryAfterSeconds).toBeGreaterThan(5 * 60 - 30);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(5 * 60);
    });

    it('once the window has passed (failures moved back in the database), the right password works', async () => {
      const a = await account();
      for (let i = 0; i < LIMITS.maxFailures; i++) expectType(await login(a.phone, 'wrong'), 'InvalidCredentialsError');
      expectType(await login(a.phone, a.password), 'TooManyRequestsError');
      await age(LIMITS.windowMinutes - 1);
      expectType(await login(a.phone, a.password), 'TooManyRequestsError');
      await age(1);
      // Now exactly at the edge of the window (+ the seconds the test took): out of it.
      const tokens = expectType(await login(a.phone, a.password), 'LoginPayload').tokens;
      expect(tokens.accessToken).toBeTruthy();
    });

    it('an unknown phone number is limited the same way (no hint whether it exists)', async () => {
      const phone = `+86${uniquePhone()}`;
      for (let i = 0; i < LIMITS.maxFailures; i++) {
        const failed = expectType(await login(phone, 'whatever'), 'InvalidCredentialsError');
        expect(failed.message).toBe('The phone number or password is wrong.');
      }
      expectType(await login(phone, 'whatever'), 'TooManyRequestsError');
    });

    it('concurrent wrong passwords cannot get more than 5 guesses in', async () => {
      const a = await account();
      const results = await Promise.all(Array.from({ length: 15 }, (_, i) => login(a.phone, `guess-${i}`)));
      const kinds = results.map((r) => r.__typename);
      // Each InvalidCredentialsError is a password that was actually checked.
      expect(kinds.filter((k) => k === 'InvalidCredentialsError').length, kinds.join(', ')).toBeLessThanOrEqual(LIMITS.maxFailures);
      expect(await t.db.prisma.loginFailure.count({ where: { phone: a.phone } })).toBeLessThanOrEqual(LIMITS.maxFailures);
    });
  });

  describe('per client address', () => {
    it('20 failures from one address, across different phones, lock that address only', async () => {
      const a = await account();
      for (let i = 0; i < LIMITS.maxFailuresPerIp; i++) {
        // A different phone each time: no phone reaches its own limit.
        expectType(await login(`+86${uniquePhone()}`, 'spray'), 'InvalidCredentialsError');
      }
      const locked = expectType(await login(a.phone, a.password), 'TooManyRequestsError');
      expect(locked).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) });
      expect(locked.retryAfterSeconds).toBeGreaterThan(0);

      // The address is what the socket says, not what the client claims.
      const spoofed = await rawPost(
        t.url,
        { query: AuthLoginDocument.toString(), variables: { input: { phone: a.phone, password: a.password } } },
        { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7' },
      );
      expect(spoofed.body.data).toMatchObject({ login: { __typename: 'TooManyRequestsError' } });

      // Another address (127.0.0.2 is loopback too) is not affected.
      const fromElsewhere = await rawPost(
        t.url,
        { query: AuthLoginDocument.toString(), variables: { input: { phone: a.phone, password: a.password } } },
        {},
        '127.0.0.2',
      );
      expect(fromElsewhere.status).toBe(200);
      expect(fromElsewhere.body.data).toMatchObject({ login: { __typename: 'LoginPayload' } });

      // After the window, the first address may log in again.
      await age(LIMITS.windowMinutes);
      expectType(await login(a.phone, a.password), 'LoginPayload');
    });
  });

  describe('password storage', () => {
    it('stores an scrypt hash that does not contain the password; the same password gets a different salt', async () => {
      const password = 'Same-Password-2026';
      const [a, b] = await Promise.all([
        accountSession(t.url, t.db.prisma, { password }),
        accountSession(t.url, t.db.prisma, { password }),
      ]);
      const rows = await t.db.prisma.account.findMany({ where: { id: { in: [a.accountId, b.accountId] } }, orderBy: { id: 'asc' } });
      expect(rows).toHaveLength(2);
      const encodings = [
        password,
        password.toLowerCase(),
        Buffer.from(password).toString('base64'),
        Buffer.from(password).toString('hex'),
        createHash('sha256').update(password).digest('hex'),
        createHash('md5').update(password).digest('hex'),
      ];
      for (const row of rows) {
        expect(row.passwordHash.startsWith('scrypt$')).toBe(true);
        const [scheme, n, r, p, salt, key] = row.passwordHash.split('$');
        expect({ scheme, n, r, p }).toEqual({ scheme: 'scrypt', n: '32768', r: '8', p: '1' });
        expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
        expect(Buffer.from(key!, 'base64')).toHaveLength(32);
        const everything = JSON.stringify(row);
        for (const encoded of encodings) expect(everything).not.toContain(encoded);
      }
      expect(rows[0]!.passwordHash).not.toBe(rows[1]!.passwordHash);
      expect(rows[0]!.passwordHash.split('$')[4]).not.toBe(rows[1]!.passwordHash.split('$')[4]);
      // Both still log in with that password.
      expectType(await login(a.phone, password), 'LoginPayload');
      expectType(await login(b.phone, password), 'LoginPayload');
    });

    it('stores only a hash of the refresh token’s secret', async () => {
      const me = await accountSession(t.url, t.db.prisma);
      const secret = me.refreshToken.split('.')[2]!;
      const session = await t.db.prisma.authSession.findUniqueOrThrow({ where: { id: me.sessionId } });
      expect(JSON.stringify(session)).not.toContain(secret);
      expect(session.refreshTokenHash).toBe(createHash('sha256').update(secret).digest('hex'));
    });
  });
});
