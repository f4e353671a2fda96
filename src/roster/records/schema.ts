import { requireViewer } from '../../auth/viewer.js';
import { builder } from '../../builder.js';
import { command } from '../../common/command.js';
import { ConflictError } from '../../common/errors.js';
import { KEYED_ID, keyedNode } from '../../common/ids.js';
import { payloadType } from '../../common/payload.js';
import { COMMON_ERRORS, statusTransitionErrorType } from '../../common/schema-base.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { TeamRef } from '../../teams/schema.js';
import { VolunteerRef } from '../../volunteers/schema.js';
import { DailyServiceLimitError } from '../credit.js';
import { FourEyesError } from '../errors.js';
import { ServiceRecordStatusTransitionError, recordService, reviewServiceRecord } from './rules.js';

/*
 * Service records in GraphQL: the type, the lists of records, recording and reviewing.
 */

export const ServiceRecordStatusEnum = builder.enumType('ServiceRecordStatus', {
  description: 'Review state of a service record.',
  values: {
    PENDING: { description: 'Waiting for review; does not count yet.' },
    APPROVED: { description: 'Approved; its minutes count towards the volunteer’s total.' },
    REJECTED: { description: 'Rejected; does not count.' },
  } as const,
});

statusTransitionErrorType(ServiceRecordStatusTransitionError, 'ServiceRecordStatusTransitionError', 'A service record', ServiceRecordStatusEnum);

export const ServiceRecordRef = keyedNode(builder.prismaNode('ServiceRecord', {
  description:
    'Service time outside the roster (e.g. a one-off event), entered by a team leader; counts once APPROVED. Needs a login.',
  id: KEYED_ID,
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
}));

builder.prismaObjectFields('Volunteer', (t) => ({
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

builder.prismaObjectFields('Team', (t) => ({
  serviceRecords: t.relatedConnection(
    'serviceRecords',
    {
      cursor: 'id',
      totalCount: true,
      // Refusable (README, Nullability): teams are public, their records are not.
      description: 'Service records entered for this team, newest first. Needs a login (null with a FORBIDDEN error for anonymous callers).',
      nullable: true,
      authScopes: { authenticated: true },
      args: { status: t.arg({ type: ServiceRecordStatusEnum, description: 'Only records in this review state.' }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'TeamServiceRecordsConnection', description: 'A page of a team’s service records.' },
    { name: 'TeamServiceRecordsEdge', description: 'A service record on a page.' },
  ),
}));

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
    ...(filter?.teamId && { teamId: filter.teamId.id }),
    ...(filter?.volunteerId && { volunteerId: filter.volunteerId.id }),
    ...(filter?.status && { status: filter.status }),
  };
}

builder.queryFields((t) => ({
  serviceRecords: t.prismaConnection(
    {
      type: 'ServiceRecord',
      cursor: 'id',
      // Refusable (README, Nullability): a root field that needs a login.
      nullable: true,
      authScopes: { authenticated: true },
      description: 'Service records, newest first. Needs a login (null with a FORBIDDEN error for anonymous callers).',
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
        volunteerId: input.volunteerId.id,
        teamId: input.teamId.id,
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
    authScopes: (_root, args) => ({ manageServiceRecord: args.input.id.id }),
    type: ServiceRecordPayload('ReviewServiceRecordPayload', 'The record was reviewed.'),
    args: { input: t.arg({ type: ReviewServiceRecordInput, required: true, description: 'The record and the decision.' }) },
    errors: {
      types: [...COMMON_ERRORS, ServiceRecordStatusTransitionError, FourEyesError, DailyServiceLimitError],
      directResult: true,
      union: { name: 'ReviewServiceRecordResult', description: 'The reviewed record, or why the review was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { record } = await command(ctx, (tx) => reviewServiceRecord(tx, {
        recordId: input.id.id,
        decision: input.decision,
        note: input.note,
      }, ctx.clock.now(), requireViewer(ctx.viewer)));
      return { serviceRecord: record };
    },
  }),
);

