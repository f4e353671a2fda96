/**
 * `npm run db:seed -- --scale city [--factor F] [--as-of ISO-instant]`: the real city's size —
 * 1 center, 100 institutes, 2,445 stations, 332,000 volunteers, 3,200 teams (~10% of volunteers
 * members), 600 duty posts, the 30-day tourist season's 20,000 shifts with ~600,000 assignments,
 * and a year of service records — written with set-based SQL (INSERT … SELECT over
 * generate_series and unnest) in one transaction. `--factor 0.01` builds the same shape at 1%.
 *
 * Built for speed (about 10 s for the city on 2 cores): the tables' keys, indexes and foreign
 * keys are dropped for the load and rebuilt after it (load.ts), every table is written once with
 * its final values (the counters are computed before the rows that store them: shifts after their
 * assignments, volunteers last), and names and pinyin come from small lookup tables (people.ts).
 *
 * Deterministic: the same factor gives the same rows and ids. Only the season's dates follow the
 * clock (today is its 21st day, so the roster is live), unless `--as-of` fixes them. It refuses a
 * database that has data; run again on its own output, it changes nothing.
 */
import { DEMO_ACCOUNTS } from '../accounts.js';
import { hashPassword } from '../../auth/passwords.js';
import type { SqlSession } from '../../db/index.js';
import { addDays, parseCalendarDate, shanghaiMidnight } from '../../roster/time.js';
import { dropForLoad, restoreAfterLoad } from './load.js';
import { writePeople, writeVolunteers } from './people.js';
import { shanghaiDay, writeSeason, writeServiceRecords } from './roster.js';
import { SEASON_DAYS, SEASON_DAYS_BEFORE_TODAY, scaleSizes, type ScaleSizes } from './sizes.js';
import { writeOrganisation, writeTree } from './tree.js';

export { scaleSizes, CITY, type ScaleSizes } from './sizes.js';

/** The same key as the demo seed: one seeding at a time per database. */
const SEED_ADVISORY_LOCK = 72707370;
const DAY_MS = 86_400_000;
const TABLES = ['Site', 'Volunteer', 'Team', 'TeamMembership', 'Brand', 'Project', 'DutyPost', 'Shift', 'ShiftAssignment', 'ServiceRecord'];

export interface ScaleSeedOptions {
  factor?: number;
  /** The moment the data describes ("now"); the season runs from 20 days before its day to 9 after. */
  asOf?: Date;
}

export type ScaleSeedResult =
  /** timings: seconds per phase, in order. */
  | { seeded: true; sizes: ScaleSizes; counts: Record<string, number>; timings: Record<string, number> }
  | { seeded: false; reason: 'already-seeded' | 'not-empty'; counts: Record<string, number> };

/**
 * A hash of (key, salt) onto [0, 1): the seed's only source of chance, so a row's draw never
 * depends on evaluation order. hashint8extended is PostgreSQL's hash of a bigint for hash
 * partitioning, so it is the same on every platform and release; as one expression the function
 * is inlined into each query instead of called per row.
 */
export const RANDOM_FUNCTION = `
  CREATE OR REPLACE FUNCTION pg_temp.rnd(key bigint, salt int) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (hashint8extended(key, salt) & 4294967295)::double precision / 4294967296.0`;

/**
 * For the bulk load (one transaction): memory for its sorts, hashes and index builds; no wait for
 * the WAL flush at commit; no JIT (compiling each big statement costs more than it saves here).
 */
const LOAD_SETTINGS = `SET LOCAL synchronous_commit = off; SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL work_mem = '64MB';
  SET LOCAL jit = off`;

async function counts(session: SqlSession): Promise<Record<string, number>> {
  const [row] = await session.query<Record<string, number>>(
    `SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM "${t}") AS "${t}"`).join(', ')}`,
  );
  return row!;
}

/** Seeds the city-scale data into an empty database, in one transaction on `session`. */
export async function seedCityScale(session: SqlSession, options: ScaleSeedOptions = {}): Promise<ScaleSeedResult> {
  const sizes = scaleSizes(options.factor ?? 1);
  const now = options.asOf ?? new Date();
  const today = parseCalendarDate(shanghaiDay(now))!;
  const firstDay = addDays(today, -SEASON_DAYS_BEFORE_TODAY);
  const start = shanghaiMidnight(firstDay);
  const season = {
    start,
    now,
    firstDay: shanghaiDay(start),
    lastDay: shanghaiDay(new Date(start.getTime() + (SEASON_DAYS - 1) * DAY_MS)),
    joinedBefore: new Date(start.getTime() - 16 * DAY_MS),
  };

  await session.exec('BEGIN');
  try {
    await session.query(`SELECT pg_advisory_xact_lock(${SEED_ADVISORY_LOCK})`);
    const before = await counts(session);
    if (Object.values(before).some((n) => n > 0) || (await session.query(`SELECT 1 FROM "Account" LIMIT 1`)).length > 0) {
      await session.exec('ROLLBACK');
      const same = before.Volunteer === sizes.volunteers && before.Shift === sizes.shifts && before.Site === 1 + sizes.institutes + sizes.stations;
      return { seeded: false, reason: same ? 'already-seeded' : 'not-empty', counts: before };
    }
    const timings: Record<string, number> = {};
    let t0 = performance.now();
    const lap = (what: string) => {
      const t = performance.now();
      timings[what] = Math.round(t - t0) / 1000;
      t0 = t;
    };
    await session.exec(LOAD_SETTINGS);
    await session.exec(RANDOM_FUNCTION);
    const dropped = await dropForLoad(session, TABLES);
    await writeTree(session, sizes, new Date(Date.UTC(2018, 8, 1, 1, 30)));
    lap('tree');
    const registeredBefore = new Date(start.getTime() - 15 * DAY_MS);
    const { active } = await writePeople(session, sizes, registeredBefore);
    lap('people');
    await writeOrganisation(session, sizes, season);
    lap('organisation');
    await writeSeason(session, sizes, season, active);
    lap('season');
    await writeServiceRecords(session, now);
    lap('records');
    await writeVolunteers(session, registeredBefore);
    lap('volunteers');
    await writeAdmin(session);
    await restoreAfterLoad(session, dropped, lap);
    await session.query(
      `SELECT ${TABLES.map((t) => `setval(pg_get_serial_sequence('"${t}"', 'id'), GREATEST(1, (SELECT MAX("id") FROM "${t}")))`).join(', ')}`,
    );
    await session.exec('DROP FUNCTION pg_temp.rnd(bigint, int)');
    const after = await counts(session);
    await session.exec('COMMIT');
    lap('commit');
    // Fresh statistics and visibility maps for the planner (outside the transaction, as VACUUM must be).
    await session.exec(`VACUUM (ANALYZE) ${TABLES.map((t) => `"${t}"`).join(', ')}`);
    lap('vacuum');
    return { seeded: true, sizes, counts: after, timings };
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** The demo ADMIN login (DEMO_ACCOUNTS), so `npm start` on this database prints a way in. */
async function writeAdmin(session: SqlSession): Promise<void> {
  const admin = DEMO_ACCOUNTS.find((a) => a.role === 'ADMIN')!;
  const [account] = await session.query<{ id: number }>(
    `INSERT INTO "Account" ("phone", "passwordHash", "updatedAt") VALUES ($1, $2, now()) RETURNING "id"`,
    [admin.phone, await hashPassword(admin.password)],
  );
  await session.query(`INSERT INTO "StaffRoleGrant" ("accountId", "role") VALUES ($1, 'ADMIN')`, [account!.id]);
}
