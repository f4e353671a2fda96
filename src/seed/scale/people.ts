/**
 * The city-scale volunteers, computed in Node (their pinyin columns must be exactly what
 * src/volunteers/search.ts writes for a name) and handed to PostgreSQL as column arrays: one
 * INSERT … SELECT FROM unnest(…) per chunk, never a row at a time.
 */
import type { SqlSession } from '../../db/index.js';
import { nameSearchColumns, type NameSearchColumns } from '../../volunteers/search.js';
import { personName } from '../city.js';
import { MOBILE_PREFIXES, SKILLS } from '../data.js';
import { Random } from '../random.js';
import type { ScaleTree } from './tree.js';

const CHUNK = 20_000;
const DAY_MS = 86_400_000;

/** Prefixes kept free for the seeded logins (+86138…) and the test and bench accounts (+86199…). */
const PREFIXES = MOBILE_PREFIXES.filter((p) => p !== '138' && p !== '199');

export interface ScalePeople {
  count: number;
  /** Ids of ACTIVE volunteers, ascending: those the roster may put on duty. */
  activeIds: number[];
}

const SKILL_NAMES = SKILLS.map(([skill]) => skill);

/**
 * Writes `count` volunteers with ids 1…count. Everyone registered between 2019 and 15 days before
 * the season, at a station (90%), an institute (8%) or the center; 3% are suspended.
 */
export async function writeVolunteers(
  session: SqlSession,
  tree: ScaleTree,
  count: number,
  registeredBefore: Date,
): Promise<ScalePeople> {
  const rng = Random.stream('scale-volunteers');
  const pinyinOf = new Map<string, NameSearchColumns>();
  const activeIds: number[] = [];
  const from = Date.UTC(2019, 0, 1);
  const span = registeredBefore.getTime() - from;
  // A bijection of 0…10^8−1 (7919 is prime to 10^8): distinct numbers for distinct volunteers.
  const phoneOf = (i: number) => `+86${PREFIXES[i % PREFIXES.length]}${String((i * 7919 + 4_242_421) % 100_000_000).padStart(8, '0')}`;

  for (let start = 0; start < count; start += CHUNK) {
    const cols = {
      id: [] as number[], name: [] as string[], pinyin: [] as string[], initials: [] as string[], phone: [] as string[],
      gender: [] as string[], birth: [] as string[], skills: [] as string[], site: [] as number[], status: [] as string[],
      registered: [] as string[], updated: [] as string[],
    };
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const id = i + 1;
      const gender = rng.chance(0.56) ? 'FEMALE' : 'MALE';
      const birthYear = rng.int(1950, 2006);
      const name = personName(rng, gender, birthYear);
      let columns = pinyinOf.get(name);
      if (!columns) pinyinOf.set(name, (columns = nameSearchColumns(name)));
      const roll = rng.float();
      const site = roll < 0.9 ? tree.stationIds[rng.int(0, tree.stationIds.length - 1)]! : roll < 0.98 ? tree.instituteIds[rng.int(0, tree.instituteIds.length - 1)]! : tree.centerId;
      // Spread over the years in id order, and never before the volunteer turned 16.
      const drawn = from + Math.floor((span * (i + rng.float())) / count / 1000) * 1000;
      const registered = new Date(Math.max(drawn, Date.UTC(birthYear + 17, 0, 1) + rng.int(0, 300) * DAY_MS));
      const suspended = rng.chance(0.03);
      const skills = rng.chance(0.4) ? [] : rng.sample(SKILL_NAMES, rng.int(1, 3));
      cols.id.push(id);
      cols.name.push(name);
      cols.pinyin.push(columns.namePinyin);
      cols.initials.push(columns.nameInitials);
      cols.phone.push(phoneOf(i));
      cols.gender.push(gender);
      cols.birth.push(`${birthYear}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`);
      cols.skills.push(skills.join(','));
      cols.site.push(site);
      cols.status.push(suspended ? 'SUSPENDED' : 'ACTIVE');
      cols.registered.push(registered.toISOString());
      cols.updated.push(new Date(registered.getTime() + (suspended ? rng.int(1, 300) * DAY_MS : 0)).toISOString());
      if (!suspended) activeIds.push(id);
    }
    await session.query(
      `INSERT INTO "Volunteer" ("id", "name", "namePinyin", "nameInitials", "phone", "gender", "birthDate", "skills",
                                "homeSiteId", "status", "registeredAt", "updatedAt")
       SELECT id, name, pinyin, initials, phone, gender::"Gender", birth::date,
              CASE WHEN skills = '' THEN '{}'::text[] ELSE string_to_array(skills, ',') END,
              site, status::"VolunteerStatus", registered::timestamptz, LEAST(updated::timestamptz, $13::timestamptz)
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::int[], $10::text[], $11::text[], $12::text[])
           AS v(id, name, pinyin, initials, phone, gender, birth, skills, site, status, registered, updated)`,
      [
        cols.id, cols.name, cols.pinyin, cols.initials, cols.phone, cols.gender, cols.birth, cols.skills,
        cols.site, cols.status, cols.registered, cols.updated, registeredBefore.toISOString(),
      ],
    );
  }
  return { count, activeIds };
}
