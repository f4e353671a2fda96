import { builder } from '../builder.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { requestLoader } from '../common/loaders.js';
import { ServiceRecordRef } from '../roster/schema.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { loggedRead } from '../audit/service.js';
import { type CareImpact, beneficiaryWhere, careImpacts } from './service.js';

export const BeneficiaryKindEnum = builder.enumType('BeneficiaryKind', {
  description: 'Who the city cares for.',
  values: {
    HARDSHIP_FAMILY: { description: 'A family in hardship (困难家庭), e.g. helped by 浓情年味·暖冬.' },
    VETERAN: { description: 'A veteran, e.g. a surviving veteran of the War of Resistance (抗战老兵).' },
    ELDERLY_ALONE: { description: 'An elderly person living alone (独居老人).' },
    LEFT_BEHIND_CHILD: { description: 'A child left behind by migrant parents (留守儿童).' },
    DISABLED: { description: 'A person with a disability (残疾人).' },
  } as const,
});

export const BeneficiaryStatusEnum = builder.enumType('BeneficiaryStatus', {
  description: 'Whether the city still cares for a beneficiary.',
  values: {
    ACTIVE: { description: 'Cared for: a team is (or should be) responsible and visits.' },
    CLOSED: { description: 'No longer cared for, with a reason (moved away, passed away, out of hardship…).' },
  } as const,
});

export const CareServiceEnum = builder.enumType('CareService', {
  description: 'A service given on a care visit.',
  values: {
    MEAL_DELIVERY: { description: 'Meals delivered (送餐).' },
    CLEANING: { description: 'Cleaning the home (清洁).' },
    MEDICAL_ESCORT: { description: 'Escort to a doctor or hospital (陪诊).' },
    WINTER_SUPPLIES: { description: 'Winter supplies: quilts, coal, food (送温暖物资).' },
    COMPANIONSHIP: { description: 'Company and conversation (陪伴).' },
    REPAIRS: { description: 'Repairs in the home (维修).' },
    OTHER: { description: 'Anything else; say what in the notes.' },
  } as const,
});

const PII =
  'Personal data: only for the caring team’s leader and members, managers of the beneficiary’s site and above, and admins (null with a FORBIDDEN error for others). Every read is logged.';

export const BeneficiaryRef = keyedNode(builder.prismaNode('Beneficiary', {
  description:
    'A person or household the city cares for (帮扶对象). Needs a login; name, phone, address and ID number are personal data.',
  id: KEYED_ID,
  authScopes: { authenticated: true },
  fields: (t) => ({
    kind: t.expose('kind', { type: BeneficiaryKindEnum, description: 'Who this is.' }),
    site: t.relation('site', { description: 'The site (station or institute) the beneficiary lives under.' }),
    needs: t.exposeStringList('needs', { description: 'What they need, as tags, e.g. 送餐, 陪诊, 冬季取暖.' }),
    status: t.expose('status', { type: BeneficiaryStatusEnum, description: 'Whether they are still cared for.' }),
    closedReason: t.exposeString('closedReason', { nullable: true, description: 'Why care was closed; null while ACTIVE.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When care was closed; null while ACTIVE.' }),
    householdSize: t.exposeInt('householdSize', { description: 'People in the household (1 for a person living alone).' }),
    name: t.string({
      nullable: true,
      description: `Name of the person or head of household. ${PII}`,
      authScopes: (b) => ({ seeBeneficiaryPersonalData: b.id }),
      resolve: loggedRead('BENEFICIARY', 'NAME', (b) => b.name),
    }),
    phone: t.string({
      nullable: true,
      description: `Contact phone, if any. ${PII}`,
      authScopes: (b) => ({ seeBeneficiaryPersonalData: b.id }),
      resolve: loggedRead('BENEFICIARY', 'PHONE', (b) => b.phone),
    }),
    address: t.string({
      nullable: true,
      description: `Home address. ${PII}`,
      authScopes: (b) => ({ seeBeneficiaryPersonalData: b.id }),
      resolve: loggedRead('BENEFICIARY', 'ADDRESS', (b) => b.address),
    }),
    idNumber: t.string({
      nullable: true,
      description: `ID-card or veteran-certificate number, if recorded. ${PII}`,
      authScopes: (b) => ({ seeBeneficiaryPersonalData: b.id }),
      resolve: loggedRead('BENEFICIARY', 'ID_NUMBER', (b) => b.idNumber),
    }),
    careTeam: t.relation('careTeam', { nullable: true, description: 'The one team responsible now; null when none is assigned.' }),
    careAssignments: t.relatedConnection(
      'careAssignments',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Which team was responsible when: the history of assignments, newest first.',
        query: () => ({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }),
      },
      { name: 'BeneficiaryCareAssignmentsConnection', description: 'A page of care assignments.' },
      { name: 'BeneficiaryCareAssignmentsEdge', description: 'A care assignment on a page.' },
    ),
    visits: t.relatedConnection(
      'visits',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Visits to this beneficiary, most recent first.',
        query: () => ({ orderBy: [{ visitedOn: 'desc' }, { id: 'desc' }] }),
      },
      { name: 'BeneficiaryVisitsConnection', description: 'A page of care visits.' },
      { name: 'BeneficiaryVisitsEdge', description: 'A care visit on a page.' },
    ),
    lastVisitedOn: t.field({
      type: 'Date',
      nullable: true,
      description: 'The day of the latest visit; null if never visited.',
      resolve: (b, _args, ctx) =>
        requestLoader<number, Date | null>(ctx, 'care:lastVisit', async (ids) => {
          const rows = await ctx.prisma.careVisit.groupBy({
            by: ['beneficiaryId'],
            where: { beneficiaryId: { in: [...ids] } },
            _max: { visitedOn: true },
          });
          const byId = new Map(rows.map((r) => [r.beneficiaryId, r._max.visitedOn]));
          return ids.map((id) => byId.get(id) ?? null);
        }).load(b.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the beneficiary was registered.' }),
  }),
}));

export const CareAssignmentRef = keyedNode(builder.prismaNode('CareAssignment', {
  description: 'A team’s responsibility for a beneficiary over a period. At most one per beneficiary is current (endedAt null).',
  id: KEYED_ID,
  authScopes: { authenticated: true },
  fields: (t) => ({
    beneficiary: t.relation('beneficiary', { description: 'Who is cared for.' }),
    team: t.relation('team', { description: 'The responsible team.' }),
    note: t.exposeString('note', { nullable: true, description: 'Why the team was assigned, if noted.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the team took over.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'When it handed over; null while current.' }),
    current: t.boolean({ description: 'Whether this is the current assignment.', resolve: (a) => a.endedAt == null }),
  }),
}));

export const CareVisitRef = keyedNode(builder.prismaNode('CareVisit', {
  description:
    'A visit by a team’s volunteers to a beneficiary. Its minutes became a PENDING service record for each volunteer present.',
  id: KEYED_ID,
  authScopes: { authenticated: true },
  fields: (t) => ({
    beneficiary: t.relation('beneficiary', { description: 'Who was visited.' }),
    team: t.relation('team', { description: 'The caring team the visit was made for.' }),
    project: t.relation('project', { nullable: true, description: 'The project it was part of, e.g. 浓情年味·暖冬; null if none.' }),
    visitedOn: t.expose('visitedOn', { type: 'Date', description: 'The day of the visit.' }),
    services: t.expose('services', { type: [CareServiceEnum], description: 'What was given.' }),
    minutes: t.exposeInt('minutes', { description: 'How long the visit lasted, in minutes; each volunteer present is credited this.' }),
    notes: t.exposeString('notes', { nullable: true, description: 'Notes of the visit.' }),
    volunteers: t.field({
      type: [VolunteerRef],
      description: 'The volunteers present, by ID.',
      select: (_args, _ctx, nested) => ({ volunteers: { orderBy: { volunteerId: 'asc' }, select: { volunteer: nested(true) } } }),
      resolve: (visit) => visit.volunteers.map((v) => v.volunteer),
    }),
    serviceRecords: t.field({
      type: [ServiceRecordRef],
      description: 'The service records the visit wrote, one per volunteer present, by volunteer ID.',
      select: (_args, _ctx, nested) => ({ volunteers: { orderBy: { volunteerId: 'asc' }, select: { serviceRecord: nested(true) } } }),
      resolve: (visit) => visit.volunteers.map((v) => v.serviceRecord),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the visit was recorded.' }),
  }),
}));

const CareImpactRef = builder.objectRef<CareImpact>('CareImpact').implement({
  description: 'What care visits achieved: computed by SQL over the visits, never estimated.',
  fields: (t) => ({
    beneficiariesReached: t.exposeInt('beneficiariesReached', { description: 'Distinct beneficiaries visited at least once.' }),
    visits: t.exposeInt('visits', { description: 'Care visits made.' }),
    minutes: t.exposeInt('minutes', { description: 'Total length of the visits, in minutes.' }),
    volunteerMinutes: t.exposeInt('volunteerMinutes', { description: 'Volunteer time given: each visit’s minutes times the volunteers present.' }),
    volunteers: t.exposeInt('volunteers', { description: 'Distinct volunteers who took part.' }),
  }),
});

/** Impact of every project (or brand) on a page, in one statement. */
const impactLoader = (ctx: Parameters<typeof requestLoader>[0], by: 'project' | 'brand') =>
  requestLoader<number, CareImpact>(ctx, `care:impact:${by}`, async (ids) => {
    const impacts = await careImpacts(ctx.prisma, by, ids);
    return ids.map((id) => impacts.get(id)!);
  });

builder.prismaObjectFields('Project', (t) => ({
  impact: t.field({
    type: CareImpactRef,
    description: 'The care visits made as part of this project: beneficiaries reached, visits and minutes.',
    select: { id: true },
    resolve: (p, _args, ctx) => impactLoader(ctx, 'project').load(p.id),
  }),
}));

builder.prismaObjectFields('Brand', (t) => ({
  impact: t.field({
    type: CareImpactRef,
    description: 'The care visits made in all projects under this brand (e.g. 9 winters of 浓情年味·暖冬).',
    select: { id: true },
    resolve: (b, _args, ctx) => impactLoader(ctx, 'brand').load(b.id),
  }),
}));

builder.prismaObjectFields('Team', (t) => ({
  beneficiaries: t.relatedConnection(
    'beneficiaries',
    {
      cursor: 'id',
      totalCount: true,
      nullable: true,
      authScopes: { authenticated: true },
      description: 'The beneficiaries this team is responsible for now, by ID.',
      args: { status: t.arg({ type: BeneficiaryStatusEnum, description: 'Only beneficiaries with this status.' }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: { id: 'asc' } }),
    },
    { name: 'TeamBeneficiariesConnection', description: 'A page of a team’s beneficiaries.' },
    { name: 'TeamBeneficiariesEdge', description: 'A beneficiary on a page.' },
  ),
}));

const BeneficiaryFilter = builder.inputType('BeneficiaryFilter', {
  description: 'Narrows a list of beneficiaries. All given conditions must hold.',
  fields: (t) => ({
    kind: t.field({ type: [BeneficiaryKindEnum], description: 'Only beneficiaries of one of these kinds.' }),
    siteId: t.globalID({ for: SiteRef, description: 'Only beneficiaries at this site or below it.' }),
    status: t.field({ type: BeneficiaryStatusEnum, description: 'Only beneficiaries with this status.' }),
    teamId: t.globalID({ for: TeamRef, description: 'Only beneficiaries this team is responsible for now.' }),
    notVisitedSince: t.field({
      type: 'Date',
      description: 'Only beneficiaries with no visit on or after this day (never visited included), e.g. 30 days ago.',
    }),
  }),
});

builder.queryFields((t) => ({
  beneficiary: t.prismaField({
    type: 'Beneficiary',
    nullable: true,
    authScopes: { authenticated: true },
    description: 'A beneficiary by global ID.',
    args: { id: t.arg.globalID({ for: BeneficiaryRef, required: true, description: 'The beneficiary’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.beneficiary.findUnique({ ...query, where: { id: id.id } }),
  }),
  beneficiaries: t.prismaConnection(
    {
      type: 'Beneficiary',
      cursor: 'id',
      nullable: true,
      authScopes: { authenticated: true },
      description: 'Beneficiaries, by ID. E.g. every veteran and their caring team: `filter: {kind: [VETERAN]}` with `careTeam`.',
      args: { filter: t.arg({ type: BeneficiaryFilter, description: 'Conditions the beneficiaries must meet.' }) },
      totalCount: async (_parent, args, ctx) => ctx.prisma.beneficiary.count({ where: await filterWhere(ctx.prisma, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.beneficiary.findMany({ ...query, where: await filterWhere(ctx.prisma, args.filter), orderBy: { id: 'asc' } }),
    },
    { name: 'BeneficiaryConnection', description: 'A page of beneficiaries.' },
    { name: 'BeneficiaryEdge', description: 'A beneficiary on a page.' },
  ),
}));

function filterWhere(prisma: Parameters<typeof beneficiaryWhere>[0], filter: typeof BeneficiaryFilter.$inferInput | null | undefined) {
  return beneficiaryWhere(prisma, {
    kind: filter?.kind,
    siteId: filter?.siteId?.id,
    status: filter?.status,
    teamId: filter?.teamId?.id,
    notVisitedSince: filter?.notVisitedSince,
  });
}
