import { builder } from '../../builder.js';
import { KEYED_ID, keyedNode } from '../../common/ids.js';
import { cached } from '../../common/loaders.js';
import { OrderDirection } from '../../common/schema-base.js';
import type { Context } from '../../context.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { ProjectRef } from '../../projects/schema.js';
import { SiteRef } from '../../sites/schema.js';
import { subtreeOf } from '../../sites/service.js';
import { type AssignmentPage, assignmentsSelect, shiftAssignmentsPage } from '../assignment-pages.js';
import { AssignmentFilter, ShiftAssignmentRef } from '../assignments/schema.js';
import { publicShiftWhere } from '../open-shifts.js';
import { DutyPostRef } from '../posts/schema.js';
import { checkInWindow, openSlots, staffingOf } from '../rules.js';
import { shanghaiDayRange } from '../time.js';
import { type RosterFilter, rosterWhere, runningAfter } from './query.js';

/*
 * Shifts in GraphQL: the type, the one shift connection, the roster query and its filter and
 * order. Planning and ending shifts is ./mutations.ts.
 */

export const ShiftStatusEnum = builder.enumType('ShiftStatus', {
  description: 'Whether a shift is going ahead.',
  values: {
    OPEN: { description: 'Going ahead (it may still have ended or been closed; see `closedAt`).' },
    CANCELLED: { description: 'Called off; its assignments were cancelled and kept as history.' },
  } as const,
});

export const StaffingEnum = builder.enumType('Staffing', {
  description: 'How well a shift is staffed, from its assigned count against `minimum` and `capacity`.',
  values: {
    UNDERSTAFFED: { description: 'Fewer volunteers than the minimum needed.' },
    STAFFED: { description: 'At least the minimum, with places left.' },
    FULL: { description: 'Every place taken; new sign-ups join the waitlist.' },
  } as const,
});

export const ShiftRangeFilter = builder.inputType('ShiftRangeFilter', {
  description: 'Narrows a list of shifts to a time window and status.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Only shifts still running at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Only shifts starting before this instant.' }),
    status: t.field({ type: ShiftStatusEnum, description: 'Only shifts with this status.' }),
  }),
});


/** A shift list's filter; anonymous clients get only public shifts rather than refusals. */
export function rangeWhere(ctx: Context, filter: typeof ShiftRangeFilter.$inferInput | null | undefined): Prisma.ShiftWhereInput {
  const where: Prisma.ShiftWhereInput = {
    ...(filter?.from && runningAfter(filter.from)),
    ...(filter?.to && { startsAt: { lt: filter.to } }),
    ...(filter?.status && { status: filter.status }),
  };
  return ctx.viewer ? where : { AND: [where, publicShiftWhere(ctx.prisma)] };
}

export const ShiftRef = keyedNode(builder.prismaNode('Shift', {
  description:
    'One stretch of duty at a post for a project, e.g. 08:00–12:00 at the old town’s south gate. Open shifts with free places are public; others need a login.',
  id: KEYED_ID,
  // Select mode: what the auth scopes read (publicShift, boardShift), plus what the fields asked for add.
  select: { id: true, status: true, assignedCount: true, capacity: true, minimum: true, projectId: true, postId: true, role: true, startsAt: true, endsAt: true, closedAt: true },
  authScopes: (shift) => ({ $any: { authenticated: true, publicShift: shift, boardShift: shift } }),
  fields: (t) => ({
    project: t.relation('project', { description: 'The project the shift serves.' }),
    post: t.relation('post', { description: 'Where the shift takes place.' }),
    startsAt: t.field({ type: 'DateTime', description: 'When duty starts.', resolve: (s) => s.startsAt }),
    endsAt: t.field({ type: 'DateTime', description: 'When duty ends.', resolve: (s) => s.endsAt }),
    capacity: t.int({ description: 'How many volunteers the shift takes; more join the waitlist.', resolve: (s) => s.capacity }),
    minimum: t.int({ description: 'How many volunteers are needed; below this it is UNDERSTAFFED.', resolve: (s) => s.minimum }),
    role: t.string({ description: 'The duty, e.g. 文明引导 or 交通协管.', resolve: (s) => s.role }),
    notes: t.exposeString('notes', { nullable: true, description: 'Notes for the volunteers.' }),
    status: t.field({ type: ShiftStatusEnum, description: 'Whether the shift is going ahead.', resolve: (s) => s.status }),
    assignedCount: t.int({ description: 'Volunteers holding a place: ASSIGNED, CHECKED_IN or COMPLETED.', resolve: (s) => s.assignedCount }),
    checkedInCount: t.exposeInt('checkedInCount', { description: 'Volunteers on duty now (CHECKED_IN).' }),
    openSlots: t.int({ description: 'Places still free (0 when the shift is full or cancelled).', resolve: (s) => openSlots(s) }),
    staffing: t.field({
      type: StaffingEnum,
      description: 'Staffing level from assignedCount against minimum and capacity.',
      resolve: (s) => staffingOf(s),
    }),
    checkInOpensAt: t.field({ type: 'DateTime', description: 'When check-in opens: 30 minutes before the start.', resolve: (s) => checkInWindow(s).opensAt }),
    closedAt: t.field({ type: 'DateTime', nullable: true, description: 'When staff closed the shift, if they have.', resolve: (s) => s.closedAt }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When the shift was cancelled, if it was.' }),
    assignments: t.connection(
      {
        type: ShiftAssignmentRef,
        nullable: true,
        authScopes: { authenticated: true },
        // Refusable (README, Nullability): the shift is public for open projects, its volunteers are not.
        description:
          'The volunteers on this shift, in sign-up order (the waitlist in its order). Needs a login (null with a FORBIDDEN error for anonymous callers; the shift is public for open projects).',
        args: { filter: t.arg({ type: AssignmentFilter, description: 'Which assignments.' }) },
        // A first page joins the shifts' own statement; a cursor's page is one windowed query per
        // page of shifts (src/roster/assignment-pages.ts).
        select: (args, ctx, nestedSelection) => assignmentsSelect(args, ctx, nestedSelection),
        resolve: (shift, args, ctx, info) => shiftAssignmentsPage(shift, args, ctx, info),
      },
      {
        name: 'ShiftAssignmentsConnection',
        description: 'A page of a shift’s assignments.',
        fields: (c) => ({
          totalCount: c.int({ description: 'How many items match, across all pages.', resolve: (page) => (page as unknown as AssignmentPage).totalCount() }),
        }),
      },
      { name: 'ShiftAssignmentsEdge', description: 'An assignment on a page.' },
    ),
  }),
}));

const ShiftOrderField = builder.enumType('ShiftOrderField', {
  description: 'What shifts can be sorted by.',
  values: {
    STARTS_AT: { description: 'When duty starts.' },
    ENDS_AT: { description: 'When duty ends.' },
    CREATED_AT: { description: 'When the shift was created.' },
  } as const,
});

export const ShiftOrder = builder.inputType('ShiftOrder', {
  description: 'Sort order for shifts; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: ShiftOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

const SHIFT_ORDER_COLUMN = { STARTS_AT: 'startsAt', ENDS_AT: 'endsAt', CREATED_AT: 'createdAt' } as const;

/** The Prisma order of a shift list: the chosen column, then id the same way (default STARTS_AT ascending). */
export function shiftOrderBy(order: typeof ShiftOrder.$inferInput | null | undefined): Prisma.ShiftOrderByWithRelationInput[] {
  const o = order ?? { field: 'STARTS_AT' as const, direction: 'ASC' as const };
  const direction = o.direction === 'DESC' ? 'desc' : 'asc';
  return [{ [SHIFT_ORDER_COLUMN[o.field]]: direction }, { id: direction }];
}

/**
 * The one connection type of shifts — a post's, a project's, the roster, what createShifts made —
 * so client caches and fragments see one shape.
 */
export const ShiftEdge = builder.edgeObject({ type: ShiftRef, name: 'ShiftEdge', description: 'A shift on a page.' });
export const ShiftConnection = builder.connectionObject(
  {
    type: ShiftRef,
    name: 'ShiftConnection',
    description: 'A page of shifts.',
    fields: (t) => ({
      totalCount: t.int({
        nullable: false,
        description: 'How many shifts match, across all pages.',
        extensions: { pothosPrismaTotalCount: true },
        // prismaConnection hands a function, relatedConnection a value.
        resolve: (parent) => {
          const total = (parent as { totalCount?: number | (() => number | Promise<number>) }).totalCount;
          return (typeof total === 'function' ? total() : total) as number;
        },
      }),
    }),
  },
  ShiftEdge,
);


builder.prismaObjectFields('Project', (t) => ({
  shifts: t.relatedConnection(
    'shifts',
    {
      cursor: 'id',
      totalCount: true,
      description: 'The project’s shifts, by start time.',
      args: {
        filter: t.arg({ type: ShiftRangeFilter, description: 'Time window and status.' }),
        orderBy: t.arg({ type: ShiftOrder, description: 'Sort order; default STARTS_AT ascending.' }),
      },
      query: (args, ctx) => ({ where: rangeWhere(ctx, args.filter), orderBy: shiftOrderBy(args.orderBy) }),
    },
    ShiftConnection,
  ),
}));

const RosterFilterInput = builder.inputType('RosterFilter', {
  description:
    'Which shifts a roster shows. Give `date` for one Asia/Shanghai day, or `from`/`to` for any window; all given conditions must hold.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Shifts at posts of this site or any site below it.' }),
    postId: t.globalID({ for: DutyPostRef, description: 'Shifts at this post.' }),
    projectId: t.globalID({ for: ProjectRef, description: 'Shifts of this project.' }),
    date: t.field({ type: 'Date', description: 'Shifts overlapping this day, midnight to midnight Asia/Shanghai.' }),
    from: t.field({ type: 'DateTime', description: 'Shifts still running at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Shifts starting before this instant.' }),
    staffing: t.field({ type: [StaffingEnum], description: 'Only OPEN shifts at one of these staffing levels.' }),
    status: t.field({ type: [ShiftStatusEnum], description: 'Only shifts in one of these statuses.' }),
  }),
});

/** rosterFilterWhere once per request and filter: the page and its totalCount share it (and its site lookup). */
function sharedRosterWhere(ctx: Context, filter: typeof RosterFilterInput.$inferInput | null | undefined) {
  return cached(ctx, `rosterWhere:${JSON.stringify(filter ?? null)}`, () => rosterFilterWhere(ctx, filter));
}

async function rosterFilterWhere(ctx: Context, filter: typeof RosterFilterInput.$inferInput | null | undefined) {
  const day = filter?.date ? shanghaiDayRange(filter.date) : null;
  const criteria: RosterFilter = {
    siteId: filter?.siteId?.id,
    postId: filter?.postId?.id,
    projectId: filter?.projectId?.id,
    from: laterOf(filter?.from, day?.start),
    to: earlierOf(filter?.to, day?.end),
    staffing: filter?.staffing,
    status: filter?.status,
  };
  const where = await rosterWhere(ctx.prisma, criteria);
  if (ctx.viewer) return where;
  // A wall screen's board credential sees its own site subtree's shifts in full (the duty board's
  // timeline), and the public roster elsewhere.
  if (ctx.board) {
    const boardSites = { post: { site: subtreeOf({ id: ctx.board.siteId, path: ctx.board.sitePath }) } };
    return { AND: [where, { OR: [boardSites, publicShiftWhere(ctx.prisma)] }] };
  }
  // Anonymous clients see the public roster: open shifts with free places of public projects.
  return { AND: [where, publicShiftWhere(ctx.prisma)] };
}

const laterOf = (a?: Date | null, b?: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));
const earlierOf = (a?: Date | null, b?: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b ?? null));

builder.queryFields((t) => ({
  shift: t.prismaField({
    type: 'Shift',
    nullable: true,
    description: 'A shift by global ID.',
    args: { id: t.arg.globalID({ for: ShiftRef, required: true, description: 'The shift’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.shift.findUnique({ ...query, where: { id: id.id } }),
  }),
  roster: t.prismaConnection(
    {
      type: 'Shift',
      cursor: 'id',
      description:
        'The duty roster: shifts in a time window, ordered by start time, each with its assignments and volunteers. A site includes every site below it.',
      args: {
        filter: t.arg({ type: RosterFilterInput, description: 'Which shifts to show.' }),
        orderBy: t.arg({ type: ShiftOrder, description: 'Sort order; default STARTS_AT ascending.' }),
      },
      totalCount: async (_parent, args, ctx) => ctx.prisma.shift.count({ where: await sharedRosterWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.shift.findMany({ ...query, where: await sharedRosterWhere(ctx, args.filter), orderBy: shiftOrderBy(args.orderBy) }),
    },
    ShiftConnection,
  ),
}));
