import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The local PostgreSQL the tests create their own databases in (trust auth). */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops a database even with connections open. */
async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** A scratch database's name: volunteer_<label>_<pid of the test process>_<8 hex digits>. */
const SCRATCH_NAME = /^volunteer_[a-z_]+_([0-9]+)_[0-9a-f]{8}$/;

/**
 * Creates a database for one test file, empty or a copy of `template`; drop() removes it, even
 * with connections open.
 */
export async function createScratchDatabase(label = 'test', template?: string): Promise<ScratchDatabase> {
  const name = `volunteer_${label}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await admin((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((c) => dropDatabase(c, name)),
  };
}

/**
 * Drops the scratch databases (volunteer_<label>_<pid>_<hex>) of test processes that no longer
 * run: a run that was killed leaves its databases behind. A live process's databases stay.
 */
export async function dropAbandonedScratchDatabases(): Promise<string[]> {
  return admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'volunteer\\_%'`);
    const abandoned = rows.map((r) => r.datname).filter((name) => {
      const pid = SCRATCH_NAME.exec(name)?.[1];
      return pid !== undefined && !processRuns(Number(pid));
    });
    for (const name of abandoned) await dropDatabase(c, name);
    return abandoned;
  });
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
