import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../src/db/migrate.js';
import { ChildRun, REPO_ROOT, descendants, isAlive, killAll, runToExit } from './support/process.js';

/**
 * The fresh-clone smoke test: start the real service the way a developer does, on an empty
 * embedded database, and use it over HTTP like a browser and a client would.
 *
 * It runs `npm start` itself. npm runs the script through `sh -c`; the script `exec`s node (with
 * tsx as its loader, one process) so the signal npm passes on reaches the server itself instead of
 * leaving it running as an orphan, which the shutdown checks below would catch.
 */

const READY = /ready: (http:\/\/\S+\/graphql)/;

const tempDirs: string[] = [];
const started: { run: ChildRun; pids: number[] }[] = [];

afterAll(async () => {
  // Only if a test failed half-way: stop what we started, by process id.
  for (const { run, pids } of started) {
    killAll([...pids, ...descendants(run.child.pid!)]);
    if (run.running) run.child.kill('SIGKILL');
  }
  await Promise.all(started.map(({ run }) => run.exited));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'volunteer-smoke-'));
  tempDirs.push(dir);
  return join(dir, 'data'); // not created yet: the service must create it
}

function serviceEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    DATA_DIR: dataDir,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    npm_config_update_notifier: 'false',
    ...extra,
  };
  // A fresh clone has none of these; the embedded database and localhost are the defaults.
  delete env.DATABASE_URL;
  delete env.HOST;
  delete env.REDIS_URL;
  return env;
}

/** Starts the service and resolves once it has printed its ready line. */
async function start(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const run = new ChildRun(command, args, { cwd: REPO_ROOT, env });
  const entry = { run, pids: [] as number[] };
  started.push(entry);
  const [, url] = await run.waitForLine(READY);
  // Everything below the process we spawned (tsx's node child; for npm also sh and tsx).
  entry.pids = descendants(run.child.pid!);
  return { run, url: url!, pids: entry.pids };
}

/**
 * The resources an HTML page names (src/href/action/srcset attributes, CSS url() and @import,
 * also inside the page's inline scripts), and those on a host other than `base`'s. Relative
 * URLs, data: and blob: URLs stay on the server.
 */
function resourceReferences(html: string, base: string): { references: string[]; foreign: string[] } {
  const references = [
    ...html.matchAll(/\b(?:src|href|action|srcset)\s*=\s*\\?["']([^"'\\]*)/gi),
    ...html.matchAll(/url\(\s*\\?["']?([^"')\\]+)/gi),
    ...html.matchAll(/@import\s+\\?["']([^"'\\]+)/gi),
  ].map((m) => m[1]!.trim());
  const origin = new URL(base).host;
  const foreign = references.filter((ref) => /^(https?:)?\/\//i.test(ref) && new URL(ref, base).host !== origin);
  return { references, foreign: [...new Set(foreign)] };
}

async function siteCount(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ sites(first: 3) { totalCount } }' }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data?: { sites?: { totalCount: number } }; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(body.data?.sites).toBeDefined();
  expect(typeof body.data!.sites!.totalCount).toBe('number');
  return body.data!.sites!.totalCount;
}

/** Sends SIGTERM and checks the clean shutdown: exit code 0 and the "stopped" log line. */
async function stop(run: ChildRun, pids: number[]) {
  run.child.kill('SIGTERM');
  const status = await run.closed;
  expect(status, run.output()).toEqual({ code: 0, signal: null });
  const log = run.jsonLines();
  expect(log.find((l) => l.msg === 'shutting down')?.signal, run.output()).toBe('SIGTERM');
  expect(log.some((l) => l.msg === 'stopped'), `no "stopped" log line\n${run.output()}`).toBe(true);
  expect(pids.filter(isAlive), 'processes left running after shutdown').toEqual([]);
}

describe('fresh clone: npm start on a new DATA_DIR', () => {
  const dataDir = newDataDir();
  let first: Awaited<ReturnType<typeof start>>;
  let firstCount: number;

  beforeAll(async () => {
    first = await start('npm', ['start'], serviceEnv(dataDir));
  });

  it('migrates the new database and prints its GraphQL URL', () => {
    expect(first.url).toMatch(/^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d+\/graphql$/);
    expect(first.url).not.toMatch(/:0\//);
    const log = first.run.jsonLines();
    expect(log.find((l) => l.msg === 'migrations applied')?.applied).toEqual(readMigrations().map((m) => m.name));
    expect(log.find((l) => l.msg === 'server listening')).toMatchObject({ url: first.url, database: `pglite:${dataDir}` });
  });

  it('serves GraphiQL to a browser', async () => {
    const response = await fetch(first.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/graphiql/i);
    expect(html).toContain('Volunteer service API');
    // Served from the npm package, not a CDN: every resource the page names is on this server.
    const { references, foreign } = resourceReferences(html, first.url);
    expect(references.length, 'no resource references found: the check would prove nothing').toBeGreaterThan(0);
    expect(foreign).toEqual([]);
    expect(html).not.toMatch(/<script[^>]+\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]+rel=["']?stylesheet/i);
  });

  it('answers a GraphQL query, with the demo data once the seed exists', async () => {
    firstCount = await siteCount(first.url);
    const seeded = first.run.jsonLines().find((l) => l.msg === 'demo data seeded');
    if (seeded) {
      expect(firstCount).toBeGreaterThan(0);
      if (typeof seeded.sites === 'number') expect(firstCount).toBe(seeded.sites);
    } else {
      // src/seed/index.ts seeds nothing yet: a fresh database then has no sites at all.
      expect(firstCount).toBe(0);
    }
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(new URL('/healthz', first.url))).status).toBe(200);
    expect((await fetch(new URL('/readyz', first.url))).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(first.pids.length).toBeGreaterThan(0);
    await stop(first.run, first.pids);
    await expect(fetch(new URL('/healthz', first.url))).rejects.toThrow();
  });

  it('a second start on the same DATA_DIR neither migrates nor seeds again', async () => {
    const second = await start('npm', ['start'], serviceEnv(dataDir));
    expect(await siteCount(second.url)).toBe(firstCount);
    const log = second.run.jsonLines();
    expect(log.some((l) => l.msg === 'demo data seeded'), second.run.output()).toBe(false);
    expect(log.some((l) => l.msg === 'migrations applied'), second.run.output()).toBe(false);
    await stop(second.run, second.pids);
  });
});

describe('configuration errors', () => {
  it('a PORT that is taken stops the start at once, before migrating or seeding', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, 'localhost', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const dataDir = newDataDir();
      const { code, signal, run } = await runToExit('npm', ['start'], { cwd: REPO_ROOT, env: serviceEnv(dataDir, { PORT: String(port) }) });
      expect(signal).toBeNull();
      expect(code, run.output()).not.toBe(0);
      expect(run.stderr.join('\n')).toMatch(new RegExp(`PORT ${port}.*already in use`));
      expect(run.stdout.some((l) => READY.test(l))).toBe(false);
      expect(run.jsonLines().some((l) => l.msg === 'migrations applied' || l.msg === 'demo data seeded')).toBe(false);
      expect(existsSync(dataDir), 'the database was opened').toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('PORT=abc stops the start with a message naming PORT', async () => {
    const { code, signal, run } = await runToExit('npm', ['start'], {
      cwd: REPO_ROOT,
      env: serviceEnv(newDataDir(), { PORT: 'abc' }),
    });
    expect(signal).toBeNull();
    expect(code, run.output()).not.toBe(0);
    expect(run.stderr.join('\n')).toMatch(/PORT/);
    expect(run.stdout.some((l) => READY.test(l))).toBe(false);
  });
});
