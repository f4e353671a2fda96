import { builder } from '../builder.js';
import { DuplicatePhoneError } from '../common/errors.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, OrderDirection } from '../common/schema-base.js';
import { searchText } from '../common/validation.js';
import type { Prisma } from '../generated/prisma/client.js';
import { SiteRef } from '../sites/schema.js';
// A cycle (teams/schema.ts imports VolunteerRef); TeamRef is read only when the schema is built.
import { TeamRef } from '../teams/schema.js';
import { subtreeFilter } from '../sites/service.js';
import type { Context } from '../context.js';
import { loggedRead } from '../audit/service.js';
import { namePrefixRange, nameSearchBranches, nameSearchWhere, SEARCH_COUNT_LIMIT, volunteersInNameOrder } from './search.js';
import { registerVolunteer, updateVolunteer } from './service.js';
import { minutesForStarLevel } from './stars.js';

export const GenderEnum = builder.enumType('Gender', {
  description: 'A volunteer’s gender as they registered it.',
  values: {
    MALE: { description: 'Male (男).' },
    FEMALE: { description: 'Female (女).' },
    UNDISCLOSED: { description: 'Not stated.' },
  } as const,
});

export const VolunteerStatusEnum = builder.enumType('VolunteerStatus', {
  description: 'Whether a volunteer may be rostered.',
  values: {
    ACTIVE: { description: 'In good standing; can be assigned to duty.' },
    SUSPENDED: { description: 'Suspended; cannot be assigned to duty, cannot log in, and holds no staff role.' },
  } as const,
});

export const VolunteerRef = keyedNode(builder.prismaNode('Volunteer', {
  description: 'A registered volunteer (志愿者). Visible to logged-in accounts; phone and birth date only to those entitled.',
  id: KEYED_ID,
  // Select mode: a query loads the columns its fields need (each expose/relation adds its own).
  select: { id: true, name: true },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.string({ description: 'Full name.', resolve: (v) => v.name }),
    phone: t.string({
      nullable: true,
      select: { id: true, phone: true },
      resolve: loggedRead('VOLUNTEER', 'PHONE', (v) => v.phone),
      description:
        'Mobile number in E.164, e.g. +8613812345678. Personal data: only for the volunteer, the leaders of teams they are an accepted member of, managers of their home site and above, and admins; null with a FORBIDDEN error for others. Every read by someone other than the volunteer is logged (personalDataReads).',
      authScopes: (v) => ({ seePersonalData: v.id }),
    }),
    gender: t.expose('gender', { type: GenderEnum, description: 'Gender.' }),
    birthDate: t.field({
      type: 'Date',
      nullable: true,
      select: { id: true, birthDate: true },
      resolve: loggedRead('VOLUNTEER', 'BIRTH_DATE', (v) => v.birthDate),
      description: 'Date of birth. Personal data, visible as `phone` is; every read by someone else is logged.',
      authScopes: (v) => ({ seePersonalData: v.id }),
    }),
    skills: t.exposeStringList('skills', { description: 'Skills offered, e.g. 急救, 手语, 交通引导.' }),
    status: t.expose('status', { type: VolunteerStatusEnum, description: 'Whether the volunteer may be rostered.' }),
    registeredAt: t.expose('registeredAt', { type: 'DateTime', description: 'When the volunteer registered.' }),
    homeSite: t.relation('homeSite', { description: 'The site the volunteer belongs to.' }),
    serviceMinutes: t.exposeInt('serviceMinutes', {
      description: 'Total service time in minutes: completed duty plus approved service records.',
    }),
    serviceHours: t.float({
      description: 'Total service time in hours, rounded down to one decimal place (so it never shows a star threshold early).',
      select: { serviceMinutes: true },
      resolve: (v) => Math.floor(v.serviceMinutes / 6) / 10,
    }),
    // starLevel (granted) and eligibleStarLevel (derived from the minutes) live in src/certificates/schema.ts.
    teams: t.relatedConnection(
      'memberships',
      {
        cursor: 'id',
        totalCount: true,
        description: 'The teams this volunteer belongs to, most recently joined first.',
        query: () => ({ orderBy: [{ joinedAt: 'desc' }, { id: 'desc' }] }),
      },
      { name: 'VolunteerTeamsConnection', description: 'A page of a volunteer’s team memberships.' },
      { name: 'VolunteerTeamsEdge', description: 'A team membership on a page.' },
    ),
  }),
}));

const VolunteerFilter = builder.inputType('VolunteerFilter', {
  description: 'Narrows a list of volunteers. All given conditions must hold.',
  fields: (t) => ({
    search: t.string({
      description:
        'Part of the name, e.g. 李 or 建国; or, in Latin letters, the start of its pinyin or of its pinyin initials, e.g. wang, wangxiaoming or wxm for 王小明. Case-insensitive. With a search, totalCount counts at most 1,000 matches.',
    }),
    namePrefix: t.string({ description: 'Only volunteers whose name starts with this, e.g. a surname: 王 or 欧阳.' }),
    homeSiteId: t.globalID({ for: SiteRef, description: 'Only volunteers whose home site is this site or below it.' }),
    teamId: t.globalID({ for: TeamRef, description: 'Only members of this team.' }),
    skill: t.string({ description: 'Only volunteers with exactly this skill, e.g. 急救.' }),
    status: t.field({ type: VolunteerStatusEnum, description: 'Only volunteers with this status.' }),
    minStarLevel: t.int({ description: 'Only volunteers whose service minutes reach at least this star level (0–5; see eligibleStarLevel).' }),
  }),
});

const VolunteerOrderField = builder.enumType('VolunteerOrderField', {
  description: 'What volunteers can be sorted by.',
  values: {
    NAME: { description: 'Name.' },
    REGISTERED_AT: { description: 'Registration time.' },
    SERVICE_MINUTES: { description: 'Total service time.' },
  } as const,
});

const VolunteerOrder = builder.inputType('VolunteerOrder', {
  description: 'Sort order for volunteers; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: VolunteerOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

const ORDER_COLUMN = { NAME: 'name', REGISTERED_AT: 'registeredAt', SERVICE_MINUTES: 'serviceMinutes' } as const;

async function volunteerWhere(
  ctx: Context,
  filter: typeof VolunteerFilter.$inferInput | null | undefined,
): Promise<Prisma.VolunteerWhereInput> {
  if (!filter) return {};
  const term = searchText(filter.search);
  const prefix = searchText(filter.namePrefix);
  const homeSiteId = filter.homeSiteId?.id;
  const teamId = filter.teamId?.id;
  return {
    ...(term && { AND: [nameSearchWhere(term)] }),
    ...(prefix && { name: namePrefixRange(prefix) }),
    ...(homeSiteId != null && { homeSite: await subtreeFilter(ctx.prisma, homeSiteId) }),
    ...(teamId != null && { memberships: { some: { teamId } } }),
    ...(filter.skill && { skills: { has: filter.skill.trim() } }),
    ...(filter.status && { status: filter.status }),
    ...(filter.minStarLevel != null &&
      filter.minStarLevel > 0 && { serviceMinutes: { gte: minutesForStarLevel(filter.minStarLevel) } }),
  };
}

builder.queryFields((t) => ({
  volunteer: t.prismaField({
    type: 'Volunteer',
    nullable: true,
    description: 'A volunteer by global ID.',
    args: { id: t.arg.globalID({ for: VolunteerRef, required: true, description: 'The volunteer’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.prisma.volunteer.findUnique({ ...query, where: { id: id.id } }),
  }),
  volunteers: t.prismaConnection(
    {
      type: 'Volunteer',
      cursor: 'id',
      nullable: true,
      authScopes: { authenticated: true },
      description: 'Registered volunteers, filtered and sorted (by name unless told otherwise).',
      args: {
        filter: t.arg({ type: VolunteerFilter, description: 'Conditions the volunteers must meet.' }),
        orderBy: t.arg({ type: VolunteerOrder, description: 'Sort order; default NAME ascending.' }),
      },
      totalCount: async (_parent, args, ctx) =>
        ctx.prisma.volunteer.count({
          where: await volunteerWhere(ctx, args.filter),
          // A search may match tens of thousands (王): count only up to the limit.
          ...(searchText(args.filter?.search) && { take: SEARCH_COUNT_LIMIT }),
        }),
      resolve: async (query, _root, args, ctx) => {
        const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
        const direction = order.direction === 'DESC' ? 'desc' : 'asc';
        const term = searchText(args.filter?.search);
        if (term && order.field === 'NAME') {
          // Each way of matching reads its first rows from its own index, in name order.
          const where = await volunteerWhere(ctx, { ...args.filter, search: null });
          return volunteersInNameOrder(ctx.prisma, where, nameSearchBranches(term), query, direction);
        }
        return ctx.prisma.volunteer.findMany({
          ...query,
          where: await volunteerWhere(ctx, args.filter),
          orderBy: [{ [ORDER_COLUMN[order.field]]: direction }, { id: direction }],
        });
      },
    },
    {
      name: 'VolunteerConnection',
      description: 'A page of volunteers.',
      fields: (t) => ({
        totalCount: t.int({
          description: `How many volunteers match, across all pages. With a \`search\` filter counting stops at ${SEARCH_COUNT_LIMIT.toLocaleString('en')}: that value means "${SEARCH_COUNT_LIMIT.toLocaleString('en')} or more" (narrow the search, or page on).`,
          extensions: { pothosPrismaTotalCount: true },
          resolve: (parent) => (parent as { totalCount?: () => Promise<number> }).totalCount?.() ?? 0,
        }),
      }),
    },
    { name: 'VolunteerEdge', description: 'A volunteer on a page.' },
  ),
}));

// ---------------------------------------------------------------- mutations

const RegisterVolunteerInput = builder.inputType('RegisterVolunteerInput', {
  description: 'A new volunteer.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Full name, 1–50 characters.' }),
    phone: t.string({
      required: true,
      description: 'Mainland mobile number as typed, e.g. 13812345678 or +86 138 1234 5678. Stored in E.164; must be unique.',
    }),
    gender: t.field({ type: GenderEnum, description: 'Gender; default UNDISCLOSED.' }),
    birthDate: t.field({ type: 'Date', description: 'Date of birth, not in the future.' }),
    skills: t.stringList({ description: 'Skills offered, up to 20, each 1–30 characters.' }),
    homeSiteId: t.globalID({ for: SiteRef, required: true, description: 'The site the volunteer belongs to.' }),
  }),
});

builder.mutationField('registerVolunteer', (t) =>
  t.field({
    description: 'Registers a new volunteer. Needs a manager of the home site.',
    authScopes: (_root, args) => ({ manageSite: args.input.homeSiteId }),
    type: payloadType('RegisterVolunteerPayload', 'The volunteer was registered.', 'volunteer', VolunteerRef, 'The new volunteer.'),
    args: { input: t.arg({ type: RegisterVolunteerInput, required: true, description: 'The new volunteer.' }) },
    errors: {
      types: [...COMMON_ERRORS, DuplicatePhoneError],
      directResult: true,
      union: { name: 'RegisterVolunteerResult', description: 'The new volunteer, or why registration was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      volunteer: await registerVolunteer(ctx.prisma, {
        name: input.name,
        phone: input.phone,
        gender: input.gender ?? undefined,
        birthDate: input.birthDate,
        skills: input.skills ?? undefined,
        homeSiteId: input.homeSiteId.id,
      }),
    }),
  }),
);

const UpdateVolunteerInput = builder.inputType('UpdateVolunteerInput', {
  description: 'Changes to a volunteer. Omitted fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer to change.' }),
    name: t.string({ description: 'New full name.' }),
    phone: t.string({ description: 'New mobile number; must stay unique.' }),
    gender: t.field({ type: GenderEnum, description: 'New gender.' }),
    birthDate: t.field({ type: 'Date', description: 'New date of birth; null clears it.' }),
    skills: t.stringList({ description: 'Replaces the skills.' }),
    homeSiteId: t.globalID({ for: SiteRef, description: 'New home site.' }),
    status: t.field({
      type: VolunteerStatusEnum,
      description:
        'Suspend or reinstate the volunteer. Suspending ends every session of their account at once (live connections close with 4401); they cannot log in, and their staff roles confer nothing, until reinstated.',
    }),
  }),
});

builder.mutationField('updateVolunteer', (t) =>
  t.field({
    description:
      'Changes a volunteer’s details or status. Volunteers may change their own name, phone, gender, birth date and skills; status and home site need a manager of the home site.',
    authScopes: (_root, args) =>
      args.input.status != null || args.input.homeSiteId != null
        ? {
            $all: {
              manageVolunteer: args.input.id,
              manageSites: args.input.homeSiteId ? [args.input.homeSiteId] : [],
            },
          }
        : { $any: { selfVolunteer: args.input.id, manageVolunteer: args.input.id } },
    type: payloadType('UpdateVolunteerPayload', 'The volunteer was updated.', 'volunteer', VolunteerRef, 'The volunteer as it now stands.'),
    args: { input: t.arg({ type: UpdateVolunteerInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS, DuplicatePhoneError],
      directResult: true,
      union: { name: 'UpdateVolunteerResult', description: 'The updated volunteer, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { volunteer, revokedSessionIds } = await updateVolunteer(
        ctx.prisma,
        input.id.id,
        {
          name: input.name ?? undefined,
          phone: input.phone ?? undefined,
          gender: input.gender ?? undefined,
          birthDate: input.birthDate,
          skills: input.skills ?? undefined,
          homeSiteId: input.homeSiteId?.id,
          status: input.status ?? undefined,
        },
        ctx.clock.now(),
      );
      // Committed: close the suspended account's live connections (WebSocket 4401) everywhere.
      for (const sessionId of revokedSessionIds) ctx.pubsub.publish('sessionRevoked', sessionId);
      return { volunteer };
    },
  }),
);
