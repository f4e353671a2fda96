import { createHash, createHmac, randomBytes } from 'node:crypto';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { optionalText, parseInput } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, WebhookDelivery, WebhookEndpoint } from '../generated/prisma/client.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../notifications/kinds.js';

/*
 * Webhooks: an ADMIN registers an endpoint (URL, secret, the kinds it wants); every notification
 * of those kinds becomes one durable delivery row per endpoint, which src/webhooks/worker.ts sends
 * as a signed POST and retries with exponential backoff for up to 24 hours.
 *
 * SSRF: only http:// and https:// URLs are accepted (no file:, data:, ftp:, gopher: …), without
 * user:password in them, and the worker never follows redirects (a 3xx is a failed attempt), so a
 * registered URL cannot be bent into another scheme or host. Private and loopback addresses ARE
 * allowed on purpose: the city's SMS and WeChat gateways run on its own network. Only an ADMIN can
 * register a URL, and the response body is never shown (only its status and first 200 characters
 * in `lastError`, to the ADMIN).
 */

/** How long a delivery keeps being retried after it was queued (or replayed). */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Signature header: `sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const SIGNATURE_HEADER = 'x-signature';
/** Unix seconds at which the attempt was signed (part of the signed text). */
export const TIMESTAMP_HEADER = 'x-signature-timestamp';
/** The same on every attempt and replay of a delivery. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The signature of one attempt. Receivers recompute it over the raw body and compare in constant time. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const webhookUrl = z
  .string()
  .trim()
  .max(2000, 'url may be at most 2000 characters')
  .superRefine((value, issue) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      issue.addIssue({ code: 'custom', message: 'url must be an absolute http:// or https:// URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      issue.addIssue({ code: 'custom', message: `url must use http or https, not ${url.protocol.replace(':', '')}` });
    } else if (url.username || url.password) {
      issue.addIssue({ code: 'custom', message: 'url must not carry a user name or password' });
    }
  });

const secret = z.string().min(16, 'secret must be at least 16 characters').max(200, 'secret may be at most 200 characters');
const kinds = z
  .array(z.enum(NOTIFICATION_KINDS))
  .min(1, 'choose at least one kind')
  .transform((list) => [...new Set(list)]);

const CreateInput = z.object({
  url: webhookUrl,
  secret: secret.nullish(),
  kinds,
  description: optionalText('description', 200),
  enabled: z.boolean().nullish(),
});

export async function createWebhookEndpoint(
  prisma: PrismaClient,
  raw: z.input<typeof CreateInput>,
  now: Date,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const input = parseInput(CreateInput, raw);
  const key = input.secret ?? newSecret();
  const endpoint = await prisma.webhookEndpoint.create({
    data: {
      url: input.url,
      secret: key,
      kinds: input.kinds,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    },
  });
  return { endpoint, secret: key };
}

const UpdateInput = z.object({
  url: webhookUrl.nullish(),
  kinds: kinds.nullish(),
  description: optionalText('description', 200),
  enabled: z.boolean().nullish(),
});

/** Changes what is given; null or absent fields stay (a blank description clears it). */
export async function updateWebhookEndpoint(
  prisma: PrismaClient,
  id: number,
  raw: z.input<typeof UpdateInput>,
  now: Date,
): Promise<WebhookEndpoint> {
  const input = parseInput(UpdateInput, raw);
  const data: Prisma.WebhookEndpointUpdateInput = { updatedAt: now };
  if (input.url != null) data.url = input.url;
  if (input.kinds != null) data.kinds = input.kinds;
  if (input.description !== undefined) data.description = input.description;
  if (input.enabled != null) data.enabled = input.enabled;
  const { count } = await prisma.webhookEndpoint.updateMany({ where: { id }, data: data as Prisma.WebhookEndpointUpdateManyMutationInput });
  if (!count) throw new NotFoundError('WebhookEndpoint', id);
  return prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
}

/** Deletes an endpoint with its delivery log; deliveries in flight finish but are not recorded. */
export async function deleteWebhookEndpoint(prisma: PrismaClient, id: number): Promise<void> {
  const { count } = await prisma.webhookEndpoint.deleteMany({ where: { id } });
  if (!count) throw new NotFoundError('WebhookEndpoint', id);
}

/** A new signing secret (given, or generated), used from the next attempt on. */
export async function rotateWebhookEndpointSecret(
  prisma: PrismaClient,
  id: number,
  raw: { secret?: string | null },
  now: Date,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const input = parseInput(z.object({ secret: secret.nullish() }), raw);
  const key = input.secret ?? newSecret();
  const { count } = await prisma.webhookEndpoint.updateMany({ where: { id }, data: { secret: key, updatedAt: now } });
  if (!count) throw new NotFoundError('WebhookEndpoint', id);
  return { endpoint: await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } }), secret: key };
}

/**
 * Sends a delivery again from now, with the same body and idempotency key, whatever its status:
 * it is due at once and retried for another 24 hours. Refused while a worker is sending it.
 */
export async function replayWebhookDelivery(prisma: PrismaClient, id: number, now: Date): Promise<WebhookDelivery> {
  const { count } = await prisma.webhookDelivery.updateMany({
    where: { id, OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] },
    data: { status: 'PENDING', nextAttemptAt: now, giveUpAt: new Date(now.getTime() + RETRY_WINDOW_MS), deliveredAt: null },
  });
  if (!count) {
    const exists = await prisma.webhookDelivery.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw new NotFoundError('WebhookDelivery', id);
    throw new ConflictError('This delivery is being sent right now; replay it once the attempt has finished.');
  }
  return prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
}

/** What the notification worker hands over: one notification, as it was stored. */
export interface NotificationLike {
  /** The notification's database id or global ID. */
  id: number | string;
  kind: NotificationKind;
  /** The recipient volunteer's database id or global ID. */
  recipientId: number | string;
  title: string;
  body: string;
  /** Global IDs of what the notification is about (a shift, an order …). */
  links: readonly string[];
  createdAt: Date;
}

const globalId = (typename: string, id: number | string) => (typeof id === 'number' ? encodeGlobalID(typename, id) : id);

/**
 * Queues one delivery of each notification for every enabled endpoint that wants its kind, in the
 * caller's transaction (so notifications and their deliveries commit together, or neither does).
 * Calling it again for the same notification adds nothing: one delivery per notification and endpoint.
 * One endpoint query serves the whole batch. Returns how many deliveries were queued.
 */
export async function enqueueWebhookDeliveries(
  tx: Prisma.TransactionClient,
  notifications: NotificationLike | readonly NotificationLike[],
  now?: Date,
): Promise<number> {
  const batch: readonly NotificationLike[] = Array.isArray(notifications) ? notifications : [notifications as NotificationLike];
  if (!batch.length) return 0;
  const kinds = [...new Set(batch.map((n) => n.kind))];
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { enabled: true, kinds: { hasSome: kinds } },
    select: { id: true, kinds: true },
    orderBy: { id: 'asc' },
  });
  if (!endpoints.length) return 0;
  const data = batch.flatMap((notification) => {
    const queuedAt = now ?? notification.createdAt;
    const notificationId = globalId('Notification', notification.id);
    const body = JSON.stringify({
      type: 'notification',
      notification: {
        id: notificationId,
        kind: notification.kind,
        recipientId: globalId('Volunteer', notification.recipientId),
        title: notification.title,
        body: notification.body,
        links: [...notification.links],
        createdAt: notification.createdAt.toISOString(),
      },
    });
    return endpoints
      .filter((endpoint) => endpoint.kinds.includes(notification.kind))
      .map((endpoint) => ({
        endpointId: endpoint.id,
        notificationId,
        kind: notification.kind,
        idempotencyKey: `whd_${createHash('sha256').update(`${notificationId}|${endpoint.id}`).digest('hex').slice(0, 32)}`,
        body,
        nextAttemptAt: queuedAt,
        giveUpAt: new Date(queuedAt.getTime() + RETRY_WINDOW_MS),
        createdAt: queuedAt,
      }));
  });
  if (!data.length) return 0;
  const { count } = await tx.webhookDelivery.createMany({ data, skipDuplicates: true });
  return count;
}

/**
 * Mirrors a notification's webhook deliveries (one per endpoint) into its WEBHOOK channel row,
 * which `Notification.deliveries` shows: PENDING while any is still being tried, FAILED when one
 * gave up, DELIVERED when all arrived. A notification with no such row (a delivery queued by hand)
 * is left alone.
 */
export async function settleWebhookChannel(prisma: PrismaClient, notificationGlobalId: string, now: Date): Promise<void> {
  let notificationId: number;
  try {
    notificationId = Number(decodeGlobalID(notificationGlobalId).id);
  } catch {
    return;
  }
  if (!Number.isSafeInteger(notificationId)) return;
  const rows = await prisma.webhookDelivery.findMany({
    where: { notificationId: notificationGlobalId },
    select: { status: true, attempts: true, lastError: true },
    orderBy: { id: 'asc' },
  });
  if (!rows.length) return;
  const status = rows.some((r) => r.status === 'PENDING') ? 'PENDING' : rows.some((r) => r.status === 'FAILED') ? 'FAILED' : 'DELIVERED';
  await prisma.notificationDelivery.updateMany({
    where: { notificationId, channel: 'WEBHOOK' },
    data: {
      status,
      attempts: rows.reduce((sum, r) => sum + r.attempts, 0),
      lastError: rows.findLast((r) => r.lastError != null)?.lastError ?? null,
      updatedAt: now,
    },
  });
}
