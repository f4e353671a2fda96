import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { ReservingPool } from './pool.js';
import type { SqlDriver } from './sql.js';

export type { PrismaClient } from '../generated/prisma/client.js';
export type { SqlDriver, SqlSession } from './sql.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** A postgresql:// URL; without it the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Connections to PostgreSQL at most; 10 unless given (the server passes DATABASE_POOL_SIZE). Ignored without databaseUrl. */
  poolSize?: number;
  /** PGlite's data directory, or 'memory'. Ignored with databaseUrl. */
  dataDir?: string;
  /** PGlite: start from this data directory, as dumpDataDir() wrote it, instead of an empty one. Ignored with databaseUrl. */
  loadDataDir?: Blob;
  /** Called with every SQL statement Prisma sends (for logs and the statement-count benchmarks). */
  onQuery?: (sql: string) => void;
}

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  sql: SqlDriver;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** PGlite only: the whole data directory as an uncompressed tar, for loadDataDir. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Interactive transactions wait on row locks when many volunteers sign up for the same shift at
 * once; Prisma's defaults (2 s to get a connection, 5 s to finish) are too tight for that burst.
 */
const transactionOptions = { maxWait: 20_000, timeout: 30_000 };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openPglite(options.dataDir ?? './.data', options.loadDataDir);
  if (options.onQuery) {
    const onQuery = options.onQuery;
    database.prisma.$on('query' as never, (event: { query: string }) => onQuery(event.query));
  }
  return database;
}

function openPostgres(url: string, poolSize: number): Database {
  // A quarter of the connections (at least 2) stay free for statements outside transactions.
  const pool = new ReservingPool({ connectionString: url, max: poolSize, reserved: Math.min(poolSize - 1, Math.max(2, Math.floor(poolSize / 4))) });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions,
    log: [{ emit: 'event', level: 'query' }],
  });
  const sql: SqlDriver = {
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          query: async (text, params) => (await client.query(text, params)).rows,
          exec: async (script) => {
            await client.query(script);
          },
        });
      } finally {
        client.release();
      }
    },
  };
  return {
    kind: 'postgres',
    prisma,
    sql,
    ping: () => ping(sql),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, loadDataDir: Blob | undefined): Promise<Database> {
  let client: PGlite;
  if (dataDir === 'memory') {
    client = new PGlite({ loadDataDir });
  } else {
    mkdirSync(dataDir, { recursive: true });
    client = new PGlite({ dataDir, loadDataDir });
  }
  await client.waitReady;
  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(client),
    transactionOptions,
    log: [{ emit: 'event', level: 'query' }],
  });
  const sql: SqlDriver = {
    // PGlite is a single in-process connection: every session is that connection.
    withSession: (fn) =>
      fn({
        query: async (text, params) => (await client.query(text, params)).rows as never,
        exec: async (script) => {
          await client.exec(script);
        },
      }),
  };
  return {
    kind: 'pglite',
    prisma,
    sql,
    ping: () => ping(sql),
    dumpDataDir: () => client.dumpDataDir('none'),
    async close() {
      await prisma.$disconnect();
      await client.close();
    },
  };
}

async function ping(sql: SqlDriver): Promise<boolean> {
  try {
    await sql.withSession((s) => s.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}
