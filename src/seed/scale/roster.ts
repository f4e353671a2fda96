/**
 * The city-scale tourist season in set-based SQL: 20,000 shifts over 30 days, ~600,000
 * assignments in the states the roster rules would have left, the counters that follow from
 * them, a year of service records, and Volunteer.serviceMinutes from both.
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

export async function writeSeason(
  session: SqlSession,
  sizes: ScaleSizes,
  season: { start: Date; now: Date },
  activeIds: number[],
): Promise<void> {
  const params = { start: season.start.toISOString(), now: season.now.toISOString() };
  await session.query(
    `INSERT INTO "Shift" ("id", "projectId", "postId", "startsAt", "endsAt", "capacity", "minimum", "role", "notes", "status",
                          "assignedCount", "checkedInCount", "closedAt", "cancelledAt", "createdAt", "updatedAt")
     SELECT h, site."parentId" - 1, d, starts, ends, capacity, ceil(capacity * 0.6)::int, role, NULL,
            CASE WHEN cancelled THEN 'CANCELLED' ELSE 'OPEN' END::"ShiftStatus", 0, 0,
            CASE WHEN NOT cancelled AND ends <= $3::timestamptz THEN ends END,
            CASE WHEN cancelled THEN LEAST(starts - interval '2 days', $3::timestamptz - interval '1 hour') END,
            $2::timestamptz - interval '20 days',
            CASE WHEN cancelled THEN LEAST(starts - interval '2 days', $3::timestamptz - interval '1 hour')
                 WHEN ends <= $3::timestamptz THEN ends ELSE $2::timestamptz - interval '20 days' END
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
       JOIN "Site" AS site ON site.id = post."siteId"`,
    [sizes.posts, params.start, params.now, sizes.shifts],
  );

  // Every sign-up: its shift, its number k in sign-up order, and its volunteer.
  await session.query(`CREATE TEMP TABLE scale_active ON COMMIT DROP AS SELECT n::int AS rn, id FROM unnest($1::int[]) WITH ORDINALITY AS a(id, n)`, [activeIds]);
  await session.exec('ALTER TABLE scale_active ADD PRIMARY KEY (rn); ANALYZE scale_active');
  await session.query(
    `CREATE TEMP TABLE scale_signup ON COMMIT DROP AS
     WITH shifts AS (
       SELECT s.id, s.capacity, s.status, s."startsAt", s."endsAt", s."cancelledAt",
              floor(s.capacity * (0.5 + pg_temp.rnd(s.id, 23)))::int AS n,
              floor(extract(epoch FROM s."startsAt" - $1::timestamptz) / 3600)::int AS slot_key
         FROM "Shift" AS s
     ), numbered AS (
       SELECT *, sum(n) OVER (PARTITION BY slot_key ORDER BY id) - n AS base FROM shifts
     )
     SELECT sh.id AS shift_id, k, sh.n, sh.capacity, sh.status AS shift_status, sh."startsAt", sh."endsAt", sh."cancelledAt",
            a.id AS volunteer_id, sh.base + k AS slot_index,
            pg_temp.rnd(sh.id * 64 + k, 25) AS r1, pg_temp.rnd(sh.id * 64 + k, 26) AS r2, pg_temp.rnd(sh.id * 64 + k, 27) AS r3
       FROM numbered AS sh
       CROSS JOIN LATERAL generate_series(0, sh.n - 1) AS k
       JOIN scale_active AS a ON a.rn = 1 + ((sh.slot_key * 7777 + (sh.base + k) * $2::bigint) % $3::int)`,
    [params.start, strideFor(activeIds.length), activeIds.length],
  );
  const [{ busiest }] = await session.query<{ busiest: number }>(
    `SELECT COALESCE(max(c), 0)::int AS busiest FROM (SELECT count(*) AS c FROM scale_signup GROUP BY floor(extract(epoch FROM "startsAt" - $1::timestamptz) / 3600)) AS g`,
    [params.start],
  );
  if (busiest > activeIds.length) {
    throw new Error(`city-scale seed: ${busiest} sign-ups in one time slot but only ${activeIds.length} active volunteers`);
  }

  await session.query(
    `INSERT INTO "ShiftAssignment" ("id", "shiftId", "volunteerId", "status", "assignedAt", "promotedAt", "checkedInAt",
                                    "checkedOutAt", "serviceMinutes", "cancelledAt", "cancelReason", "updatedAt")
     SELECT row_number() OVER (ORDER BY shift_id, k), shift_id, volunteer_id, status::"AssignmentStatus", assigned_at, NULL,
            checked_in, checked_out,
            CASE WHEN status = 'COMPLETED' THEN GREATEST(0, LEAST(floor(extract(epoch FROM checked_out - checked_in) / 60),
                 floor(extract(epoch FROM "endsAt" - "startsAt") / 60) + ${CHECK_OUT_GRACE_MINUTES}))::int END,
            cancelled_at, cancel_reason,
            COALESCE(checked_out, checked_in, cancelled_at, CASE WHEN status = 'NO_SHOW' THEN "endsAt" END, assigned_at)
       FROM (SELECT *,
                    CASE WHEN status = 'COMPLETED' THEN "startsAt" - r2 * interval '25 minutes'
                         WHEN status = 'CHECKED_IN' THEN "startsAt" - interval '25 minutes'
                              + r2 * (LEAST($1::timestamptz, "endsAt") - ("startsAt" - interval '25 minutes')) END AS checked_in,
                    CASE WHEN status = 'COMPLETED' THEN "endsAt" - r3 * interval '20 minutes' END AS checked_out,
                    CASE cancel WHEN 'shift' THEN "cancelledAt" WHEN 'closed' THEN "endsAt"
                                WHEN 'withdrawn' THEN assigned_at + r3 * (LEAST("startsAt", $1::timestamptz) - assigned_at) END AS cancelled_at,
                    CASE cancel WHEN 'shift' THEN $2 WHEN 'closed' THEN $3
                                WHEN 'withdrawn' THEN ($4::text[])[1 + floor(r3 * 4)::int] END AS cancel_reason
               FROM (SELECT *,
                            CASE WHEN shift_cancelled THEN 'CANCELLED'
                                 WHEN full_shift AND k >= capacity THEN CASE WHEN ended THEN 'CANCELLED' ELSE 'WAITLISTED' END
                                 WHEN NOT full_shift AND r1 < 0.08 THEN 'CANCELLED'
                                 WHEN ended THEN CASE WHEN r2 < 0.07 THEN 'NO_SHOW' ELSE 'COMPLETED' END
                                 WHEN "startsAt" <= $1::timestamptz THEN CASE WHEN r2 < 0.8 THEN 'CHECKED_IN' ELSE 'ASSIGNED' END
                                 ELSE 'ASSIGNED' END AS status,
                            CASE WHEN shift_cancelled THEN 'shift'
                                 WHEN full_shift AND k >= capacity THEN CASE WHEN ended THEN 'closed' END
                                 WHEN NOT full_shift AND r1 < 0.08 THEN 'withdrawn' END AS cancel,
                            -- Sign-ups spread from 14 days before the start until an hour before it (or until now).
                            "startsAt" - interval '14 days' + ((k + 0.9 * r1) / n)
                              * (CASE WHEN shift_cancelled THEN "cancelledAt" - interval '1 minute'
                                      ELSE LEAST("startsAt" - interval '1 hour', $1::timestamptz - interval '1 minute') END
                                 - ("startsAt" - interval '14 days')) AS assigned_at
                       FROM (SELECT *, shift_status = 'CANCELLED' AS shift_cancelled, n > capacity AS full_shift,
                                    "endsAt" <= $1::timestamptz AS ended
                               FROM scale_signup) AS s) AS s) AS s`,
    [params.now, SHIFT_CANCELLED_REASON, SHIFT_CLOSED_REASON, WITHDRAWALS],
  );
  await session.query(
    `UPDATE "Shift" AS s SET "assignedCount" = c.held, "checkedInCount" = c.checked_in
       FROM (SELECT "shiftId", count(*) FILTER (WHERE status IN ('ASSIGNED', 'CHECKED_IN', 'COMPLETED'))::int AS held,
                    count(*) FILTER (WHERE status = 'CHECKED_IN')::int AS checked_in
               FROM "ShiftAssignment" GROUP BY "shiftId") AS c
      WHERE s.id = c."shiftId"`,
  );
  const [{ over }] = await session.query<{ over: number }>(`SELECT count(*)::int AS over FROM "Shift" WHERE "assignedCount" > "capacity"`);
  if (over > 0) throw new Error(`city-scale seed: ${over} shifts over capacity`);
}

/** A year of service records by team members, reviewed after two days (the last fortnight's partly pending). */
export async function writeServiceRecords(session: SqlSession, now: Date): Promise<void> {
  await session.query(
    `INSERT INTO "ServiceRecord" ("id", "volunteerId", "teamId", "description", "servedOn", "minutes", "status", "reviewNote",
                                  "reviewedAt", "createdAt")
     SELECT row_number() OVER (ORDER BY m.id, i), m."volunteerId", m."teamId", ($3::text[])[1 + floor(r.x * ${RECORDS.length})::int],
            served, 30 * (1 + floor(r.y * 8)::int), status::"ServiceRecordStatus",
            CASE WHEN status = 'REJECTED' THEN '时长与活动记录不符，请核实后重新提交' END,
            CASE WHEN status <> 'PENDING' THEN LEAST(created + interval '2 days', $1::timestamptz - interval '1 hour') END, created
       FROM "TeamMembership" AS m
       CROSS JOIN LATERAL generate_series(1, 1 + floor(pg_temp.rnd(m.id, 31) * 10)::int) AS i
       CROSS JOIN LATERAL (SELECT pg_temp.rnd(m.id * 16 + i, 32) AS x, pg_temp.rnd(m.id * 16 + i, 33) AS y,
                                  pg_temp.rnd(m.id * 16 + i, 34) AS z) AS r
       CROSS JOIN LATERAL (SELECT GREATEST(($2::date - 1 - floor(r.x * 365)::int), (m."joinedAt" AT TIME ZONE 'Asia/Shanghai')::date) AS served) AS d
       CROSS JOIN LATERAL (SELECT LEAST(served::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '1 day 20 hours',
                                        $1::timestamptz - interval '2 hours') AS created) AS c
       CROSS JOIN LATERAL (SELECT CASE WHEN served > $2::date - 14 AND r.z < 0.5 THEN 'PENDING'
                                       WHEN r.z < 0.92 THEN 'APPROVED' ELSE 'REJECTED' END AS status) AS st
      WHERE served < $2::date`,
    [now.toISOString(), shanghaiDay(now), RECORDS],
  );
  await session.query(
    `UPDATE "Volunteer" AS v SET "serviceMinutes" = earned.minutes
       FROM (SELECT "volunteerId", SUM(minutes)::int AS minutes FROM (
               SELECT "volunteerId", "serviceMinutes" AS minutes FROM "ShiftAssignment" WHERE status = 'COMPLETED'
               UNION ALL
               SELECT "volunteerId", minutes FROM "ServiceRecord" WHERE status = 'APPROVED') AS credited
             GROUP BY "volunteerId") AS earned
      WHERE v.id = earned."volunteerId"`,
  );
}

/** The Shanghai calendar day of an instant, 'YYYY-MM-DD'. */
export function shanghaiDay(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
