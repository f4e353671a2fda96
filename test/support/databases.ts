import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { type Database, type DatabaseOptions, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from './postgres.js';

let pgliteTemplate: Promise<Blob> | undefined;

/**
 * A migrated in-memory PGlite database: a copy of the one the global setup migrated for this run
 * (test/support/global-setup.ts). migrate() still runs, and so checks that copy's recorded history
 * against prisma/migrations.
 */
export async function openMigratedPglite(options: Pick<DatabaseOptions, 'onQuery'> = {}): Promise<Database> {
  pgliteTemplate ??= readFile(inject('pgliteTemplate')).then((bytes) => new Blob([bytes]));
  const db = await openDatabase({ ...options, dataDir: 'memory', loadDataDir: await pgliteTemplate });
  await migrate(db.sql);
  return db;
}

/** A new PostgreSQL database for one test file, a copy of this run's migrated template. */
export function createMigratedScratchDatabase(label?: string): Promise<ScratchDatabase> {
  return createScratchDatabase(label, inject('postgresTemplate'));
}
