import type { PrismaClient } from '../db/index.js';
import { Prisma } from '../generated/prisma/client.js';
import { addDays, shanghaiMidnight } from '../roster/time.js';
import { STAR_THRESHOLD_HOURS } from '../volunteers/stars.js';

/*
 * Statistics for the annual report and the command center: SQL aggregates over a site's subtree
 * (or the whole city) and a period of Shanghai calendar days, never rows loaded into JavaScript.
 * Where things count: volunteers by home site, duty by the post's site, service records and teams
 * by the team's site, projects by their site, care by the beneficiary's site, honours by the
 * recipient's site. Each part is one statement; the parts run in parallel.
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
}

/** The SQL condition "site s is in the subtree of path" (every site when path is null). */
const inSubtree = (path: string | null) => (path == null ? Prisma.sql`TRUE` : Prisma.sql`(s."path" = ${path} OR s."path" LIKE ${`${path}.%`})`);

const starCase = Prisma.raw(
  `CASE ${[...STAR_THRESHOLD_HOURS].reverse().map((h, i) => `WHEN v."serviceMinutes" >= ${h * 60} THEN ${STAR_THRESHOLD_HOURS.length - i}`).join(' ')} ELSE 0 END`,
);

export async function siteStats(prisma: PrismaClient, path: string | null, period: Period): Promise<SiteStats> {
  const sub = inSubtree(path);
  const start = shanghaiMidnight(period.from);
  const end = shanghaiMidnight(addDays(period.to, 1));
  const [stars, active, teams, projects, shifts, care, honors] = await Promise.all([
    prisma.$queryRaw<{ level: number; count: number; inPeriod: number }[]>`
      SELECT ${starCase}::int AS "level", count(*)::int AS "count",
             count(*) FILTER (WHERE v."registeredAt" >= ${start} AND v."registeredAt" < ${end})::int AS "inPeriod"
      FROM "Volunteer" v JOIN "Site" s ON s."id" = v."homeSiteId" WHERE ${sub} GROUP BY 1 ORDER BY 1`,
    prisma.$queryRaw<{ active: number; minutes: number }[]>`
      SELECT count(DISTINCT x."volunteerId")::int AS "active", coalesce(sum(x."minutes"), 0)::int AS "minutes" FROM (
        SELECT a."volunteerId", a."serviceMinutes" AS "minutes"
        FROM "ShiftAssignment" a JOIN "Shift" sh ON sh."id" = a."shiftId" JOIN "DutyPost" p ON p."id" = sh."postId" JOIN "Site" s ON s."id" = p."siteId"
        WHERE a."status" = 'COMPLETED' AND sh."startsAt" >= ${start} AND sh."startsAt" < ${end} AND ${sub}
        UNION ALL
        SELECT r."volunteerId", r."minutes"
        FROM "ServiceRecord" r JOIN "Team" t ON t."id" = r."teamId" JOIN "Site" s ON s."id" = t."siteId"
        WHERE r."status" = 'APPROVED' AND r."servedOn" BETWEEN ${period.from}::date AND ${period.to}::date AND ${sub}
      ) AS x`,
    prisma.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS "count" FROM "Team" t JOIN "Site" s ON s."id" = t."siteId" WHERE ${sub}`,
    prisma.$queryRaw<{ status: string; category: string; count: number }[]>`
      SELECT p."status"::text AS "status", p."category"::text AS "category", count(*)::int AS "count"
      FROM "Project" p JOIN "Site" s ON s."id" = p."siteId"
      WHERE p."startsOn" <= ${period.to}::date AND p."endsOn" >= ${period.from}::date AND ${sub}
      GROUP BY 1, 2`,
    prisma.$queryRaw<{ total: number; staffed: number; assigned: number; capacity: number }[]>`
      SELECT count(*)::int AS "total", count(*) FILTER (WHERE sh."assignedCount" >= sh."minimum")::int AS "staffed",
             coalesce(sum(sh."assignedCount"), 0)::int AS "assigned", coalesce(sum(sh."capacity"), 0)::int AS "capacity"
      FROM "Shift" sh JOIN "DutyPost" p ON p."id" = sh."postId" JOIN "Site" s ON s."id" = p."siteId"
      WHERE sh."status" = 'OPEN' AND sh."startsAt" >= ${start} AND sh."startsAt" < ${end} AND ${sub}`,
    prisma.$queryRaw<{ reached: number; visits: number }[]>`
      SELECT count(DISTINCT v."beneficiaryId")::int AS "reached", count(*)::int AS "visits"
      FROM "CareVisit" v JOIN "Beneficiary" b ON b."id" = v."beneficiaryId" JOIN "Site" s ON s."id" = b."siteId"
      WHERE v."visitedOn" BETWEEN ${period.from}::date AND ${period.to}::date AND ${sub}`,
    prisma.$queryRaw<{ level: string; honors: number; families: number }[]>`
      SELECT h."level"::text AS "level", count(*)::int AS "honors",
             count(DISTINCT h."familyId") FILTER (WHERE h."recipientKind" = 'FAMILY')::int AS "families"
      FROM "Honor" h JOIN "Site" s ON s."id" = h."siteId"
      WHERE h."year" BETWEEN ${period.from.getUTCFullYear()}::int AND ${period.to.getUTCFullYear()}::int AND ${sub}
      GROUP BY 1 ORDER BY 1`,
  ]);
  const sumBy = (key: 'status' | 'category') => {
    const totals = new Map<string, number>();
    for (const row of projects) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.count);
    return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([k, count]) => ({ key: k, count }));
  };
  const s = shifts[0]!;
  return {
    volunteers: {
      registered: stars.reduce((n, r) => n + r.count, 0),
      registeredInPeriod: stars.reduce((n, r) => n + r.inPeriod, 0),
      activeInPeriod: active[0]!.active,
      byStarLevel: [0, 1, 2, 3, 4, 5].map((level) => ({ level, count: stars.find((r) => r.level === level)?.count ?? 0 })),
    },
    teams: teams[0]!.count,
    serviceMinutes: active[0]!.minutes,
    projectsByStatus: sumBy('status'),
    projectsByCategory: sumBy('category'),
    shifts: { ...s, understaffed: s.total - s.staffed, fillRate: s.capacity ? s.assigned / s.capacity : null },
    care: { beneficiariesReached: care[0]!.reached, visits: care[0]!.visits },
    honorsByLevel: honors.map((h) => ({ key: h.level, count: h.honors })),
    civilisedFamiliesByLevel: honors.filter((h) => h.families > 0).map((h) => ({ key: h.level, count: h.families })),
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
