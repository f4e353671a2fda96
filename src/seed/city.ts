/**
 * The demo city: sites, volunteers, teams and memberships, brands and projects.
 *
 * `buildCity()` is a pure function of the seed: it computes every row, ids included, without
 * touching the database. `writeCity()` inserts those rows in id order, in set-based batches
 * (src/seed/insert.ts). Because the ids are explicit (and the id sequences are moved past them
 * afterwards), every run produces the same rows with the same ids, whatever the sequences said
 * before.
 */
import type {
  Gender,
  Prisma,
  ProjectCategory,
  ProjectStatus,
  SiteLevel,
  VolunteerStatus,
} from '../generated/prisma/client.js';
import { addDays, calendarDate, parseCalendarDate, shanghaiDateOf, shanghaiWallClock } from '../roster/time.js';
import {
  BRANDS,
  CENTER,
  COUNTY,
  GIVEN_NAMES,
  INSTITUTES,
  MOBILE_PREFIXES,
  PROJECTS,
  SITE_SERVICES,
  SKILLS,
  SURNAMES,
  TEAMS,
  type Candidate,
  type StationDef,
} from './data.js';
import { nameSearchColumns } from '../volunteers/search.js';
import { insertRows } from './insert.js';
import { Random } from './random.js';

/** The moment the demo data describes: nothing in it happens later than this. */
export const DEMO_AS_OF = shanghaiWallClock(calendarDate(2026, 11, 28), 20 * 60);

export const VOLUNTEER_COUNT = 2000;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Rows: exactly the columns written, ids included.
// ---------------------------------------------------------------------------------------------

export interface SiteRow {
  id: number;
  name: string;
  level: SiteLevel;
  parentId: number | null;
  path: string;
  address: string;
  services: string[];
  hostOrganization: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface VolunteerRow {
  id: number;
  name: string;
  phone: string;
  gender: Gender;
  birthDate: Date;
  skills: string[];
  homeSiteId: number;
  status: VolunteerStatus;
  registeredAt: Date;
  updatedAt: Date;
}

export interface TeamRow {
  id: number;
  name: string;
  description: string | null;
  siteId: number;
  leaderId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipRow {
  id: number;
  teamId: number;
  volunteerId: number;
  joinedAt: Date;
}

export interface BrandRow {
  id: number;
  name: string;
  description: string | null;
  teamId: number | null;
  siteId: number | null;
  createdAt: Date;
}

export interface ProjectRow {
  id: number;
  title: string;
  description: string;
  category: ProjectCategory;
  status: ProjectStatus;
  brandId: number | null;
  organizerId: number;
  siteId: number;
  startsOn: Date;
  endsOn: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Everything the city part seeds, with lookups by the stable keys of src/seed/data.ts. */
export interface DemoCity {
  asOf: Date;
  sites: SiteRow[];
  volunteers: VolunteerRow[];
  teams: TeamRow[];
  memberships: MembershipRow[];
  brands: BrandRow[];
  projects: ProjectRow[];
  siteByKey: Record<string, SiteRow>;
  teamByKey: Record<string, TeamRow>;
  brandByKey: Record<string, BrandRow>;
  projectByKey: Record<string, ProjectRow>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function day(text: string): Date {
  const date = parseCalendarDate(text);
  if (!date) throw new Error(`seed data: bad date ${text}`);
  return date;
}

/** A Shanghai wall-clock instant on a calendar date, at a random minute and second in [fromHour, toHour). */
function instantOn(rng: Random, date: Date, fromHour: number, toHour: number): Date {
  const minutes = rng.int(fromHour * 60, toHour * 60 - 1);
  return new Date(shanghaiWallClock(date, minutes).getTime() + rng.int(0, 59) * 1000);
}

/** A random instant between two instants, rounded to the second. */
function between(rng: Random, from: Date, to: Date, skew = 1): Date {
  const span = Math.max(0, to.getTime() - from.getTime());
  return new Date(Math.floor((from.getTime() + span * rng.float() ** skew) / 1000) * 1000);
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

function maxDate(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function ageOn(birthDate: Date, on: Date): number {
  const today = shanghaiDateOf(on);
  let age = today.getUTCFullYear() - birthDate.getUTCFullYear();
  const hadBirthday =
    today.getUTCMonth() > birthDate.getUTCMonth() ||
    (today.getUTCMonth() === birthDate.getUTCMonth() && today.getUTCDate() >= birthDate.getUTCDate());
  return hadBirthday ? age : age - 1;
}

function byKey<T>(entries: [string, T][]): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [key, value] of entries) {
    if (key in record) throw new Error(`seed data: duplicate key ${key}`);
    record[key] = value;
  }
  return record;
}

function lookup<T>(record: Record<string, T>, key: string, what: string): T {
  const value = record[key];
  if (!value) throw new Error(`seed data: unknown ${what} ${key}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Sites
// ---------------------------------------------------------------------------------------------

interface SiteInfo {
  row: SiteRow;
  /** Relative weight as a volunteer's home site, within its level. */
  weight: number;
  /** Who lives or works there (a weight factor). */
  prefer?: (c: Candidate) => number;
}

/** Who the special stations' volunteers are. */
const HOME_PREFERENCE: Record<string, (c: Candidate) => number> = {
  riders: (c) => (c.gender === 'MALE' && c.age >= 20 && c.age <= 45 ? 4 : c.age >= 20 && c.age <= 45 ? 0.5 : 0.05),
  procuratorate: (c) => (c.age >= 24 && c.age <= 58 ? 1 : 0.05),
  'industrial-park': (c) => (c.age >= 20 && c.age <= 55 ? 1.5 : 0.1),
};

function genericServices(rng: Random, kind: StationDef['kind'] | 'institute'): string[] {
  const extra = SITE_SERVICES.filter((s) => s !== '饮水' && s !== '休息');
  const [min, max] = kind === 'village' ? [2, 5] : [3, 7];
  const chosen = new Set(['饮水', '休息', ...rng.sample(extra, rng.int(min, max))]);
  return SITE_SERVICES.filter((s) => chosen.has(s));
}

function buildSites(rng: Random): { sites: SiteInfo[]; siteByKey: Record<string, SiteRow> } {
  const sites: SiteInfo[] = [];
  const keyed: [string, SiteRow][] = [];
  const add = (key: string, row: Omit<SiteRow, 'id' | 'path' | 'updatedAt'>, parent: SiteRow | null, weight: number) => {
    const id = sites.length + 1;
    const full: SiteRow = { id, ...row, path: parent ? `${parent.path}.${id}` : String(id), updatedAt: row.createdAt };
    sites.push({ row: full, weight, prefer: HOME_PREFERENCE[key] });
    keyed.push([key, full]);
    return full;
  };

  const center = add(
    CENTER.key,
    {
      name: CENTER.name,
      level: 'CENTER',
      parentId: null,
      address: CENTER.address,
      services: CENTER.services,
      hostOrganization: CENTER.hostOrganization,
      createdAt: instantOn(rng, day(CENTER.opened), 9, 11),
    },
    null,
    1,
  );

  // Ids: the center, then all institutes, then all stations, each in data order.
  const institutes = INSTITUTES.map((def) =>
    add(
      def.key,
      {
        name: `${def.town}新时代文明实践所`,
        level: 'INSTITUTE',
        parentId: center.id,
        address: `${COUNTY}${def.town}${def.road}${rng.int(1, 120)}号`,
        services: genericServices(rng, 'institute'),
        hostOrganization: null,
        createdAt: instantOn(rng, addDays(shanghaiDateOf(center.createdAt), rng.int(30, 150)), 9, 17),
      },
      center,
      1,
    ),
  );

  const lastOpening = calendarDate(2022, 12, 31);
  INSTITUTES.forEach((def, i) => {
    const institute = institutes[i];
    for (const station of def.stations) {
      const opened = station.opened
        ? day(station.opened)
        : minDate(addDays(shanghaiDateOf(institute.createdAt), rng.int(20, 1100)), lastOpening);
      const address =
        station.address ??
        (station.kind === 'community'
          ? `${COUNTY}${def.town}${rng.pick(def.roads)}${rng.int(1, 300)}号${station.name}党群服务中心`
          : `${COUNTY}${def.town}${station.name}村民委员会`);
      add(
        station.key,
        {
          name: station.fullName ?? `${station.name}新时代文明实践站`,
          level: 'STATION',
          parentId: institute.id,
          address,
          services: station.services ?? genericServices(rng, station.kind),
          hostOrganization: station.hostOrganization ?? null,
          createdAt: instantOn(rng, opened, 9, 17),
        },
        institute,
        station.weight ?? 1,
      );
    }
  });

  return { sites, siteByKey: byKey(keyed) };
}

// ---------------------------------------------------------------------------------------------
// Volunteers
// ---------------------------------------------------------------------------------------------

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

function buildVolunteers(rng: Random, sites: SiteInfo[]): VolunteerRow[] {
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

// ---------------------------------------------------------------------------------------------
// Teams and memberships
// ---------------------------------------------------------------------------------------------

const TEAM_SIZE: Record<SiteLevel, [number, number]> = {
  CENTER: [40, 80],
  INSTITUTE: [25, 60],
  STATION: [10, 40],
};

function buildTeams(
  rng: Random,
  siteByKey: Record<string, SiteRow>,
  volunteers: VolunteerRow[],
): { teams: TeamRow[]; memberships: MembershipRow[]; teamByKey: Record<string, TeamRow> } {
  const siteById = new Map(Object.values(siteByKey).map((s) => [s.id, s]));
  const people = volunteers.map((v) => ({
    row: v,
    path: siteById.get(v.homeSiteId)!.path,
    candidate: { gender: v.gender as 'MALE' | 'FEMALE', age: ageOn(v.birthDate, DEMO_AS_OF), skills: v.skills },
  }));
  const inSubtree = (path: string, root: SiteRow) => path === root.path || path.startsWith(`${root.path}.`);
  const lastFounding = shanghaiWallClock(calendarDate(2024, 6, 30), 17 * 60);

  const teams: TeamRow[] = [];
  const memberships: MembershipRow[] = [];
  const keyed: [string, TeamRow][] = [];
  for (const def of TEAMS) {
    const site = lookup(siteByKey, def.site, 'site');
    const parent = site.parentId ? siteById.get(site.parentId)! : null;
    // Founded on its fixed date or some weeks after the site opened, never before the site.
    const founded = def.founded
      ? instantOn(rng, day(def.founded), 9, 17)
      : minDate(instantOn(rng, addDays(shanghaiDateOf(site.createdAt), rng.int(15, 400)), 9, 17), lastFounding);
    const createdAt = maxDate(founded, new Date(site.createdAt.getTime() + DAY_MS));

    // Members live mostly under the team's site; a station team also draws on its township.
    const [min, max] = def.size ?? TEAM_SIZE[site.level];
    const members = rng.weightedSample(people, rng.int(min, max), (p) => {
      const where =
        inSubtree(p.path, site) ? 25 : site.level === 'STATION' && parent && inSubtree(p.path, parent) ? 3 : 0.2;
      const skill = def.skill && p.candidate.skills.includes(def.skill) ? 8 : 1;
      const status = p.row.status === 'ACTIVE' ? 1 : 0.3;
      return where * skill * status * (def.prefer?.(p.candidate) ?? 1);
    });
    if (members.length < min) throw new Error(`seed data: team ${def.key} found only ${members.length} members`);

    // Early joiners are more common: most members came with the team's first drives.
    const joined = members
      .map((p) => ({ p, joinedAt: between(rng, maxDate(createdAt, p.row.registeredAt), DEMO_AS_OF, 2) }))
      .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || a.p.row.id - b.p.row.id);
    // The leader: the earliest-joined active member of working age.
    const leader =
      joined.find((j) => j.p.row.status === 'ACTIVE' && j.p.candidate.age >= 25 && j.p.candidate.age <= 65) ??
      joined.find((j) => j.p.row.status === 'ACTIVE') ??
      joined[0];

    const team: TeamRow = {
      id: teams.length + 1,
      name: def.name,
      description: def.description,
      siteId: site.id,
      leaderId: leader.p.row.id,
      createdAt,
      updatedAt: maxDate(createdAt, leader.joinedAt),
    };
    teams.push(team);
    keyed.push([def.key, team]);
    for (const j of joined) {
      memberships.push({ id: memberships.length + 1, teamId: team.id, volunteerId: j.p.row.id, joinedAt: j.joinedAt });
    }
  }
  return { teams, memberships, teamByKey: byKey(keyed) };
}

// ---------------------------------------------------------------------------------------------
// Brands and projects
// ---------------------------------------------------------------------------------------------

function buildBrands(
  rng: Random,
  siteByKey: Record<string, SiteRow>,
  teamByKey: Record<string, TeamRow>,
): { brands: BrandRow[]; brandByKey: Record<string, BrandRow> } {
  const brands = BRANDS.map((def, i): [string, BrandRow] => {
    const team = 'team' in def.owner ? lookup(teamByKey, def.owner.team, 'team') : null;
    const site = 'site' in def.owner ? lookup(siteByKey, def.owner.site, 'site') : null;
    const ownerSince = (team ?? site)!.createdAt;
    // Launched some months after its owner, and before the first project that carries it.
    const firstUse = PROJECTS.filter((p) => p.brand === def.key).map((p) => day(p.created).getTime());
    const deadline = firstUse.length ? addDays(new Date(Math.min(...firstUse)), -14) : shanghaiDateOf(DEMO_AS_OF);
    const launch = minDate(addDays(shanghaiDateOf(ownerSince), rng.int(30, 365)), deadline);
    const createdAt = instantOn(rng, launch, 9, 17);
    if (createdAt < ownerSince) throw new Error(`seed data: brand ${def.key} launched before its owner existed`);
    return [
      def.key,
      { id: i + 1, name: def.name, description: def.description, teamId: team?.id ?? null, siteId: site?.id ?? null, createdAt },
    ];
  });
  return { brands: brands.map(([, row]) => row), brandByKey: byKey(brands) };
}

function buildProjects(
  rng: Random,
  siteByKey: Record<string, SiteRow>,
  teamByKey: Record<string, TeamRow>,
  brandByKey: Record<string, BrandRow>,
): { projects: ProjectRow[]; projectByKey: Record<string, ProjectRow> } {
  const siteById = new Map(Object.values(siteByKey).map((s) => [s.id, s]));
  const projects = PROJECTS.map((def, i): [string, ProjectRow] => {
    const organizer = lookup(teamByKey, def.organizer, 'team');
    const site = lookup(siteByKey, def.site, 'site');
    const teamSite = siteById.get(organizer.siteId)!;
    if (teamSite.path !== site.path && !teamSite.path.startsWith(`${site.path}.`)) {
      throw new Error(`seed data: project ${def.key} is at a site outside its organizer's site and ancestors`);
    }
    const startsOn = day(def.startsOn);
    const endsOn = day(def.endsOn);
    if (endsOn < startsOn) throw new Error(`seed data: project ${def.key} ends before it starts`);
    const createdAt = instantOn(rng, day(def.created), 9, 18);
    if (createdAt < organizer.createdAt || createdAt > DEMO_AS_OF) {
      throw new Error(`seed data: project ${def.key} created outside its organizer's lifetime`);
    }
    // When the status last changed.
    const changed: Record<ProjectStatus, Date> = {
      DRAFT: createdAt,
      RECRUITING: instantOn(rng, addDays(day(def.created), 1), 9, 18),
      ACTIVE: instantOn(rng, startsOn, 8, 9),
      COMPLETED: instantOn(rng, addDays(endsOn, rng.int(1, 5)), 9, 18),
      CANCELLED: instantOn(rng, addDays(startsOn, -rng.int(3, 10)), 9, 18),
    };
    const updatedAt = minDate(maxDate(changed[def.status], createdAt), DEMO_AS_OF);
    return [
      def.key,
      {
        id: i + 1,
        title: def.title,
        description: def.description,
        category: def.category,
        status: def.status,
        brandId: def.brand ? lookup(brandByKey, def.brand, 'brand').id : null,
        organizerId: organizer.id,
        siteId: site.id,
        startsOn,
        endsOn,
        createdAt,
        updatedAt,
      },
    ];
  });
  return { projects: projects.map(([, row]) => row), projectByKey: byKey(projects) };
}

// ---------------------------------------------------------------------------------------------
// The whole city
// ---------------------------------------------------------------------------------------------

/** Computes every row of the demo city. Pure: the same result on every call. */
export function buildCity(rng: Random = Random.stream('city')): DemoCity {
  const { sites, siteByKey } = buildSites(rng);
  const volunteers = buildVolunteers(rng, sites);
  const { teams, memberships, teamByKey } = buildTeams(rng, siteByKey, volunteers);
  const { brands, brandByKey } = buildBrands(rng, siteByKey, teamByKey);
  const { projects, projectByKey } = buildProjects(rng, siteByKey, teamByKey, brandByKey);
  return {
    asOf: DEMO_AS_OF,
    sites: sites.map((s) => s.row),
    volunteers,
    teams,
    memberships,
    brands,
    projects,
    siteByKey,
    teamByKey,
    brandByKey,
    projectByKey,
  };
}

/**
 * Moves the id sequences of the given tables past the highest id, after rows were inserted with
 * explicit ids, so that rows created later through the API get fresh ids.
 */
export async function resetIdSequences(tx: Prisma.TransactionClient, tables: readonly string[]): Promise<void> {
  const calls = tables.map((table) => {
    if (!/^[A-Za-z]+$/.test(table)) throw new Error(`not a table name: ${table}`);
    return `setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT MAX("id") FROM "${table}"))`;
  });
  await tx.$queryRawUnsafe(`SELECT ${calls.join(', ')}`);
}

/** Inserts the city in dependency order and returns how many rows of each kind it wrote. */
export async function writeCity(tx: Prisma.TransactionClient, city: DemoCity): Promise<Record<string, number>> {
  const counts = {
    sites: await insertRows(tx, 'Site', city.sites),
    volunteers: await insertRows(tx, 'Volunteer', city.volunteers.map((v) => ({ ...v, ...nameSearchColumns(v.name) }))),
    teams: await insertRows(tx, 'Team', city.teams),
    teamMemberships: await insertRows(tx, 'TeamMembership', city.memberships),
    brands: await insertRows(tx, 'Brand', city.brands),
    projects: await insertRows(tx, 'Project', city.projects),
  };
  await resetIdSequences(tx, ['Site', 'Volunteer', 'Team', 'TeamMembership', 'Brand', 'Project']);
  return counts;
}
