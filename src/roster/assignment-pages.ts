import { prismaConnectionHelpers, queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import { requestLoader } from '../common/loaders.js';
import type { Context } from '../context.js';
import { Prisma, type ShiftAssignment } from '../generated/prisma/client.js';
import { AssignmentFilter, assignmentWhere } from './assignments/schema.js';

/**
 * `Shift.assignments` for a page of shifts, limited per shift in SQL, whatever the page size:
 *
 * - **A first page** (`first`, no cursor) is part of the statement that loads the shifts
 *   themselves: the field's `select` (`assignmentsSelect`) asks for the relation with its `take`,
 *   order and filter, and its count, and Prisma's relation joins (the `relationJoins` preview
 *   feature) answer that with one LATERAL subquery per shift, `LIMIT first + 1`, and a counted
 *   LATERAL beside it — with what the query selects beneath `node` (the volunteer) joined in too.
 * - **A page after or before a cursor** is left out of the parent's statement: Prisma plans a nested
 *   cursor with separate queries that read every later assignment of every shift and slice in
 *   memory (prisma/orm#16168). Those pages come from two statements of their own: a
 *   window-function query (`row_number() OVER (PARTITION BY "shiftId" …)`) reading at most
 *   `first + 1` ids per shift through the (shiftId, …) index, then the rows with what the query
 *   selects beneath `node`; `totalCount`, when asked, is one count grouped by shift over the page's
 *   shifts only. Shifts on the same page share a loader when they ask with the same arguments at
 *   the same place in the query (the response path without list indices), so they also share one
 *   selection.
 */

/** The arguments of `Shift.assignments`. */
export interface AssignmentPageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  filter?: typeof AssignmentFilter.$inferInput | null;
}

export type AssignmentPage = ReturnType<typeof helpers.resolve> & { totalCount: () => Promise<number> };

/** Sign-up order, the waitlist's order too. */
const SIGN_UP_ORDER = [{ assignedAt: 'asc' }, { id: 'asc' }] satisfies Prisma.ShiftAssignmentOrderByWithRelationInput[];

const helpers = prismaConnectionHelpers(builder, 'ShiftAssignment', { cursor: 'id' });

/** A page asked by cursor or from the end is loaded apart from its shift (see above). */
const pagedApart = (args: AssignmentPageArgs) => args.after != null || args.before != null || args.last != null;

/**
 * What `Shift.assignments` adds to the select of the statement that loads its shift: the first page
 * and its count. Nothing for a page asked by cursor or from the end.
 */
export function assignmentsSelect(args: AssignmentPageArgs, ctx: Context, nestedSelection: Parameters<typeof helpers.getQuery>[2]) {
  if (pagedApart(args)) return {};
  const where = assignmentWhere(args.filter);
  return {
    assignments: { ...helpers.getQuery(args as never, ctx, nestedSelection), where, orderBy: SIGN_UP_ORDER },
    _count: { select: { assignments: { where } } },
  };
}

/** A shift row as `assignmentsSelect` loaded it (neither key is there for a page loaded apart). */
type ShiftWithPage = { id: number; assignments?: ShiftAssignment[]; _count?: { assignments?: number } };

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

/** The connection `Shift.assignments` resolves to: from the shift's own row, or loaded apart. */
export async function shiftAssignmentsPage(
  shift: ShiftWithPage,
  args: AssignmentPageArgs,
  ctx: Context,
  info: GraphQLResolveInfo,
): Promise<AssignmentPage> {
  const count = shift._count?.assignments;
  if (shift.assignments && count !== undefined) {
    return Object.assign(helpers.resolve(shift.assignments, args as never, ctx, shift as never), { totalCount: async () => count });
  }
  const key = `${pathKey(info)}:${JSON.stringify(args)}`;
  // What the query selects beneath `edges.node`. Asked for each shift: it also records, for this
  // shift's field, that the relations beneath resolve from the loaded rows rather than loading again.
  const query = queryFromInfo({ context: ctx, info, path: ['edges', 'node'] }) as object;
  const pages = requestLoader<number, ShiftAssignment[]>(ctx, `shiftAssignments:${key}`, (ids) => loadPages(ctx, query, ids, args));
  const counts = requestLoader<number, number>(ctx, `shiftAssignmentCounts:${key}`, (ids) => countAssignments(ctx, ids, args.filter));
  const page = helpers.resolve(await pages.load(shift.id), args as never, ctx, shift as never);
  return Object.assign(page, { totalCount: () => counts.load(shift.id) });
}
