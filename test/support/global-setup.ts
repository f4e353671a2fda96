import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrate.js';
import { createScratchDatabase, dropAbandonedScratchDatabases } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, empty PGlite data directory (PGlite's dumpDataDir, an uncompressed tar) for this run. */
    pgliteTemplate: string;
    /** A migrated, empty PostgreSQL database for this run, to copy scratch databases from. */
    postgresTemplate: string;
  }
}

/**
 * Migrates one PGlite database and one PostgreSQL database before any test file runs. Each test
 * server then starts from a copy of them (PGlite's loadDataDir, CREATE DATABASE … TEMPLATE)
 * instead of running initdb and every migration again: about 4 s less per PGlite server on two
 * cores. The copies still run migrate(), which then checks the recorded history against
 * prisma/migrations. The migrator's own tests start from empty databases.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropAbandonedScratchDatabases();
  const dir = mkdtempSync(join(tmpdir(), 'volunteer-test-'));
  const postgres = await createScratchDatabase('template');
  const removeTemplates = async () => {
    await postgres.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const embedded = await openDatabase({ dataDir: 'memory' });
    await migrate(embedded.sql);
    const dumped = await embedded.dumpDataDir!();
    await embedded.close();
    const pgliteTemplate = join(dir, 'pglite-migrated.tar');
    writeFileSync(pgliteTemplate, Buffer.from(await dumped.arrayBuffer()));

    const server = await openDatabase({ databaseUrl: postgres.url, poolSize: 1 });
    await migrate(server.sql);
    await server.close();

    project.provide('pgliteTemplate', pgliteTemplate);
    project.provide('postgresTemplate', postgres.name);
  } catch (error) {
    await removeTemplates();
    throw error;
  }
  return removeTemplates;
}
