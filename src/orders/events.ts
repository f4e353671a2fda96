import type { ServiceOrderStatus } from '../generated/prisma/client.js';

/**
 * A change of a service order's status, returned by every rule that makes one. The command runner
 * (src/common/command.ts) writes it to the outbox in the rule's transaction, so a rolled-back step
 * is never announced and a committed one always is.
 */
export interface OrderChange {
  stream: 'serviceOrder';
  orderId: number;
  status: ServiceOrderStatus;
  previousStatus: ServiceOrderStatus | null;
  occurredAt: Date;
}

export function orderChange(
  order: { id: number; status: ServiceOrderStatus },
  previousStatus: ServiceOrderStatus | null,
  occurredAt: Date,
): OrderChange {
  return { stream: 'serviceOrder', orderId: order.id, status: order.status, previousStatus, occurredAt };
}

/**
 * A service-order change as stored in the outbox and delivered to subscribers. Ids only
 * (subscribers re-load the order) plus what subscriptions filter on, read in the rule's transaction.
 */
export interface ServiceOrderMessage {
  /** Position in the one order of live events (src/events/outbox.ts). */
  sequence: number;
  stream: 'serviceOrder';
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
