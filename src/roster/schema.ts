import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { ConflictError, InvalidStatusTransitionError } from '../common/errors.js';
import { command } from '../common/command.js';
import { dbId, optionalDbId } from '../common/ids.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, ErrorInterface } from '../common/schema-base.js';
import { searchTerm } from '../common/validation.js';
import type { Context } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ProjectRef, ProjectStatusEnum } from '../projects/schema.js';
import { openProjectWhere } from '../projects/status.js';
import { SiteRef } from '../sites/schema.js';
import { subtreeFilter } from '../sites/service.js';
import { TeamRef } from '../teams/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import {
  AlreadyAssignedError,
  CheckInWindowError,
  DoubleBookingError,
  FourEyesError,
  InvalidAssignmentStateError,
  ProjectNotRecruitingError,
  ShiftCancelledError,
  ShiftClosedError,
  ShiftNotStartedError,
  VolunteerSuspendedError,
} from './errors.js';
import { DailyServiceLimitError } from './credit.js';
import { requireViewer } from '../auth/viewer.js';
import {
  ROSTER_ORDER,
  type RosterFilter,
  assignVolunteer,
  cancelAssignment,
  cancelShift,
  checkIn,
  checkInWindow,
  checkOut,
  closeShift,
  createDutyPost,
  createShifts,
  markNoShow,
  openSlots,
  recordService,
  reviewServiceRecord,
  rosterWhere,
  selfSignUp,
  staffingOf,
  updateDutyPost,
  updateShift,
  waitlistsOf,
} from './service.js';
import { requestLoader } from '../common/loaders.js';
import { shanghaiDayRange } from './time.js';
import { type AssignmentPage, shiftAssignmentsPage } from './assignment-pages.js';

// ================================================================ enums

export const DutyPostKindEnum = builder.enumType('DutyPostKind', {
  description: 'What kind of place a duty post is.',
  values: {
    SCENIC_SPOT: { description: 'A scenic spot (景区), e.g. civility guidance for tourists.' },
    TRAFFIC_INTERSECTION: { description: 'A traffic intersection (路口), e.g. civilised-traffic guidance.' },
    STATION_PORT: { description: 'A railway or bus station, or a ferry port (站港).' },
    COMMUNITY: { description: 'A residential community (社区).' },
    PRACTICE_SITE: { description: 'A civilisation-practice site itself.' },
    OTHER: { description: 'Anywhere else.' },
  } as const,
});

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

export const ServiceRecordStatusEnum = builder.enumType('ServiceRecordStatus', {
  description: 'Review state of a service record.',
  values: {
    PENDING: { description: 'Waiting for review; does not count yet.' },
    APPROVED: { description: 'Approved; its minutes count towards the volunteer’s total.' },
    REJECTED: { description: 'Rejected; does not count.' },
  } as const,
});

// ================================================================ object types

export const GeoPoint = builder.simpleObject('GeoPoint', {
  description: 'A point on the map (WGS 84).',
  fields: (t) => ({
    lat: t.float({ description: 'Latitude in degrees, −90 to 90.' }),
    lng: t.float({ description: 'Longitude in degrees, −180 to 180.' }),
  }),
});

const ShiftRangeFilter = builder.inputType('ShiftRangeFilter', {
  description: 'Narrows a list of shifts to a time window and status.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Only shifts still running at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Only shifts starting before this instant.' }),
    status: t.field({ type: ShiftStatusEnum, description: 'Only shifts with this status.' }),
  }),
});

/** The shifts anyone may see: OPEN, with free places, of an open project (src/projects/status.ts). */
function publicShiftWhere(ctx: Context): Prisma.ShiftWhereInput {
  return {
    status: 'OPEN',
    assignedCount: { lt: ctx.prisma.shift.fields.capacity },
    project: openProjectWhere,
  };
}

/** A shift list's filter; anonymous clients get only public shifts rather than refusals. */
function rangeWhere(ctx: Context, filter: typeof ShiftRangeFilter.$inferInput | null | undefined): Prisma.ShiftWhereInput {
  const where: Prisma.ShiftWhereInput = {
    ...(filter?.from && { endsAt: { gt: filter.from } }),
    ...(filter?.to && { startsAt: { lt: filter.to } }),
    ...(filter?.status && { status: filter.status }),
  };
  return ctx.viewer ? where : { AND: [where, publicShiftWhere(ctx)] };
}

export const DutyPostRef = builder.prismaNode('DutyPost', {
  description: 'A duty post (岗位): a place where volunteers serve, such as a scenic spot or an intersection.',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name, e.g. 古城南门文明引导岗.' }),
    kind: t.expose('kind', { type: DutyPostKindEnum, description: 'What kind of place it is.' }),
    site: t.relation('site', { description: 'The site responsible for the post.' }),
    address: t.exposeString('address', { description: 'Where to report for duty.' }),
    location: t.field({
      type: GeoPoint,
      nullable: true,
      description: 'Map position, if known.',
      select: { latitude: true, longitude: true },
      resolve: (p) => (p.latitude != null && p.longitude != null ? { lat: p.latitude, lng: p.longitude } : null),
    }),
    instructions: t.exposeString('instructions', { nullable: true, description: 'What volunteers on duty here should do.' }),
    shifts: t.relatedConnection(
      'shifts',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Shifts at this post, by start time.',
        args: { filter: t.arg({ type: ShiftRangeFilter, description: 'Time window and status.' }) },
        query: (args, ctx) => ({ where: rangeWhere(ctx, args.filter), orderBy: ROSTER_ORDER }),
      },
      ShiftConnection,
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the post was set up.' }),
  }),
});

const AssignmentFilter = builder.inputType('AssignmentFilter', {
  description: 'Narrows a list of assignments.',
  fields: (t) => ({
    status: t.field({ type: [AssignmentStatusEnum], description: 'Only assignments in one of these statuses.' }),
    from: t.field({ type: 'DateTime', description: 'Only assignments on shifts still running at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Only assignments on shifts starting before this instant.' }),
  }),
});

function assignmentWhere(filter: typeof AssignmentFilter.$inferInput | null | undefined): Prisma.ShiftAssignmentWhereInput {
  return {
    ...(filter?.status?.length && { status: { in: filter.status } }),
    ...((filter?.from || filter?.to) && {
      shift: { ...(filter.from && { endsAt: { gt: filter.from } }), ...(filter.to && { startsAt: { lt: filter.to } }) },
    }),
  };
}

export const ShiftRef = builder.prismaNode('Shift', {
  description:
    'One stretch of duty at a post for a project, e.g. 08:00–12:00 at the old town’s south gate. Open shifts with free places are public; others need a login.',
  id: { field: 'id' },
  authScopes: (shift) => ({ $any: { authenticated: true, publicShift: shift, boardShift: shift } }),
  fields: (t) => ({
    project: t.relation('project', { description: 'The project the shift serves.' }),
    post: t.relation('post', { description: 'Where the shift takes place.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'When duty starts.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'When duty ends.' }),
    capacity: t.exposeInt('capacity', { description: 'How many volunteers the shift takes; more join the waitlist.' }),
    minimum: t.exposeInt('minimum', { description: 'How many volunteers are needed; below this it is UNDERSTAFFED.' }),
    role: t.exposeString('role', { description: 'The duty, e.g. 文明引导 or 交通协管.' }),
    notes: t.exposeString('notes', { nullable: true, description: 'Notes for the volunteers.' }),
    status: t.expose('status', { type: ShiftStatusEnum, description: 'Whether the shift is going ahead.' }),
    assignedCount: t.exposeInt('assignedCount', {
      description: 'Volunteers holding a place: ASSIGNED, CHECKED_IN or COMPLETED.',
    }),
    checkedInCount: t.exposeInt('checkedInCount', { description: 'Volunteers on duty now (CHECKED_IN).' }),
    openSlots: t.int({
      description: 'Places still free (0 when the shift is full or cancelled).',
      select: { capacity: true, assignedCount: true, status: true },
      resolve: (s) => openSlots(s),
    }),
    staffing: t.field({
      type: StaffingEnum,
      description: 'Staffing level from assignedCount against minimum and capacity.',
      select: { capacity: true, minimum: true, assignedCount: true },
      resolve: (s) => staffingOf(s),
    }),
    checkInOpensAt: t.field({
      type: 'DateTime',
      description: 'When check-in opens: 30 minutes before the start.',
      select: { startsAt: true, endsAt: true },
      resolve: (s) => checkInWindow(s).opensAt,
    }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When staff closed the shift, if they have.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When the shift was cancelled, if it was.' }),
    assignments: t.connection(
      {
        type: ShiftAssignmentRef,
        nullable: true,
        authScopes: { authenticated: true },
        description: 'The volunteers on this shift, in sign-up order (the waitlist in its order). Needs a login.',
        args: { filter: t.arg({ type: AssignmentFilter, description: 'Which assignments.' }) },
        // One windowed query per page of shifts (src/roster/assignment-pages.ts).
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
});

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


export const ShiftAssignmentRef = builder.prismaNode('ShiftAssignment', {
  description: 'A volunteer on a shift, from sign-up to check-out. Needs a login.',
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    shift: t.relation('shift', { description: 'The shift.' }),
    volunteer: t.relation('volunteer', { description: 'The volunteer.' }),
    status: t.expose('status', { type: AssignmentStatusEnum, description: 'Where the volunteer stands.' }),
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
});

export const ServiceRecordRef = builder.prismaNode('ServiceRecord', {
  description:
    'Service time outside the roster (e.g. a one-off event), entered by a team leader; counts once APPROVED. Needs a login.',
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    volunteer: t.relation('volunteer', { description: 'Who served.' }),
    team: t.relation('team', { description: 'The team the service was for.' }),
    description: t.exposeString('description', { description: 'What was done.' }),
    servedOn: t.expose('servedOn', { type: 'Date', description: 'The day of service.' }),
    minutes: t.exposeInt('minutes', { description: 'Minutes served.' }),
    status: t.expose('status', { type: ServiceRecordStatusEnum, description: 'Review state.' }),
    reviewNote: t.exposeString('reviewNote', { nullable: true, description: 'The reviewer’s note.' }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true, description: 'When it was reviewed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was entered.' }),
  }),
});

// ---------------------------------------------------------------- fields on other domains' types

builder.prismaObjectFields('Volunteer', (t) => ({
  assignments: t.relatedConnection(
    'assignments',
    {
      cursor: 'id',
      totalCount: true,
      description: 'The volunteer’s shifts, most recent sign-up first.',
      args: { filter: t.arg({ type: AssignmentFilter, description: 'Status and time window.' }) },
      query: (args) => ({ where: assignmentWhere(args.filter), orderBy: [{ assignedAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'VolunteerAssignmentsConnection', description: 'A page of a volunteer’s assignments.' },
    { name: 'VolunteerAssignmentsEdge', description: 'An assignment on a page.' },
  ),
  serviceRecords: t.relatedConnection(
    'serviceRecords',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Service recorded outside the roster, newest first.',
      query: () => ({ orderBy: [{ servedOn: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'VolunteerServiceRecordsConnection', description: 'A page of service records.' },
    { name: 'VolunteerServiceRecordsEdge', description: 'A service record on a page.' },
  ),
}));

builder.prismaObjectFields('Project', (t) => ({
  shifts: t.relatedConnection(
    'shifts',
    {
      cursor: 'id',
      totalCount: true,
      description: 'The project’s shifts, by start time.',
      args: { filter: t.arg({ type: ShiftRangeFilter, description: 'Time window and status.' }) },
      query: (args, ctx) => ({ where: rangeWhere(ctx, args.filter), orderBy: ROSTER_ORDER }),
    },
    ShiftConnection,
  ),
}));

builder.prismaObjectFields('Site', (t) => ({
  dutyPosts: t.relatedConnection(
    'dutyPosts',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Duty posts this site is directly responsible for, by name. Use `dutyPosts(filter: {siteId})` for the whole subtree.',
      query: () => ({ orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    },
    { name: 'SiteDutyPostsConnection', description: 'A page of a site’s duty posts.' },
    { name: 'SiteDutyPostsEdge', description: 'A duty post on a page.' },
  ),
}));

builder.prismaObjectFields('Team', (t) => ({
  serviceRecords: t.relatedConnection(
    'serviceRecords',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Service records entered for this team, newest first.',
      nullable: true,
      authScopes: { authenticated: true },
      args: { status: t.arg({ type: ServiceRecordStatusEnum, description: 'Only records in this review state.' }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'TeamServiceRecordsConnection', description: 'A page of a team’s service records.' },
    { name: 'TeamServiceRecordsEdge', description: 'A service record on a page.' },
  ),
}));

// ================================================================ queries

const DutyPostFilter = builder.inputType('DutyPostFilter', {
  description: 'Narrows a list of duty posts. All given conditions must hold.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Only posts of this site or any site below it.' }),
    kind: t.field({ type: [DutyPostKindEnum], description: 'Only posts of these kinds.' }),
    search: t.string({ description: 'Substring of the name or address.' }),
  }),
});

async function dutyPostWhere(ctx: Context, filter: typeof DutyPostFilter.$inferInput | null | undefined): Promise<Prisma.DutyPostWhereInput> {
  if (!filter) return {};
  const term = searchTerm(filter.search);
  const siteId = optionalDbId(filter.siteId, 'filter.siteId');
  return {
    ...(siteId != null && { site: await subtreeFilter(ctx.prisma, siteId) }),
    ...(filter.kind?.length && { kind: { in: filter.kind } }),
    ...(term && {
      OR: [{ name: { contains: term, mode: 'insensitive' } }, { address: { contains: term, mode: 'insensitive' } }],
    }),
  };
}

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
    staffing: t.field({ type: StaffingEnum, description: 'Only OPEN shifts at this staffing level.' }),
    status: t.field({ type: ShiftStatusEnum, description: 'Only shifts with this status.' }),
  }),
});

async function rosterFilterWhere(ctx: Context, filter: typeof RosterFilterInput.$inferInput | null | undefined) {
  const day = filter?.date ? shanghaiDayRange(filter.date) : null;
  const criteria: RosterFilter = {
    siteId: optionalDbId(filter?.siteId, 'filter.siteId'),
    postId: optionalDbId(filter?.postId, 'filter.postId'),
    projectId: optionalDbId(filter?.projectId, 'filter.projectId'),
    from: laterOf(filter?.from, day?.start),
    to: earlierOf(filter?.to, day?.end),
    staffing: filter?.staffing,
    status: filter?.status,
  };
  const where = await rosterWhere(ctx.prisma, criteria);
  if (ctx.viewer) return where;
  // Anonymous clients see the public roster: open shifts with free places of public projects.
  return { AND: [where, publicShiftWhere(ctx)] };
}

const laterOf = (a?: Date | null, b?: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));
const earlierOf = (a?: Date | null, b?: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b ?? null));

const ServiceRecordFilter = builder.inputType('ServiceRecordFilter', {
  description: 'Narrows a list of service records.',
  fields: (t) => ({
    teamId: t.globalID({ for: TeamRef, description: 'Only records of this team.' }),
    volunteerId: t.globalID({ for: VolunteerRef, description: 'Only records of this volunteer.' }),
    status: t.field({ type: ServiceRecordStatusEnum, description: 'Only records in this review state.' }),
  }),
});

function serviceRecordWhere(filter: typeof ServiceRecordFilter.$inferInput | null | undefined): Prisma.ServiceRecordWhereInput {
  return {
    ...(filter?.teamId && { teamId: dbId(filter.teamId, 'filter.teamId') }),
    ...(filter?.volunteerId && { volunteerId: dbId(filter.volunteerId, 'filter.volunteerId') }),
    ...(filter?.status && { status: filter.status }),
  };
}

builder.queryFields((t) => ({
  dutyPost: t.prismaField({
    type: 'DutyPost',
    nullable: true,
    description: 'A duty post by global ID.',
    args: { id: t.arg.globalID({ for: DutyPostRef, required: true, description: 'The post’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.dutyPost.findUnique({ ...query, where: { id: dbId(id, 'id') } }),
  }),
  dutyPosts: t.prismaConnection(
    {
      type: 'DutyPost',
      cursor: 'id',
      description: 'Duty posts, by name.',
      args: { filter: t.arg({ type: DutyPostFilter, description: 'Conditions the posts must meet.' }) },
      totalCount: async (_parent, args, ctx) => ctx.prisma.dutyPost.count({ where: await dutyPostWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.dutyPost.findMany({
          ...query,
          where: await dutyPostWhere(ctx, args.filter),
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
    },
    { name: 'DutyPostConnection', description: 'A page of duty posts.' },
    { name: 'DutyPostEdge', description: 'A duty post on a page.' },
  ),
  shift: t.prismaField({
    type: 'Shift',
    nullable: true,
    description: 'A shift by global ID.',
    args: { id: t.arg.globalID({ for: ShiftRef, required: true, description: 'The shift’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.shift.findUnique({ ...query, where: { id: dbId(id, 'id') } }),
  }),
  roster: t.prismaConnection(
    {
      type: 'Shift',
      cursor: 'id',
      description:
        'The duty roster: shifts in a time window, ordered by start time, each with its assignments and volunteers. A site includes every site below it.',
      args: { filter: t.arg({ type: RosterFilterInput, description: 'Which shifts to show.' }) },
      totalCount: async (_parent, args, ctx) => ctx.prisma.shift.count({ where: await rosterFilterWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.shift.findMany({ ...query, where: await rosterFilterWhere(ctx, args.filter), orderBy: ROSTER_ORDER }),
    },
    ShiftConnection,
  ),
  serviceRecords: t.prismaConnection(
    {
      type: 'ServiceRecord',
      cursor: 'id',
      nullable: true,
      authScopes: { authenticated: true },
      description: 'Service records, newest first.',
      args: { filter: t.arg({ type: ServiceRecordFilter, description: 'Conditions the records must meet.' }) },
      totalCount: (_parent, args, ctx) => ctx.prisma.serviceRecord.count({ where: serviceRecordWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.serviceRecord.findMany({
          ...query,
          where: serviceRecordWhere(args.filter),
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'ServiceRecordConnection', description: 'A page of service records.' },
    { name: 'ServiceRecordEdge', description: 'A service record on a page.' },
  ),
}));

// ================================================================ error types

const gidOf = (typename: string) => (id: number) => encodeGlobalID(typename, id);

builder.objectType(DoubleBookingError, {
  name: 'DoubleBookingError',
  description: 'The volunteer already holds an active assignment on a shift whose time overlaps this one.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    conflictingShiftId: t.id({ description: 'The overlapping shift.', resolve: (e) => gidOf('Shift')(e.conflictingShiftId) }),
    conflictingAssignmentId: t.id({
      description: 'The volunteer’s assignment on the overlapping shift.',
      resolve: (e) => gidOf('ShiftAssignment')(e.conflictingAssignmentId),
    }),
    conflictingStartsAt: t.expose('conflictingStartsAt', { type: 'DateTime', description: 'Start of the overlapping shift.' }),
    conflictingEndsAt: t.expose('conflictingEndsAt', { type: 'DateTime', description: 'End of the overlapping shift.' }),
  }),
});

builder.objectType(CheckInWindowError, {
  name: 'CheckInWindowError',
  description: 'Check-in is allowed only from 30 minutes before the shift starts until it ends.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    opensAt: t.expose('opensAt', { type: 'DateTime', description: 'When check-in opens.' }),
    closesAt: t.expose('closesAt', { type: 'DateTime', description: 'When check-in closes (the shift’s end).' }),
  }),
});

builder.objectType(InvalidAssignmentStateError, {
  name: 'InvalidAssignmentStateError',
  description: 'The assignment’s status does not allow this, e.g. checking out someone who never checked in.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: AssignmentStatusEnum, description: 'The assignment’s current status.', resolve: (e) => e.status as never }),
    allowedFrom: t.field({
      type: [AssignmentStatusEnum],
      description: 'The statuses from which the action is allowed.',
      resolve: (e) => [...e.allowedFrom] as never,
    }),
  }),
});

builder.objectType(ShiftCancelledError, {
  name: 'ShiftCancelledError',
  description: 'The shift was cancelled; nothing more can happen on it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled.' }),
  }),
});

builder.objectType(ShiftClosedError, {
  name: 'ShiftClosedError',
  description: 'The shift is over: it has ended, or staff closed it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'When the shift ends or ended.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When staff closed it, if they did.' }),
  }),
});

builder.objectType(ShiftNotStartedError, {
  name: 'ShiftNotStartedError',
  description: 'The action needs the shift to have started, e.g. marking a no-show.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'When the shift starts.' }),
  }),
});

builder.objectType(ProjectNotRecruitingError, {
  name: 'ProjectNotRecruitingError',
  description: 'The shift’s project is not RECRUITING or ACTIVE, so it takes no sign-ups (or changes).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: ProjectStatusEnum, description: 'The project’s current status.', resolve: (e) => e.status as never }),
    allowed: t.field({
      type: [ProjectStatusEnum],
      description: 'The statuses that would allow it.',
      resolve: (e) => [...e.allowed] as never,
    }),
  }),
});

builder.objectType(FourEyesError, {
  name: 'FourEyesError',
  description: 'A service record must be reviewed by someone other than its volunteer and whoever entered it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    reason: t.exposeString('reason', { description: 'VOLUNTEER (your own record) or RECORDER (you entered it).' }),
  }),
});

builder.objectType(DailyServiceLimitError, {
  name: 'DailyServiceLimitError',
  description: 'This would credit the volunteer more than 24 hours (1,440 minutes) of service for one Asia/Shanghai day.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The Shanghai day.' }),
    creditedMinutes: t.exposeInt('creditedMinutes', { description: 'Minutes already credited for that day (duty and approved records).' }),
    remainingMinutes: t.int({ description: 'Minutes that may still be credited for that day.', resolve: (e) => e.remainingMinutes }),
  }),
});

builder.objectType(VolunteerSuspendedError, {
  name: 'VolunteerSuspendedError',
  description: 'A suspended volunteer cannot be put on a shift.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    volunteerId: t.id({ description: 'The suspended volunteer.', resolve: (e) => gidOf('Volunteer')(e.volunteerId) }),
  }),
});

builder.objectType(AlreadyAssignedError, {
  name: 'AlreadyAssignedError',
  description: 'The volunteer is already on this shift (assigned, waitlisted or checked in).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    assignmentId: t.id({ description: 'The existing assignment.', resolve: (e) => gidOf('ShiftAssignment')(e.assignmentId) }),
  }),
});

// ================================================================ mutations

const SHIFT_STATE_ERRORS = [ShiftCancelledError, ShiftClosedError, ProjectNotRecruitingError] as const;

export const LocationInput = builder.inputType('LocationInput', {
  description: 'A point on the map (WGS 84).',
  fields: (t) => ({
    lat: t.float({ required: true, description: 'Latitude, −90 to 90.' }),
    lng: t.float({ required: true, description: 'Longitude, −180 to 180.' }),
  }),
});

const CreateDutyPostInput = builder.inputType('CreateDutyPostInput', {
  description: 'A new duty post.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name, 1–100 characters.' }),
    kind: t.field({ type: DutyPostKindEnum, required: true, description: 'What kind of place it is.' }),
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The responsible site.' }),
    address: t.string({ required: true, description: 'Where to report, 1–200 characters.' }),
    location: t.field({ type: LocationInput, description: 'Map position.' }),
    instructions: t.string({ description: 'Instructions for volunteers, up to 2000 characters.' }),
  }),
});

const DutyPostPayload = (name: string, description: string) =>
  payloadType(name, description, 'dutyPost', DutyPostRef, 'The duty post as it now stands.');

builder.mutationField('createDutyPost', (t) =>
  t.field({
    description: 'Sets up a duty post. Needs a manager of its site.',
    authScopes: (_root, args) => ({ manageSite: args.input.siteId }),
    type: DutyPostPayload('CreateDutyPostPayload', 'The duty post was created.'),
    args: { input: t.arg({ type: CreateDutyPostInput, required: true, description: 'The new post.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: 'CreateDutyPostResult', description: 'The new post, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const { post } = await command(ctx, (tx) => createDutyPost(tx, { ...input, siteId: dbId(input.siteId, 'input.siteId') }));
      return { dutyPost: post };
    },
  }),
);

const UpdateDutyPostInput = builder.inputType('UpdateDutyPostInput', {
  description: 'Changes to a duty post. Omitted fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: DutyPostRef, required: true, description: 'The post to change.' }),
    name: t.string({ description: 'New name.' }),
    kind: t.field({ type: DutyPostKindEnum, description: 'New kind.' }),
    siteId: t.globalID({ for: SiteRef, description: 'New responsible site.' }),
    address: t.string({ description: 'New address.' }),
    location: t.field({ type: LocationInput, description: 'New map position; null clears it.' }),
    instructions: t.string({ description: 'New instructions; empty string clears them.' }),
  }),
});

builder.mutationField('updateDutyPost', (t) =>
  t.field({
    description: 'Changes a duty post. Needs a manager of its site (and of the new site when moving it).',
    authScopes: (_root, args) =>
      args.input.siteId
        ? { $all: { manageDutyPost: args.input.id, manageSite: args.input.siteId } }
        : { manageDutyPost: args.input.id },
    type: DutyPostPayload('UpdateDutyPostPayload', 'The duty post was updated.'),
    args: { input: t.arg({ type: UpdateDutyPostInput, required: true, description: 'What to change.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: 'UpdateDutyPostResult', description: 'The updated post, or why the change was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const { post } = await command(ctx, (tx) => updateDutyPost(tx, dbId(input.id, 'input.id'), {
        name: input.name ?? undefined,
        kind: input.kind ?? undefined,
        siteId: optionalDbId(input.siteId, 'input.siteId') ?? undefined,
        address: input.address ?? undefined,
        location: input.location,
        instructions: input.instructions,
      }));
      return { dutyPost: post };
    },
  }),
);

const TimeWindowInput = builder.inputType('TimeWindowInput', {
  description: 'A daily stretch of duty in Asia/Shanghai wall-clock time. An end before the start runs past midnight.',
  fields: (t) => ({
    start: t.string({ required: true, description: 'Start time HH:MM, e.g. "08:00".' }),
    end: t.string({ required: true, description: 'End time HH:MM, e.g. "12:00"; "24:00" is midnight.' }),
  }),
});

const CreateShiftsInput = builder.inputType('CreateShiftsInput', {
  description:
    'A campaign of shifts: every post × every day × every daily window, e.g. 30 days from 7 July, 08:00–12:00 and 14:00–18:00, at 12 posts. Give `startDate` (with `days`) or `dates`.',
  fields: (t) => ({
    projectId: t.globalID({ for: ProjectRef, required: true, description: 'The project the shifts serve.' }),
    postIds: t.globalIDList({ for: DutyPostRef, required: true, description: 'The posts, 1–100.' }),
    startDate: t.field({ type: 'Date', description: 'First day (Asia/Shanghai).' }),
    days: t.int({ description: 'Consecutive days from startDate, 1–120; default 1.' }),
    dates: t.field({ type: ['Date'], description: 'Explicit days instead of startDate/days.' }),
    windows: t.field({ type: [TimeWindowInput], required: true, description: 'The daily time windows; they must not overlap.' }),
    capacity: t.int({ required: true, description: 'Places per shift, 1–500.' }),
    minimum: t.int({ description: 'Volunteers needed per shift; default the capacity.' }),
    role: t.string({ required: true, description: 'The duty, e.g. 文明引导.' }),
    notes: t.string({ description: 'Notes for the volunteers.' }),
  }),
});

const CreateShiftsPayload = builder
  .objectRef<{ count: number; shiftIds: number[]; firstStartsAt: Date; lastEndsAt: Date }>('CreateShiftsPayload')
  .implement({
    description: 'The campaign’s shifts were created, all in one transaction.',
    fields: (t) => ({
      count: t.exposeInt('count', { description: 'How many shifts were created.' }),
      firstStartsAt: t.field({ type: 'DateTime', description: 'Start of the earliest shift created.', resolve: (p) => p.firstStartsAt }),
      lastEndsAt: t.field({ type: 'DateTime', description: 'End of the latest shift created.', resolve: (p) => p.lastEndsAt }),
      shifts: t.prismaConnection(
        {
          type: 'Shift',
          cursor: 'id',
          description: 'The shifts created, in the order they were made (by start time, then post), a page at a time.',
          totalCount: (p) => p.shiftIds.length,
          resolve: (query, p, _args, ctx) =>
            ctx.prisma.shift.findMany({ ...query, where: { id: { in: p.shiftIds } }, orderBy: { id: 'asc' } }),
        },
        ShiftConnection,
      ),
    }),
  });

builder.mutationField('createShifts', (t) =>
  t.field({
    description:
      'Creates a campaign of shifts in bulk, in one transaction, and returns them (`shifts`, a connection) with how many. Needs a manager of the project’s site or the leader of its organising team.',
    authScopes: (_root, args) => ({ manageProject: args.input.projectId }),
    type: CreateShiftsPayload,
    args: { input: t.arg({ type: CreateShiftsInput, required: true, description: 'The campaign.' }) },
    errors: {
      types: [...COMMON_ERRORS, ProjectNotRecruitingError],
      directResult: true,
      union: { name: 'CreateShiftsResult', description: 'How many shifts were created, or why none were.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const result = await command(
        ctx,
        (tx) => createShifts(tx, {
          projectId: dbId(input.projectId, 'input.projectId'),
          postIds: input.postIds.map((id, i) => dbId(id, `input.postIds.${i}`)),
          startDate: input.startDate ?? undefined,
          days: input.days ?? undefined,
          dates: input.dates ?? undefined,
          windows: input.windows,
          capacity: input.capacity,
          minimum: input.minimum ?? undefined,
          role: input.role,
          notes: input.notes,
        }),
      );
      return { count: result.count, shiftIds: result.shiftIds, firstStartsAt: result.firstStartsAt, lastEndsAt: result.lastEndsAt };
    },
  }),
);

const ShiftPayload = (name: string, description: string) =>
  payloadType(name, description, 'shift', ShiftRef, 'The shift as it now stands.');

const UpdateShiftInput = builder.inputType('UpdateShiftInput', {
  description: 'Changes to a shift. Omitted fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: ShiftRef, required: true, description: 'The shift to change.' }),
    startsAt: t.field({ type: 'DateTime', description: 'New start.' }),
    endsAt: t.field({ type: 'DateTime', description: 'New end.' }),
    capacity: t.int({ description: 'New capacity; not below the places already taken. Growing it promotes the waitlist.' }),
    minimum: t.int({ description: 'New minimum staffing.' }),
    role: t.string({ description: 'New duty.' }),
    notes: t.string({ description: 'New notes; empty string clears them.' }),
  }),
});

builder.mutationField('updateShift', (t) =>
  t.field({
    description: 'Changes a shift’s times, capacity, minimum, duty or notes. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageShift: args.input.id }),
    type: ShiftPayload('UpdateShiftPayload', 'The shift was updated.'),
    args: { input: t.arg({ type: UpdateShiftInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS, ...SHIFT_STATE_ERRORS, DoubleBookingError, ConflictError],
      directResult: true,
      union: { name: 'UpdateShiftResult', description: 'The updated shift, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { shift } = await command(
        ctx,
        (tx) => updateShift(tx, dbId(input.id, 'input.id'), {
          startsAt: input.startsAt ?? undefined,
          endsAt: input.endsAt ?? undefined,
          capacity: input.capacity ?? undefined,
          minimum: input.minimum ?? undefined,
          role: input.role ?? undefined,
          notes: input.notes,
        }, ctx.clock.now()),
      );
      return { shift };
    },
  }),
);

const CancelShiftInput = builder.inputType('CancelShiftInput', {
  description: 'A shift to call off.',
  fields: (t) => ({
    id: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    reason: t.string({ description: 'Why, told to the volunteers (up to 500 characters).' }),
  }),
});

builder.mutationField('cancelShift', (t) =>
  t.field({
    description:
      'Calls off a shift. Its assignments are cancelled and kept as history; volunteers already on duty are checked out and credited. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageShift: args.input.id }),
    type: ShiftPayload('CancelShiftPayload', 'The shift was cancelled.'),
    args: { input: t.arg({ type: CancelShiftInput, required: true, description: 'The shift and the reason.' }) },
    errors: {
      types: [...COMMON_ERRORS, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'CancelShiftResult', description: 'The cancelled shift, or why it could not be cancelled.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { shift } = await command(ctx, (tx) => cancelShift(tx, { shiftId: dbId(input.id, 'input.id'), reason: input.reason }, ctx.clock.now()));
      return { shift };
    },
  }),
);

const CloseShiftInput = builder.inputType('CloseShiftInput', {
  description: 'A shift to close.',
  fields: (t) => ({ id: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }) }),
});

builder.mutationField('closeShift', (t) =>
  t.field({
    description:
      'Closes a shift: volunteers still checked in are checked out at the shift’s end (or now, if earlier) and credited; ASSIGNED volunteers become NO_SHOW; the waitlist is cancelled. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageShift: args.input.id }),
    type: ShiftPayload('CloseShiftPayload', 'The shift was closed.'),
    args: { input: t.arg({ type: CloseShiftInput, required: true, description: 'The shift.' }) },
    errors: {
      types: [...COMMON_ERRORS, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'CloseShiftResult', description: 'The closed shift, or why it could not be closed.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { shift } = await command(ctx, (tx) => closeShift(tx, { shiftId: dbId(input.id, 'input.id') }, ctx.clock.now()));
      return { shift };
    },
  }),
);

const AssignmentPayload = (name: string, description: string) =>
  payloadType(name, description, 'assignment', ShiftAssignmentRef, 'The assignment as it now stands; its shift carries the new counts.');

const SIGN_UP_ERRORS = [
  ...COMMON_ERRORS,
  ...SHIFT_STATE_ERRORS,
  VolunteerSuspendedError,
  DoubleBookingError,
  AlreadyAssignedError,
  // A COMPLETED or NO_SHOW record on the shift is final.
  InvalidAssignmentStateError,
] as const;

const AssignVolunteerInput = builder.inputType('AssignVolunteerInput', {
  description: 'A volunteer to put on a shift.',
  fields: (t) => ({
    shiftId: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer.' }),
  }),
});

builder.mutationField('assignVolunteer', (t) =>
  t.field({
    description:
      'Puts a volunteer on a shift. When the shift is full they join its waitlist (status WAITLISTED) instead of being refused. Needs a manager of the post’s site or the project’s team leader.',
    authScopes: (_root, args) => ({ manageShift: args.input.shiftId }),
    type: AssignmentPayload('AssignVolunteerPayload', 'The volunteer is on the shift or its waitlist.'),
    args: { input: t.arg({ type: AssignVolunteerInput, required: true, description: 'Who goes on which shift.' }) },
    errors: { types: [...SIGN_UP_ERRORS], directResult: true, union: { name: 'AssignVolunteerResult', description: 'The assignment, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(
        ctx,
        (tx) => assignVolunteer(tx, { shiftId: dbId(input.shiftId, 'input.shiftId'), volunteerId: dbId(input.volunteerId, 'input.volunteerId') }, ctx.clock),
      );
      return { assignment };
    },
  }),
);

const SelfSignUpInput = builder.inputType('SelfSignUpInput', {
  description: 'A volunteer signing themselves up for a shift.',
  fields: (t) => ({
    shiftId: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer signing up (themselves).' }),
  }),
});

builder.mutationField('selfSignUp', (t) =>
  t.field({
    description:
      'A volunteer signs up for a shift themselves; same rules as assignVolunteer (a full shift waitlists). Only the volunteer themself.',
    authScopes: (_root, args) => ({ selfVolunteer: args.input.volunteerId }),
    type: AssignmentPayload('SelfSignUpPayload', 'The volunteer is on the shift or its waitlist.'),
    args: { input: t.arg({ type: SelfSignUpInput, required: true, description: 'The shift and the volunteer.' }) },
    errors: { types: [...SIGN_UP_ERRORS], directResult: true, union: { name: 'SelfSignUpResult', description: 'The assignment, or why the sign-up was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(
        ctx,
        (tx) => selfSignUp(tx, { shiftId: dbId(input.shiftId, 'input.shiftId'), volunteerId: dbId(input.volunteerId, 'input.volunteerId') }, ctx.clock),
      );
      return { assignment };
    },
  }),
);

const CancelAssignmentInput = builder.inputType('CancelAssignmentInput', {
  description: 'An assignment to withdraw.',
  fields: (t) => ({
    id: t.globalID({ for: ShiftAssignmentRef, required: true, description: 'The assignment.' }),
    reason: t.string({ description: 'Why (up to 500 characters).' }),
  }),
});

builder.mutationField('cancelAssignment', (t) =>
  t.field({
    description:
      'Withdraws a volunteer from a shift or its waitlist. A freed place goes to the first on the waitlist. The volunteer themself, or whoever manages the shift.',
    authScopes: (_root, args) => ({ actOnAssignment: args.input.id }),
    type: AssignmentPayload('CancelAssignmentPayload', 'The assignment was cancelled.'),
    args: { input: t.arg({ type: CancelAssignmentInput, required: true, description: 'The assignment and the reason.' }) },
    errors: {
      types: [...COMMON_ERRORS, InvalidAssignmentStateError, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'CancelAssignmentResult', description: 'The cancelled assignment, or why it could not be cancelled.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => cancelAssignment(tx, { assignmentId: dbId(input.id, 'input.id'), reason: input.reason }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

const AssignmentActionInput = builder.inputType('AssignmentActionInput', {
  description: 'The assignment to act on.',
  fields: (t) => ({ id: t.globalID({ for: ShiftAssignmentRef, required: true, description: 'The assignment.' }) }),
});

const ASSIGNMENT_ACTION_ERRORS = [...COMMON_ERRORS, InvalidAssignmentStateError, ShiftCancelledError, ShiftClosedError] as const;

builder.mutationField('checkIn', (t) =>
  t.field({
    description:
      'Checks a volunteer in for duty: allowed from 30 minutes before the shift starts until it ends, while the project is RECRUITING or ACTIVE. The volunteer themself, or whoever manages the shift.',
    authScopes: (_root, args) => ({ actOnAssignment: args.input.id }),
    type: AssignmentPayload('CheckInPayload', 'The volunteer is on duty.'),
    args: { input: t.arg({ type: AssignmentActionInput, required: true, description: 'The assignment.' }) },
    errors: {
      types: [...ASSIGNMENT_ACTION_ERRORS, CheckInWindowError, ProjectNotRecruitingError],
      directResult: true,
      union: { name: 'CheckInResult', description: 'The checked-in assignment, or why check-in was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => checkIn(tx, { assignmentId: dbId(input.id, 'input.id') }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

builder.mutationField('checkOut', (t) =>
  t.field({
    description:
      'Checks a volunteer out and credits the minutes since check-in, capped at the shift’s length plus 30 minutes and at 24 hours credited for the check-in’s Shanghai day; only while the project is RECRUITING or ACTIVE. The volunteer themself, or whoever manages the shift.',
    authScopes: (_root, args) => ({ actOnAssignment: args.input.id }),
    type: AssignmentPayload('CheckOutPayload', 'The volunteer’s duty is complete.'),
    args: { input: t.arg({ type: AssignmentActionInput, required: true, description: 'The assignment.' }) },
    errors: {
      types: [...ASSIGNMENT_ACTION_ERRORS, ProjectNotRecruitingError],
      directResult: true,
      union: { name: 'CheckOutResult', description: 'The completed assignment, or why check-out was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => checkOut(tx, { assignmentId: dbId(input.id, 'input.id') }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

builder.mutationField('markNoShow', (t) =>
  t.field({
    description:
      'Marks an ASSIGNED volunteer who did not turn up, once the shift has started. Frees the place. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageAssignment: args.input.id }),
    type: AssignmentPayload('MarkNoShowPayload', 'The volunteer was marked as a no-show.'),
    args: { input: t.arg({ type: AssignmentActionInput, required: true, description: 'The assignment.' }) },
    errors: {
      types: [...ASSIGNMENT_ACTION_ERRORS, ShiftNotStartedError],
      directResult: true,
      union: { name: 'MarkNoShowResult', description: 'The assignment, or why it could not be marked.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => markNoShow(tx, { assignmentId: dbId(input.id, 'input.id') }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

const ServiceRecordPayload = (name: string, description: string) =>
  payloadType(name, description, 'serviceRecord', ServiceRecordRef, 'The service record as it now stands.');

const RecordServiceInput = builder.inputType('RecordServiceInput', {
  description: 'Service a team member gave outside the roster.',
  fields: (t) => ({
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'Who served; must be a member of the team.' }),
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team the service was for.' }),
    servedOn: t.field({ type: 'Date', required: true, description: 'The day of service; not in the future.' }),
    minutes: t.int({ required: true, description: 'Minutes served, 1–1440.' }),
    description: t.string({ required: true, description: 'What was done, 1–500 characters.' }),
  }),
});

builder.mutationField('recordService', (t) =>
  t.field({
    description:
      'Records service outside the roster. It is PENDING, and counts once approved. Needs the team’s leader or a manager of its site.',
    authScopes: (_root, args) => ({ manageTeam: args.input.teamId }),
    type: ServiceRecordPayload('RecordServicePayload', 'The service was recorded for review.'),
    args: { input: t.arg({ type: RecordServiceInput, required: true, description: 'The service.' }) },
    errors: {
      types: [...COMMON_ERRORS, ConflictError, DailyServiceLimitError],
      directResult: true,
      union: { name: 'RecordServiceResult', description: 'The new record, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { record } = await command(ctx, (tx) => recordService(tx, {
        ...input,
        volunteerId: dbId(input.volunteerId, 'input.volunteerId'),
        teamId: dbId(input.teamId, 'input.teamId'),
      }, ctx.clock.now(), requireViewer(ctx.viewer)));
      return { serviceRecord: record };
    },
  }),
);

const ServiceRecordDecisionEnum = builder.enumType('ServiceRecordDecision', {
  description: 'A reviewer’s decision on a service record.',
  values: {
    APPROVED: { description: 'Approve: the minutes count.' },
    REJECTED: { description: 'Reject: the minutes do not count.' },
  } as const,
});

const ReviewServiceRecordInput = builder.inputType('ReviewServiceRecordInput', {
  description: 'A decision on a PENDING service record.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceRecordRef, required: true, description: 'The record.' }),
    decision: t.field({ type: ServiceRecordDecisionEnum, required: true, description: 'Approve or reject.' }),
    note: t.string({ description: 'A note for the volunteer (up to 500 characters).' }),
  }),
});

builder.mutationField('reviewServiceRecord', (t) =>
  t.field({
    description:
      'Approves or rejects a PENDING service record; approval adds its minutes to the volunteer’s total, never past 24 hours for one Shanghai day (duty and records together). Four eyes: the reviewer is neither the volunteer nor whoever entered the record, so a leader’s own hours go to a manager. Needs the team’s leader or a manager of its site.',
    authScopes: (_root, args) => ({ manageServiceRecord: args.input.id }),
    type: ServiceRecordPayload('ReviewServiceRecordPayload', 'The record was reviewed.'),
    args: { input: t.arg({ type: ReviewServiceRecordInput, required: true, description: 'The record and the decision.' }) },
    errors: {
      types: [...COMMON_ERRORS, InvalidStatusTransitionError, FourEyesError, DailyServiceLimitError],
      directResult: true,
      union: { name: 'ReviewServiceRecordResult', description: 'The reviewed record, or why the review was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { record } = await command(ctx, (tx) => reviewServiceRecord(tx, {
        recordId: dbId(input.id, 'input.id'),
        decision: input.decision,
        note: input.note,
      }, ctx.clock.now(), requireViewer(ctx.viewer)));
      return { serviceRecord: record };
    },
  }),
);
