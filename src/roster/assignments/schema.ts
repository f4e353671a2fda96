import { KEYED_ID, keyedNode } from '../../common/ids.js';
import { builder } from '../../builder.js';
import { requestLoader } from '../../common/loaders.js';
import { OrderDirection } from '../../common/schema-base.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { runningAfter } from '../shifts/query.js';
import { waitlistsOf } from './waitlist.js';

/** Assignments in GraphQL: the type, its filter and order, and a volunteer's assignments. Actions are ./mutations.ts. */

export const AssignmentStatusEnum = builder.enumType('AssignmentStatus', {
  description: 'Where a volunteer stands on a shift.',
  values: {
    ASSIGNED: { description: 'Holds a place on the shift.' },
    WAITLISTED: { description: 'Waiting for a place; promoted automatically, in order, when one frees up.' },
    CHECKED_IN: { description: 'On duty now.' },
    COMPLETED: { description: 'Checked out; the service minutes count towards the volunteer’s total.' },
    NO_SHOW: { description: 'Did not turn up.' },
    CANCELLED: { description: 'Withdrawn, or the shift was cancelled. Kept as history.' },
  } as const,
});

export const AssignmentFilter = builder.inputType('AssignmentFilter', {
  description: 'Narrows a list of assignments.',
  fields: (t) => ({
    status: t.field({ type: [AssignmentStatusEnum], description: 'Only assignments in one of these statuses.' }),
    from: t.field({ type: 'DateTime', description: 'Only assignments on shifts still running at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Only assignments on shifts starting before this instant.' }),
  }),
});

export function assignmentWhere(filter: typeof AssignmentFilter.$inferInput | null | undefined): Prisma.ShiftAssignmentWhereInput {
  return {
    ...(filter?.status?.length && { status: { in: filter.status } }),
    ...((filter?.from || filter?.to) && {
      shift: { ...(filter.from && runningAfter(filter.from)), ...(filter.to && { startsAt: { lt: filter.to } }) },
    }),
  };
}

export const ShiftAssignmentRef = keyedNode(builder.prismaNode('ShiftAssignment', {
  description: 'A volunteer on a shift, from sign-up to check-out. Needs a login.',
  id: KEYED_ID,
  // Select mode: a query loads the columns its fields need (each expose/relation adds its own).
  select: { id: true, status: true },
  authScopes: { authenticated: true },
  fields: (t) => ({
    shift: t.relation('shift', { description: 'The shift.' }),
    volunteer: t.relation('volunteer', { description: 'The volunteer.' }),
    status: t.field({ type: AssignmentStatusEnum, description: 'Where the volunteer stands.', resolve: (a) => a.status }),
    waitlistPosition: t.int({
      nullable: true,
      description: '1-based place in the waitlist while WAITLISTED; null otherwise.',
      select: { id: true, shiftId: true, status: true },
      resolve: async (a, _args, ctx) => {
        if (a.status !== 'WAITLISTED') return null;
        // All waitlists on the page load in one query.
        const waitlist = await requestLoader<number, number[]>(ctx, 'waitlists', async (shiftIds) => {
          const lists = await waitlistsOf(ctx.prisma, shiftIds);
          return shiftIds.map((id) => lists.get(id) ?? []);
        }).load(a.shiftId);
        const index = waitlist.indexOf(a.id);
        return index < 0 ? null : index + 1;
      },
    }),
    assignedAt: t.expose('assignedAt', { type: 'DateTime', description: 'When the volunteer signed up (waitlist order).' }),
    promotedAt: t.expose('promotedAt', { type: 'DateTime', nullable: true, description: 'When the volunteer moved up from the waitlist, if they did.' }),
    checkedInAt: t.expose('checkedInAt', { type: 'DateTime', nullable: true, description: 'When the volunteer checked in.' }),
    checkedOutAt: t.expose('checkedOutAt', { type: 'DateTime', nullable: true, description: 'When the volunteer checked out.' }),
    serviceMinutes: t.exposeInt('serviceMinutes', {
      nullable: true,
      description: 'Minutes credited at check-out: the time on duty, capped at the shift’s length plus 30 minutes.',
    }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When the assignment was cancelled.' }),
    cancelReason: t.exposeString('cancelReason', { nullable: true, description: 'Why it was cancelled.' }),
  }),
}));

const AssignmentOrderField = builder.enumType('AssignmentOrderField', {
  description: 'What assignments can be sorted by.',
  values: {
    ASSIGNED_AT: { description: 'When the volunteer signed up.' },
    STARTS_AT: { description: 'When the shift starts.' },
  } as const,
});

const AssignmentOrder = builder.inputType('AssignmentOrder', {
  description: 'Sort order for assignments; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: AssignmentOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

/** The Prisma order of an assignment list: the chosen column, then id the same way (default ASSIGNED_AT descending). */
function assignmentOrderBy(order: typeof AssignmentOrder.$inferInput | null | undefined): Prisma.ShiftAssignmentOrderByWithRelationInput[] {
  const o = order ?? { field: 'ASSIGNED_AT' as const, direction: 'DESC' as const };
  const direction = o.direction === 'DESC' ? 'desc' : 'asc';
  return [o.field === 'STARTS_AT' ? { shift: { startsAt: direction } } : { assignedAt: direction }, { id: direction }];
}

builder.prismaObjectFields('Volunteer', (t) => ({
  assignments: t.relatedConnection(
    'assignments',
    {
      cursor: 'id',
      totalCount: true,
      description: 'The volunteer’s shifts, most recent sign-up first.',
      args: {
        filter: t.arg({ type: AssignmentFilter, description: 'Status and time window.' }),
        orderBy: t.arg({ type: AssignmentOrder, description: 'Sort order; default ASSIGNED_AT descending.' }),
      },
      query: (args) => ({ where: assignmentWhere(args.filter), orderBy: assignmentOrderBy(args.orderBy) }),
    },
    { name: 'VolunteerAssignmentsConnection', description: 'A page of a volunteer’s assignments.' },
    { name: 'VolunteerAssignmentsEdge', description: 'An assignment on a page.' },
  ),
}));
