import type { Database } from '../src/db/index.js';
import { siteStats } from '../src/stats/service.js';

/**
 * `cityStats` (siteStats over the whole city) for the last year and the last month of the data:
 * 3 warm-up calls, then the median and p90 of `runs`, with the statements one call sends
 * (issue 12's target: under 200 ms).
 */
export async function cityStatsTimes(db: Database, statements: string[], runs: number) {
  const to = new Date();
  const periods = {
    year: { from: new Date(to.getTime() - 365 * 86_400_000), to },
    month: { from: new Date(to.getTime() - 30 * 86_400_000), to },
  };
  const rows: { period: string; medianMs: number; p90Ms: number; statements: number }[] = [];
  for (const [period, range] of Object.entries(periods)) {
    for (let i = 0; i < 3; i++) await siteStats(db.prisma, null, range);
    const times: number[] = [];
    statements.length = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await siteStats(db.prisma, null, range);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
    rows.push({ period, medianMs: at(0.5), p90Ms: at(0.9), statements: statements.length / runs });
  }
  return rows;
}
