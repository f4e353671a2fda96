import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import type { Database } from '../src/db/index.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/server.js';
import { openMigratedPglite } from './support/databases.js';

/* CORS: off unless CORS_ORIGINS names origins; then only those. Requests are anonymous preflights. */

describe('CORS', () => {
  let db: Database;
  let closed: RunningServer;
  let open: RunningServer;
  const DASHBOARD = 'https://dashboard.example.org';

  beforeAll(async () => {
    db = await openMigratedPglite();
    const logger = createLogger('silent');
    closed = await startServer({ db, logger, env: 'test' }, { port: 0, host: '127.0.0.1' });
    open = await startServer({ db, logger, env: 'test', corsOrigins: [DASHBOARD] }, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
    await db?.close();
  });

  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });

  it('is off by default: no origin is allowed', async () => {
    const response = await preflight(closed.url, DASHBOARD);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const allowed = await preflight(open.url, DASHBOARD);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight(open.url, 'https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
  });

  it('CORS_ORIGINS must be a list of bare origins', () => {
    expect(loadConfig({ CORS_ORIGINS: `${DASHBOARD}, http://localhost:5173` }).corsOrigins).toEqual([DASHBOARD, 'http://localhost:5173']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://dashboard.example.org/app' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });
});
