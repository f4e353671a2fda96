/**
 * The demo city: sites, volunteers, teams and memberships, brands and projects.
 *
 * `buildCity()` is a pure function of the seed: it computes every row, ids included, without
 * touching the database. `writeCity()` inserts those rows in id order, in set-based batches
 * (src/seed/insert.ts). Because the ids are explicit (and the id sequences are moved past them
 * afterwards), every run produces the same rows with the same ids, whatever the sequences said
 * before.
 *
 * Its parts: sites.ts, volunteers.ts and organisation.ts build the rows of rows.ts.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { insertRows } from '../insert.js';
import { Random } from '../random.js';
import { DEMO_AS_OF, type DemoCity } from './rows.js';
import { buildSites } from './sites.js';
import { buildVolunteers } from './volunteers.js';
import { buildBrands, buildProjects, buildTeams } from './organisation.js';
import { nameSearchColumns } from '../../volunteers/search.js';

export {
  DEMO_AS_OF,
  VOLUNTEER_COUNT,
  type BrandRow,
  type DemoCity,
  type MembershipRow,
  type ProjectRow,
  type SiteRow,
  type TeamRow,
  type VolunteerRow,
} from './rows.js';

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
