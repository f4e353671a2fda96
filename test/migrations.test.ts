import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/index.js';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from '../src/db/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres.js';
import { ChildRun, REPO_ROOT } from './support/process.js';

/** The advisory-lock key the migrator (and Prisma's schema engine) takes. */
const PRISMA_ADVISORY_LOCK = 72707369;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

type Kind = 'postgres' | 'pglite';
const KINDS: Kind[] = ['postgres', 'pglite'];

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

/** The migration files on disk, with the checksum computed here independently of the migrator. */
function filesOnDisk(dir = MIGRATIONS_DIR) {
  return readMigrations(dir).map((m) => ({
    name: m.name,
    sha256: createHash('sha256').update(readFileSync(join(dir, m.name, 'migration.sql'))).digest('hex'),
  }));
}

async function historyRows(db: Database): Promise<MigrationRow[]> {
  return db.sql.withSession((s) =>
    s.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name, started_at'),
  );
}

async function tableExists(db: Database, table: string): Promise<boolean> {
  const rows = await db.sql.withSession((s) =>
    s.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1",
      [table],
    ),
  );
  return rows[0]!.n === 1;
}

/** Opens a fresh, empty database of the given kind; cleanup() closes and drops it. */
async function freshDatabase(kind: Kind): Promise<{ db: Database; scratch?: ScratchDatabase; cleanup(): Promise<void> }> {
  const scratch = kind === 'postgres' ? await createScratchDatabase('migrations') : undefined;
  const db = await openDatabase({ databaseUrl: scratch?.url, dataDir: 'memory' });
  return {
    db,
    scratch,
    async cleanup() {
      await db.close();
      await scratch?.drop();
    },
  };
}

function expectHistoryMatchesFiles(rows: MigrationRow[], files: { name: string; sha256: string }[]) {
  // Exactly one row per migration file, in the same order.
  expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  for (const [i, row] of rows.entries()) {
    expect(row.checksum, `checksum of ${row.migration_name}`).toBe(files[i]!.sha256);
    expect(row.id, `id of ${row.migration_name}`).toMatch(UUID);
    expect(row.finished_at, `finished_at of ${row.migration_name}`).not.toBeNull();
    expect(new Date(row.finished_at!).getTime()).toBeGreaterThanOrEqual(new Date(row.started_at).getTime());
    expect(row.rolled_back_at, `rolled_back_at of ${row.migration_name}`).toBeNull();
    expect(Number(row.applied_steps_count), `applied_steps_count of ${row.migration_name}`).toBe(1);
  }
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.each(KINDS)('migrate() on a fresh %s database', (kind) => {
  it('applies every migration once and records it like Prisma does', async () => {
    const { db, cleanup } = await freshDatabase(kind);
    cleanups.push(cleanup);
    const files = filesOnDisk();
    expect(files.length).toBeGreaterThan(0);

    const first = await migrate(db.sql);
    expect(first).toEqual(files.map((f) => f.name));
    const afterFirst = await historyRows(db);
    expectHistoryMatchesFiles(afterFirst, files);
    expect(await tableExists(db, 'Site')).toBe(true);

    // Second run: nothing to do, history untouched.
    const second = await migrate(db.sql);
    expect(second).toEqual([]);
    const afterSecond = await historyRows(db);
    expectHistoryMatchesFiles(afterSecond, files);
    expect(afterSecond.map((r) => [r.id, String(r.finished_at)])).toEqual(
      afterFirst.map((r) => [r.id, String(r.finished_at)]),
    );
  });
});

describe.each(KINDS)('migration failures on %s', (kind) => {
  let dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  /** A temporary migrations directory holding the given migrations (name → SQL). */
  function migrationsDir(migrations: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'volunteer-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(migrations)) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'migration.sql'), sql);
    }
    return dir;
  }

  async function heldAdvisoryLocks(db: Database): Promise<number> {
    const rows = await db.sql.withSession((s) =>
      s.query<{ n: number }>(
        // This database's lock only: advisory locks are per database, and other suites' migrators
        // take the same key in their own databases at the same time.
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND objid = $1 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [PRISMA_ADVISORY_LOCK],
      ),
    );
    return rows[0]!.n;
  }

  it('rolls a broken migration back entirely, records nothing for it, and releases the lock', async () => {
    const { db, cleanup } = await freshDatabase(kind);
    cleanups.push(cleanup);
    const dir = migrationsDir({
      '20260101000000_good': 'CREATE TABLE "Good" ("id" INTEGER PRIMARY KEY);\n',
      '20260102000000_broken':
        'CREATE TABLE "Partial" ("id" INTEGER PRIMARY KEY);\n' +
        'INSERT INTO "Good" ("id") VALUES (1);\n' +
        'INSERT INTO "NoSuchTable" ("id") VALUES (1);\n',
      '20260103000000_after': 'CREATE TABLE "After" ("id" INTEGER PRIMARY KEY);\n',
    });

    const error = await migrate(db.sql, dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/20260102000000_broken/);
    expect((error as Error).message).toMatch(/NoSuchTable/);

    // The good migration before it stays applied; nothing of the broken one (or after it) remains.
    const rows = await historyRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_good']);
    expect(await tableExists(db, 'Good')).toBe(true);
    expect(await tableExists(db, 'Partial')).toBe(false);
    expect(await tableExists(db, 'After')).toBe(false);
    const good = await db.sql.withSession((s) => s.query('SELECT * FROM "Good"'));
    expect(good).toEqual([]);
    // The session is not left inside an aborted transaction or holding the lock.
    expect(await heldAdvisoryLocks(db)).toBe(0);

    // Fixing the file lets the next run continue where it stopped.
    writeFileSync(join(dir, '20260102000000_broken', 'migration.sql'), 'CREATE TABLE "Partial" ("id" INTEGER PRIMARY KEY);\n');
    expect(await migrate(db.sql, dir)).toEqual(['20260102000000_broken', '20260103000000_after']);
    expectHistoryMatchesFiles(await historyRows(db), filesOnDisk(dir));
  });

  it('refuses a migration that was changed after it was applied', async () => {
    const { db, cleanup } = await freshDatabase(kind);
    cleanups.push(cleanup);
    const dir = migrationsDir({ '20260101000000_one': 'CREATE TABLE "One" ("id" INTEGER PRIMARY KEY);\n' });
    expect(await migrate(db.sql, dir)).toEqual(['20260101000000_one']);
    const before = await historyRows(db);

    appendFileSync(join(dir, '20260101000000_one', 'migration.sql'), 'ALTER TABLE "One" ADD COLUMN "x" TEXT;\n');
    // A new pending migration must not be applied either while the history is inconsistent.
    mkdirSync(join(dir, '20260102000000_two'));
    writeFileSync(join(dir, '20260102000000_two', 'migration.sql'), 'CREATE TABLE "Two" ("id" INTEGER PRIMARY KEY);\n');

    await expect(migrate(db.sql, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db.sql, dir)).rejects.toThrow(/20260101000000_one.*checksum mismatch/);
    expect(await historyRows(db)).toEqual(before);
    expect(await tableExists(db, 'Two')).toBe(false);
    expect(await heldAdvisoryLocks(db)).toBe(0);
  });

  it('refuses a database with an applied migration that is missing on disk', async () => {
    const { db, cleanup } = await freshDatabase(kind);
    cleanups.push(cleanup);
    const dir = migrationsDir({
      '20260101000000_one': 'CREATE TABLE "One" ("id" INTEGER PRIMARY KEY);\n',
      '20260102000000_two': 'CREATE TABLE "Two" ("id" INTEGER PRIMARY KEY);\n',
    });
    expect(await migrate(db.sql, dir)).toHaveLength(2);
    rmSync(join(dir, '20260101000000_one'), { recursive: true });
    await expect(migrate(db.sql, dir)).rejects.toThrow(/20260101000000_one.*missing/);
  });

  it('refuses to continue after a migration that started but never finished', async () => {
    const { db, cleanup } = await freshDatabase(kind);
    cleanups.push(cleanup);
    const dir = migrationsDir({ '20260101000000_one': 'CREATE TABLE "One" ("id" INTEGER PRIMARY KEY);\n' });
    expect(await migrate(db.sql, dir)).toHaveLength(1);
    // What `prisma migrate deploy` leaves behind when it crashes half-way.
    await db.sql.withSession((s) =>
      s.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ('00000000-0000-4000-8000-000000000000', 'x', '20260102000000_crashed', now(), 0)`,
      ),
    );
    cpSync(join(dir, '20260101000000_one'), join(dir, '20260102000000_crashed'), { recursive: true });
    await expect(migrate(db.sql, dir)).rejects.toThrow(/20260102000000_crashed.*never finished/);
  });
});

describe('two processes migrating the same PostgreSQL database at once', () => {
  let scratch: ScratchDatabase | undefined;
  let locker: pg.Client | undefined;
  const runs: ChildRun[] = [];
  afterAll(async () => {
    for (const run of runs) if (run.running) run.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.closed));
    await locker?.end().catch(() => {});
    await scratch?.drop();
  });

  it('both succeed, one applies, and each migration is recorded once', async () => {
    scratch = await createScratchDatabase('migrations_race');
    const url = scratch.url;
    const database = scratch.name;

    // Hold the migrator's advisory lock so both processes are provably blocked on it at the same
    // time; then release it and let them race for it.
    locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);

    const env = { ...process.env, DATABASE_URL: url };
    for (let i = 0; i < 2; i++) {
      runs.push(
        new ChildRun(process.execPath, ['--import', 'tsx', 'src/db/migrate-cli.ts'], { cwd: REPO_ROOT, env }),
      );
    }

    // Wait until both are queued on the lock (or one died, which fails below with its output).
    const waiting = async () => {
      const { rows } = await locker!.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.objid = $1 AND NOT l.granted AND d.datname = $2`,
        [PRISMA_ADVISORY_LOCK, database],
      );
      return rows[0]!.n;
    };
    for (;;) {
      const dead = runs.find((r) => !r.running);
      if (dead) throw new Error(`a migrator exited before reaching the lock\n${dead.output()}`);
      if ((await waiting()) === 2) break;
      // Poll the lock table (a real condition), yielding to the event loop between checks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await locker.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);

    const statuses = await Promise.all(runs.map((r) => r.closed));
    for (const [i, status] of statuses.entries()) {
      expect(status, runs[i]!.output()).toEqual({ code: 0, signal: null });
    }
    const files = filesOnDisk();
    const reports = runs.map((r) => r.stdout.join('\n'));
    expect(reports.filter((r) => r.includes(`applied: ${files.map((f) => f.name).join(', ')}`))).toHaveLength(1);
    expect(reports.filter((r) => r.includes('database is up to date'))).toHaveLength(1);

    const db = await openDatabase({ databaseUrl: url });
    try {
      expectHistoryMatchesFiles(await historyRows(db), files);
      for (const table of ['Site', 'Volunteer', 'Team', 'ShiftAssignment', 'ServiceRecord']) {
        expect(await tableExists(db, table), `table ${table}`).toBe(true);
      }
      expect(await migrate(db.sql)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
