import { builder } from '../builder.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, ErrorInterface, OrderDirection, statusTransitionErrorType } from '../common/schema-base.js';
import { searchTerm } from '../common/validation.js';
import type { Context } from '../context.js';
import { BrandRef } from '../brands/schema.js';
import type { Prisma } from '../generated/prisma/client.js';
import { SiteRef } from '../sites/schema.js';
import { subtreeFilter } from '../sites/service.js';
import { TeamRef } from '../teams/schema.js';
import { isOpenProject, openProjectWhere } from './status.js';
import { command } from '../common/command.js';
import { PROJECT_TRANSITIONS, ShiftsOutsideProjectDatesError, changeProjectStatus, createProject, updateProject } from './service.js';
import { ProjectStatusTransitionError } from './service.js';

export const ProjectCategoryEnum = builder.enumType('ProjectCategory', {
  description: 'The field of service a project belongs to.',
  values: {
    TOURISM: { description: 'Tourism: civility guidance at scenic spots in the tourist season.' },
    TRAFFIC: { description: 'Traffic: civilised-traffic guidance at intersections.' },
    ELDERLY_CARE: { description: 'Care for the elderly (敬老助老).' },
    VETERANS: { description: 'Care for veterans (关爱退役军人).' },
    ENVIRONMENT: { description: 'Environment and cleanliness.' },
    MINORS: { description: 'Care for minors and children left behind.' },
    LEGAL: { description: 'Legal aid and awareness.' },
    COMMUNITY: { description: 'Community and neighbourhood service.' },
    HARDSHIP_RELIEF: { description: 'Relief for families in hardship.' },
    CIVIC_EDUCATION: { description: 'Civic and theory education (理论宣讲).' },
  } as const,
});

export const ProjectStatusEnum = builder.enumType('ProjectStatus', {
  description: 'Where a project is in its life cycle: DRAFT → RECRUITING → ACTIVE → COMPLETED, or CANCELLED.',
  values: {
    DRAFT: { description: 'Being prepared; not visible for sign-up.' },
    RECRUITING: { description: 'Recruiting volunteers; shifts accept sign-ups.' },
    ACTIVE: { description: 'Under way; shifts still accept sign-ups.' },
    COMPLETED: { description: 'Finished. Final.' },
    CANCELLED: { description: 'Called off. Final.' },
  } as const,
});

export const ProjectRef = keyedNode(builder.prismaNode('Project', {
  description:
    'A volunteer service project (志愿服务项目), often under a brand. RECRUITING and ACTIVE projects are public; others need a login.',
  id: KEYED_ID,
  // Select mode: the status the auth scope reads, plus what the fields asked for add.
  select: { id: true, status: true, title: true },
  authScopes: (project) => (isOpenProject(project.status) ? { public: true } : { authenticated: true }),
  fields: (t) => ({
    title: t.string({ description: 'Title, e.g. 旅游旺季文明引导行动.', resolve: (p) => p.title }),
    description: t.exposeString('description', { description: 'What the project does.' }),
    category: t.expose('category', { type: ProjectCategoryEnum, description: 'Field of service.' }),
    status: t.expose('status', { type: ProjectStatusEnum, description: 'Life-cycle status.' }),
    nextStatuses: t.field({
      type: [ProjectStatusEnum],
      description: 'The statuses `changeProjectStatus` accepts from the current one.',
      select: { status: true },
      resolve: (p) => [...PROJECT_TRANSITIONS[p.status]],
    }),
    brand: t.relation('brand', { nullable: true, description: 'The brand the project runs under, if any.' }),
    organizer: t.relation('organizer', { description: 'The team that organises the project.' }),
    site: t.relation('site', { description: 'The site where the project is based.' }),
    startsOn: t.expose('startsOn', { type: 'Date', description: 'First day of the project.' }),
    endsOn: t.expose('endsOn', { type: 'Date', description: 'Last day of the project.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the project was created.' }),
  }),
}));

builder.objectType(ShiftsOutsideProjectDatesError, {
  name: 'ShiftsOutsideProjectDatesError',
  description: 'New dates would leave some of the project’s shifts (not cancelled) outside them.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many shifts would fall outside the new dates.' }),
  }),
});

const ProjectFilter = builder.inputType('ProjectFilter', {
  description: 'Narrows a list of projects. All given conditions must hold.',
  fields: (t) => ({
    status: t.field({ type: [ProjectStatusEnum], description: 'Only projects in one of these statuses.' }),
    category: t.field({ type: [ProjectCategoryEnum], description: 'Only projects in one of these categories.' }),
    siteId: t.globalID({ for: SiteRef, description: 'Only projects based at this site or below it.' }),
    brandId: t.globalID({ for: BrandRef, description: 'Only projects under this brand.' }),
    organizerId: t.globalID({ for: TeamRef, description: 'Only projects organised by this team.' }),
    search: t.string({ description: 'Substring of the title or description.' }),
    activeOn: t.field({ type: 'Date', description: 'Only projects whose dates include this day.' }),
  }),
});

const ProjectOrderField = builder.enumType('ProjectOrderField', {
  description: 'What projects can be sorted by.',
  values: {
    STARTS_ON: { description: 'First day.' },
    TITLE: { description: 'Title.' },
    CREATED_AT: { description: 'Creation time.' },
  } as const,
});

const ProjectOrder = builder.inputType('ProjectOrder', {
  description: 'Sort order for projects; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: ProjectOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

const PROJECT_ORDER_COLUMN = { STARTS_ON: 'startsOn', TITLE: 'title', CREATED_AT: 'createdAt' } as const;

async function projectWhere(
  ctx: Context,
  filter: typeof ProjectFilter.$inferInput | null | undefined,
): Promise<Prisma.ProjectWhereInput> {
  // Anonymous lists show only public projects rather than a page of refusals.
  const visible: Prisma.ProjectWhereInput = ctx.viewer ? {} : openProjectWhere;
  if (!filter) return visible;
  const term = searchTerm(filter.search);
  const siteId = filter.siteId?.id;
  return {
    AND: [visible],
    ...(filter.status?.length && { status: { in: filter.status } }),
    ...(filter.category?.length && { category: { in: filter.category } }),
    ...(siteId != null && { site: await subtreeFilter(ctx.prisma, siteId) }),
    ...(filter.brandId && { brandId: filter.brandId.id }),
    ...(filter.organizerId && { organizerId: filter.organizerId.id }),
    ...(term && {
      OR: [
        { title: { contains: term, mode: 'insensitive' } },
        { description: { contains: term, mode: 'insensitive' } },
      ],
    }),
    ...(filter.activeOn && { startsOn: { lte: filter.activeOn }, endsOn: { gte: filter.activeOn } }),
  };
}

builder.queryFields((t) => ({
  project: t.prismaField({
    type: 'Project',
    nullable: true,
    description: 'A project by global ID.',
    args: { id: t.arg.globalID({ for: ProjectRef, required: true, description: 'The project’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.project.findUnique({ ...query, where: { id: id.id } }),
  }),
  projects: t.prismaConnection(
    {
      type: 'Project',
      cursor: 'id',
      description: 'Projects, filtered and sorted (newest start first unless told otherwise).',
      args: {
        filter: t.arg({ type: ProjectFilter, description: 'Conditions the projects must meet.' }),
        orderBy: t.arg({ type: ProjectOrder, description: 'Sort order; default STARTS_ON descending.' }),
      },
      totalCount: async (_parent, args, ctx) =>
        ctx.prisma.project.count({ where: await projectWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) => {
        const order = args.orderBy ?? { field: 'STARTS_ON', direction: 'DESC' };
        const direction = order.direction === 'DESC' ? 'desc' : 'asc';
        return ctx.prisma.project.findMany({
          ...query,
          where: await projectWhere(ctx, args.filter),
          orderBy: [{ [PROJECT_ORDER_COLUMN[order.field]]: direction }, { id: direction }],
        });
      },
    },
    { name: 'ProjectConnection', description: 'A page of projects.' },
    { name: 'ProjectEdge', description: 'A project on a page.' },
  ),
}));

// ---------------------------------------------------------------- mutations

const ProjectPayload = (name: string, description: string) =>
  payloadType(name, description, 'project', ProjectRef, 'The project as it now stands.');

const CreateProjectInput = builder.inputType('CreateProjectInput', {
  description: 'A new project. It starts as DRAFT.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Title, 1–100 characters.' }),
    description: t.string({ description: 'What the project does, up to 5000 characters.' }),
    category: t.field({ type: ProjectCategoryEnum, required: true, description: 'Field of service.' }),
    brandId: t.globalID({ for: BrandRef, description: 'The brand it runs under, if any.' }),
    organizerId: t.globalID({ for: TeamRef, required: true, description: 'The organising team.' }),
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site where it is based.' }),
    startsOn: t.field({ type: 'Date', required: true, description: 'First day.' }),
    endsOn: t.field({ type: 'Date', required: true, description: 'Last day; not before startsOn.' }),
  }),
});

// The transition error of this status machine, with its statuses typed (src/common/schema-base.ts).
statusTransitionErrorType(ProjectStatusTransitionError, 'ProjectStatusTransitionError', 'A project', ProjectStatusEnum);

builder.mutationField('createProject', (t) =>
  t.field({
    description:
      'Creates a project in DRAFT. The organiser must be a team the caller leads or manages; the site one the caller manages, or — for the organiser’s leader — the organising team’s site or a site below it.',
    authScopes: (_root, args) => ({ placeProject: { siteId: args.input.siteId, organizerId: args.input.organizerId } }),
    type: ProjectPayload('CreateProjectPayload', 'The project was created.'),
    args: { input: t.arg({ type: CreateProjectInput, required: true, description: 'The new project.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'CreateProjectResult', description: 'The new project, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      project: await createProject(ctx.prisma, {
        ...input,
        description: input.description ?? undefined,
        brandId: input.brandId?.id,
        organizerId: input.organizerId.id,
        siteId: input.siteId.id,
      }),
    }),
  }),
);

const UpdateProjectInput = builder.inputType('UpdateProjectInput', {
  description: 'Changes to a project. Omitted fields stay as they are; use changeProjectStatus for the status.',
  fields: (t) => ({
    id: t.globalID({ for: ProjectRef, required: true, description: 'The project to change.' }),
    title: t.string({ description: 'New title.' }),
    description: t.string({ description: 'New description.' }),
    category: t.field({ type: ProjectCategoryEnum, description: 'New category.' }),
    brandId: t.globalID({ for: BrandRef, description: 'New brand; null removes the brand.' }),
    organizerId: t.globalID({ for: TeamRef, description: 'New organising team.' }),
    siteId: t.globalID({ for: SiteRef, description: 'New base site.' }),
    startsOn: t.field({ type: 'Date', description: 'New first day.' }),
    endsOn: t.field({ type: 'Date', description: 'New last day.' }),
  }),
});

builder.mutationField('updateProject', (t) =>
  t.field({
    description:
      'Changes a project’s details. Needs a manager of its site or the leader of its organising team; a new site or organiser must be one createProject would accept from the caller. New dates must still hold every shift that is not cancelled.',
    authScopes: (_root, args) =>
      args.input.siteId || args.input.organizerId
        ? {
            $all: {
              manageProject: args.input.id,
              placeProject: { projectId: args.input.id, siteId: args.input.siteId, organizerId: args.input.organizerId },
            },
          }
        : { manageProject: args.input.id },
    type: ProjectPayload('UpdateProjectPayload', 'The project was updated.'),
    args: { input: t.arg({ type: UpdateProjectInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS, ShiftsOutsideProjectDatesError],
      directResult: true,
      union: { name: 'UpdateProjectResult', description: 'The updated project, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      project: await updateProject(ctx.prisma, input.id.id, {
        title: input.title ?? undefined,
        description: input.description ?? undefined,
        category: input.category ?? undefined,
        brandId: input.brandId === null ? null : input.brandId?.id,
        organizerId: input.organizerId?.id,
        siteId: input.siteId?.id,
        startsOn: input.startsOn ?? undefined,
        endsOn: input.endsOn ?? undefined,
      }),
    }),
  }),
);

const ChangeProjectStatusInput = builder.inputType('ChangeProjectStatusInput', {
  description: 'A project moving to a new status.',
  fields: (t) => ({
    id: t.globalID({ for: ProjectRef, required: true, description: 'The project.' }),
    status: t.field({
      type: ProjectStatusEnum,
      required: true,
      description: 'The new status; must be one of the project’s `nextStatuses`.',
    }),
  }),
});

builder.mutationField('changeProjectStatus', (t) =>
  t.field({
    description:
      'Moves a project along its life cycle (DRAFT → RECRUITING → ACTIVE → COMPLETED, or CANCELLED). Cancelling or completing it ends its remaining shifts: those not started are cancelled (their assigned and waitlisted volunteers released), those started are closed as closeShift does; the roster events are published. Needs a manager of its site or the leader of its organising team.',
    authScopes: (_root, args) => ({ manageProject: args.input.id }),
    type: ProjectPayload('ChangeProjectStatusPayload', 'The project’s status changed.'),
    args: { input: t.arg({ type: ChangeProjectStatusInput, required: true, description: 'The project and its new status.' }) },
    errors: {
      types: [...COMMON_ERRORS, ProjectStatusTransitionError],
      directResult: true,
      union: { name: 'ChangeProjectStatusResult', description: 'The project, or why the transition was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      // A campaign may have hundreds of shifts to end.
      const { project } = await command(
        ctx,
        (tx) => changeProjectStatus(tx, input.id.id, input.status, ctx.clock.now()),
        { timeoutMs: 120_000 },
      );
      return { project };
    },
  }),
);
