import type { ServiceOrderStatus } from '../generated/prisma/client.js';

/**
 * A change of a service order's status, returned by every rule that makes one and published by
 * the caller after the transaction commits (./publish.ts), never before.
 */
export interface OrderChange {
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
  return { orderId: order.id, status: order.status, previousStatus, occurredAt };
}
