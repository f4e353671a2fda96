import { type CreateAccountInput, createAccount, login } from '../../src/auth/service.js';
import { type Clock, systemClock } from '../../src/common/clock.js';
import { type Database, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import type { TokenSettings } from '../../src/auth/tokens.js';
import type { LiveEventsOptions } from '../../src/events/live-events.js';
import type { AppBus } from '../../src/events/topics.js';
import { type RunningServer, type ServerOptions, developmentTokens, startServer } from '../../src/server.js';
import { type LiveProbe, liveProbe } from './live-probe.js';
import { CLOCK_SETTINGS, useFixtureClock } from './roster-fixtures.js';
import { createMigratedScratchDatabase, openMigratedPglite } from './databases.js';
import type { ScratchDatabase } from './postgres.js';

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * The day-dependent suites' settings, [kind, label, at] for describe.each: PGlite at each clock
 * setting (10:00, 23:30, 00:10 Shanghai), PostgreSQL at the one just before midnight. The rules
 * and their SQL are the same on both engines (PGlite is PostgreSQL); the PostgreSQL run covers the
 * driver, pooling and concurrency, which do not depend on the hour.
 */
export const KINDS_AND_CLOCKS = [
  ...CLOCK_SETTINGS.map(([label, at]) => ['pglite', label, at] as const),
  ...CLOCK_SETTINGS.filter(([label]) => label.startsWith('23:30')).map(([label, at]) => ['postgres', label, at] as const),
] as const satisfies readonly (readonly [DatabaseKind, string, () => Date])[];

export interface TestServer {
  kind: DatabaseKind;
  url: string;
  wsUrl: string;
  db: Database;
  /** The PostgreSQL URL, for a second instance on the same database. */
  databaseUrl?: string;
  server: RunningServer;
  /** An admin's access token (the harness never sends it unasked: requests without headers are anonymous). */
  adminToken: string;
  /** Headers (and graphql-ws connectionParams) acting as that ADMIN. */
  admin: Record<string, string>;
  /** Explicit empty headers: acting as nobody. */
  anonymous: Record<string, string>;
  /**
   * Headers acting as a role: `'ADMIN'`, `'ANONYMOUS'`, `{ siteManager: siteId }` (a SITE_MANAGER
   * of that site) or `{ volunteer: volunteerId }` (the volunteer's own account; a team leader is
   * the account of the team's leading volunteer). One account per role and server, made on first use.
   */
  as(role: ActingRole): Promise<Record<string, string>>;
  /** SQL statements Prisma has sent since the last reset (for N+1 checks). */
  queries: string[];
  /** This instance's live subscribers (wait until a subscription listens). */
  live: LiveProbe;
  close(): Promise<void>;
}

/** Who a test acts as (see TestServer.as). */
export type ActingRole = 'ADMIN' | 'ANONYMOUS' | { siteManager: number } | { volunteer: number };

export interface TestServerOptions {
  /** Reuse an existing database (e.g. a second instance on the same PostgreSQL database). */
  databaseUrl?: string;
  pubsub?: AppBus;
  /** Roster event settings (retention, relay polling, an after-commit hook). */
  events?: LiveEventsOptions;
  wsMaxSubscriptions?: number;
  /** The time the server's rules see (e.g. a manualClock set to 23:30 Shanghai); real time when omitted. */
  clock?: Clock;
  /** Any other server settings (timeouts, WebSocket limits, body size). */
  server?: Partial<Omit<ServerOptions, 'db' | 'logger'>>;
  /** Token settings (e.g. a short access-token TTL); the development secret and 15 minutes when omitted. */
  tokens?: TokenSettings;
}

/**
 * A real server on a free port with a fresh, migrated database: an in-memory PGlite, or a new
 * PostgreSQL database that close() drops again.
 */
export async function startTestServer(kind: DatabaseKind, options: TestServerOptions = {}): Promise<TestServer> {
  let scratch: ScratchDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (kind === 'postgres' && !databaseUrl) {
    // Only a database this server created is dropped by close().
    scratch = await createMigratedScratchDatabase();
    databaseUrl = scratch.url;
  }
  const queries: string[] = [];
  const onQuery = (sql: string) => queries.push(sql);
  let db: Database;
  if (kind === 'postgres') {
    db = await openDatabase({ databaseUrl, onQuery });
    await migrate(db.sql);
  } else {
    db = await openMigratedPglite({ onQuery });
  }
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // Setup helpers (minutesFromNow, shanghaiDate, …) take "now" from the clock this server's rules see.
  useFixtureClock(options.clock ?? systemClock);
  const live = liveProbe();
  const server = await startServer(
    {
      ...options.server,
      db,
      logger,
      env: 'test',
      pubsub: options.pubsub,
      events: { ...options.events, listeners: live.hooks },
      wsMaxSubscriptions: options.wsMaxSubscriptions,
      clock: options.clock,
      tokens: options.tokens,
    },
    { port: 0, host: '127.0.0.1' },
  );
  const adminToken = await accessTokenFor(db, { roles: [{ role: 'ADMIN' }] });
  const admin = Object.freeze({ authorization: `Bearer ${adminToken}` }) as Record<string, string>;
  const anonymous = Object.freeze({}) as Record<string, string>;
  const acting = new Map<string, Promise<Record<string, string>>>();
  const as = (role: ActingRole): Promise<Record<string, string>> => {
    if (role === 'ADMIN') return Promise.resolve(admin);
    if (role === 'ANONYMOUS') return Promise.resolve(anonymous);
    const key = JSON.stringify(role);
    let headers = acting.get(key);
    if (!headers) {
      const input: Omit<CreateAccountInput, 'phone' | 'password'> =
        'siteManager' in role ? { roles: [{ role: 'SITE_MANAGER', siteId: role.siteManager }] } : { volunteerId: role.volunteer };
      headers = accessTokenFor(db, input).then((token) => Object.freeze({ authorization: `Bearer ${token}` }));
      acting.set(key, headers);
    }
    return headers;
  };
  return {
    kind,
    url: server.url,
    wsUrl: server.wsUrl,
    db,
    databaseUrl: kind === 'postgres' ? databaseUrl : undefined,
    server,
    queries,
    live,
    adminToken,
    admin,
    anonymous,
    as,
    async close() {
      await server.close();
      await db.close();
      await scratch?.drop();
    },
  };
}

let accountCounter = 0;

/** A new account (a phone number unused by fixtures) with these roles or volunteer, and an access token for it. */
async function accessTokenFor(
  db: Database,
  input: Omit<CreateAccountInput, 'phone' | 'password'>,
): Promise<string> {
  accountCounter += 1;
  const phone = `+86199${String(process.pid % 10000).padStart(4, '0')}${String(accountCounter).padStart(4, '0')}`;
  const password = 'acting-password-for-tests';
  await createAccount(db.prisma, { ...input, phone, password });
  const session = await login(db.prisma, developmentTokens(), { phone, password, ip: '127.0.0.1' });
  return session.accessToken;
}
