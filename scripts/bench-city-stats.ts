/**
 * tsx scripts/bench-city-stats.ts — how long `cityStats` (siteStats over the whole city) takes on
 * PGlite with the demo seed: 5 warm-up runs, then the median and p90 of 30, for a year and a
 * month. Prints the statements one run sends.
 */
import { openDatabase } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';
import { seedIfEmpty } from '../src/seed/index.js';
import { siteStats } from '../src/stats/service.js';

const statements: string[] = [];
const db = await openDatabase({ dataDir: 'memory', onQuery: (sql) => statements.push(sql) });
await migrate(db.sql);
await seedIfEmpty(db.prisma);

const periods = {
  year: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-12-31T00:00:00Z') },
  month: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') },
};
for (const [name, period] of Object.entries(periods)) {
  for (let i = 0; i < 5; i++) await siteStats(db.prisma, null, period);
  const times: number[] = [];
  statements.length = 0;
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    await siteStats(db.prisma, null, period);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name}: median ${times[15]!.toFixed(1)} ms, p90 ${times[27]!.toFixed(1)} ms, ${statements.length / 30} statements per call`,
  );
}
await db.close();
