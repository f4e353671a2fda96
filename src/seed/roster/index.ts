/**
 * The duty roster of the demo city: duty posts, the summer tourist-season campaign (history), the
 * shifts around the moment of seeding (a live-looking roster for today and tomorrow) and a few
 * service records.
 *
 * Like the city, `buildRoster()` is pure: it computes every row, ids included, and `writeRoster()`
 * inserts them in set-based batches (src/seed/insert.ts) and credits Volunteer.serviceMinutes with
 * what the rows earned. Its parts: posts.ts, campaign.ts, live.ts and records.ts, each with its data
 * and its builder; rows.ts, the rows' shapes; common.ts, what the builders share.
 * The rows follow the rules of src/roster/service.ts as if they had been made through it:
 *   - Shift.assignedCount counts ASSIGNED + CHECKED_IN + COMPLETED, checkedInCount CHECKED_IN;
 *   - the waitlist is served in order of assignedAt, then id (promotions are replayed);
 *   - check-in from startsAt − 30 min until endsAt; minutes earned as serviceMinutesFor();
 *   - no volunteer holds two overlapping assignments (other than CANCELLED ones).
 *
 * Everything is drawn from the roster's own random streams. Only the live part depends on `now`:
 * its times move with the clock, its ids and shape do not.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { resetIdSequences, type DemoCity } from '../city/index.js';
import { insertRows } from '../insert.js';
import type { AssignmentRow, DemoRoster, ShiftRow } from './rows.js';
import { people, type Ids } from './common.js';
import { buildPosts } from './posts.js';
import { buildCampaign } from './campaign.js';
import { buildLive } from './live.js';
import { buildServiceRecords } from './records.js';

export type { DemoRoster } from './rows.js';

/** Every row of the demo roster for `city`, its live part around `now` (pure: no database). */
export function buildRoster(city: DemoCity, now: Date = new Date()): DemoRoster {
  const { posts, postByKey } = buildPosts(city);
  const everyone = people(city);
  const ids: Ids = { shift: 1, assignment: 1 };
  const shifts: ShiftRow[] = [];
  const assignments: AssignmentRow[] = [];
  const core = buildCampaign(city, postByKey, everyone, ids, shifts, assignments);
  buildLive(city, postByKey, everyone, now, ids, shifts, assignments);
  const serviceRecords = buildServiceRecords(city, everyone, core);
  return { now, posts, shifts, assignments, serviceRecords, postByKey };
}

/**
 * Inserts the roster and credits every volunteer with the minutes of their COMPLETED assignments
 * and APPROVED service records, as check-outs and approvals would have.
 */
export async function writeRoster(tx: Prisma.TransactionClient, roster: DemoRoster): Promise<Record<string, number>> {
  const counts = {
    dutyPosts: await insertRows(tx, 'DutyPost', roster.posts),
    shifts: await insertRows(tx, 'Shift', roster.shifts),
    assignments: await insertRows(tx, 'ShiftAssignment', roster.assignments),
    serviceRecords: await insertRows(tx, 'ServiceRecord', roster.serviceRecords),
  };
  await resetIdSequences(tx, ['DutyPost', 'Shift', 'ShiftAssignment', 'ServiceRecord']);
  await tx.$executeRawUnsafe(`
    UPDATE "Volunteer" AS v SET "serviceMinutes" = v."serviceMinutes" + earned."minutes"
    FROM (
      SELECT "volunteerId", SUM("minutes")::int AS "minutes" FROM (
        SELECT "volunteerId", "serviceMinutes" AS "minutes" FROM "ShiftAssignment" WHERE "status" = 'COMPLETED'
        UNION ALL
        SELECT "volunteerId", "minutes" FROM "ServiceRecord" WHERE "status" = 'APPROVED'
      ) AS credited
      GROUP BY "volunteerId"
    ) AS earned
    WHERE v."id" = earned."volunteerId"`);
  return counts;
}

/** The roster seed part: builds and writes the roster for the given city at `now`. */
export async function seedRoster(
  tx: Prisma.TransactionClient,
  city: DemoCity,
  now: Date = new Date(),
): Promise<Record<string, number>> {
  return writeRoster(tx, buildRoster(city, now));
}
