/**
 * `npm run db:seed -- --scale city [--factor F] [--as-of ISO-instant]`: the real city's size —
 * 1 center, 100 institutes, 2,445 stations, 332,000 volunteers, 3,200 teams (~10% of volunteers
 * members), 600 duty posts, the 30-day tourist season's 20,000 shifts with ~600,000 assignments,
 * and a year of service records — written with set-based SQL (INSERT … SELECT over
 * generate_series and unnest) in one transaction. `--factor 0.01` builds the same shape at 1%.
 *
 * Deterministic: the same factor gives the same rows and ids. Only the season's dates follow the
 * clock (today is its 21st day, so the roster is live), unless `--as-of` fixes them. It refuses a
 * database that has data; run again on its own output, it changes nothing.
 */
import { DEMO_ACCOUNTS } from '../accounts.js';
import { hashPassword } from '../../auth/passwords.js';
import type { SqlSession } from '../../db/index.js';
import { addDays, parseCalendarDate, shanghaiMidnight } from '../../roster/time.js';
import { writeVolunteers } from './people.js';
import { shanghaiDay, writeSeason, writeServiceRecords } from './roster.js';
import { SEASON_DAYS, SEASON_DAYS_BEFORE_TODAY, scaleSizes, type ScaleSizes } from './sizes.js';
import { scaleTree, writeOrganisation, writeTree } from './tree.js';

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
  | { seeded: true; sizes: ScaleSizes; counts: Record<string, number> }
  | { seeded: false; reason: 'already-seeded' | 'not-empty'; counts: Record<string, number> };

/**
 * A hash of (key, salt) onto [0, 1): the seed's only source of chance, so a row's draw never
 * depends on evaluation order. Integer mixing kept inside bigint range; one expression, so that
 * PostgreSQL inlines the function into each query instead of calling it per row.
 */
const X = '((((key * 2654435761 + salt * 40503 + 20261129) % 4294967296) # (salt * 2246822)) * 1597334677) % 4294967296';
const Y = `(((${X}) # ((${X}) >> 13)) * 1274126177) % 4294967296`;
const RANDOM_FUNCTION = `
  CREATE FUNCTION pg_temp.rnd(key bigint, salt int) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (((${Y}) # ((${Y}) >> 16)) % 4294967296)::double precision / 4294967296.0`;

/** Tables whose secondary indexes are dropped while loading and rebuilt after (far faster than row by row). */
const REBUILT = ['Volunteer', 'TeamMembership', 'Shift', 'ShiftAssignment', 'ServiceRecord'];

/** Drops the non-primary-key indexes of the tables and returns the statements that recreate them exactly. */
async function dropSecondaryIndexes(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [REBUILT],
  );
  for (const row of rows) await session.exec(`DROP INDEX "${row.name}"`);
  return rows.map((row) => row.definition);
}

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
    const t0 = performance.now();
    const lap = (what: string) => process.env.SEED_TIMING && console.log(what, ((performance.now() - t0) / 1000).toFixed(1));
    await session.exec(RANDOM_FUNCTION);
    const indexes = await dropSecondaryIndexes(session);
    await writeTree(session, sizes, new Date(Date.UTC(2018, 8, 1, 1, 30)));
    lap('tree');
    const people = await writeVolunteers(session, scaleTree(sizes), sizes.volunteers, new Date(start.getTime() - 15 * DAY_MS));
    lap('volunteers');
    await writeOrganisation(session, sizes, season);
    lap('organisation');
    await writeSeason(session, sizes, season, people.activeIds);
    lap('season');
    await writeServiceRecords(session, now);
    lap('records');
    await writeAdmin(session);
    for (const definition of indexes) await session.exec(definition);
    lap('indexes');
    await session.query(
      `SELECT ${TABLES.map((t) => `setval(pg_get_serial_sequence('"${t}"', 'id'), GREATEST(1, (SELECT MAX("id") FROM "${t}")))`).join(', ')}`,
    );
    await session.exec('DROP FUNCTION pg_temp.rnd(bigint, int)');
    const after = await counts(session);
    await session.exec('COMMIT');
    // Fresh statistics and visibility maps for the planner (outside the transaction, as VACUUM must be).
    await session.exec(`VACUUM (ANALYZE) ${TABLES.map((t) => `"${t}"`).join(', ')}`);
    lap('vacuum');
    return { seeded: true, sizes, counts: after };
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
