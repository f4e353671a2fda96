/**
 * `npm run db:seed`: migrates the database and seeds the demo data if it has none yet.
 * `npm run db:seed -- --scale city [--factor 0.01] [--as-of 2026-12-01T04:00:00Z]`: the city-scale
 * data set instead (src/seed/scale/), meant for PostgreSQL; it refuses a database that has data.
 * Uses DATABASE_URL (PostgreSQL) when set, otherwise the PGlite database in DATA_DIR (./.data).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/index.js';
import { migrate } from '../db/migrate.js';
import { seedIfEmpty } from './index.js';
import { seedCityScale } from './scale/index.js';

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([kind, n]) => `${n.toLocaleString('en')} ${kind}`)
    .join(', ');

async function main() {
  const { values } = parseArgs({
    options: { scale: { type: 'string' }, factor: { type: 'string' }, 'as-of': { type: 'string' } },
  });
  if (values.scale !== undefined && values.scale !== 'city') throw new Error(`--scale takes "city", not "${values.scale}"`);
  const factor = values.factor === undefined ? 1 : Number(values.factor);
  if (!(factor > 0 && factor <= 1)) throw new Error(`--factor takes a number in (0, 1], not "${values.factor}"`);
  const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
  if (asOf && Number.isNaN(asOf.getTime())) throw new Error(`--as-of takes an ISO 8601 instant, not "${values['as-of']}"`);

  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.DATA_DIR ?? './.data';
  const where = databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${dataDir}`;
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    const applied = await migrate(db.sql);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    if (values.scale === 'city') {
      const result = await db.sql.withSession((session) => seedCityScale(session, { factor, asOf }));
      if (result.seeded) {
        console.log(`Seeded the city at scale ${factor} into ${where} in ${seconds()}s: ${summary(result.counts)}.`);
        console.log(`Phases: ${Object.entries(result.timings).map(([phase, s]) => `${phase} ${s.toFixed(1)}s`).join(', ')}.`);
      } else if (result.reason === 'already-seeded') {
        console.log(`${where} already holds the city at scale ${factor}; nothing seeded.`);
      } else {
        console.error(`${where} is not empty (${summary(result.counts)}): the city-scale seed needs an empty database.`);
        process.exitCode = 1;
      }
      return;
    }
    const counts = await seedIfEmpty(db.prisma);
    if (counts) {
      console.log(`Seeded the demo data into ${where} in ${seconds()}s: ${summary(counts)}.`);
    } else {
      console.log(`${where} already has data; nothing seeded.`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
