/** The demo city's teams and memberships, brands and projects (src/seed/city/index.ts). */
import type { ProjectStatus, SiteLevel } from '../../generated/prisma/client.js';
import { addDays, calendarDate, shanghaiDateOf, shanghaiWallClock } from '../../roster/time.js';
import { BRANDS, PROJECTS } from '../projects-data.js';
import { TEAMS } from '../teams-data.js';
import { ageOn, between, byKey, day, instantOn, lookup, maxDate, minDate } from '../draw.js';
import { Random } from '../random.js';
import { DAY_MS, DEMO_AS_OF, type BrandRow, type MembershipRow, type ProjectRow, type SiteRow, type TeamRow, type VolunteerRow } from './rows.js';

const TEAM_SIZE: Record<SiteLevel, [number, number]> = {
  CENTER: [40, 80],
  INSTITUTE: [25, 60],
  STATION: [10, 40],
};

export function buildTeams(
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

export function buildBrands(
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

export function buildProjects(
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
