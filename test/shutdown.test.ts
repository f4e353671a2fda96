import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_SECRET_FILE } from '../src/auth/dev-secret.js';
import { DEMO_ACCOUNTS } from '../src/seed/accounts.js';
import { LiveEventKindsDocument } from './generated/graphql.js';
import { ANONYMOUS, bearer, logIn } from './support/accounts.js';
import { createLogger } from '../src/logger.js';
import { createEventBus } from '../src/events/topics.js';
import { sseClient, wsClient } from './support/live-clients.js';
import { ChildRun, REPO_ROOT, descendants, isAlive, killAll, runToExit } from './support/process.js';
import { startTestServer } from './support/server.js';

/*
 * Shutdown and deployment: live streams end cleanly (SSE with `complete`, WebSocket with 1001)
 * when the server stops, also when the signal goes to the `npm` process as a supervisor sends it;
 * the compiled build (`npm run build`, `npm run start:prod`) serves; and a development server's
 * JWT secret is its own, generated on first start and kept in DATA_DIR.
 */

const READY = /ready: (http:\/\/\S+\/graphql)/;
const tempDirs: string[] = [];
const started: ChildRun[] = [];

afterAll(async () => {
  for (const run of started) {
    killAll(descendants(run.child.pid!));
    if (run.running) run.child.kill('SIGKILL');
  }
  await Promise.all(started.map((run) => run.exited));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'volunteer-shutdown-'));
  tempDirs.push(dir);
  return join(dir, 'data');
}

function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'info', npm_config_update_notifier: 'false' };
  delete e.DATABASE_URL;
  delete e.REDIS_URL;
  delete e.HOST;
  delete e.JWT_SECRET;
  return { ...e, ...extra };
}

async function start(command: string, args: string[], environment: NodeJS.ProcessEnv) {
  const run = new ChildRun(command, args, { cwd: REPO_ROOT, env: environment });
  started.push(run);
  const [, url] = await run.waitForLine(READY);
  return { run, url: url!, pids: descendants(run.child.pid!) };
}

async function viewerPhone(url: string, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ viewer { phone } }' }),
  });
  return (await response.json()) as { data?: { viewer: { phone: string } | null }; errors?: { extensions?: { code?: string } }[] };
}

const admin = DEMO_ACCOUNTS.find((a) => a.role === 'ADMIN')!;

describe('shutdown ends live streams cleanly', () => {
  it('in process: SSE completes and WebSocket closes with 1001, long before the drain deadline', async () => {
    const bus = createEventBus({ logger: createLogger('silent') });
    const t = await startTestServer('pglite', { pubsub: bus });
    const asAdmin = bearer(t.adminToken);
    const sse = sseClient(t.url, asAdmin);
    const ws = wsClient(t.wsUrl, asAdmin);
    const before = t.live.subscriptionsStarted();
    const sseSub = sse.subscribe(LiveEventKindsDocument, {});
    const wsSub = ws.subscribe(LiveEventKindsDocument, {});
    await t.live.waitForSubscriptionsStarted(before + 2);
    const started = performance.now();
    await t.server.close(30_000);
    const elapsed = performance.now() - started;
    await expect(sseSub.results.nextResult(20_000)).rejects.toThrow(/completed before/);
    await wsSub.results.nextResult(20_000).catch(() => undefined);
    expect(ws.closes).toEqual([1001]);
    expect(elapsed, 'close() waited for its deadline: the SSE stream was cut, not ended').toBeLessThan(10_000);
    await sse.dispose();
    await ws.dispose();
    await t.close();
    await bus.close();
  });

  it('npm start: SIGTERM to the npm process drains the server (SSE complete, WebSocket 1001, exit 0)', async () => {
    const { run, url, pids } = await start('npm', ['start'], env(newDataDir()));
    const session = await logIn(url, admin.phone, admin.password);
    const sse = sseClient(url, session.headers);
    const ws = wsClient(url.replace(/^http/, 'ws'), session.headers);
    const sseSub = sse.subscribe(LiveEventKindsDocument, {});
    const wsSub = ws.subscribe(LiveEventKindsDocument, {});
    // The subscriptions are running once the log says so (one line per subscription).
    await run.waitForLine(/"type":"subscription"[\s\S]*/);
    for (let i = 0; run.jsonLines().filter((l) => l.type === 'subscription').length < 2; i++) {
      expect(i, run.output()).toBeLessThan(500);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.child.kill('SIGTERM'); // the npm process, as a supervisor signals it
    await expect(sseSub.results.nextResult(20_000)).rejects.toThrow(/completed before/);
    await wsSub.results.nextResult(20_000).catch(() => undefined);
    expect(ws.closes).toEqual([1001]);
    expect(await run.closed, run.output()).toEqual({ code: 0, signal: null });
    expect(run.jsonLines().some((l) => l.msg === 'stopped'), run.output()).toBe(true);
    expect(pids.filter(isAlive)).toEqual([]);
    await sse.dispose();
    await ws.dispose();
  });
});

describe('the development JWT secret', () => {
  it('is generated on first start, kept in DATA_DIR (owner only), and survives a restart', async () => {
    const dataDir = newDataDir();
    const first = await start('npm', ['start'], env(dataDir));
    const secretFile = join(dataDir, DEV_SECRET_FILE);
    const secret = readFileSync(secretFile, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const session = await logIn(first.url, admin.phone, admin.password);
    expect((await viewerPhone(first.url, session.headers)).data?.viewer?.phone).toBe(admin.phone);
    // The constant every development server used to share forges nothing.
    const forged = await new SignJWT({ sid: session.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(session.accountId))
      .setIssuer('volunteer-api')
      .setAudience('volunteer-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('development-only-secret-do-not-use-in-production'));
    expect((await viewerPhone(first.url, bearer(forged))).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    first.run.child.kill('SIGTERM');
    expect((await first.run.closed).code).toBe(0);

    // Same DATA_DIR: same secret, so the token still works.
    const second = await start('npm', ['start'], env(dataDir));
    expect(readFileSync(secretFile, 'utf8').trim()).toBe(secret);
    expect((await viewerPhone(second.url, session.headers)).data?.viewer?.phone).toBe(admin.phone);
    expect((await viewerPhone(second.url, ANONYMOUS)).data?.viewer).toBeNull();
    second.run.child.kill('SIGTERM');
    expect((await second.run.closed).code).toBe(0);
  }, 240_000);

  it('is required outside development: production without JWT_SECRET does not start', async () => {
    const { code, run } = await runToExit('npm', ['start'], { cwd: REPO_ROOT, env: env(newDataDir(), { NODE_ENV: 'production' }) });
    expect(code).not.toBe(0);
    expect(run.stderr.join('\n')).toMatch(/JWT_SECRET: required in production/);
  });
});

describe('the production build', () => {
  it('npm run build compiles to dist/, and npm run start:prod serves and stops cleanly', async () => {
    const build = await runToExit('npm', ['run', 'build'], { cwd: REPO_ROOT, env: env('unused') });
    expect(build.code, build.run.output()).toBe(0);
    const secret = 'a-production-secret-of-at-least-32-characters!';
    const prod = await start('npm', ['run', 'start:prod'], env(newDataDir(), { NODE_ENV: 'production', JWT_SECRET: secret }));
    const response = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sites(first: 1) { totalCount } }' }),
    });
    expect(await response.json()).toMatchObject({ data: { sites: { totalCount: expect.any(Number) } } });
    prod.run.child.kill('SIGTERM');
    expect(await prod.run.closed, prod.run.output()).toEqual({ code: 0, signal: null });
    expect(prod.pids.filter(isAlive)).toEqual([]);
  }, 240_000);
});
