import { builder } from '../builder.js';
import { DuplicateNameError } from '../common/errors.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import type { ServiceOrder } from '../generated/prisma/client.js';
import { BrandRef } from '../brands/schema.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { FamilyRef } from '../families/schema.js';
import { ServiceCategoryEnum, ServiceMenuItemRef } from './schema.js';
import { type EffectiveDeadline, createMenuItem, effectiveDeadline, menuWhere, setDeadline } from './service.js';

/** The service menu and the per-site deadlines: their types, queries and mutations. */

// ---------------------------------------------------------------- deadlines

const DeadlineRef = builder.objectRef<EffectiveDeadline & { category: ServiceOrder['category'] }>('ServiceDeadline').implement({
  description: 'The deadlines that apply to new orders of a category at a site.',
  fields: (t) => ({
    category: t.field({ type: ServiceCategoryEnum, description: 'The category.', resolve: (d) => d.category }),
    dispatchWithinHours: t.float({ description: 'Hours after placement by which the site must dispatch or open the order.', resolve: (d) => d.dispatchWithinMinutes / 60 }),
    completeWithinHours: t.float({ description: 'Hours after placement by which the order must be completed.', resolve: (d) => d.completeWithinMinutes / 60 }),
    setBy: t.prismaField({
      type: 'Site',
      nullable: true,
      description: 'The site whose setting applies (this one or one above); null when the defaults (24 h / 72 h) apply.',
      resolve: (query, d, _args, ctx) => (d.siteId == null ? null : ctx.prisma.site.findUnique({ ...query, where: { id: d.siteId } })),
    }),
  }),
});

builder.queryFields((t) => ({
  serviceMenu: t.prismaConnection(
    {
      type: 'ServiceMenuItem',
      cursor: 'id',
      description: 'The menu a site offers: its own items and those of every site above it, by name.',
      args: {
        siteId: t.arg.globalID({ for: SiteRef, required: true, description: 'The site.' }),
        category: t.arg({ type: ServiceCategoryEnum, description: 'Only items of this category.' }),
      },
      totalCount: async (_parent, args, ctx) =>
        ctx.prisma.serviceMenuItem.count({ where: await menuWhere(ctx.prisma, args.siteId.id, args.category) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.serviceMenuItem.findMany({
          ...query,
          where: await menuWhere(ctx.prisma, args.siteId.id, args.category),
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
    },
    { name: 'ServiceMenuConnection', description: 'A page of a site’s menu.' },
    { name: 'ServiceMenuEdge', description: 'A menu item on a page.' },
  ),
  serviceDeadline: t.field({
    type: DeadlineRef,
    nullable: true,
    description: 'The deadlines new orders of a category get at a site (its own, inherited, or the defaults). Null for an unknown site.',
    args: {
      siteId: t.arg.globalID({ for: SiteRef, required: true, description: 'The site.' }),
      category: t.arg({ type: ServiceCategoryEnum, required: true, description: 'The category.' }),
    },
    resolve: async (_root, args, ctx) => {
      const site = await ctx.prisma.site.findUnique({ where: { id: args.siteId.id }, select: { path: true } });
      return site ? { ...(await effectiveDeadline(ctx.prisma, site.path, args.category)), category: args.category } : null;
    },
  }),
}));

// ---------------------------------------------------------------- menu and deadlines

const CreateServiceMenuItemInput = builder.inputType('CreateServiceMenuItemInput', {
  description: 'A service to add to a site’s menu.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site offering it; sites below see it too.' }),
    name: t.string({ required: true, description: 'Name, 1–50 characters, unique on the site’s menu.' }),
    description: t.string({ description: 'What it includes, up to 1000 characters.' }),
    category: t.field({ type: ServiceCategoryEnum, required: true, description: 'Its category.' }),
    brandId: t.globalID({ for: BrandRef, description: 'The brand it runs under, if any.' }),
    teamId: t.globalID({ for: TeamRef, description: 'The team that usually provides it (of the site or below), if any.' }),
    familyId: t.globalID({
      for: FamilyRef,
      description: 'The civilised family (of the site or below) that gives it, e.g. a talk on family values (文明家庭宣讲), if any.',
    }),
  }),
});

builder.mutationField('createServiceMenuItem', (t) =>
  t.field({
    description: 'Adds a service to a site’s menu. Needs a manager of the site or above.',
    authScopes: (_root, args) => ({ manageSite: args.input.siteId }),
    type: payloadType('CreateServiceMenuItemPayload', 'The item was added.', 'menuItem', ServiceMenuItemRef, 'The new menu item.'),
    args: { input: t.arg({ type: CreateServiceMenuItemInput, required: true, description: 'The new item.' }) },
    errors: {
      types: [...COMMON_ERRORS, DuplicateNameError],
      directResult: true,
      union: { name: 'CreateServiceMenuItemResult', description: 'The new item, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      menuItem: await createMenuItem(ctx.prisma, {
        ...input,
        siteId: input.siteId.id,
        brandId: input.brandId?.id,
        teamId: input.teamId?.id,
        familyId: input.familyId?.id,
      }),
    }),
  }),
);

const SetServiceDeadlineInput = builder.inputType('SetServiceDeadlineInput', {
  description: 'A site’s deadlines for one category. Orders placed from now on get them; sites below inherit them.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site.' }),
    category: t.field({ type: ServiceCategoryEnum, required: true, description: 'The category.' }),
    dispatchWithinHours: t.int({ required: true, description: 'Hours to dispatch or open an order (1–2160).' }),
    completeWithinHours: t.int({ required: true, description: 'Hours to complete an order (1–2160, not less than dispatchWithinHours).' }),
  }),
});

builder.mutationField('setServiceDeadline', (t) =>
  t.field({
    description: 'Sets a site’s response and completion deadlines for a category. Needs a manager of the site or above.',
    authScopes: (_root, args) => ({ manageSite: args.input.siteId }),
    type: payloadType('SetServiceDeadlinePayload', 'The deadlines were set.', 'deadline', DeadlineRef, 'The deadlines now in force at the site.'),
    args: { input: t.arg({ type: SetServiceDeadlineInput, required: true, description: 'The deadlines.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'SetServiceDeadlineResult', description: 'The deadlines, or why they were refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const siteId = input.siteId.id;
      const saved = await setDeadline(ctx.prisma, { ...input, siteId });
      const site = await ctx.prisma.site.findUniqueOrThrow({ where: { id: saved.siteId }, select: { path: true } });
      return { deadline: { ...(await effectiveDeadline(ctx.prisma, site.path, saved.category)), category: saved.category } };
    },
  }),
);

