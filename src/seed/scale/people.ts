/**
 * The city-scale volunteers, drawn in SQL (pg_temp.rnd, see index.ts), never a row at a time in Node.
 *
 * Names are a surname and a given name from src/seed/data.ts. Their pinyin columns must be exactly
 * what src/volunteers/search.ts writes for the whole name; the pinyin of a name is that of its
 * surname (read as a surname) followed by that of its given name, for every surname and given name
 * the lists can combine (test/scale-seed.test.ts checks all of them), so Node computes the pinyin of
 * the ~1,700 parts and PostgreSQL concatenates them.
 *
 * Two steps, so that Volunteer is written once, with its serviceMinutes: writePeople draws who
 * everyone is into the temporary table scale_person (what the teams and the roster need), and
 * writeVolunteers, after the assignments and service records exist, writes the Volunteer rows.
 */
import type { SqlSession } from '../../db/index.js';
import { pinyinSyllables } from '../../volunteers/search.js';
import { GIVEN_NAMES, MOBILE_PREFIXES, SKILLS, SURNAMES } from '../data.js';

/** Prefixes kept free for the seeded logins (+86138…) and the test and bench accounts (+86199…). */
const PREFIXES = MOBILE_PREFIXES.filter((p) => p !== '138' && p !== '199');
const SKILL_NAMES = SKILLS.map(([skill]) => skill);

export interface NamePart {
  text: string;
  pinyin: string;
  initials: string;
}

/**
 * The parts names are made of. Given names come in six groups (gender × single character, or a
 * pair of the older or the younger generation); `groups[g]` is the [offset, size] of group g in
 * `given`, g = 3·(female ? 1 : 0) + (single ? 0 : older ? 1 : 2).
 */
export interface NameParts {
  surnames: NamePart[];
  /** Cumulative lower bounds of the surnames' shares of [0, 1): earlier ones are drawn more often. */
  surnameBounds: number[];
  given: NamePart[];
  groups: [offset: number, size: number][];
}

const part = (text: string, syllables: string[]): NamePart => ({
  text,
  pinyin: syllables.join(''),
  initials: syllables.map((s) => s[0]).join(''),
});

export function nameParts(): NameParts {
  const surnames = SURNAMES.map((s) => part(s, pinyinSyllables(s, 'head')));
  const weights = SURNAMES.map((_, rank) => 1 / (rank + 4));
  const total = weights.reduce((a, b) => a + b, 0);
  const surnameBounds = weights.map((_, i) => weights.slice(0, i).reduce((a, b) => a + b, 0) / total);
  const given: NamePart[] = [];
  const groups: [number, number][] = [];
  for (const gender of ['MALE', 'FEMALE'] as const) {
    const pool = GIVEN_NAMES[gender];
    const pairs = (p: { first: readonly string[]; second: readonly string[] }) =>
      p.first.flatMap((a) => p.second.filter((b) => b !== a).map((b) => a + b));
    for (const texts of [[...pool.single], pairs(pool.older), pairs(pool.younger)]) {
      groups.push([given.length, texts.length]);
      for (const text of texts) given.push(part(text, pinyinSyllables(text, 'off')));
    }
  }
  return { surnames, surnameBounds, given, groups };
}

/**
 * One volunteer in every 33 (ids 33b+1…33b+33, at a drawn place in the block) is suspended: so
 * the n-th ACTIVE volunteer is a formula, not a lookup, and the roster can walk them cheaply.
 */
const BLOCK = 33;
const suspendedAt = (block: string) => `floor(pg_temp.rnd(${block}, 7) * ${BLOCK})::int`;

/** SQL for the id of the ACTIVE volunteer number `n` (0-based; n < the number of active volunteers). */
export function activeVolunteerId(n: string): string {
  const pos = `(${n}) % ${BLOCK - 1}`;
  const block = `(${n}) / ${BLOCK - 1}`;
  return `(${block} * ${BLOCK} + ${pos} + CASE WHEN ${pos} >= ${suspendedAt(block)} THEN 2 ELSE 1 END)`;
}

/**
 * Draws `count` volunteers with ids 1…count into scale_person: gender, birth year, home site (a
 * station for 90%, an institute for 8%, else the center), registration between 2019 and
 * `registeredBefore` in id order (never before turning 17), and whether they are suspended.
 * Returns how many are ACTIVE.
 */
export async function writePeople(
  session: SqlSession,
  sizes: { institutes: number; stations: number; volunteers: number },
  registeredBefore: Date,
): Promise<{ active: number }> {
  const from = new Date(Date.UTC(2019, 0, 1));
  const spanSeconds = Math.floor((registeredBefore.getTime() - from.getTime()) / 1000);
  await session.query(
    `CREATE TEMP TABLE scale_person ON COMMIT DROP AS
     SELECT id, female, birth_year,
            CASE WHEN r_site < 0.9 THEN $2::int + 2 + floor(pg_temp.rnd(id, 4) * $3::int)::int
                 WHEN r_site < 0.98 THEN 2 + floor(pg_temp.rnd(id, 4) * $2::int)::int ELSE 1 END AS site,
            GREATEST($4::timestamptz + floor($5::bigint * (id - 1 + pg_temp.rnd(id, 5)) / $1::int) * interval '1 second',
                     make_timestamptz(birth_year + 17, 1, 1, 0, 0, 0, 'UTC') + floor(pg_temp.rnd(id, 6) * 301) * interval '1 day')
              AS registered,
            (id - 1) % ${BLOCK} = ${suspendedAt(`(id - 1) / ${BLOCK}`)} AS suspended
       FROM (SELECT id, pg_temp.rnd(id, 1) < 0.56 AS female, 1950 + floor(pg_temp.rnd(id, 2) * 57)::int AS birth_year,
                    pg_temp.rnd(id, 3) AS r_site
               FROM generate_series(1, $1::int) AS id OFFSET 0) AS drawn`,
    [sizes.volunteers, sizes.institutes, sizes.stations, from.toISOString(), spanSeconds],
  );
  await session.exec('ANALYZE scale_person');
  const [row] = await session.query<{ active: number }>(`SELECT count(*) FILTER (WHERE NOT suspended)::int AS active FROM scale_person`);
  return { active: row!.active };
}

/**
 * Writes the Volunteer rows of scale_person, with serviceMinutes the sum of their COMPLETED
 * assignments' and APPROVED service records' minutes (so both must be written already).
 */
export async function writeVolunteers(session: SqlSession, registeredBefore: Date): Promise<void> {
  const parts = nameParts();
  await session.query(
    `CREATE TEMP TABLE scale_surname ON COMMIT DROP AS
       SELECT n::int AS n, text, pinyin, initials FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS s(text, pinyin, initials, n)`,
    [parts.surnames.map((s) => s.text), parts.surnames.map((s) => s.pinyin), parts.surnames.map((s) => s.initials)],
  );
  await session.query(
    `CREATE TEMP TABLE scale_given ON COMMIT DROP AS
       SELECT n::int - 1 AS n, text, pinyin, initials FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS g(text, pinyin, initials, n)`,
    [parts.given.map((g) => g.text), parts.given.map((g) => g.pinyin), parts.given.map((g) => g.initials)],
  );
  await session.exec('ANALYZE scale_surname; ANALYZE scale_given');
  const phoneDigits = `lpad((((p.id - 1)::bigint * 7919 + 4242421) % 100000000)::text, 8, '0')`;
  // Skills: none for 40%, else 1 to 3 distinct ones (a start and a step modulo their prime count).
  const K = SKILL_NAMES.length;
  const skill = (j: number) => `($5::text[])[1 + (p.skill_start + ${j} * p.skill_step) % ${K}]`;
  await session.query(
    `INSERT INTO "Volunteer" ("id", "name", "namePinyin", "nameInitials", "phone", "gender", "birthDate", "skills",
                              "homeSiteId", "status", "registeredAt", "updatedAt", "serviceMinutes")
     SELECT p.id, s.text || g.text, s.pinyin || g.pinyin, s.initials || g.initials,
            '+86' || ($4::text[])[1 + (p.id - 1) % cardinality($4::text[])] || ${phoneDigits},
            CASE WHEN p.female THEN 'FEMALE' ELSE 'MALE' END::"Gender",
            make_date(p.birth_year, 1 + floor(pg_temp.rnd(p.id, 9) * 12)::int, 1 + floor(pg_temp.rnd(p.id, 10) * 28)::int),
            CASE p.skill_count WHEN 0 THEN '{}'::text[] WHEN 1 THEN ARRAY[${skill(0)}] WHEN 2 THEN ARRAY[${skill(0)}, ${skill(1)}]
                 ELSE ARRAY[${skill(0)}, ${skill(1)}, ${skill(2)}] END,
            p.site, CASE WHEN p.suspended THEN 'SUSPENDED' ELSE 'ACTIVE' END::"VolunteerStatus", p.registered,
            LEAST(p.registered + CASE WHEN p.suspended THEN (1 + floor(pg_temp.rnd(p.id, 11) * 300)) * interval '1 day'
                                      ELSE interval '0' END, $6::timestamptz),
            COALESCE(earned.minutes, 0)
       FROM (SELECT p.*, width_bucket(pg_temp.rnd(p.id, 12), $1::float8[]) AS surname,
                    ($2::int[])[1 + grp] + floor(pg_temp.rnd(p.id, 13) * ($3::int[])[1 + grp])::int AS given,
                    CASE WHEN pg_temp.rnd(p.id, 14) < 0.4 THEN 0 ELSE 1 + floor(pg_temp.rnd(p.id, 15) * 3)::int END AS skill_count,
                    floor(pg_temp.rnd(p.id, 16) * ${K})::int AS skill_start, 1 + floor(pg_temp.rnd(p.id, 17) * ${K - 1})::int AS skill_step
               FROM (SELECT p.*, 3 * p.female::int + CASE WHEN pg_temp.rnd(p.id, 8) < CASE WHEN p.birth_year < 1985 THEN 0.3 ELSE 0.15 END
                                                           THEN 0 WHEN p.birth_year < 1985 THEN 1 ELSE 2 END AS grp
                       FROM scale_person AS p) AS p OFFSET 0) AS p
       JOIN scale_surname AS s ON s.n = p.surname
       JOIN scale_given AS g ON g.n = p.given
       LEFT JOIN (SELECT "volunteerId", sum(minutes)::int AS minutes
                    FROM (SELECT "volunteerId", "serviceMinutes" AS minutes FROM "ShiftAssignment" WHERE status = 'COMPLETED'
                          UNION ALL
                          SELECT "volunteerId", minutes FROM "ServiceRecord" WHERE status = 'APPROVED') AS credited
                   GROUP BY "volunteerId") AS earned ON earned."volunteerId" = p.id`,
    [
      parts.surnameBounds, parts.groups.map((g) => g[0]), parts.groups.map((g) => g[1]),
      PREFIXES, SKILL_NAMES, registeredBefore.toISOString(),
    ],
  );
}

