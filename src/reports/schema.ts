import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { ConflictError } from '../common/errors.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { requestLoader } from '../common/loaders.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, statusTransitionErrorType } from '../common/schema-base.js';
import type { Context } from '../context.js';
import type { CommunityReport, Prisma } from '../generated/prisma/client.js';
import { communityReportVisibility } from '../auth/order-visibility.js';
import { GeoPoint, LocationInput } from '../roster/schema.js';
import { SiteRef } from '../sites/schema.js';
import { subtreeFilter } from '../sites/service.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { command } from '../common/command.js';
import { type LikelyDuplicate, REPORT_CATEGORIES, REPORT_TRANSITIONS, changeReportStatus, markDuplicate, submitReport } from './service.js';
import { CommunityReportStatusTransitionError } from './service.js';

const CATEGORY_DESCRIPTIONS: Record<(typeof REPORT_CATEGORIES)[number], string> = {
  SEWAGE_OVERFLOW: 'Sewage overflowing (污水外溢).',
  WATER_LEAK: 'A leaking pipe or hydrant (漏水).',
  ILLEGAL_ADS: 'Illegal advertising, posters and graffiti (小广告).',
  SANITATION_BLIND_SPOT: 'Rubbish nobody clears (卫生死角).',
  ROAD_HAZARD: 'A hazard on the road: potholes, missing covers, broken lights.',
  OTHER: 'Anything else.',
};

export const CommunityReportCategoryEnum = builder.enumType('CommunityReportCategory', {
  description: 'What kind of problem a street report is about.',
  values: Object.fromEntries(REPORT_CATEGORIES.map((c) => [c, { description: CATEGORY_DESCRIPTIONS[c] }])) as {
    [K in (typeof REPORT_CATEGORIES)[number]]: { description: string };
  },
});

export const CommunityReportStatusEnum = builder.enumType('CommunityReportStatus', {
  description: 'Where a report is: SUBMITTED → ACKNOWLEDGED → IN_PROGRESS → RESOLVED, or REJECTED (also as a duplicate).',
  values: {
    SUBMITTED: { description: 'Filed; nobody has looked at it yet.' },
    ACKNOWLEDGED: { description: 'Seen by the site.' },
    IN_PROGRESS: { description: 'Being dealt with.' },
    RESOLVED: { description: 'Fixed. Final.' },
    REJECTED: { description: 'Not acted on (e.g. a duplicate of another report). Final.' },
  } as const,
});

export const CommunityReportEventRef = builder.prismaObject('CommunityReportEvent', {
  description: 'One step in a report’s history.',
  fields: (t) => ({
    fromStatus: t.expose('fromStatus', { type: CommunityReportStatusEnum, nullable: true, description: 'The status before; null for the submission.' }),
    toStatus: t.expose('toStatus', { type: CommunityReportStatusEnum, description: 'The status after.' }),
    actor: t.field({
      type: VolunteerRef,
      nullable: true,
      description: 'The volunteer behind the acting account; null for staff accounts without a volunteer profile.',
      select: { actorAccount: { select: { volunteer: true } } },
      resolve: (e) => e.actorAccount?.volunteer ?? null,
    }),
    note: t.exposeString('note', { nullable: true, description: 'The note given with the step.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
  }),
});

export const CommunityReportRef = keyedNode(builder.prismaNode('CommunityReport', {
  description: 'A problem a volunteer spotted in the street (随手拍). Visible to its reporter and to managers of its site or above.',
  id: KEYED_ID,
  authScopes: (r) => ({ seeCommunityReport: { siteId: r.siteId, reporterId: r.reporterId } }),
  fields: (t) => ({
    category: t.expose('category', { type: CommunityReportCategoryEnum, description: 'What kind of problem.' }),
    description: t.exposeString('description', { description: 'What the reporter saw.' }),
    site: t.relation('site', { description: 'The site responsible for the place.' }),
    location: t.field({
      type: GeoPoint,
      nullable: true,
      description: 'Where it is, when the reporter gave a location.',
      resolve: (r) => (r.latitude != null && r.longitude != null ? { lat: r.latitude, lng: r.longitude } : null),
    }),
    photoUrls: t.exposeStringList('photoUrls', { description: 'Photos (http(s) URLs, at most 6).' }),
    reporter: t.relation('reporter', { description: 'The volunteer who filed it.' }),
    status: t.expose('status', { type: CommunityReportStatusEnum, description: 'Where it is in its workflow.' }),
    nextStatuses: t.field({
      type: [CommunityReportStatusEnum],
      description: 'The statuses `changeCommunityReportStatus` accepts from the current one.',
      resolve: (r) => [...REPORT_TRANSITIONS[r.status]],
    }),
    duplicateOf: t.relation('duplicateOf', { nullable: true, description: 'The original report, when this one was closed as its duplicate.' }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', description: 'When it was filed.' }),
    history: t.relation('events', { description: 'Every step so far, oldest first.', query: { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] } }),
  }),
}));

const LikelyDuplicateRef = builder.objectRef<LikelyDuplicate>('LikelyDuplicateReport').implement({
  description: 'An earlier report that may be about the same problem: same category, within 50 m, within 24 h. Shown without its reporter.',
  fields: (t) => ({
    id: t.id({ description: 'The earlier report’s global ID (for markCommunityReportDuplicate).', resolve: (d) => encodeGlobalID('CommunityReport', d.report.id) }),
    category: t.field({ type: CommunityReportCategoryEnum, description: 'Its category.', resolve: (d) => d.report.category }),
    status: t.field({ type: CommunityReportStatusEnum, description: 'Its status.', resolve: (d) => d.report.status }),
    description: t.string({ description: 'What its reporter saw.', resolve: (d) => d.report.description }),
    submittedAt: t.field({ type: 'DateTime', description: 'When it was filed.', resolve: (d) => d.report.submittedAt }),
    distanceMeters: t.float({ description: 'How far from the new report, in metres.', resolve: (d) => Math.round(d.distanceMeters * 10) / 10 }),
  }),
});

// ---------------------------------------------------------------- queries

const CommunityReportFilter = builder.inputType('CommunityReportFilter', {
  description: 'Narrows a list of street reports. All given conditions must hold.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Only reports at this site or below it.' }),
    status: t.field({ type: [CommunityReportStatusEnum], description: 'Only reports in one of these statuses.' }),
    category: t.field({ type: [CommunityReportCategoryEnum], description: 'Only reports of one of these categories.' }),
    reporterId: t.globalID({ for: VolunteerRef, description: 'Only reports filed by this volunteer.' }),
  }),
});

async function reportWhere(ctx: Context, filter: typeof CommunityReportFilter.$inferInput | null | undefined): Promise<Prisma.CommunityReportWhereInput> {
  const and: Prisma.CommunityReportWhereInput[] = [communityReportVisibility(ctx)];
  const siteId = filter?.siteId?.id;
  if (siteId != null) and.push({ site: await subtreeFilter(ctx.prisma, siteId) });
  if (filter?.status?.length) and.push({ status: { in: filter.status } });
  if (filter?.category?.length) and.push({ category: { in: filter.category } });
  if (filter?.reporterId) and.push({ reporterId: filter.reporterId.id });
  return { AND: and };
}

builder.queryFields((t) => ({
  communityReport: t.prismaField({
    type: 'CommunityReport',
    nullable: true,
    description: 'A street report by global ID (null when unknown).',
    args: { id: t.arg.globalID({ for: CommunityReportRef, required: true, description: 'The report’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.communityReport.findUnique({ ...query, where: { id: id.id } }),
  }),
  communityReports: t.prismaConnection(
    {
      type: 'CommunityReport',
      cursor: 'id',
      authScopes: { authenticated: true },
      description: 'Street reports the viewer may see (their own; managers: their sites’), newest first.',
      args: { filter: t.arg({ type: CommunityReportFilter, description: 'Conditions the reports must meet.' }) },
      totalCount: async (_parent, args, ctx) => ctx.prisma.communityReport.count({ where: await reportWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.communityReport.findMany({ ...query, where: await reportWhere(ctx, args.filter), orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'CommunityReportConnection', description: 'A page of street reports.' },
    { name: 'CommunityReportEdge', description: 'A street report on a page.' },
  ),
}));

/** How many reports each volunteer filed and how many of those were resolved, batched per request. */
function reportCounts(ctx: Context, volunteerId: number) {
  return requestLoader<number, { filed: number; resolved: number }>(ctx, 'reports:counts', async (ids) => {
    const rows = await ctx.prisma.communityReport.groupBy({ by: ['reporterId', 'status'], where: { reporterId: { in: [...ids] } }, _count: { _all: true } });
    return ids.map((id) => {
      const mine = rows.filter((r) => r.reporterId === id);
      return { filed: mine.reduce((n, r) => n + r._count._all, 0), resolved: mine.find((r) => r.status === 'RESOLVED')?._count._all ?? 0 };
    });
  }).load(volunteerId);
}

builder.prismaObjectFields('Volunteer', (t) => ({
  reportsFiled: t.int({
    description: 'Street reports this volunteer filed. Part of their record; not service hours.',
    select: { id: true },
    resolve: async (v, _args, ctx) => (await reportCounts(ctx, v.id)).filed,
  }),
  reportsResolved: t.int({
    description: 'How many of those were resolved.',
    select: { id: true },
    resolve: async (v, _args, ctx) => (await reportCounts(ctx, v.id)).resolved,
  }),
}));

// ---------------------------------------------------------------- mutations

const ReportPayload = (name: string, description: string) =>
  payloadType(name, description, 'report', CommunityReportRef, 'The report as it now stands.');

/** Runs a report rule as a command (its event goes through the outbox) and returns the payload. */
async function committed(ctx: Context, rule: (tx: Prisma.TransactionClient) => ReturnType<typeof changeReportStatus>) {
  const { report } = await command(ctx, rule);
  return { report };
}

const SubmitCommunityReportInput = builder.inputType('SubmitCommunityReportInput', {
  description: 'A problem seen in the street.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site responsible for the place (usually the nearest station).' }),
    category: t.field({ type: CommunityReportCategoryEnum, required: true, description: 'What kind of problem.' }),
    description: t.string({ required: true, description: 'What you saw, 1–2000 characters.' }),
    location: t.field({ type: LocationInput, description: 'Where it is; needed to spot likely duplicates.' }),
    photoUrls: t.stringList({ description: 'Photos: at most 6 http(s) URLs of up to 500 characters.' }),
  }),
});

const SubmitCommunityReportPayload = builder
  .objectRef<{ report: CommunityReport; likelyDuplicates: LikelyDuplicate[] }>('SubmitCommunityReportPayload')
  .implement({
    description: 'The report was filed.',
    fields: (t) => ({
      report: t.field({ type: CommunityReportRef, description: 'The new report.', resolve: (p) => p.report }),
      likelyDuplicates: t.field({
        type: [LikelyDuplicateRef],
        description: 'Earlier reports of the same category within 50 m and 24 h, nearest first: perhaps the same problem.',
        resolve: (p) => p.likelyDuplicates,
      }),
    }),
  });

// The transition error of this status machine, with its statuses typed (src/common/schema-base.ts).
statusTransitionErrorType(CommunityReportStatusTransitionError, 'CommunityReportStatusTransitionError', 'A community report', CommunityReportStatusEnum);

builder.mutationField('submitCommunityReport', (t) =>
  t.field({
    description: 'Files a street report as the logged-in volunteer. Needs an account with an ACTIVE volunteer profile.',
    authScopes: { reporter: true },
    type: SubmitCommunityReportPayload,
    args: { input: t.arg({ type: SubmitCommunityReportInput, required: true, description: 'The report.' }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: 'SubmitCommunityReportResult', description: 'The report, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const { report, likelyDuplicates } = await command(ctx, (tx) =>
        submitReport(
          tx,
          { ...input, siteId: input.siteId.id, photoUrls: input.photoUrls ?? undefined },
          { volunteerId: viewer.volunteerId!, accountId: viewer.accountId },
          ctx.clock.now(),
        ),
      );
      return { report, likelyDuplicates };
    },
  }),
);

const ChangeCommunityReportStatusInput = builder.inputType('ChangeCommunityReportStatusInput', {
  description: 'A report moving to its next status.',
  fields: (t) => ({
    id: t.globalID({ for: CommunityReportRef, required: true, description: 'The report.' }),
    status: t.field({ type: CommunityReportStatusEnum, required: true, description: 'The new status; one of the report’s `nextStatuses`.' }),
    note: t.string({ description: 'A note for the history (what was done), up to 500 characters.' }),
  }),
});

builder.mutationField('changeCommunityReportStatus', (t) =>
  t.field({
    description: 'Moves a report along (SUBMITTED → ACKNOWLEDGED → IN_PROGRESS → RESOLVED, or REJECTED). Needs a manager of its site or above.',
    authScopes: (_root, args) => ({ manageCommunityReport: args.input.id }),
    type: ReportPayload('ChangeCommunityReportStatusPayload', 'The report’s status changed.'),
    args: { input: t.arg({ type: ChangeCommunityReportStatusInput, required: true, description: 'The report and its new status.' }) },
    errors: {
      types: [...COMMON_ERRORS, CommunityReportStatusTransitionError],
      directResult: true,
      union: { name: 'ChangeCommunityReportStatusResult', description: 'The report, or why the step was refused.' },
    },
    resolve: (_root, { input }, ctx) =>
      committed(ctx, (tx) => changeReportStatus(tx, { reportId: input.id.id, status: input.status, note: input.note }, ctx.viewer?.accountId ?? null, ctx.clock.now())),
  }),
);

const MarkCommunityReportDuplicateInput = builder.inputType('MarkCommunityReportDuplicateInput', {
  description: 'A report to close as a duplicate of another.',
  fields: (t) => ({
    id: t.globalID({ for: CommunityReportRef, required: true, description: 'The duplicate.' }),
    duplicateOfId: t.globalID({ for: CommunityReportRef, required: true, description: 'The original report.' }),
    note: t.string({ description: 'A note for the history, up to 500 characters.' }),
  }),
});

builder.mutationField('markCommunityReportDuplicate', (t) =>
  t.field({
    description: 'Closes a report as a duplicate of another (it becomes REJECTED and points at the original). Needs a manager of its site or above.',
    authScopes: (_root, args) => ({ manageCommunityReport: args.input.id }),
    type: ReportPayload('MarkCommunityReportDuplicatePayload', 'The report was closed as a duplicate.'),
    args: { input: t.arg({ type: MarkCommunityReportDuplicateInput, required: true, description: 'The duplicate and its original.' }) },
    errors: {
      types: [...COMMON_ERRORS, CommunityReportStatusTransitionError, ConflictError],
      directResult: true,
      union: { name: 'MarkCommunityReportDuplicateResult', description: 'The report, or why it was refused.' },
    },
    resolve: (_root, { input }, ctx) =>
      committed(
        ctx,
        (tx) => markDuplicate(
          tx,
          { reportId: input.id.id, duplicateOfId: input.duplicateOfId.id, note: input.note },
          ctx.viewer?.accountId ?? null,
          ctx.clock.now(),
        ),
      ),
  }),
);
