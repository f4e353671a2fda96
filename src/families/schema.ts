import { builder } from '../builder.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { SiteRef } from '../sites/schema.js';
import { AlreadyNominatedError, BatchAnnouncedError, NominationWindowClosedError } from './errors.js';
import { familyWhere } from './service.js';
import { ErrorInterface } from '../common/schema-base.js';

export const HonorLevelEnum = builder.enumType('HonorLevel', {
  description: 'The level of an honour.',
  values: {
    NATIONAL: { description: 'National (全国), e.g. 全国道德模范, 中国好人.' },
    PROVINCIAL: { description: 'Provincial (省级).' },
    CITY: { description: 'City (市级).' },
    DISTRICT: { description: 'County or district (县区级).' },
  } as const,
});

export const NominationStatusEnum = builder.enumType('NominationStatus', {
  description: 'Where a nomination is in review.',
  values: {
    PENDING: { description: 'Awaiting review.' },
    APPROVED: { description: 'Approved: named when its batch is announced.' },
    REJECTED: { description: 'Rejected, with a reason.' },
  } as const,
});

export const OutreachVenueKindEnum = builder.enumType('OutreachVenueKind', {
  description: 'Where a family gave a talk.',
  values: {
    SCHOOL: { description: 'A school (进校园).' },
    COMMUNITY: { description: 'A village or residential community (进社区).' },
    COMPANY: { description: 'A company (进企业).' },
    GOVERNMENT_OFFICE: { description: 'A government office (进机关).' },
    OTHER: { description: 'Anywhere else.' },
  } as const,
});

export const FamilyRef = keyedNode(builder.prismaNode('Family', {
  description: 'A family (e.g. 王家) that may be named a civilised family (文明家庭). Public.',
  id: KEYED_ID,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The family’s name, e.g. 王家.' }),
    story: t.exposeString('story', { description: 'The family’s story (家风故事).' }),
    site: t.relation('site', { description: 'The site the family lives under.' }),
    members: t.relation('members', { description: 'Family members, in the order entered.', query: { orderBy: { id: 'asc' } } }),
    outreach: t.relatedConnection(
      'outreach',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Talks the family gave (家风宣讲), most recent first; `totalCount` answers “800+ talks”.',
        args: { venueKind: t.arg({ type: OutreachVenueKindEnum, description: 'Only talks at this kind of venue.' }) },
        query: (args) => ({ where: args.venueKind ? { venueKind: args.venueKind } : {}, orderBy: [{ heldOn: 'desc' }, { id: 'desc' }] }),
      },
      { name: 'FamilyOutreachConnection', description: 'A page of a family’s talks.' },
      { name: 'FamilyOutreachEdge', description: 'A talk on a page.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the family was registered.' }),
  }),
}));

builder.prismaObject('FamilyMember', {
  description: 'A member of a family.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name.' }),
    relation: t.exposeString('relation', { nullable: true, description: 'Place in the family, e.g. 父亲, 长女.' }),
    volunteer: t.relation('volunteer', { nullable: true, description: 'The member’s volunteer profile, if registered (needs a login).' }),
  }),
});

keyedNode(builder.prismaNode('FamilyOutreach', {
  description: 'A talk a family gave at a school, community, company or office.',
  id: KEYED_ID,
  fields: (t) => ({
    family: t.relation('family', { description: 'The family that spoke.' }),
    heldOn: t.expose('heldOn', { type: 'Date', description: 'The day of the talk.' }),
    venueKind: t.expose('venueKind', { type: OutreachVenueKindEnum, description: 'Kind of venue.' }),
    venue: t.exposeString('venue', { nullable: true, description: 'The venue, e.g. 城关小学.' }),
    audienceSize: t.exposeInt('audienceSize', { description: 'People in the audience.' }),
    topic: t.exposeString('topic', { description: 'What the talk was about.' }),
  }),
}));

export const FamilySelectionCycleRef = keyedNode(builder.prismaNode('FamilySelectionCycle', {
  description: 'A 3-year selection cycle of civilised families, with numbered batches and a nomination window. Public.',
  id: KEYED_ID,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name, e.g. 2024—2026年度文明家庭评选.' }),
    startYear: t.exposeInt('startYear', { description: 'First year of the cycle.' }),
    endYear: t.exposeInt('endYear', { description: 'Last year of the cycle (startYear + 2).' }),
    nominationOpensAt: t.expose('nominationOpensAt', { type: 'DateTime', description: 'When nominations open.' }),
    nominationClosesAt: t.expose('nominationClosesAt', { type: 'DateTime', description: 'When nominations close (exclusive).' }),
    nominationOpen: t.boolean({
      description: 'Whether nominations are accepted now.',
      resolve: (c, _args, ctx) => ctx.clock.now() >= c.nominationOpensAt && ctx.clock.now() < c.nominationClosesAt,
    }),
    batches: t.relation('batches', { description: 'The batches, by number.', query: { orderBy: { number: 'asc' } } }),
  }),
}));

export const FamilySelectionBatchRef = keyedNode(builder.prismaNode('FamilySelectionBatch', {
  description: 'A numbered batch of a selection cycle; announcing it names its approved families.',
  id: KEYED_ID,
  fields: (t) => ({
    cycle: t.relation('cycle', { description: 'The cycle.' }),
    number: t.exposeInt('number', { description: 'Batch number within the cycle, from 1.' }),
    level: t.expose('level', { type: HonorLevelEnum, nullable: true, description: 'The level its families were named at; null until announced.' }),
    announcedAt: t.expose('announcedAt', { type: 'DateTime', nullable: true, description: 'When it was announced; null before.' }),
    nominations: t.relatedConnection(
      'nominations',
      {
        cursor: 'id',
        totalCount: true,
        nullable: true,
        authScopes: { staff: true },
        description: 'The nominations into this batch, in order (staff only).',
        args: { status: t.arg({ type: NominationStatusEnum, description: 'Only nominations in this state.' }) },
        query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: { id: 'asc' } }),
      },
      { name: 'BatchNominationsConnection', description: 'A page of nominations.' },
      { name: 'BatchNominationsEdge', description: 'A nomination on a page.' },
    ),
  }),
}));

export const FamilyNominationRef = keyedNode(builder.prismaNode('FamilyNomination', {
  description: 'A family nominated in a cycle, for a batch. Staff only.',
  id: KEYED_ID,
  authScopes: { staff: true },
  fields: (t) => ({
    family: t.relation('family', { description: 'The nominated family.' }),
    cycle: t.relation('cycle', { description: 'The cycle.' }),
    batch: t.relation('batch', { description: 'The batch it is for.' }),
    statement: t.exposeString('statement', { description: 'Why the family is nominated.' }),
    status: t.expose('status', { type: NominationStatusEnum, description: 'Review state.' }),
    reviewNote: t.exposeString('reviewNote', { nullable: true, description: 'The reviewer’s reason (required for REJECTED).' }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true, description: 'When it was reviewed.' }),
    nominatedAt: t.expose('nominatedAt', { type: 'DateTime', description: 'When it was nominated.' }),
  }),
}));

builder.objectType(NominationWindowClosedError, {
  name: 'NominationWindowClosedError',
  description: 'The cycle does not accept nominations now.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    opensAt: t.expose('opensAt', { type: 'DateTime', description: 'When nominations open.' }),
    closesAt: t.expose('closesAt', { type: 'DateTime', description: 'When nominations close.' }),
  }),
});

builder.objectType(AlreadyNominatedError, {
  name: 'AlreadyNominatedError',
  description: 'The family is already nominated in this cycle.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    nominationId: t.string({ nullable: true, description: 'The global ID of the existing nomination, if known.', resolve: (e) => e.existingNominationId }),
  }),
});

builder.objectType(BatchAnnouncedError, {
  name: 'BatchAnnouncedError',
  description: 'The batch was already announced and is final.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    announcedAt: t.expose('announcedAt', { type: 'DateTime', description: 'When it was announced.' }),
  }),
});

const FamilyFilter = builder.inputType('FamilyFilter', {
  description: 'Narrows a list of families. All given conditions must hold.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Only families at this site or below it.' }),
    level: t.field({ type: [HonorLevelEnum], description: 'Only families with an honour at one of these levels.' }),
    cycleId: t.globalID({ for: FamilySelectionCycleRef, description: 'Only families nominated in this cycle.' }),
  }),
});

builder.queryFields((t) => ({
  family: t.prismaField({
    type: 'Family',
    nullable: true,
    description: 'A family by global ID.',
    args: { id: t.arg.globalID({ for: FamilyRef, required: true, description: 'The family’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.family.findUnique({ ...query, where: { id: id.id } }),
  }),
  families: t.prismaConnection(
    {
      type: 'Family',
      cursor: 'id',
      description: 'Families, by ID.',
      args: { filter: t.arg({ type: FamilyFilter, description: 'Conditions the families must meet.' }) },
      totalCount: async (_p, args, ctx) => ctx.prisma.family.count({ where: await filterWhere(ctx.prisma, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.family.findMany({ ...query, where: await filterWhere(ctx.prisma, args.filter), orderBy: { id: 'asc' } }),
    },
    { name: 'FamilyConnection', description: 'A page of families.' },
    { name: 'FamilyEdge', description: 'A family on a page.' },
  ),
  familySelectionCycles: t.prismaConnection(
    {
      type: 'FamilySelectionCycle',
      cursor: 'id',
      description: 'Selection cycles of civilised families, newest first.',
      totalCount: (_p, _args, ctx) => ctx.prisma.familySelectionCycle.count(),
      resolve: (query, _root, _args, ctx) => ctx.prisma.familySelectionCycle.findMany({ ...query, orderBy: [{ startYear: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'FamilySelectionCycleConnection', description: 'A page of selection cycles.' },
    { name: 'FamilySelectionCycleEdge', description: 'A selection cycle on a page.' },
  ),
}));

function filterWhere(prisma: Parameters<typeof familyWhere>[0], filter: typeof FamilyFilter.$inferInput | null | undefined) {
  return familyWhere(prisma, {
    siteId: filter?.siteId?.id,
    level: filter?.level,
    cycleId: filter?.cycleId?.id,
  });
}
