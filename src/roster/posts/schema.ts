import { builder } from '../../builder.js';
import { command } from '../../common/command.js';
import { KEYED_ID, keyedNode } from '../../common/ids.js';
import { payloadType } from '../../common/payload.js';
import { COMMON_ERRORS, OrderDirection } from '../../common/schema-base.js';
import { searchTerm } from '../../common/validation.js';
import type { Context } from '../../context.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { SiteRef } from '../../sites/schema.js';
import { subtreeFilter } from '../../sites/service.js';
import { ShiftConnection, ShiftOrder, ShiftRangeFilter, rangeWhere, shiftOrderBy } from '../shifts/schema.js';
import { createDutyPost, updateDutyPost } from './rules.js';

/*
 * Duty posts in GraphQL: the type, the lists of posts, and setting one up or changing it.
 */

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

export const GeoPoint = builder.simpleObject('GeoPoint', {
  description: 'A point on the map (WGS 84).',
  fields: (t) => ({
    lat: t.float({ description: 'Latitude in degrees, −90 to 90.' }),
    lng: t.float({ description: 'Longitude in degrees, −180 to 180.' }),
  }),
});

export const LocationInput = builder.inputType('LocationInput', {
  description: 'A point on the map (WGS 84).',
  fields: (t) => ({
    lat: t.float({ required: true, description: 'Latitude, −90 to 90.' }),
    lng: t.float({ required: true, description: 'Longitude, −180 to 180.' }),
  }),
});

export const DutyPostRef = keyedNode(builder.prismaNode('DutyPost', {
  description: 'A duty post (岗位): a place where volunteers serve, such as a scenic spot or an intersection.',
  id: KEYED_ID,
  // Select mode: a query loads the columns its fields need (each expose/relation adds its own).
  select: { id: true, name: true },
  fields: (t) => ({
    name: t.string({ description: 'Name, e.g. 古城南门文明引导岗.', resolve: (p) => p.name }),
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
        args: {
          filter: t.arg({ type: ShiftRangeFilter, description: 'Time window and status.' }),
          orderBy: t.arg({ type: ShiftOrder, description: 'Sort order; default STARTS_AT ascending.' }),
        },
        query: (args, ctx) => ({ where: rangeWhere(ctx, args.filter), orderBy: shiftOrderBy(args.orderBy) }),
      },
      ShiftConnection,
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the post was set up.' }),
  }),
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

const DutyPostOrderField = builder.enumType('DutyPostOrderField', {
  description: 'What duty posts can be sorted by.',
  values: {
    NAME: { description: 'Name.' },
    CREATED_AT: { description: 'When the post was set up.' },
  } as const,
});

const DutyPostOrder = builder.inputType('DutyPostOrder', {
  description: 'Sort order for duty posts; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: DutyPostOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

const DUTY_POST_ORDER_COLUMN = { NAME: 'name', CREATED_AT: 'createdAt' } as const;

/** The Prisma order of a duty post list: the chosen column, then id the same way (default NAME ascending). */
function dutyPostOrderBy(order: typeof DutyPostOrder.$inferInput | null | undefined): Prisma.DutyPostOrderByWithRelationInput[] {
  const o = order ?? { field: 'NAME' as const, direction: 'ASC' as const };
  const direction = o.direction === 'DESC' ? 'desc' : 'asc';
  return [{ [DUTY_POST_ORDER_COLUMN[o.field]]: direction }, { id: direction }];
}

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
  const siteId = filter.siteId?.id;
  return {
    ...(siteId != null && { site: await subtreeFilter(ctx.prisma, siteId) }),
    ...(filter.kind?.length && { kind: { in: filter.kind } }),
    ...(term && {
      OR: [{ name: { contains: term, mode: 'insensitive' } }, { address: { contains: term, mode: 'insensitive' } }],
    }),
  };
}

builder.queryFields((t) => ({
  dutyPost: t.prismaField({
    type: 'DutyPost',
    nullable: true,
    description: 'A duty post by global ID.',
    args: { id: t.arg.globalID({ for: DutyPostRef, required: true, description: 'The post’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.dutyPost.findUnique({ ...query, where: { id: id.id } }),
  }),
  dutyPosts: t.prismaConnection(
    {
      type: 'DutyPost',
      cursor: 'id',
      description: 'Duty posts, by name.',
      args: {
        filter: t.arg({ type: DutyPostFilter, description: 'Conditions the posts must meet.' }),
        orderBy: t.arg({ type: DutyPostOrder, description: 'Sort order; default NAME ascending.' }),
      },
      totalCount: async (_parent, args, ctx) => ctx.prisma.dutyPost.count({ where: await dutyPostWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.dutyPost.findMany({
          ...query,
          where: await dutyPostWhere(ctx, args.filter),
          orderBy: dutyPostOrderBy(args.orderBy),
        }),
    },
    { name: 'DutyPostConnection', description: 'A page of duty posts.' },
    { name: 'DutyPostEdge', description: 'A duty post on a page.' },
  ),
}));

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
      const { post } = await command(ctx, (tx) => createDutyPost(tx, { ...input, siteId: input.siteId.id }));
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
        ? { $all: { manageDutyPost: args.input.id.id, manageSite: args.input.siteId } }
        : { manageDutyPost: args.input.id.id },
    type: DutyPostPayload('UpdateDutyPostPayload', 'The duty post was updated.'),
    args: { input: t.arg({ type: UpdateDutyPostInput, required: true, description: 'What to change.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: 'UpdateDutyPostResult', description: 'The updated post, or why the change was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const { post } = await command(ctx, (tx) => updateDutyPost(tx, input.id.id, {
        name: input.name ?? undefined,
        kind: input.kind ?? undefined,
        siteId: input.siteId?.id ?? undefined,
        address: input.address ?? undefined,
        location: input.location,
        instructions: input.instructions,
      }));
      return { dutyPost: post };
    },
  }),
);
