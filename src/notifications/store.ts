import type { NotificationChannel, NotificationKind, Prisma } from '../generated/prisma/client.js';

import { enqueueWebhookDeliveries } from '../webhooks/service.js';

type Tx = Prisma.TransactionClient;

export const NOTIFICATION_CHANNELS = ['IN_APP', 'WEBHOOK'] as const satisfies readonly NotificationChannel[];

/** A notification about to be made. */
export interface NotificationDraft {
  recipientId: number;
  kind: NotificationKind;
  title: string;
  body: string;
  targetIds: string[];
  eventSequence: number | null;
  dedupeKey: string;
}

/** The once-only key of a notification derived from an outbox event. */
export const eventKey = (sequence: number, kind: NotificationKind, recipientId: number) => `event:${sequence}:${kind}:${recipientId}`;

/** Whether each recipient wants `kind` on `channel` (no row: yes). */
export async function wants(
  tx: Tx,
  recipientIds: readonly number[],
  kind: NotificationKind,
  channel: NotificationChannel,
): Promise<Map<number, boolean>> {
  const off = await tx.notificationPreference.findMany({
    where: { volunteerId: { in: [...new Set(recipientIds)] }, kind, channel, enabled: false },
    select: { volunteerId: true },
  });
  const refused = new Set(off.map((p) => p.volunteerId));
  return new Map(recipientIds.map((id) => [id, !refused.has(id)]));
}

/**
 * Writes notifications and their IN_APP delivery (DELIVERED, or SUPPRESSED when the recipient
 * turned the kind off in the app), and queues their webhook deliveries (src/webhooks) for
 * recipients who did not turn the kind off for WEBHOOK. A draft whose once-only key (or event, recipient and kind)
 * is already stored is skipped. Returns the ids made. Call with the worker's lock held, so ids
 * are handed out in commit order (the live hub reads them in that order).
 */
export async function storeNotifications(tx: Tx, drafts: readonly NotificationDraft[], now: Date): Promise<number[]> {
  if (drafts.length === 0) return [];
  const made: number[] = [];
  const byKind = new Map<NotificationKind, NotificationDraft[]>();
  for (const d of drafts) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
  for (const [kind, group] of byKind) {
    const inApp = await wants(tx, group.map((d) => d.recipientId), kind, 'IN_APP');
    const rows = await tx.notification.createManyAndReturn({
      data: group.map((d) => ({
        recipientId: d.recipientId,
        kind: d.kind,
        title: d.title,
        body: d.body,
        targetIds: d.targetIds,
        eventSequence: d.eventSequence == null ? null : BigInt(d.eventSequence),
        dedupeKey: d.dedupeKey,
        createdAt: now,
      })),
      skipDuplicates: true,
      select: { id: true, recipientId: true, kind: true, title: true, body: true, targetIds: true, createdAt: true },
    });
    if (rows.length === 0) continue;
    await tx.notificationDelivery.createMany({
      data: rows.map((r) => ({
        notificationId: r.id,
        channel: 'IN_APP' as const,
        status: inApp.get(r.recipientId) ? ('DELIVERED' as const) : ('SUPPRESSED' as const),
        attempts: inApp.get(r.recipientId) ? 1 : 0,
        updatedAt: now,
      })),
    });
    // The city's webhook endpoints, for recipients who did not turn the kind off there.
    const webhook = await wants(tx, rows.map((r) => r.recipientId), kind, 'WEBHOOK');
    const forWebhooks = rows.filter((r) => webhook.get(r.recipientId));
    const queued = await enqueueWebhookDeliveries(tx, forWebhooks.map((r) => ({ ...r, links: r.targetIds })), now);
    // Endpoints are chosen by kind, so a batch of one kind reaches the same endpoints or none.
    if (queued > 0) {
      await tx.notificationDelivery.createMany({
        data: forWebhooks.map((r) => ({ notificationId: r.id, channel: 'WEBHOOK' as const, status: 'PENDING' as const, updatedAt: now })),
      });
    }
    made.push(...rows.map((r) => r.id));
  }
  return made.sort((a, b) => a - b);
}

/** What a volunteer's in-app list shows: their notifications the app delivered. */
export function inAppWhere(recipientId: number, unreadOnly = false): Prisma.NotificationWhereInput {
  return {
    recipientId,
    deliveries: { some: { channel: 'IN_APP', status: 'DELIVERED' } },
    ...(unreadOnly ? { readAt: null } : {}),
  };
}
