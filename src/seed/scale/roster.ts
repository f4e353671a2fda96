/**
 * The city-scale tourist season in set-based SQL: 20,000 shifts over 30 days, ~600,000
 * assignments in the states the roster rules would have left, the counters that follow from
 * them, and a year of service records (Volunteer.serviceMinutes follows from both: people.ts).
 *
 * How the rows keep the rules (src/roster/service.ts):
 *   - A shift's sign-ups are numbered in sign-up order (assignedAt grows with the number). On a
 *     full shift (more sign-ups than places) the first `capacity` hold places and the rest wait;
 *     nobody withdraws from a full shift, so no promotion is owed. A shift with room has some
 *     withdrawals (CANCELLED) and no waitlist.
 *   - Shifts of one (day, time slot) overlap, shifts of different ones never do, and the sign-ups of
 *     one (day, slot) go to distinct volunteers — ACTIVE ones, walked with a stride prime to their
 *     number — so nobody is on two overlapping shifts.
 *   - Ended shifts are closed at their end: places became COMPLETED (checked in from 25 minutes
 *     before the start, out by the end, credited as serviceMinutesFor) or NO_SHOW; the waitlist
 *     was CANCELLED. Running shifts have CHECKED_IN and ASSIGNED volunteers; later ones ASSIGNED.
 *     A cancelled shift has only CANCELLED assignments.
 *   - assignedCount and checkedInCount are then counted from the assignments, exactly.
 */
import type { SqlSession } from '../../db/index.js';
import { CHECK_OUT_GRACE_MINUTES, SHIFT_CANCELLED_REASON, SHIFT_CLOSED_REASON } from '../../roster/service.js';
import { activeVolunteerId } from './people.js';
import { SEASON_DAYS, type ScaleSizes } from './sizes.js';

const SLOTS = [
  [8 * 60, 12 * 60],
  [13 * 60, 17 * 60],
  [18 * 60, 21 * 60],
] as const;
const ROLES = ['游客引导', '秩序维护', '文明劝导', '咨询服务', '交通引导'];
const WITHDRAWALS = ['临时有事，无法到岗', '身体不适', '家中有事', '与工作时间冲突'];
const RECORDS = ['走访慰问困难家庭', '社区环境整治', '关爱退役军人上门服务', '文明交通劝导', '图书整理与阅读推广', '防汛巡查', '助老送餐'];

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A stride prime to n, about 0.618·n, so that consecutive sign-ups land far apart. */
export function strideFor(n: number): number {
  let stride = Math.max(1, Math.floor(n * 0.618));
  while (gcd(stride, n) !== 1) stride++;
  return stride;
}

/**
 * The season's shifts (into scale_shift first, as their counters come from the assignments), the
 * assignments, then the Shift rows with assignedCount and checkedInCount counted from them.
 * `active` is the number of ACTIVE volunteers in scale_person (numbered as activeVolunteerId does).
 */
export async function writeSeason(session: SqlSession, sizes: ScaleSizes, season: { start: Date; now: Date }, active: number): Promise<void> {
  const params = { start: season.start.toISOString(), now: season.now.toISOString() };
  // Each shift with its number of sign-ups n, its (day, slot) key, the sign-ups of its (day, slot)
  // before it (base) and the assignments of the shifts before it (first_id: its ids follow).
  await session.query(
    `CREATE TEMP TABLE scale_shift ON COMMIT DROP AS
     SELECT *, sum(n) OVER (PARTITION BY slot_key ORDER BY id) - n AS base, sum(n) OVER (ORDER BY id) - n AS first_id,
            n > capacity AS full_shift, ends <= $3::timestamptz AS ended, starts <= $3::timestamptz AS started,
            -- Sign-ups spread from 14 days before the start until an hour before it (or until now).
            starts - interval '14 days' AS signup_from,
            CASE WHEN cancelled THEN cancelled_at - interval '1 minute'
                 ELSE LEAST(starts - interval '1 hour', $3::timestamptz - interval '1 minute') END - (starts - interval '14 days') AS signup_span,
            -- Check-ins of a running shift: from 25 minutes before the start until now.
            starts - interval '25 minutes' AS checkin_from, LEAST($3::timestamptz, ends) - (starts - interval '25 minutes') AS checkin_span,
            floor(extract(epoch FROM ends - starts) / 60)::int + ${CHECK_OUT_GRACE_MINUTES} AS minutes_cap
       FROM (SELECT h AS id, site."parentId" - 1 AS project_id, d AS post_id, starts, ends, capacity, role, cancelled,
                    floor(capacity * (0.5 + pg_temp.rnd(h, 23)))::int AS n,
                    floor(extract(epoch FROM starts - $2::timestamptz) / 3600)::int AS slot_key,
                    CASE WHEN cancelled THEN LEAST(starts - interval '2 days', $3::timestamptz - interval '1 hour') END AS cancelled_at
               FROM (SELECT h, d, capacity, role, cancelled,
                            $2::timestamptz + day * interval '1 day' + (ARRAY[${SLOTS.map((s) => s[0]).join(',')}])[1 + slot] * interval '1 minute' AS starts,
                            $2::timestamptz + day * interval '1 day' + (ARRAY[${SLOTS.map((s) => s[1]).join(',')}])[1 + slot] * interval '1 minute' AS ends
                       FROM (SELECT h, 1 + (h - 1) % $1::int AS d, ((h - 1) / $1::int) % ${SEASON_DAYS} AS day,
                                    ((h - 1) / $1::int / ${SEASON_DAYS} + (h - 1) % $1::int) % 3 AS slot,
                                    20 + floor(pg_temp.rnd(h, 21) * 21)::int AS capacity,
                                    (ARRAY[${ROLES.map((r) => `'${r}'`).join(',')}])[1 + floor(pg_temp.rnd(h, 24) * ${ROLES.length})::int] AS role,
                                    pg_temp.rnd(h, 22) < 0.01 AS cancelled
                               FROM generate_series(1, $4::int) AS h) AS raw) AS shifts
               JOIN "DutyPost" AS post ON post.id = shifts.d
               JOIN "Site" AS site ON site.id = post."siteId") AS shifts`,
    [sizes.posts, params.start, params.now, sizes.shifts],
  );
  const [{ busiest }] = await session.query<{ busiest: number }>(`SELECT COALESCE(max(base + n), 0)::int AS busiest FROM scale_shift`);
  if (busiest > active) throw new Error(`city-scale seed: ${busiest} sign-ups in one time slot but only ${active} active volunteers`);

  // Every sign-up: its shift, its number k in sign-up order, its volunteer, and its state:
  // 0 ASSIGNED, 1 CHECKED_IN, 2 COMPLETED, 3 NO_SHOW, 4 WAITLISTED, CANCELLED with the shift (5),
  // at the close of a full shift (6) or withdrawn (7). (OFFSET 0 keeps the inner level's columns
  // computed once, not inlined into each use; timestamps are rounded to the columns' milliseconds
  // before the minutes are counted from them.)
  const ms = 'timestamp(3) with time zone';
  await session.query(
    `INSERT INTO "ShiftAssignment" ("id", "shiftId", "volunteerId", "status", "assignedAt", "promotedAt", "checkedInAt",
                                    "checkedOutAt", "serviceMinutes", "cancelledAt", "cancelReason", "updatedAt")
     SELECT id, shift_id, volunteer_id,
            CASE state WHEN 0 THEN 'ASSIGNED'::"AssignmentStatus" WHEN 1 THEN 'CHECKED_IN' WHEN 2 THEN 'COMPLETED' WHEN 3 THEN 'NO_SHOW'
                       WHEN 4 THEN 'WAITLISTED' ELSE 'CANCELLED' END,
            assigned_at, NULL, checked_in, checked_out,
            CASE WHEN state = 2 THEN GREATEST(0, LEAST(floor(extract(epoch FROM checked_out - checked_in) / 60)::int, minutes_cap)) END,
            cancelled_at, CASE state WHEN 5 THEN $2 WHEN 6 THEN $3 WHEN 7 THEN ($4::text[])[1 + floor(r3 * 4)::int] END,
            COALESCE(checked_out, checked_in, cancelled_at, CASE WHEN state = 3 THEN ends END, assigned_at)
       FROM (SELECT id, shift_id, volunteer_id, state, assigned_at, r3, ends, minutes_cap,
                    CASE state WHEN 2 THEN (starts - r2 * interval '25 minutes')::${ms}
                               WHEN 1 THEN (checkin_from + r2 * checkin_span)::${ms} END AS checked_in,
                    CASE WHEN state = 2 THEN (ends - r3 * interval '20 minutes')::${ms} END AS checked_out,
                    CASE state WHEN 5 THEN shift_cancelled_at WHEN 6 THEN ends
                               WHEN 7 THEN assigned_at + r3 * (LEAST(starts, $1::timestamptz) - assigned_at) END AS cancelled_at
               FROM (SELECT sh.first_id + k + 1 AS id, sh.id AS shift_id, sh.starts, sh.ends, sh.checkin_from,
                            sh.checkin_span, sh.minutes_cap, sh.cancelled_at AS shift_cancelled_at, ${activeVolunteerId('walk.n')} AS volunteer_id,
                            sh.signup_from + ((k + 0.9 * r1) / sh.n) * sh.signup_span AS assigned_at, r2, r3,
                            CASE WHEN sh.cancelled THEN 5
                                 WHEN k >= sh.capacity THEN CASE WHEN sh.ended THEN 6 ELSE 4 END
                                 WHEN NOT sh.full_shift AND r1 < 0.08 THEN 7
                                 WHEN sh.ended THEN CASE WHEN r2 < 0.07 THEN 3 ELSE 2 END
                                 WHEN sh.started AND r2 < 0.8 THEN 1
                                 ELSE 0 END AS state
                       FROM scale_shift AS sh
                       CROSS JOIN LATERAL generate_series(0, sh.n - 1) AS k
                       CROSS JOIN LATERAL (SELECT pg_temp.rnd(sh.id * 64 + k, 25) AS r1, pg_temp.rnd(sh.id * 64 + k, 26) AS r2,
                                                  pg_temp.rnd(sh.id * 64 + k, 27) AS r3) AS r
                       CROSS JOIN LATERAL (SELECT (sh.slot_key * 7777 + (sh.base + k) * $5::bigint) % $6::int AS n) AS walk
                     OFFSET 0) AS s OFFSET 0) AS s`,
    [params.now, SHIFT_CANCELLED_REASON, SHIFT_CLOSED_REASON, WITHDRAWALS, strideFor(active), active],
  );
  await session.query(
    `INSERT INTO "Shift" ("id", "projectId", "postId", "startsAt", "endsAt", "capacity", "minimum", "role", "notes", "status",
                          "assignedCount", "checkedInCount", "closedAt", "cancelledAt", "createdAt", "updatedAt")
     SELECT sh.id, project_id, post_id, starts, ends, capacity, ceil(capacity * 0.6)::int, role, NULL,
            CASE WHEN cancelled THEN 'CANCELLED' ELSE 'OPEN' END::"ShiftStatus", COALESCE(c.held, 0), COALESCE(c.checked_in, 0),
            CASE WHEN NOT cancelled AND ends <= $2::timestamptz THEN ends END, cancelled_at, $1::timestamptz - interval '20 days',
            CASE WHEN cancelled THEN cancelled_at WHEN ends <= $2::timestamptz THEN ends ELSE $1::timestamptz - interval '20 days' END
       FROM scale_shift AS sh
       LEFT JOIN (SELECT "shiftId", count(*) FILTER (WHERE status IN ('ASSIGNED', 'CHECKED_IN', 'COMPLETED'))::int AS held,
                         count(*) FILTER (WHERE status = 'CHECKED_IN')::int AS checked_in
                    FROM "ShiftAssignment" GROUP BY "shiftId") AS c ON c."shiftId" = sh.id`,
    [params.start, params.now],
  );
  const [{ over }] = await session.query<{ over: number }>(`SELECT count(*)::int AS over FROM "Shift" WHERE "assignedCount" > "capacity"`);
  if (over > 0) throw new Error(`city-scale seed: ${over} shifts over capacity`);
}

/**
 * A year of service records by team members (1 to 10 each), reviewed after two days (the last
 * fortnight's partly pending). Everyone joined before the season, so every record is served before
 * today; a membership's records take the ids after those of the memberships before it.
 */
export async function writeServiceRecords(session: SqlSession, now: Date): Promise<void> {
  await session.query(
    `INSERT INTO "ServiceRecord" ("id", "volunteerId", "teamId", "description", "servedOn", "minutes", "status", "reviewNote",
                                  "reviewedAt", "createdAt")
     SELECT first_id + i, volunteer_id, team_id, ($3::text[])[1 + floor(x * ${RECORDS.length})::int], served, 30 * (1 + floor(y * 8)::int),
            CASE state WHEN 0 THEN 'PENDING'::"ServiceRecordStatus" WHEN 1 THEN 'APPROVED' ELSE 'REJECTED' END,
            CASE WHEN state = 2 THEN '时长与活动记录不符，请核实后重新提交' END,
            CASE WHEN state <> 0 THEN LEAST(created + interval '2 days', $1::timestamptz - interval '1 hour') END, created
       FROM (SELECT *, LEAST(served::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '1 day 20 hours', $1::timestamptz - interval '2 hours') AS created,
                    CASE WHEN served > $2::date - 14 AND z < 0.5 THEN 0 WHEN z < 0.92 THEN 1 ELSE 2 END AS state
               FROM (SELECT m.first_id, m.volunteer_id, m.team_id, i, r.x, r.y, r.z, GREATEST($2::date - 1 - floor(r.x * 365)::int, m.joined_on) AS served
                       FROM (SELECT id, "volunteerId" AS volunteer_id, "teamId" AS team_id, n,
                                    ("joinedAt" AT TIME ZONE 'Asia/Shanghai')::date AS joined_on, sum(n) OVER (ORDER BY id) - n AS first_id
                               FROM (SELECT *, 1 + floor(pg_temp.rnd(id, 31) * 10)::int AS n FROM "TeamMembership") AS m) AS m
                       CROSS JOIN LATERAL generate_series(1, m.n) AS i
                       CROSS JOIN LATERAL (SELECT pg_temp.rnd(m.id * 16 + i, 32) AS x, pg_temp.rnd(m.id * 16 + i, 33) AS y,
                                                  pg_temp.rnd(m.id * 16 + i, 34) AS z) AS r
                     OFFSET 0) AS r OFFSET 0) AS r`,
    [now.toISOString(), shanghaiDay(now), RECORDS],
  );
}

/** The Shanghai calendar day of an instant, 'YYYY-MM-DD'. */
export function shanghaiDay(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
