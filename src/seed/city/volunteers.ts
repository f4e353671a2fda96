/** The demo city's volunteers: names, ages, skills, phones, home sites and registrations (src/seed/city/index.ts). */
import type { SiteLevel } from '../../generated/prisma/client.js';
import { addDays, calendarDate, shanghaiDateOf } from '../../roster/time.js';
import { GIVEN_NAMES, MOBILE_PREFIXES, SKILLS, SURNAMES, type Candidate } from '../data.js';
import { ageOn, between, instantOn, maxDate, minDate } from '../draw.js';
import { Random } from '../random.js';
import { DAY_MS, DEMO_AS_OF, VOLUNTEER_COUNT, type VolunteerRow } from './rows.js';
import type { SiteInfo } from './sites.js';


/** Registrations per year grew as the practice centers spread (relative weights). */
const REGISTRATIONS_BY_YEAR: [year: number, weight: number][] = [
  [2019, 8],
  [2020, 10],
  [2021, 12],
  [2022, 13],
  [2023, 15],
  [2024, 15],
  [2025, 15],
  [2026, 12],
];

export function personName(rng: Random, gender: 'MALE' | 'FEMALE', birthYear: number): string {
  const surname = rng.weighted(SURNAMES, (_, rank) => 1 / (rank + 4));
  const pool = GIVEN_NAMES[gender];
  const older = birthYear < 1985;
  if (rng.chance(older ? 0.3 : 0.15)) return surname + rng.pick(pool.single);
  const pairs = older ? pool.older : pool.younger;
  const first = rng.pick(pairs.first);
  let second = rng.pick(pairs.second);
  while (second === first) second = rng.pick(pairs.second);
  return surname + first + second;
}

function birthDate(rng: Random): Date {
  // A third retirees, a third of working age, a third young people and students.
  const group = rng.float();
  const year = group < 0.3 ? rng.int(1950, 1966) : group < 0.65 ? rng.int(1967, 1989) : rng.int(1990, 2008);
  const days = year === 2008 ? 303 : year % 4 === 0 ? 365 : 364; // nobody born after 2008-10-30
  return addDays(calendarDate(year, 1, 1), rng.int(0, days));
}

function skillsFor(rng: Random, age: number): string[] {
  const count = rng.weighted([0, 1, 2, 3], (n) => [30, 35, 25, 10][n]);
  if (count === 0) return [];
  const chosen = new Set(
    rng
      .weightedSample(SKILLS, count, ([skill, weight]) => {
        if (skill === '外语') return weight * (age < 40 ? 2 : 0.3);
        if (skill === '理论宣讲') return weight * (age > 45 ? 2 : 0.5);
        if (skill === '驾驶') return weight * (age > 70 ? 0.2 : 1);
        return weight;
      })
      .map(([skill]) => skill),
  );
  return SKILLS.map(([skill]) => skill).filter((s) => chosen.has(s));
}

function registrationTime(rng: Random, earliest: Date): Date {
  const first = shanghaiDateOf(earliest);
  const last = addDays(shanghaiDateOf(DEMO_AS_OF), -1);
  const years = REGISTRATIONS_BY_YEAR.filter(([year]) => year >= first.getUTCFullYear());
  const [year] = rng.weighted(years, ([, weight]) => weight);
  const from = maxDate(calendarDate(year, 1, 1), first);
  const to = minDate(calendarDate(year, 12, 31), last);
  const date = addDays(from, rng.int(0, Math.round((to.getTime() - from.getTime()) / DAY_MS)));
  const instant = instantOn(rng, date, 7, 23);
  return instant.getTime() < earliest.getTime() ? new Date(earliest.getTime() + 60_000) : instant;
}

interface DraftVolunteer extends Omit<VolunteerRow, 'id'> {
  order: number;
}

export function buildVolunteers(rng: Random, sites: SiteInfo[]): VolunteerRow[] {
  const center = sites[0].row;
  const phones = new Set<string>();
  const drafts: DraftVolunteer[] = [];
  for (let order = 0; order < VOLUNTEER_COUNT; order++) {
    const gender = rng.chance(0.56) ? 'FEMALE' : 'MALE';
    const birth = birthDate(rng);
    const name = personName(rng, gender, birth.getUTCFullYear());
    const age = ageOn(birth, DEMO_AS_OF);
    const skills = skillsFor(rng, age);

    let phone: string;
    do {
      phone = `+86${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
    } while (phones.has(phone));
    phones.add(phone);

    // Registered from 16 years of age, and not before the county center opened.
    const sixteen = new Date(Date.UTC(birth.getUTCFullYear() + 16, birth.getUTCMonth(), birth.getUTCDate()));
    const registeredAt = registrationTime(rng, maxDate(new Date(center.createdAt.getTime() + DAY_MS), sixteen));

    // Mostly at a village or community station; the site must have opened by then.
    const roll = rng.float();
    const level: SiteLevel = roll < 0.9 ? 'STATION' : roll < 0.98 ? 'INSTITUTE' : 'CENTER';
    const candidate: Candidate = { gender, age, skills };
    const open = (l: SiteLevel) => sites.filter((s) => s.row.level === l && s.row.createdAt <= registeredAt);
    const choices = [open(level), open('INSTITUTE'), [sites[0]]].find((list) => list.length > 0)!;
    const home = rng.weighted(choices, (s) => s.weight * (s.prefer?.(candidate) ?? 1));

    const suspended = rng.chance(0.03);
    drafts.push({
      order,
      name,
      phone,
      gender,
      birthDate: birth,
      skills,
      homeSiteId: home.row.id,
      status: suspended ? 'SUSPENDED' : 'ACTIVE',
      registeredAt,
      updatedAt: suspended ? between(rng, registeredAt, DEMO_AS_OF) : registeredAt,
    });
  }
  // Ids follow registration order, as they would have in the live system.
  drafts.sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime() || a.order - b.order);
  return drafts.map(({ order: _, ...row }, i) => ({ id: i + 1, ...row }));
}
