/**
 * `npm run db:seed`: migrates the database and seeds the demo data if it has none yet.
 * Uses DATABASE_URL (PostgreSQL) when set, otherwise the PGlite database in DATA_DIR (./.data).
 */
import { openDatabase } from '../db/index.js';
import { migrate } from '../db/migrate.js';
import { seedIfEmpty } from './index.js';

async function main() {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.DATA_DIR ?? './.data';
  const where = databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${dataDir}`;
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    const applied = await migrate(db.sql);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    const started = performance.now();
    const counts = await seedIfEmpty(db.prisma);
    if (counts) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = Object.entries(counts)
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ');
      console.log(`Seeded the demo data into ${where} in ${seconds}s: ${summary}.`);
    } else {
      console.log(`${where} already has data; nothing seeded.`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
