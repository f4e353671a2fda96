import { prismaConnectionHelpers, queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import { requestLoader } from '../common/loaders.js';
import type { Context } from '../context.js';
import { Prisma, type ShiftAssignment } from '../generated/prisma/client.js';

/**
 * `Shift.assignments(first:)` for a page of shifts in two statements, whatever the page size:
 *
 * - the page of every shift at once, limited per shift in SQL — one window-function query
 *   (`row_number() OVER (PARTITION BY "shiftId" …)`) that reads at most `first + 1` ids per shift
 *   through the (shiftId, …) index, then the rows with what the query selects beneath `node`
 *   (Prisma's nested `take` would read every assignment of every shift and slice in memory,
 *   prisma/orm#16168);
 * - `totalCount`, when asked, as one count grouped by shift over the page's shifts only (the
 *   relatedConnection count aggregated every assignment in the city).
 *
 * Shifts on the same page share a loader when they ask with the same arguments at the same place in
 * the query (the response path without list indices), so they also share one selection.
 */

/** The arguments of `Shift.assignments`. */
export interface AssignmentPageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  filter?: { status?: readonly string[] | null; from?: Date | null; to?: Date | null } | null;
}

export type AssignmentPage = ReturnType<typeof helpers.resolve> & { totalCount: () => Promise<number> };

const helpers = prismaConnectionHelpers(builder, 'ShiftAssignment', { cursor: 'id' });

/** The response path of a field without list indices: the same field of every shift on a page. */
function pathKey(info: GraphQLResolveInfo): string {
  const keys: string[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) if (typeof p.key === 'string') keys.push(p.key);
  return keys.reverse().join('.');
}

/** The filter's conditions on `a` (ShiftAssignment), as SQL. */
function filterSql(filter: AssignmentPageArgs['filter']): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filter?.status?.length) parts.push(Prisma.sql`AND a."status"::text IN (${Prisma.join(filter.status)})`);
  if (filter?.from || filter?.to) {
    parts.push(Prisma.sql`AND EXISTS (SELECT 1 FROM "Shift" s WHERE s."id" = a."shiftId"
      ${filter.from ? Prisma.sql`AND s."endsAt" > ${filter.from}::timestamptz` : Prisma.empty}
      ${filter.to ? Prisma.sql`AND s."startsAt" < ${filter.to}::timestamptz` : Prisma.empty})`);
  }
  return parts.length ? Prisma.join(parts, ' ') : Prisma.empty;
}

/** One page of assignments for each shift, in sign-up order (take < 0: the page before a cursor). */
async function loadPages(
  ctx: Context,
  query: object,
  shiftIds: readonly number[],
  args: AssignmentPageArgs,
): Promise<ShiftAssignment[][]> {
  const { take, cursor } = helpers.getQuery(args as never, ctx, () => ({}) as never) as { take: number; cursor?: { id: number } };
  const limit = Math.abs(take);
  if (limit === 0 || shiftIds.length === 0) return shiftIds.map(() => []);
  const backward = take < 0;
  const direction = backward ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const after = cursor
    ? Prisma.sql`AND (a."assignedAt", a."id") ${backward ? Prisma.sql`<` : Prisma.sql`>`}
        (SELECT c."assignedAt", c."id" FROM "ShiftAssignment" c WHERE c."id" = ${cursor.id})`
    : Prisma.empty;
  const picked = await ctx.prisma.$queryRaw<{ id: number; shiftId: number }[]>`
    SELECT "id", "shiftId" FROM (
      SELECT a."id", a."shiftId",
             row_number() OVER (PARTITION BY a."shiftId" ORDER BY a."assignedAt" ${direction}, a."id" ${direction}) AS "rank"
      FROM "ShiftAssignment" a
      WHERE a."shiftId" IN (${Prisma.join(shiftIds)}) ${filterSql(args.filter)} ${after}
    ) page
    WHERE "rank" <= ${limit}
    ORDER BY "shiftId", "rank"`;
  const byShift = new Map<number, ShiftAssignment[]>(shiftIds.map((id) => [id, []]));
  if (picked.length > 0) {
    const rows = await ctx.prisma.shiftAssignment.findMany({ ...query, where: { id: { in: picked.map((p) => p.id) } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const { id, shiftId } of picked) {
      const row = byId.get(id);
      if (row) byShift.get(shiftId)!.push(row);
    }
  }
  return shiftIds.map((id) => {
    const page = byShift.get(id)!;
    return backward ? page.reverse() : page;
  });
}

/** How many assignments of each shift match the filter. */
async function countAssignments(ctx: Context, shiftIds: readonly number[], filter: AssignmentPageArgs['filter']): Promise<number[]> {
  const counts = await ctx.prisma.$queryRaw<{ shiftId: number; count: number }[]>`
    SELECT a."shiftId", count(*)::int AS "count" FROM "ShiftAssignment" a
    WHERE a."shiftId" IN (${Prisma.join(shiftIds)}) ${filterSql(filter)}
    GROUP BY a."shiftId"`;
  const byShift = new Map(counts.map((c) => [c.shiftId, c.count]));
  return shiftIds.map((id) => byShift.get(id) ?? 0);
}

/** The connection `Shift.assignments` resolves to; `totalCount` is counted only when asked. */
export async function shiftAssignmentsPage(
  shift: { id: number },
  args: AssignmentPageArgs,
  ctx: Context,
  info: GraphQLResolveInfo,
): Promise<AssignmentPage> {
  const key = `${pathKey(info)}:${JSON.stringify(args)}`;
  // What the query selects beneath `edges.node`. Asked for each shift: it also records, for this
  // shift's field, that the relations beneath resolve from the loaded rows rather than loading again.
  const query = queryFromInfo({ context: ctx, info, path: ['edges', 'node'] }) as object;
  const pages = requestLoader<number, ShiftAssignment[]>(ctx, `shiftAssignments:${key}`, (ids) => loadPages(ctx, query, ids, args));
  const counts = requestLoader<number, number>(ctx, `shiftAssignmentCounts:${key}`, (ids) => countAssignments(ctx, ids, args.filter));
  const page = helpers.resolve(await pages.load(shift.id), args as never, ctx, shift as never);
  return Object.assign(page, { totalCount: () => counts.load(shift.id) });
}
