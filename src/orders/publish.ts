import type { Context } from '../context.js';
import type { ServiceOrderStatus } from '../generated/prisma/client.js';
import type { OrderChange } from './events.js';

/** What is published when a service order changes status. Ids only; subscribers re-load the order. */
export interface ServiceOrderMessage {
  orderId: number;
  status: ServiceOrderStatus;
  previousStatus: ServiceOrderStatus | null;
  /** ISO 8601 instant. */
  occurredAt: string;
  siteId: number;
  /** Materialised path of the order's site, for "this site and below" matching. */
  sitePath: string;
  teamId: number | null;
  requesterAccountId: number | null;
}

/**
 * Publishes a service-order change to live subscribers — the one place this domain publishes.
 * Call it only after the transaction that made the change has committed.
 */
export async function publishOrderChange(ctx: Context, change: OrderChange): Promise<void> {
  const order = await ctx.prisma.serviceOrder.findUnique({
    where: { id: change.orderId },
    select: { siteId: true, teamId: true, requesterAccountId: true, site: { select: { path: true } } },
  });
  if (!order) return;
  ctx.pubsub.publish('serviceOrderUpdated', {
    orderId: change.orderId,
    status: change.status,
    previousStatus: change.previousStatus,
    occurredAt: change.occurredAt.toISOString(),
    siteId: order.siteId,
    sitePath: order.site.path,
    teamId: order.teamId,
    requesterAccountId: order.requesterAccountId,
  });
}
