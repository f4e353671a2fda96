import { builder } from '../builder.js';
import { DuplicateNameError } from '../common/errors.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { sortOrder } from '../common/ordering.js';
import { payloadType } from '../common/payload.js';
import type { Prisma } from '../generated/prisma/client.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import { searchTerm } from '../common/validation.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { createBrand } from './service.js';

export const BrandRef = keyedNode(builder.prismaNode('Brand', {
  description: 'A named service programme (品牌), such as 及时雨 or 未爱启航, owned by a team or a site.',
  id: KEYED_ID,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The brand name, unique across the city.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the programme stands for.' }),
    ownerTeam: t.relation('team', { nullable: true, description: 'The team that owns the brand, if a team does.' }),
    ownerSite: t.relation('site', { nullable: true, description: 'The site that owns the brand, if a site does.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the brand was created.' }),
  }),
}));

const BrandFilter = builder.inputType('BrandFilter', {
  description: 'Narrows a list of brands.',
  fields: (t) => ({
    search: t.string({ description: 'Substring of the brand name.' }),
  }),
});

const BrandOrder = sortOrder<'NAME' | 'CREATED_AT', Prisma.BrandOrderByWithRelationInput>(
  'BrandOrder',
  'brands',
  {
    NAME: { description: 'Brand name.', orderBy: (direction) => ({ name: direction }) },
    CREATED_AT: { description: 'When the brand was created.', orderBy: (direction) => ({ createdAt: direction }) },
  },
  { field: 'NAME', direction: 'ASC' },
);

builder.queryFields((t) => ({
  brand: t.prismaField({
    type: 'Brand',
    nullable: true,
    description: 'A brand by global ID.',
    args: { id: t.arg.globalID({ for: BrandRef, required: true, description: 'The brand’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.brand.findUnique({ ...query, where: { id: id.id } }),
  }),
  brands: t.prismaConnection(
    {
      type: 'Brand',
      cursor: 'id',
      description: 'Service brands, filtered and sorted (by name unless told otherwise).',
      args: {
        filter: t.arg({ type: BrandFilter, description: 'Conditions the brands must meet.' }),
        orderBy: t.arg({ type: BrandOrder.input, description: BrandOrder.defaultDescription }),
      },
      totalCount: (_parent, args, ctx) => {
        const term = searchTerm(args.filter?.search);
        return ctx.prisma.brand.count({ where: term ? { name: { contains: term, mode: 'insensitive' } } : {} });
      },
      resolve: (query, _root, args, ctx) => {
        const term = searchTerm(args.filter?.search);
        return ctx.prisma.brand.findMany({
          ...query,
          where: term ? { name: { contains: term, mode: 'insensitive' } } : {},
          orderBy: BrandOrder.orderBy(args.orderBy),
        });
      },
    },
    { name: 'BrandConnection', description: 'A page of brands.' },
    { name: 'BrandEdge', description: 'A brand on a page.' },
  ),
}));

const CreateBrandInput = builder.inputType('CreateBrandInput', {
  description: 'A new brand, owned by exactly one of a team or a site.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Brand name, 1–50 characters, unique.' }),
    description: t.string({ description: 'What the programme stands for.' }),
    teamId: t.globalID({ for: TeamRef, description: 'The owning team (or give siteId).' }),
    siteId: t.globalID({ for: SiteRef, description: 'The owning site (or give teamId).' }),
  }),
});

builder.mutationField('createBrand', (t) =>
  t.field({
    description: 'Creates a service brand. Needs the owning team’s leader or a manager of the owning site.',
    authScopes: (_root, args) =>
      args.input.teamId
        ? { manageTeam: args.input.teamId }
        : args.input.siteId
          ? { manageSite: args.input.siteId }
          : { staff: true },
    type: payloadType('CreateBrandPayload', 'The brand was created.', 'brand', BrandRef, 'The new brand.'),
    args: { input: t.arg({ type: CreateBrandInput, required: true, description: 'The new brand.' }) },
    errors: {
      types: [...COMMON_ERRORS, DuplicateNameError],
      directResult: true,
      union: { name: 'CreateBrandResult', description: 'The new brand, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      brand: await createBrand(ctx.prisma, {
        name: input.name,
        description: input.description,
        teamId: input.teamId?.id,
        siteId: input.siteId?.id,
      }),
    }),
  }),
);
