import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, login } from '../src/auth/service.js';
import type { Database } from '../src/db/index.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, developmentTokens, startServer } from '../src/server.js';
import { openMigratedPglite } from './support/databases.js';

/*
 * The operation log and request ids, read from the server's real JSON log. Requests act as
 * anonymous or as an ADMIN (explicit headers).
 */

describe('logs and request ids', () => {
  let db: Database;
  let server: RunningServer;
  const lines: Record<string, unknown>[] = [];
  let adminHeaders: Record<string, string>;
  let adminId: number;

  beforeAll(async () => {
    db = await openMigratedPglite();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startServer({ db, logger: createLogger('info', sink), env: 'test' }, { port: 0, host: '127.0.0.1' });
    const account = await createAccount(db.prisma, { phone: '+8613900000991', password: 'log-test-password', roles: [{ role: 'ADMIN' }] });
    adminId = account.id;
    const tokens = await login(db.prisma, developmentTokens(), { phone: '+8613900000991', password: 'log-test-password', ip: '127.0.0.1' });
    adminHeaders = { authorization: `Bearer ${tokens.accessToken}` };
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  it('returns a request id in a header and puts it, with the viewer, on the operation line', async () => {
    const response = await post('query LogSites { sites(first: 1) { totalCount } }', adminHeaders);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await response.json();
    expect(lines.find((l) => l.msg === 'graphql operation' && l.requestId === id)).toMatchObject({ operation: 'LogSites', viewerId: adminId });

    // Anonymous: viewerId null. A client's own well-formed request id is kept.
    const anonymous = await post('query LogAnonymous { sites(first: 1) { totalCount } }', { 'x-request-id': 'trace-42' });
    expect(anonymous.headers.get('x-request-id')).toBe('trace-42');
    await anonymous.json();
    expect(lines.find((l) => l.requestId === 'trace-42')).toMatchObject({ operation: 'LogAnonymous', viewerId: null });
    // A malformed one is replaced.
    const bad = await post('{ sites(first: 1) { totalCount } }', { 'x-request-id': 'no spaces allowed' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs client input errors at warn without a stack, never at error', async () => {
    const before = lines.length;
    const response = await post('query LogTooMany { sites(first: 500) { totalCount } }', adminHeaders);
    const body = (await response.json()) as { errors?: unknown[] };
    expect(body.errors?.length).toBe(1);
    const logged = lines.slice(before);
    expect(logged.filter((l) => l.level === 50)).toEqual([]);
    const warning = logged.find((l) => l.msg === 'client error');
    expect(warning).toMatchObject({ level: 40 });
    expect(JSON.stringify(warning)).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(warning)).toMatch(/at most 100/);
  });
});
