import { builder } from '../builder.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { OrderDirection } from '../common/schema-base.js';
import type { Context } from '../context.js';
import type { Prisma, ServiceOrder, Team } from '../generated/prisma/client.js';
import { requestLoader } from '../common/loaders.js';
import { serviceOrderVisibility } from '../auth/order-visibility.js';
import { SiteRef } from '../sites/schema.js';
import { subtreeFilter } from '../sites/service.js';
import { TeamRef } from '../teams/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { ALL_CATEGORIES, ORDER_TRANSITIONS, isOverdue, overdueWhere, trackingCodeHash } from './rules.js';

const CATEGORY_DESCRIPTIONS: Record<(typeof ALL_CATEGORIES)[number], string> = {
  PERSONAL_CARE: 'Personal care at home, e.g. 理发 (haircuts) for elderly residents.',
  ERRANDS: 'Errands, e.g. 代购药品 (buying medicine).',
  LEGAL_ADVICE: 'Legal advice (法律咨询).',
  HOME_REPAIR: 'Repairs at home, e.g. 家电维修 (appliance repair).',
  HEALTH_ESCORT: 'Escorting to hospital or clinic (陪诊).',
  CIVIC_EDUCATION: 'Civic education, e.g. 文明家庭宣讲 talks.',
  COMPANIONSHIP: 'Company and visits for people living alone.',
  OTHER: 'Anything else.',
};

export const ServiceCategoryEnum = builder.enumType('ServiceCategory', {
  description: 'The kind of service a menu item or order is. Sites set deadlines per category.',
  values: Object.fromEntries(ALL_CATEGORIES.map((c) => [c, { description: CATEGORY_DESCRIPTIONS[c] }])) as {
    [K in (typeof ALL_CATEGORIES)[number]]: { description: string };
  },
});

export const ServiceOrderStatusEnum = builder.enumType('ServiceOrderStatus', {
  description:
    'Where an order is: PLACED → DISPATCHED | OPEN_FOR_CLAIM → ACCEPTED → IN_SERVICE → COMPLETED → RATED, or REJECTED, or CANCELLED by the requester before service.',
  values: {
    PLACED: { description: 'Placed by the requester (点单); waiting for the site to respond.' },
    DISPATCHED: { description: 'Dispatched to a team (派单); waiting for the team to accept.' },
    OPEN_FOR_CLAIM: { description: 'Open for any team of the site or below to claim.' },
    ACCEPTED: { description: 'A team accepted it (接单).' },
    IN_SERVICE: { description: 'The team is serving.' },
    COMPLETED: { description: 'Served; waiting for the requester’s rating.' },
    RATED: { description: 'Rated by the requester (评单). Final.' },
    REJECTED: { description: 'Declined by the site, with a reason. Final.' },
    CANCELLED: { description: 'Withdrawn by the requester before service. Final.' },
  } as const,
});

export const ServiceActorKindEnum = builder.enumType('ServiceActorKind', {
  description: 'In what capacity someone took a step.',
  values: {
    REQUESTER: { description: 'The requester (logged in, or with the tracking code).' },
    STAFF: { description: 'A manager of the site (or an admin).' },
    TEAM: { description: 'The serving team’s leader.' },
  } as const,
});

export const ServiceMenuItemRef = keyedNode(builder.prismaNode('ServiceMenuItem', {
  description: 'A service on a site’s menu, e.g. 理发, 陪诊. Sites below the offering site see it on their menu too. Public.',
  id: KEYED_ID,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name, unique on the site’s menu, e.g. 代购药品.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the service includes.' }),
    category: t.expose('category', { type: ServiceCategoryEnum, description: 'Its category.' }),
    site: t.relation('site', { description: 'The site offering it.' }),
    brand: t.relation('brand', { nullable: true, description: 'The brand it runs under, if any.' }),
    team: t.relation('team', { nullable: true, description: 'The team that usually provides it, if any.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added to the menu.' }),
    orders: t.prismaConnection(
      {
        type: 'ServiceOrder',
        cursor: 'id',
        nullable: true,
        authScopes: { authenticated: true },
        description: 'Orders for this item that the viewer may see, newest first.',
        totalCount: async (item, _args, ctx) =>
          ctx.prisma.serviceOrder.count({ where: { AND: [await serviceOrderVisibility(ctx)], menuItemId: item.id } }),
        resolve: async (query, item, _args, ctx) =>
          ctx.prisma.serviceOrder.findMany({
            ...query,
            where: { AND: [await serviceOrderVisibility(ctx)], menuItemId: item.id },
            orderBy: [{ placedAt: 'desc' }, { id: 'desc' }],
          }),
      },
      { name: 'ServiceMenuItemOrderConnection', description: 'A page of a menu item’s orders.' },
      { name: 'ServiceMenuItemOrderEdge', description: 'An order on a page.' },
    ),
  }),
}));

const scopeOf = (o: ServiceOrder) => ({ siteId: o.siteId, teamId: o.teamId, requesterAccountId: o.requesterAccountId, status: o.status });

interface Requester {
  name: string;
  phone: string;
  order: ServiceOrder;
}

const ServiceRequesterRef = builder.objectRef<Requester>('ServiceRequester').implement({
  description: 'The resident who asked for the service.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Their name as given.' }),
    phone: t.string({
      nullable: true,
      description: 'Mobile number (E.164). Personal data: the requester, managers of the site or above, and the serving team’s leader.',
      authScopes: (r) => ({ seeServiceOrderContact: scopeOf(r.order) }),
      resolve: (r) => r.phone,
    }),
  }),
});

const ServiceRatingRef = builder.objectRef<{ stars: number; comment: string | null; ratedAt: Date }>('ServiceRating').implement({
  description: 'The requester’s rating of the service (评单).',
  fields: (t) => ({
    stars: t.exposeInt('stars', { description: '1 (poor) to 5 (excellent).' }),
    comment: t.exposeString('comment', { nullable: true, description: 'What the requester said.' }),
    ratedAt: t.expose('ratedAt', { type: 'DateTime', description: 'When it was rated.' }),
  }),
});

const ratingOf = (o: ServiceOrder) =>
  o.ratingStars != null && o.ratedAt ? { stars: o.ratingStars, comment: o.ratingComment, ratedAt: o.ratedAt } : null;

export const ServiceOrderEventRef = builder.prismaObject('ServiceOrderEvent', {
  description: 'One step in an order’s history.',
  fields: (t) => ({
    fromStatus: t.expose('fromStatus', { type: ServiceOrderStatusEnum, nullable: true, description: 'The status before; null for the placement.' }),
    toStatus: t.expose('toStatus', { type: ServiceOrderStatusEnum, description: 'The status after.' }),
    actorKind: t.expose('actorKind', { type: ServiceActorKindEnum, description: 'In what capacity the actor took the step.' }),
    actor: t.field({
      type: VolunteerRef,
      nullable: true,
      description: 'The volunteer behind the acting account; null for anonymous requesters and staff accounts without a volunteer profile.',
      select: { actorAccount: { select: { volunteer: true } } },
      resolve: (e) => e.actorAccount?.volunteer ?? null,
    }),
    team: t.field({
      type: TeamRef,
      nullable: true,
      description: 'The team the order was with after this step, if any.',
      select: { teamId: true },
      resolve: (e, _args, ctx) => (e.teamId == null ? null : teamById(ctx, e.teamId)),
    }),
    note: t.exposeString('note', { nullable: true, description: 'The note given with the step (reason, summary, comment).' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
  }),
});

/** Teams by id, batched per request (the teams named in a page of histories: one query). */
function teamById(ctx: Context, id: number) {
  return requestLoader<number, Team | null>(ctx, 'orders:teams', async (ids) => {
    const rows = await ctx.prisma.team.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((i) => byId.get(i) ?? null);
  }).load(id);
}

export const ServiceOrderRef = keyedNode(builder.prismaNode('ServiceOrder', {
  description:
    'A resident’s request for a service (a menu item or a free-text need) and its way through the 点单–派单–接单–评单 loop. Visible to its requester, the serving team, managers of its site or above, and — while open for claim — leaders of teams that could claim it.',
  id: KEYED_ID,
  authScopes: (order) => ({ seeServiceOrder: scopeOf(order) }),
  fields: (t) => ({
    menuItem: t.relation('menuItem', { nullable: true, description: 'The menu item ordered; null for a free-text need.' }),
    category: t.expose('category', { type: ServiceCategoryEnum, description: 'The kind of service.' }),
    site: t.relation('site', { description: 'The site the order was placed with.' }),
    description: t.exposeString('description', { description: 'What is needed, in the requester’s words (may be empty for a menu item).' }),
    address: t.string({
      nullable: true,
      description: 'Where to serve. Personal data, visible as `requester.phone` is.',
      authScopes: (o) => ({ seeServiceOrderContact: scopeOf(o) }),
      resolve: (o) => o.address,
    }),
    wantedFrom: t.expose('wantedFrom', { type: 'DateTime', nullable: true, description: 'Earliest time the requester wants the service.' }),
    wantedUntil: t.expose('wantedUntil', { type: 'DateTime', nullable: true, description: 'Latest time the requester wants the service.' }),
    requester: t.field({
      type: ServiceRequesterRef,
      description: 'Who asked for it.',
      resolve: (o) => ({ name: o.requesterName, phone: o.requesterPhone, order: o }),
    }),
    status: t.expose('status', { type: ServiceOrderStatusEnum, description: 'Where the order is in its workflow.' }),
    nextStatuses: t.field({
      type: [ServiceOrderStatusEnum],
      description: 'The statuses the order can move to from here.',
      resolve: (o) => [...ORDER_TRANSITIONS[o.status]],
    }),
    team: t.relation('team', { nullable: true, description: 'The team it is dispatched to or accepted by.' }),
    placedAt: t.expose('placedAt', { type: 'DateTime', description: 'When it was placed.' }),
    dispatchDueAt: t.expose('dispatchDueAt', { type: 'DateTime', description: 'By when the site must dispatch it or open it for claim.' }),
    completeDueAt: t.expose('completeDueAt', { type: 'DateTime', description: 'By when it must be completed.' }),
    overdue: t.boolean({
      description: 'Whether it is late now: still PLACED after its dispatch deadline, or not completed after its completion deadline.',
      resolve: (o, _args, ctx) => isOverdue(o, ctx.clock.now()),
    }),
    respondedAt: t.expose('respondedAt', { type: 'DateTime', nullable: true, description: 'When the site first dispatched, opened or rejected it.' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When the service was completed.' }),
    serviceMinutes: t.exposeInt('serviceMinutes', { nullable: true, description: 'Minutes credited to each volunteer who served.' }),
    summary: t.exposeString('summary', { nullable: true, description: 'The team’s summary of the service.' }),
    rejectReason: t.exposeString('rejectReason', { nullable: true, description: 'Why the site declined it.' }),
    rating: t.field({ type: ServiceRatingRef, nullable: true, description: 'The requester’s rating, once given.', resolve: ratingOf }),
    history: t.relation('events', {
      description: 'Every step so far, oldest first.',
      query: { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] },
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
}));

// ---------------------------------------------------------------- public tracking view

type TrackedOrder = Prisma.ServiceOrderGetPayload<{
  include: { menuItem: { select: { name: true } }; events: { select: { toStatus: true; occurredAt: true } } };
}>;

const TrackingStepRef = builder.objectRef<{ toStatus: ServiceOrder['status']; occurredAt: Date }>('ServiceOrderTrackingStep').implement({
  description: 'A step of an order as the public tracking view shows it: status and time only.',
  fields: (t) => ({
    status: t.field({ type: ServiceOrderStatusEnum, description: 'The status reached.', resolve: (s) => s.toStatus }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When.' }),
  }),
});

export const ServiceOrderTrackingRef = builder.objectRef<TrackedOrder>('ServiceOrderTracking').implement({
  description: 'An order as anyone holding its tracking code sees it: progress without personal data (no name, phone, address or notes).',
  fields: (t) => ({
    status: t.field({ type: ServiceOrderStatusEnum, description: 'Where the order is.', resolve: (o) => o.status }),
    category: t.field({ type: ServiceCategoryEnum, description: 'The kind of service.', resolve: (o) => o.category }),
    menuItemName: t.string({ nullable: true, description: 'The menu item ordered, if any.', resolve: (o) => o.menuItem?.name ?? null }),
    site: t.prismaField({
      type: 'Site',
      description: 'The site handling it.',
      resolve: (query, o, _args, ctx) => ctx.prisma.site.findUniqueOrThrow({ ...query, where: { id: o.siteId } }),
    }),
    teamName: t.string({
      nullable: true,
      description: 'The name of the team serving it, once dispatched or accepted.',
      resolve: async (o, _args, ctx) =>
        o.teamId == null ? null : ((await ctx.prisma.team.findUnique({ where: { id: o.teamId }, select: { name: true } }))?.name ?? null),
    }),
    placedAt: t.field({ type: 'DateTime', description: 'When it was placed.', resolve: (o) => o.placedAt }),
    completeDueAt: t.field({ type: 'DateTime', description: 'By when it should be completed.', resolve: (o) => o.completeDueAt }),
    overdue: t.boolean({ description: 'Whether it is late now.', resolve: (o, _args, ctx) => isOverdue(o, ctx.clock.now()) }),
    rejectReason: t.string({ nullable: true, description: 'Why the site declined it.', resolve: (o) => o.rejectReason }),
    rating: t.field({ type: ServiceRatingRef, nullable: true, description: 'The rating given, if any.', resolve: ratingOf }),
    history: t.field({ type: [TrackingStepRef], description: 'Statuses reached so far, oldest first.', resolve: (o) => o.events }),
  }),
});

/** The order with a tracking code (or an id), shaped for the public view; null when no order has it. */
export function trackedOrder(ctx: Context, code: string | { id: number }): Promise<TrackedOrder | null> {
  const hash = typeof code === 'string' ? trackingCodeHash(code) : null;
  if (typeof code === 'string' && !hash) return Promise.resolve(null);
  return ctx.prisma.serviceOrder.findUnique({
    where: typeof code === 'string' ? { trackingCodeHash: hash! } : { id: code.id },
    include: {
      menuItem: { select: { name: true } },
      events: { select: { toStatus: true, occurredAt: true }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] },
    },
  });
}

// ---------------------------------------------------------------- queries

const ServiceOrderFilter = builder.inputType('ServiceOrderFilter', {
  description: 'Narrows a list of service orders. All given conditions must hold.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Only orders at this site or below it.' }),
    status: t.field({ type: [ServiceOrderStatusEnum], description: 'Only orders in one of these statuses.' }),
    category: t.field({ type: [ServiceCategoryEnum], description: 'Only orders of one of these categories.' }),
    teamId: t.globalID({ for: TeamRef, description: 'Only orders dispatched to or accepted by this team.' }),
    overdue: t.boolean({ description: 'true: only orders late now; false: only orders not late.' }),
    placedFrom: t.field({ type: 'DateTime', description: 'Only orders placed at or after this instant.' }),
    placedTo: t.field({ type: 'DateTime', description: 'Only orders placed before this instant.' }),
  }),
});

const ServiceOrderOrderField = builder.enumType('ServiceOrderOrderField', {
  description: 'What service orders can be sorted by.',
  values: {
    PLACED_AT: { description: 'Placement time.' },
    COMPLETE_DUE_AT: { description: 'Completion deadline.' },
    UPDATED_AT: { description: 'Last change.' },
  } as const,
});

const ServiceOrderOrder = builder.inputType('ServiceOrderOrder', {
  description: 'Sort order for service orders; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: ServiceOrderOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

const ORDER_COLUMN = { PLACED_AT: 'placedAt', COMPLETE_DUE_AT: 'completeDueAt', UPDATED_AT: 'updatedAt' } as const;

async function serviceOrderWhere(
  ctx: Context,
  filter: typeof ServiceOrderFilter.$inferInput | null | undefined,
): Promise<Prisma.ServiceOrderWhereInput> {
  const and: Prisma.ServiceOrderWhereInput[] = [await serviceOrderVisibility(ctx)];
  if (filter) {
    const siteId = filter.siteId?.id;
    if (siteId != null) and.push({ site: await subtreeFilter(ctx.prisma, siteId) });
    if (filter.status?.length) and.push({ status: { in: filter.status } });
    if (filter.category?.length) and.push({ category: { in: filter.category } });
    if (filter.teamId) and.push({ teamId: filter.teamId.id });
    if (filter.overdue != null) and.push(overdueWhere(ctx.clock.now(), filter.overdue));
    if (filter.placedFrom) and.push({ placedAt: { gte: filter.placedFrom } });
    if (filter.placedTo) and.push({ placedAt: { lt: filter.placedTo } });
  }
  return { AND: and };
}

const orderByOf = (order: typeof ServiceOrderOrder.$inferInput | null | undefined) => {
  const o = order ?? { field: 'PLACED_AT' as const, direction: 'DESC' as const };
  const direction = o.direction === 'DESC' ? ('desc' as const) : ('asc' as const);
  return [{ [ORDER_COLUMN[o.field]]: direction }, { id: direction }];
};

builder.queryFields((t) => ({
  serviceOrder: t.prismaField({
    type: 'ServiceOrder',
    nullable: true,
    description: 'A service order by global ID (null when unknown).',
    args: { id: t.arg.globalID({ for: ServiceOrderRef, required: true, description: 'The order’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.serviceOrder.findUnique({ ...query, where: { id: id.id } }),
  }),
  serviceOrders: t.prismaConnection(
    {
      type: 'ServiceOrder',
      cursor: 'id',
      // Refusable (README, Nullability): null with FORBIDDEN for anonymous callers, the rest of the query stands.
      nullable: true,
      authScopes: { authenticated: true },
      description: 'Service orders the viewer may see, filtered and sorted (newest first unless told otherwise). Needs a login (null with a FORBIDDEN error otherwise).',
      args: {
        filter: t.arg({ type: ServiceOrderFilter, description: 'Conditions the orders must meet.' }),
        orderBy: t.arg({ type: ServiceOrderOrder, description: 'Sort order; default PLACED_AT descending.' }),
      },
      totalCount: async (_parent, args, ctx) => ctx.prisma.serviceOrder.count({ where: await serviceOrderWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.serviceOrder.findMany({ ...query, where: await serviceOrderWhere(ctx, args.filter), orderBy: orderByOf(args.orderBy) }),
    },
    { name: 'ServiceOrderConnection', description: 'A page of service orders.' },
    { name: 'ServiceOrderEdge', description: 'A service order on a page.' },
  ),
  serviceOrderByTrackingCode: t.field({
    type: ServiceOrderTrackingRef,
    nullable: true,
    description: 'The public view of an order by its tracking code, for the requester without a login. Null for an unknown code.',
    args: { code: t.arg.string({ required: true, description: 'The tracking code given at placement, e.g. 7K3M-Q9XD-2PAB.' }) },
    resolve: (_root, { code }, ctx) => (code.length > 40 ? null : trackedOrder(ctx, code)),
  }),
}));

builder.prismaObjectField('Team', 'serviceOrders', (t) =>
  t.prismaConnection(
    {
      type: 'ServiceOrder',
      cursor: 'id',
      nullable: true,
      authScopes: { authenticated: true },
      description: 'Orders dispatched to or accepted by the team that the viewer may see, newest first.',
      args: { status: t.arg({ type: [ServiceOrderStatusEnum], description: 'Only orders in one of these statuses.' }) },
      totalCount: async (team, args, ctx) => ctx.prisma.serviceOrder.count({ where: await teamOrdersWhere(ctx, team.id, args.status) }),
      resolve: async (query, team, args, ctx) =>
        ctx.prisma.serviceOrder.findMany({
          ...query,
          where: await teamOrdersWhere(ctx, team.id, args.status),
          orderBy: [{ placedAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'TeamServiceOrderConnection', description: 'A page of a team’s service orders.' },
    { name: 'TeamServiceOrderEdge', description: 'A service order on a page.' },
  ),
);

async function teamOrdersWhere(ctx: Context, teamId: number, status: readonly ServiceOrder['status'][] | null | undefined) {
  return { AND: [await serviceOrderVisibility(ctx)], teamId, ...(status?.length && { status: { in: [...status] } }) };
}
