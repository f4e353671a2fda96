/**
 * The deterministic demo data: a county (云溪县) with its civilisation-practice sites, ~2,000
 * volunteers, teams, brands and projects. Same rows, same ids, on every run.
 *
 * The seed is made of parts, run in order in one transaction. Each part builds its rows from its
 * own random stream (`Random.stream('<part>')`), so adding a part never changes the others:
 *   1. city    — src/seed/city/: sites, volunteers, teams and memberships, brands, projects.
 *   2. roster  — src/seed/roster/: duty posts, shifts, assignments, service records. Its live
 *                part (today's and tomorrow's shifts) is placed around `now`, the only input that
 *                depends on the clock: pass a fixed `now` for identical rows.
 *   2b. care   — src/seed/care.ts: veteran-care teams, veterans and hardship families, care visits
 *                and the service records they wrote, earlier winters of 浓情年味·暖冬.
 *   2c. families — src/seed/families.ts: honours at every level, civilised families in two batches, talks.
 *   2d. certificates — src/seed/certificates.ts: issued certificates, star applications (granted,
 *                under notice around `now`, pending review).
 *   3. orders  — src/seed/orders.ts: a service menu per institute, ~200 service orders in every status.
 *   4. reports — src/seed/reports.ts: the riders' station with 30 street reports in every status.
 *   5. accounts — src/seed/accounts.ts: one demo login per role (ADMIN, SITE_MANAGER, TEAM_LEADER,
 *                VOLUNTEER), printed by `npm start` in development.
 */
import type { PrismaClient } from '../db/index.js';
import type { Prisma } from '../generated/prisma/client.js';
import { buildCity, writeCity, type DemoCity } from './city/index.js';
import { writeDemoAccounts } from './accounts.js';
import { seedOrders } from './orders.js';
import { seedReports } from './reports.js';
import { seedRoster } from './roster/index.js';
import { seedCare } from './care.js';
import { seedFamilies } from './families.js';
import { seedCertificates } from './certificates.js';

export { Random, DEMO_SEED } from './random.js';
export {
  buildCity,
  writeCity,
  resetIdSequences,
  DEMO_AS_OF,
  VOLUNTEER_COUNT,
  type DemoCity,
  type SiteRow,
  type VolunteerRow,
  type TeamRow,
  type MembershipRow,
  type BrandRow,
  type ProjectRow,
} from './city/index.js';
export { buildRoster, writeRoster, seedRoster, type DemoRoster } from './roster/index.js';
export { DEMO_ACCOUNTS } from './accounts.js';

export type SeedCounts = Record<string, number>;

/** Seeding writes a few thousand rows at once: allow more than the interactive default. */
const SEED_TRANSACTION = { maxWait: 20_000, timeout: 120_000 };

/** Serialises concurrent first starts on one PostgreSQL database (an arbitrary fixed key). */
const SEED_ADVISORY_LOCK = 72707370;

/** Runs every seed part in order inside the transaction and adds up their counts. */
async function seedParts(tx: Prisma.TransactionClient, city: DemoCity, now: Date): Promise<SeedCounts> {
  const counts: SeedCounts = { ...(await writeCity(tx, city)) };
  // Later parts go here, each drawing on its own Random.stream.
  Object.assign(counts, await seedRoster(tx, city, now));
  Object.assign(counts, await seedCare(tx, city));
  Object.assign(counts, await seedFamilies(tx, city));
  Object.assign(counts, await seedCertificates(tx, city.asOf, now));
  Object.assign(counts, await seedOrders(tx, city, now));
  Object.assign(counts, await seedReports(tx, city, now));
  Object.assign(counts, await writeDemoAccounts(tx, city));
  return counts;
}

/** Seeds the demo data unconditionally, in one transaction. Meant for an empty database. */
export async function seed(prisma: PrismaClient, now: Date = new Date()): Promise<SeedCounts> {
  const city = buildCity();
  return prisma.$transaction((tx) => seedParts(tx, city, now), SEED_TRANSACTION);
}

/** Seeds the demo city when the database has no sites yet. Returns counts, or null if it did nothing. */
export async function seedIfEmpty(prisma: PrismaClient, now: Date = new Date()): Promise<SeedCounts | null> {
  if ((await prisma.site.count()) > 0) return null;
  const city = buildCity();
  return prisma.$transaction(async (tx) => {
    // Another process may be seeding the same database right now: wait for it, then look again.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_ADVISORY_LOCK})`);
    if ((await tx.site.count()) > 0) return null;
    return seedParts(tx, city, now);
  }, SEED_TRANSACTION);
}
