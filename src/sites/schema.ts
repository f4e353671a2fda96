import { builder } from '../builder.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { sortOrder } from '../common/ordering.js';
import { payloadType } from '../common/payload.js';
import { searchTerm } from '../common/validation.js';
import type { Prisma } from '../generated/prisma/client.js';
import { createSite, updateSite } from './service.js';

export const SiteLevelEnum = builder.enumType('SiteLevel', {
  description: 'The tier of a civilisation-practice site.',
  values: {
    CENTER: { description: 'The county civilisation-practice center (中心), the root of the tree.' },
    INSTITUTE: { description: 'A township civilisation-practice institute (所), under the center.' },
    STATION: { description: 'A village or community civilisation-practice station (站), under an institute.' },
  } as const,
});

export const SiteRef = keyedNode(builder.prismaNode('Site', {
  description:
    'A civilisation-practice site. Sites form a tree: the center, its institutes, and their stations.',
  id: KEYED_ID,
  // Select mode: a query loads the columns its fields need (each expose/relation adds its own).
  select: { id: true, name: true },
  fields: (t) => ({
    name: t.string({ description: 'Official name, e.g. 城关镇新时代文明实践所.', resolve: (s) => s.name }),
    level: t.expose('level', { type: SiteLevelEnum, description: 'Tier of the site in the tree.' }),
    address: t.exposeString('address', { description: 'Street address.' }),
    services: t.exposeStringList('services', {
      description: 'Free services offered to the public, e.g. 饮水, 图书阅览, 休息, 免费复印.',
    }),
    hostOrganization: t.exposeString('hostOrganization', {
      nullable: true,
      description: 'Organisation hosting the site, e.g. a district procuratorate, if any.',
    }),
    parent: t.relation('parent', {
      nullable: true,
      description: 'The site one tier up; null for the center.',
    }),
    children: t.relatedConnection(
      'children',
      {
        cursor: 'id',
        totalCount: true,
        description: 'The sites one tier down, by name.',
        query: () => ({ orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      },
      { name: 'SiteChildrenConnection', description: 'A page of child sites.' },
      { name: 'SiteChildrenEdge', description: 'A child site on a page.' },
    ),
    teams: t.relatedConnection(
      'teams',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Volunteer teams belonging to this site, by name.',
        query: () => ({ orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      },
      { name: 'SiteTeamsConnection', description: 'A page of a site’s teams.' },
      { name: 'SiteTeamsEdge', description: 'A team on a page.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the site was added.' }),
  }),
}));

const SiteFilter = builder.inputType('SiteFilter', {
  description: 'Narrows a list of sites. All given conditions must hold.',
  fields: (t) => ({
    level: t.field({ type: SiteLevelEnum, description: 'Only sites of this tier.' }),
    parentId: t.globalID({ for: SiteRef, description: 'Only direct children of this site.' }),
    search: t.string({ description: 'Substring of the name or address, e.g. 城关.' }),
  }),
});

const SiteOrder = sortOrder<'TREE' | 'NAME' | 'CREATED_AT', Prisma.SiteOrderByWithRelationInput>(
  'SiteOrder',
  'sites',
  {
    TREE: {
      description: 'Tree order: the center, then each institute followed by its stations (by materialised path).',
      orderBy: (direction) => ({ path: direction }),
    },
    NAME: { description: 'Name.', orderBy: (direction) => ({ name: direction }) },
    CREATED_AT: { description: 'When the site was added.', orderBy: (direction) => ({ createdAt: direction }) },
  },
  { field: 'TREE', direction: 'ASC' },
);

builder.queryFields((t) => ({
  site: t.prismaField({
    type: 'Site',
    nullable: true,
    description: 'A site by its global ID.',
    args: { id: t.arg.globalID({ for: SiteRef, required: true, description: 'The site’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.prisma.site.findUnique({ ...query, where: { id: id.id } }),
  }),
  sites: t.prismaConnection(
    {
      type: 'Site',
      cursor: 'id',
      description: 'Sites, filtered and sorted (in tree order unless told otherwise: the center, then each institute and its stations).',
      args: {
        filter: t.arg({ type: SiteFilter, description: 'Conditions the sites must meet.' }),
        orderBy: t.arg({ type: SiteOrder.input, description: SiteOrder.defaultDescription }),
      },
      totalCount: (_parent, args, ctx) => ctx.prisma.site.count({ where: siteWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.site.findMany({
          ...query,
          where: siteWhere(args.filter),
          orderBy: SiteOrder.orderBy(args.orderBy),
        }),
    },
    { name: 'SiteConnection', description: 'A page of sites.' },
    { name: 'SiteEdge', description: 'A site on a page.' },
  ),
}));

function siteWhere(filter: typeof SiteFilter.$inferInput | null | undefined): Prisma.SiteWhereInput {
  const term = searchTerm(filter?.search);
  return {
    level: filter?.level ?? undefined,
    parentId: filter?.parentId?.id,
    ...(term && {
      OR: [{ name: { contains: term, mode: 'insensitive' } }, { address: { contains: term, mode: 'insensitive' } }],
    }),
  };
}

// ---------------------------------------------------------------- mutations

const SitePayload = (name: string, description: string) =>
  payloadType(name, description, 'site', SiteRef, 'The site as it now stands.');

const CreateSiteInput = builder.inputType('CreateSiteInput', {
  description: 'A new site. Its parent must be one tier up: a STATION under an INSTITUTE, an INSTITUTE under the CENTER.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Official name, 1–100 characters.' }),
    level: t.field({ type: SiteLevelEnum, required: true, description: 'Tier of the new site.' }),
    parentId: t.globalID({ for: SiteRef, description: 'The site one tier up; omit for a CENTER.' }),
    address: t.string({ required: true, description: 'Street address, 1–200 characters.' }),
    services: t.stringList({ description: 'Free services offered, up to 30, each 1–50 characters.' }),
    hostOrganization: t.string({ description: 'Hosting organisation, if any (up to 100 characters).' }),
  }),
});

builder.mutationField('createSite', (t) =>
  t.field({
    description: 'Adds a civilisation-practice site to the tree. Needs a manager of the parent site (a CENTER: an admin).',
    authScopes: (_root, args) => (args.input.parentId ? { manageSite: args.input.parentId } : { admin: true }),
    type: SitePayload('CreateSitePayload', 'The site was created.'),
    args: { input: t.arg({ type: CreateSiteInput, required: true, description: 'The new site.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'CreateSiteResult', description: 'The new site, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      site: await createSite(ctx.prisma, {
        ...input,
        parentId: input.parentId?.id,
        services: input.services ?? undefined,
      }),
    }),
  }),
);

const UpdateSiteInput = builder.inputType('UpdateSiteInput', {
  description: 'Changes to a site. Omitted fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: SiteRef, required: true, description: 'The site to change.' }),
    name: t.string({ description: 'New name, 1–100 characters.' }),
    address: t.string({ description: 'New street address.' }),
    services: t.stringList({ description: 'Replaces the list of free services.' }),
    hostOrganization: t.string({ description: 'New hosting organisation; empty string clears it.' }),
    parentId: t.globalID({
      for: SiteRef,
      description: 'Moves the site, with everything below it, under another site of the tier above.',
    }),
  }),
});

builder.mutationField('updateSite', (t) =>
  t.field({
    description: 'Changes a site’s details or moves it in the tree. Needs a manager of the site (and of the new parent when moving).',
    authScopes: (_root, args) => ({
      manageSites: args.input.parentId ? [args.input.id, args.input.parentId] : [args.input.id],
    }),
    type: SitePayload('UpdateSitePayload', 'The site was updated.'),
    args: { input: t.arg({ type: UpdateSiteInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'UpdateSiteResult', description: 'The updated site, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      site: await updateSite(ctx.prisma, input.id.id, {
        name: input.name ?? undefined,
        address: input.address ?? undefined,
        services: input.services ?? undefined,
        hostOrganization: input.hostOrganization,
        parentId: input.parentId?.id,
      }),
    }),
  }),
);

