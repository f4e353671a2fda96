import { type Database, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import type { PubSubService } from '../../src/pubsub.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createScratchDatabase, type ScratchDatabase } from './postgres.js';

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres'];

export interface TestServer {
  kind: DatabaseKind;
  url: string;
  wsUrl: string;
  db: Database;
  /** The PostgreSQL URL, for a second instance on the same database. */
  databaseUrl?: string;
  server: RunningServer;
  /** SQL statements Prisma has sent since the last reset (for N+1 checks). */
  queries: string[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Reuse an existing database (e.g. a second instance on the same PostgreSQL database). */
  databaseUrl?: string;
  pubsub?: PubSubService;
  wsMaxSubscriptions?: number;
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
    scratch = await createScratchDatabase();
    databaseUrl = scratch.url;
  }
  const queries: string[] = [];
  const db = await openDatabase({
    databaseUrl: kind === 'postgres' ? databaseUrl : undefined,
    dataDir: 'memory',
    onQuery: (sql) => queries.push(sql),
  });
  await migrate(db.sql);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const server = await startServer({ db, logger, env: 'test', pubsub: options.pubsub, wsMaxSubscriptions: options.wsMaxSubscriptions }, { port: 0, host: '127.0.0.1' });
  return {
    kind,
    url: server.url,
    wsUrl: server.wsUrl,
    db,
    databaseUrl: kind === 'postgres' ? databaseUrl : undefined,
    server,
    queries,
    async close() {
      await server.close();
      await db.close();
      await scratch?.drop();
    },
  };
}
