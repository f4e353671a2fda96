import { GraphQLError } from 'graphql';
import { filter, pipe } from 'graphql-yoga';
import { builder } from '../builder.js';
import { whileSessionLasts } from '../auth/live-sessions.js';
import { forbidden } from '../auth/errors.js';
import { ledTeamSitePathsOf, orderVisibleTo } from '../auth/order-visibility.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { streamEvents } from '../events/live-events.js';
import type { ServiceOrderMessage } from './events.js';
import { atOrBelow, trackingCodeHash } from './rules.js';
import { ServiceOrderRef, ServiceOrderStatusEnum, ServiceOrderTrackingRef, trackedOrder } from './schema.js';

const ServiceOrderUpdateRef = builder.objectRef<ServiceOrderMessage>('ServiceOrderUpdate').implement({
  description: 'A service order was placed or changed status. The order is loaded when the update is delivered.',
  fields: (t) => ({
    status: t.field({ type: ServiceOrderStatusEnum, description: 'The status it moved to.', resolve: (m) => m.status }),
    previousStatus: t.field({
      type: ServiceOrderStatusEnum,
      nullable: true,
      description: 'The status it left; null when the order was just placed.',
      resolve: (m) => m.previousStatus,
    }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (m) => new Date(m.occurredAt) }),
    serviceOrder: t.prismaField({
      type: 'ServiceOrder',
      nullable: true,
      description: 'The order as it is now. Null (with a FORBIDDEN error) for subscribers by tracking code: they read `tracking`.',
      resolve: (query, m, _args, ctx) => ctx.prisma.serviceOrder.findUnique({ ...query, where: { id: m.orderId } }),
    }),
    tracking: t.field({
      type: ServiceOrderTrackingRef,
      nullable: true,
      description: 'The order as the public tracking view shows it.',
      resolve: (m, _args, ctx) => trackedOrder(ctx, { id: m.orderId }),
    }),
  }),
});

const ServiceOrderUpdatedFilter = builder.inputType('ServiceOrderUpdatedFilter', {
  description: 'Which order updates to receive. All given conditions must hold; none means every order you may see.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Orders at this site or any site below it (a dispatcher’s view).' }),
    teamId: t.globalID({ for: TeamRef, description: 'Orders dispatched to or accepted by this team.' }),
    orderId: t.globalID({ for: ServiceOrderRef, description: 'This order.' }),
    trackingCode: t.string({ description: 'The order with this tracking code: a requester following their order without logging in.' }),
  }),
});

function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

builder.subscriptionField('serviceOrderUpdated', (t) =>
  t.field({
    type: ServiceOrderUpdateRef,
    description:
      'Service orders as they are placed and move along, in order. Logged in, you receive the orders you may see (as in `serviceOrders`); with a tracking code, that one order.',
    args: { filter: t.arg({ type: ServiceOrderUpdatedFilter, description: 'Which updates to receive.' }) },
    subscribe: async (_root, args, ctx) => {
      const f = args.filter;
      let orderId = f?.orderId?.id;
      const teamId = f?.teamId?.id;
      const siteId = f?.siteId?.id;
      let visible: (m: ServiceOrderMessage) => boolean;
      if (f?.trackingCode != null) {
        const hash = f.trackingCode.length > 40 ? null : trackingCodeHash(f.trackingCode);
        const order = hash ? await ctx.prisma.serviceOrder.findUnique({ where: { trackingCodeHash: hash }, select: { id: true } }) : null;
        if (!order || (orderId != null && orderId !== order.id)) throw notFound('No order has this tracking code.');
        orderId = order.id;
        visible = () => true;
      } else {
        const viewer = ctx.viewer;
        if (!viewer) throw forbidden('Log in to follow service orders, or subscribe with a tracking code.');
        const teamPaths = await ledTeamSitePathsOf(ctx);
        visible = (m) => orderVisibleTo(viewer, m, teamPaths);
      }
      let sitePath: string | null = null;
      if (siteId != null) {
        const site = await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { path: true } });
        if (!site) throw notFound('No such site.');
        sitePath = site.path;
      }
      return whileSessionLasts(
        ctx,
        pipe(
          streamEvents(ctx.events, 'serviceOrder'),
          filter(
            (m: ServiceOrderMessage) =>
              (orderId == null || m.orderId === orderId) &&
              (teamId == null || m.teamId === teamId) &&
              (sitePath == null || atOrBelow(m.sitePath, sitePath)) &&
              visible(m),
          ),
        ),
      );
    },
    resolve: (m: ServiceOrderMessage) => m,
  }),
);
