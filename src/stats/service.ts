import type { PrismaClient } from '../db/index.js';
import { Prisma } from '../generated/prisma/client.js';
import { addDays, shanghaiMidnight } from '../roster/time.js';
import { STAR_THRESHOLD_HOURS } from '../volunteers/stars.js';

/*
 * Statistics for the annual report and the command center: SQL aggregates over a site's subtree
 * (or the whole city) and a period of Shanghai calendar days, never rows loaded into JavaScript.
 * Where things count: volunteers by home site, duty by the post's site, service records and teams
 * by the team's site, projects by their site, care by the beneficiary's site, honours by the
 * recipient's site, service orders and street reports by their site. The area statistics are
 * one statement.
 */

export interface Period {
  from: Date;
  to: Date;
}

export interface Count<K extends string = string> {
  key: K;
  count: number;
}

export interface SiteStats {
  volunteers: { registered: number; registeredInPeriod: number; activeInPeriod: number; byStarLevel: { level: number; count: number }[] };
  teams: number;
  serviceMinutes: number;
  projectsByStatus: Count[];
  projectsByCategory: Count[];
  shifts: { total: number; staffed: number; understaffed: number; assigned: number; capacity: number; fillRate: number | null };
  care: { beneficiariesReached: number; visits: number };
  honorsByLevel: Count[];
  civilisedFamiliesByLevel: Count[];
  serviceOrders: {
    placed: number;
    byStatus: Count[];
    completed: number;
    medianMinutesToComplete: number | null;
    ratings: number;
    meanRating: number | null;
  };
  communityReports: { submitted: number; byStatus: Count[]; open: number; resolved: number };
}

/** The SQL condition "site s is in the subtree of path" (every site when path is null). */
const inSubtree = (path: string | null) => (path == null ? Prisma.sql`TRUE` : Prisma.sql`(s."path" = ${path} OR s."path" LIKE ${`${path}.%`})`);

const starCase = Prisma.raw(
  `CASE ${[...STAR_THRESHOLD_HOURS].reverse().map((h, i) => `WHEN v."serviceMinutes" >= ${h * 60} THEN ${STAR_THRESHOLD_HOURS.length - i}`).join(' ')} ELSE 0 END`,
);

const OPEN_REPORT_STATUSES = ['SUBMITTED', 'ACKNOWLEDGED', 'IN_PROGRESS'];

type Row = {
  stars: { level: number; count: number; inPeriod: number }[];
  active: { active: number; minutes: number };
  teams: number;
  projects: { status: string; category: string; count: number }[];
  shifts: { total: number; staffed: number; assigned: number; capacity: number };
  care: { reached: number; visits: number };
  honors: { level: string; honors: number; families: number }[];
  orders: { placed: number; completed: number; median: number | null; ratings: number; mean: number | null };
  ordersByStatus: Count[];
  reportsByStatus: Count[];
};

/**
 * The statistics of a site's subtree (the whole city when `path` is null) for a period, in ONE
 * statement: each part is a subquery over the rows of the area's sites (`area`, read once; no
 * site filter at all city-wide), so PGlite's single connection and PostgreSQL alike answer in one
 * round trip.
 */
export async function siteStats(prisma: PrismaClient, path: string | null, period: Period): Promise<SiteStats> {
  const start = shanghaiMidnight(period.from);
  const end = shanghaiMidnight(addDays(period.to, 1));
  const from = Prisma.sql`${period.from}::date`;
  const to = Prisma.sql`${period.to}::date`;
  /** "the row's site is in the area", on a column holding a site id. */
  const at = (column: Prisma.Sql) => (path == null ? Prisma.sql`TRUE` : Prisma.sql`${column} IN (SELECT "id" FROM "area")`);
  const [row] = await prisma.$queryRaw<Row[]>`
    WITH "area" AS MATERIALIZED (SELECT s."id" FROM "Site" s WHERE ${inSubtree(path)})
    SELECT
      (SELECT coalesce(json_agg(x ORDER BY x."level"), '[]'::json) FROM (
         SELECT ${starCase}::int AS "level", count(*)::int AS "count",
                count(*) FILTER (WHERE v."registeredAt" >= ${start} AND v."registeredAt" < ${end})::int AS "inPeriod"
         FROM "Volunteer" v WHERE ${at(Prisma.sql`v."homeSiteId"`)} GROUP BY 1) x) AS "stars",
      (SELECT json_build_object('active', count(DISTINCT x."volunteerId"), 'minutes', coalesce(sum(x."minutes"), 0)) FROM (
         SELECT a."volunteerId", a."serviceMinutes" AS "minutes"
         FROM "Shift" sh JOIN "ShiftAssignment" a ON a."shiftId" = sh."id"
         ${path == null ? Prisma.empty : Prisma.sql`JOIN "DutyPost" p ON p."id" = sh."postId"`}
         WHERE sh."startsAt" >= ${start} AND sh."startsAt" < ${end} AND a."status" = 'COMPLETED' AND ${at(Prisma.sql`p."siteId"`)}
         UNION ALL
         SELECT r."volunteerId", r."minutes"
         FROM "ServiceRecord" r ${path == null ? Prisma.empty : Prisma.sql`JOIN "Team" t ON t."id" = r."teamId"`}
         WHERE r."status" = 'APPROVED' AND r."servedOn" BETWEEN ${from} AND ${to} AND ${at(Prisma.sql`t."siteId"`)}
      ) x) AS "active",
      (SELECT count(*)::int FROM "Team" t WHERE ${at(Prisma.sql`t."siteId"`)}) AS "teams",
      (SELECT coalesce(json_agg(x), '[]'::json) FROM (
         SELECT p."status"::text AS "status", p."category"::text AS "category", count(*)::int AS "count"
         FROM "Project" p WHERE p."startsOn" <= ${to} AND p."endsOn" >= ${from} AND ${at(Prisma.sql`p."siteId"`)}
         GROUP BY 1, 2) x) AS "projects",
      (SELECT json_build_object('total', count(*), 'staffed', count(*) FILTER (WHERE sh."assignedCount" >= sh."minimum"),
                                'assigned', coalesce(sum(sh."assignedCount"), 0), 'capacity', coalesce(sum(sh."capacity"), 0))
       FROM "Shift" sh ${path == null ? Prisma.empty : Prisma.sql`JOIN "DutyPost" p ON p."id" = sh."postId"`}
       WHERE sh."status" = 'OPEN' AND sh."startsAt" >= ${start} AND sh."startsAt" < ${end} AND ${at(Prisma.sql`p."siteId"`)}) AS "shifts",
      (SELECT json_build_object('reached', count(DISTINCT v."beneficiaryId"), 'visits', count(*))
       FROM "CareVisit" v ${path == null ? Prisma.empty : Prisma.sql`JOIN "Beneficiary" b ON b."id" = v."beneficiaryId"`}
       WHERE v."visitedOn" BETWEEN ${from} AND ${to} AND ${at(Prisma.sql`b."siteId"`)}) AS "care",
      (SELECT coalesce(json_agg(x ORDER BY x."level"), '[]'::json) FROM (
         SELECT h."level"::text AS "level", count(*)::int AS "honors",
                count(DISTINCT h."familyId") FILTER (WHERE h."recipientKind" = 'FAMILY')::int AS "families"
         FROM "Honor" h
         WHERE h."year" BETWEEN ${period.from.getUTCFullYear()}::int AND ${period.to.getUTCFullYear()}::int AND ${at(Prisma.sql`h."siteId"`)}
         GROUP BY 1) x) AS "honors",
      (SELECT json_build_object(
         'placed', count(*) FILTER (WHERE o."placedAt" >= ${start} AND o."placedAt" < ${end}),
         'completed', count(*) FILTER (WHERE o."completedAt" >= ${start} AND o."completedAt" < ${end}),
         'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o."completedAt" - o."placedAt") / 60)
                   FILTER (WHERE o."completedAt" >= ${start} AND o."completedAt" < ${end}),
         'ratings', count(*) FILTER (WHERE o."ratedAt" >= ${start} AND o."ratedAt" < ${end}),
         'mean', avg(o."ratingStars") FILTER (WHERE o."ratedAt" >= ${start} AND o."ratedAt" < ${end}))
       FROM "ServiceOrder" o
       WHERE ${at(Prisma.sql`o."siteId"`)}
         AND (o."placedAt" >= ${start} AND o."placedAt" < ${end} OR o."completedAt" >= ${start} AND o."completedAt" < ${end}
              OR o."ratedAt" >= ${start} AND o."ratedAt" < ${end})) AS "orders",
      (SELECT coalesce(json_agg(x ORDER BY x."key"), '[]'::json) FROM (
         SELECT o."status"::text AS "key", count(*)::int AS "count" FROM "ServiceOrder" o
         WHERE o."placedAt" >= ${start} AND o."placedAt" < ${end} AND ${at(Prisma.sql`o."siteId"`)} GROUP BY 1) x) AS "ordersByStatus",
      (SELECT coalesce(json_agg(x ORDER BY x."key"), '[]'::json) FROM (
         SELECT r."status"::text AS "key", count(*)::int AS "count" FROM "CommunityReport" r
         WHERE r."submittedAt" >= ${start} AND r."submittedAt" < ${end} AND ${at(Prisma.sql`r."siteId"`)} GROUP BY 1) x) AS "reportsByStatus"`;
  const r = row!;
  const sumBy = (key: 'status' | 'category') => {
    const totals = new Map<string, number>();
    for (const p of r.projects) totals.set(p[key], (totals.get(p[key]) ?? 0) + p.count);
    return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([k, count]) => ({ key: k, count }));
  };
  const sh = r.shifts;
  const reports = r.reportsByStatus;
  const countOf = (rows: Count[], keys: string[]) => rows.filter((x) => keys.includes(x.key)).reduce((n, x) => n + x.count, 0);
  return {
    volunteers: {
      registered: r.stars.reduce((n, x) => n + x.count, 0),
      registeredInPeriod: r.stars.reduce((n, x) => n + x.inPeriod, 0),
      activeInPeriod: r.active.active,
      byStarLevel: [0, 1, 2, 3, 4, 5].map((level) => ({ level, count: r.stars.find((x) => x.level === level)?.count ?? 0 })),
    },
    teams: r.teams,
    serviceMinutes: Number(r.active.minutes),
    projectsByStatus: sumBy('status'),
    projectsByCategory: sumBy('category'),
    shifts: {
      total: sh.total,
      staffed: sh.staffed,
      understaffed: sh.total - sh.staffed,
      assigned: Number(sh.assigned),
      capacity: Number(sh.capacity),
      fillRate: Number(sh.capacity) ? Number(sh.assigned) / Number(sh.capacity) : null,
    },
    care: { beneficiariesReached: r.care.reached, visits: r.care.visits },
    honorsByLevel: r.honors.map((h) => ({ key: h.level, count: h.honors })),
    civilisedFamiliesByLevel: r.honors.filter((h) => h.families > 0).map((h) => ({ key: h.level, count: h.families })),
    serviceOrders: {
      placed: r.orders.placed,
      byStatus: r.ordersByStatus,
      completed: r.orders.completed,
      medianMinutesToComplete: r.orders.median == null ? null : Number(r.orders.median),
      ratings: r.orders.ratings,
      meanRating: r.orders.mean == null ? null : Number(r.orders.mean),
    },
    communityReports: {
      submitted: reports.reduce((n, x) => n + x.count, 0),
      byStatus: reports,
      open: countOf(reports, OPEN_REPORT_STATUSES),
      resolved: countOf(reports, ['RESOLVED']),
    },
  };
}

export interface Coverage {
  sites: number;
  covered: number;
  share: number | null;
  withTeam: number;
  withActivity: number;
  withProject: number;
  withPostOrMenu: number;
}

/**
 * The report's "full coverage" (有场所、有队伍、有活动、有项目、有机制): of the institutes and stations
 * in a site's subtree, how many have a team, activity in the period (completed duty at its posts,
 * approved records of its teams, or care visits by them), a project running in the period, and an
 * active duty post (a shift in the period) or a service menu. One statement.
 */
export async function coverage(prisma: PrismaClient, path: string, period: Period): Promise<Coverage> {
  const start = shanghaiMidnight(period.from);
  const end = shanghaiMidnight(addDays(period.to, 1));
  const [row] = await prisma.$queryRaw<Omit<Coverage, 'share'>[]>`
    WITH c AS (
      SELECT
        EXISTS (SELECT 1 FROM "Team" t WHERE t."siteId" = s."id") AS "team",
        (EXISTS (SELECT 1 FROM "ShiftAssignment" a JOIN "Shift" sh ON sh."id" = a."shiftId" JOIN "DutyPost" p ON p."id" = sh."postId"
                 WHERE p."siteId" = s."id" AND a."status" = 'COMPLETED' AND sh."startsAt" >= ${start} AND sh."startsAt" < ${end})
         OR EXISTS (SELECT 1 FROM "ServiceRecord" r JOIN "Team" t ON t."id" = r."teamId"
                    WHERE t."siteId" = s."id" AND r."status" = 'APPROVED' AND r."servedOn" BETWEEN ${period.from}::date AND ${period.to}::date)
         OR EXISTS (SELECT 1 FROM "CareVisit" v JOIN "Team" t ON t."id" = v."teamId"
                    WHERE t."siteId" = s."id" AND v."visitedOn" BETWEEN ${period.from}::date AND ${period.to}::date)) AS "activity",
        EXISTS (SELECT 1 FROM "Project" pr WHERE pr."siteId" = s."id" AND pr."status" IN ('RECRUITING', 'ACTIVE', 'COMPLETED')
                AND pr."startsOn" <= ${period.to}::date AND pr."endsOn" >= ${period.from}::date) AS "project",
        (cardinality(s."services") > 0 OR EXISTS (SELECT 1 FROM "Shift" sh JOIN "DutyPost" p ON p."id" = sh."postId"
                 WHERE p."siteId" = s."id" AND sh."status" = 'OPEN' AND sh."startsAt" >= ${start} AND sh."startsAt" < ${end})) AS "mechanism"
      FROM "Site" s
      WHERE s."level" IN ('INSTITUTE', 'STATION') AND (s."path" = ${path} OR s."path" LIKE ${`${path}.%`})
    )
    SELECT count(*)::int AS "sites",
           count(*) FILTER (WHERE "team" AND "activity" AND "project" AND "mechanism")::int AS "covered",
           count(*) FILTER (WHERE "team")::int AS "withTeam", count(*) FILTER (WHERE "activity")::int AS "withActivity",
           count(*) FILTER (WHERE "project")::int AS "withProject", count(*) FILTER (WHERE "mechanism")::int AS "withPostOrMenu"
    FROM c`;
  return { ...row!, share: row!.sites ? row!.covered / row!.sites : null };
}
