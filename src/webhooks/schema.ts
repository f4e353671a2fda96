import { KEYED_ID, keyedNode } from '../common/ids.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { ConflictError } from '../common/errors.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import type { Prisma } from '../generated/prisma/client.js';
import { NotificationKindEnum, type NotificationKind } from '../notifications/kinds.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  replayWebhookDelivery,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from './service.js';

/* Webhook endpoints and their delivery log: ADMIN only, every field and mutation. */

const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a webhook delivery stands.',
  values: {
    PENDING: { description: 'Not delivered yet: due at `nextAttemptAt` (retried with backoff for 24 h).' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt failed for 24 h; no more are made unless it is replayed.' },
  } as const,
});

export const WebhookEndpointRef = keyedNode(builder.prismaNode('WebhookEndpoint', {
  description:
    'An HTTP(S) endpoint that receives notifications of chosen kinds as signed POSTs (JSON body; headers `X-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Signature-Timestamp>.<body>")>`, `X-Signature-Timestamp` in Unix seconds, `Idempotency-Key` the same on every attempt). ADMIN only.',
  id: KEYED_ID,
  authScopes: { admin: true },
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where deliveries are POSTed (http or https).' }),
    kinds: t.field({
      type: [NotificationKindEnum],
      description: 'The kinds of notification it receives.',
      resolve: (e) => e.kinds as NotificationKind[],
    }),
    description: t.exposeString('description', { nullable: true, description: 'What the endpoint is for, e.g. “短信网关”.' }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether new notifications are queued for it (queued deliveries are still sent).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it (or its secret) last changed.' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        description: 'Its deliveries, newest first.',
        cursor: 'id',
        totalCount: true,
        args: { status: t.arg({ type: WebhookDeliveryStatusEnum, description: 'Only deliveries in this status.' }) },
        query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: { id: 'desc' } }),
      },
      { name: 'WebhookEndpointDeliveriesConnection', description: 'A page of an endpoint’s deliveries.' },
      { name: 'WebhookEndpointDeliveriesEdge', description: 'One of an endpoint’s deliveries on a page.' },
    ),
  }),
}));

export const WebhookDeliveryRef = keyedNode(builder.prismaNode('WebhookDelivery', {
  description: 'One notification sent (or being sent) to one webhook endpoint: its log. ADMIN only.',
  id: KEYED_ID,
  authScopes: { admin: true },
  fields: (t) => ({
    endpoint: t.relation('endpoint', { description: 'The endpoint it goes to.' }),
    notificationId: t.exposeID('notificationId', { description: 'The global ID of the notification it carries.' }),
    kind: t.field({ type: NotificationKindEnum, description: 'The notification’s kind.', resolve: (d) => d.kind as NotificationKind }),
    idempotencyKey: t.exposeString('idempotencyKey', { description: 'The Idempotency-Key header, the same on every attempt and replay.' }),
    body: t.exposeString('body', { description: 'The exact JSON body each attempt sends.' }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'Where it stands.' }),
    attempts: t.exposeInt('attempts', { description: 'How many attempts have been made (replays included).' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: 'The HTTP status of the last attempt; null if none answered.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed (status and start of the body, timeout, connection error); null after a success.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When the last attempt started.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When the next attempt is due; null once delivered or given up.' }),
    giveUpAt: t.expose('giveUpAt', { type: 'DateTime', description: 'Retries stop after this (24 h after it was queued or last replayed).' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the endpoint accepted it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was queued.' }),
  }),
}));

const WebhookDeliveryFilter = builder.inputType('WebhookDeliveryFilter', {
  description: 'Narrows the delivery log.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointRef, description: 'Deliveries to this endpoint.' }),
    status: t.field({ type: WebhookDeliveryStatusEnum, description: 'Deliveries in this status.' }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.prismaConnection(
    {
      type: 'WebhookEndpoint',
      cursor: 'id',
      description: 'Every registered webhook endpoint, oldest first. ADMIN only; secrets are never shown.',
      authScopes: { admin: true },
      totalCount: (_root, _args, ctx) => ctx.prisma.webhookEndpoint.count(),
      resolve: (query, _root, _args, ctx) => ctx.prisma.webhookEndpoint.findMany({ ...query, orderBy: { id: 'asc' } }),
    },
    { name: 'WebhookEndpointConnection', description: 'A page of webhook endpoints.' },
    { name: 'WebhookEndpointEdge', description: 'A webhook endpoint on a page.' },
  ),
);

function deliveryWhere(filter: typeof WebhookDeliveryFilter.$inferInput | null | undefined): Prisma.WebhookDeliveryWhereInput {
  return {
    ...(filter?.endpointId ? { endpointId: filter.endpointId.id } : {}),
    ...(filter?.status ? { status: filter.status } : {}),
  };
}

builder.queryField('webhookDeliveries', (t) =>
  t.prismaConnection(
    {
      type: 'WebhookDelivery',
      cursor: 'id',
      description: 'The webhook delivery log across endpoints, newest first. ADMIN only.',
      authScopes: { admin: true },
      args: { filter: t.arg({ type: WebhookDeliveryFilter, description: 'Conditions the deliveries must meet.' }) },
      totalCount: (_root, args, ctx) => ctx.prisma.webhookDelivery.count({ where: deliveryWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.webhookDelivery.findMany({ ...query, where: deliveryWhere(args.filter), orderBy: { id: 'desc' } }),
    },
    { name: 'WebhookDeliveryConnection', description: 'A page of webhook deliveries.' },
    { name: 'WebhookDeliveryEdge', description: 'A webhook delivery on a page.' },
  ),
);

/** `{ endpoint }` (and the secret, when the mutation set one). */
function endpointPayload(name: string, description: string, withSecret: boolean) {
  return builder.objectRef<{ endpoint: { id: number }; secret?: string }>(name).implement({
    description,
    fields: (t) => ({
      endpoint: t.prismaField({
        type: 'WebhookEndpoint',
        description: 'The endpoint.',
        resolve: (query, p, _args, ctx) => ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: p.endpoint.id } }),
      }),
      ...(withSecret
        ? { secret: t.string({ description: 'The signing secret; shown only this once.', resolve: (p) => p.secret! }) }
        : {}),
    }),
  });
}

const errors = (name: string, description: string, extra: readonly (new (...args: never[]) => Error)[] = []) => ({
  types: [...COMMON_ERRORS, ...extra],
  directResult: true as const,
  union: { name, description },
});

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  description: 'A new webhook endpoint.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'An absolute http:// or https:// URL (no user name or password in it); at most 2000 characters.' }),
    secret: t.string({ description: 'The signing secret, 16–200 characters; generated when omitted.' }),
    kinds: t.field({ type: [NotificationKindEnum], required: true, description: 'The kinds of notification to send it (at least one).' }),
    description: t.string({ description: 'What it is for, at most 200 characters.' }),
    enabled: t.boolean({ description: 'Whether it receives deliveries at once (default true).' }),
  }),
});

builder.mutationField('createWebhookEndpoint', (t) =>
  t.field({
    description: 'Registers a webhook endpoint. ADMIN only.',
    authScopes: { admin: true },
    type: endpointPayload('CreateWebhookEndpointPayload', 'The endpoint is registered. Copy the secret now: it is not shown again.', true),
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true, description: 'The URL, secret and kinds.' }) },
    errors: errors('CreateWebhookEndpointResult', 'The new endpoint and its secret, or why not.'),
    resolve: (_root, { input }, ctx) => createWebhookEndpoint(ctx.prisma, input, ctx.clock.now()),
  }),
);

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  description: 'Changes to a webhook endpoint; what is omitted stays.',
  fields: (t) => ({
    id: t.globalID({ for: WebhookEndpointRef, required: true, description: 'The endpoint.' }),
    url: t.string({ description: 'A new http:// or https:// URL.' }),
    kinds: t.field({ type: [NotificationKindEnum], description: 'The kinds it now receives (at least one).' }),
    description: t.string({ description: 'A new description; blank clears it.' }),
    enabled: t.boolean({ description: 'Turns new deliveries on or off.' }),
  }),
});

builder.mutationField('updateWebhookEndpoint', (t) =>
  t.field({
    description: 'Changes a webhook endpoint’s URL, kinds, description or whether it is enabled. ADMIN only.',
    authScopes: { admin: true },
    type: endpointPayload('UpdateWebhookEndpointPayload', 'The endpoint as changed.', false),
    args: { input: t.arg({ type: UpdateWebhookEndpointInput, required: true, description: 'The endpoint and its changes.' }) },
    errors: errors('UpdateWebhookEndpointResult', 'The changed endpoint, or why not.'),
    resolve: async (_root, { input }, ctx) => ({
      endpoint: await updateWebhookEndpoint(ctx.prisma, input.id.id, input, ctx.clock.now()),
    }),
  }),
);

const WebhookEndpointIdInput = builder.inputType('WebhookEndpointIdInput', {
  description: 'One webhook endpoint.',
  fields: (t) => ({
    id: t.globalID({ for: WebhookEndpointRef, required: true, description: 'The endpoint.' }),
  }),
});

builder.mutationField('deleteWebhookEndpoint', (t) =>
  t.field({
    description: 'Deletes a webhook endpoint and its delivery log; nothing more is sent to it. ADMIN only.',
    authScopes: { admin: true },
    type: builder.objectRef<{ id: string }>('DeleteWebhookEndpointPayload').implement({
      description: 'The endpoint is gone.',
      fields: (f) => ({ deletedEndpointId: f.exposeID('id', { description: 'The global ID the endpoint had.' }) }),
    }),
    args: { input: t.arg({ type: WebhookEndpointIdInput, required: true, description: 'The endpoint.' }) },
    errors: errors('DeleteWebhookEndpointResult', 'The deleted endpoint’s ID, or why not.'),
    resolve: async (_root, { input }, ctx) => {
      await deleteWebhookEndpoint(ctx.prisma, input.id.id);
      return { id: encodeGlobalID('WebhookEndpoint', input.id.id) };
    },
  }),
);

const RotateWebhookEndpointSecretInput = builder.inputType('RotateWebhookEndpointSecretInput', {
  description: 'The endpoint whose secret to replace.',
  fields: (t) => ({
    id: t.globalID({ for: WebhookEndpointRef, required: true, description: 'The endpoint.' }),
    secret: t.string({ description: 'The new secret, 16–200 characters; generated when omitted.' }),
  }),
});

builder.mutationField('rotateWebhookEndpointSecret', (t) =>
  t.field({
    description: 'Replaces an endpoint’s signing secret; every attempt from now on is signed with the new one. ADMIN only.',
    authScopes: { admin: true },
    type: endpointPayload('RotateWebhookEndpointSecretPayload', 'The secret is replaced. Copy it now: it is not shown again.', true),
    args: { input: t.arg({ type: RotateWebhookEndpointSecretInput, required: true, description: 'The endpoint (and optionally the new secret).' }) },
    errors: errors('RotateWebhookEndpointSecretResult', 'The endpoint and its new secret, or why not.'),
    resolve: (_root, { input }, ctx) => rotateWebhookEndpointSecret(ctx.prisma, input.id.id, input, ctx.clock.now()),
  }),
);

const ReplayWebhookDeliveryInput = builder.inputType('ReplayWebhookDeliveryInput', {
  description: 'The delivery to send again.',
  fields: (t) => ({
    id: t.globalID({ for: WebhookDeliveryRef, required: true, description: 'The delivery.' }),
  }),
});

builder.mutationField('replayWebhookDelivery', (t) =>
  t.field({
    description:
      'Sends a delivery again (delivered or failed alike) with the same body and Idempotency-Key: due at once, then retried for another 24 h. ADMIN only.',
    authScopes: { admin: true },
    type: builder.objectRef<{ id: number }>('ReplayWebhookDeliveryPayload').implement({
      description: 'The delivery is queued again.',
      fields: (f) => ({
        delivery: f.prismaField({
          type: 'WebhookDelivery',
          description: 'The delivery, now PENDING.',
          resolve: (query, p, _args, ctx) => ctx.prisma.webhookDelivery.findUniqueOrThrow({ ...query, where: { id: p.id } }),
        }),
      }),
    }),
    args: { input: t.arg({ type: ReplayWebhookDeliveryInput, required: true, description: 'The delivery.' }) },
    errors: errors('ReplayWebhookDeliveryResult', 'The queued delivery, or why not.', [ConflictError]),
    resolve: (_root, { input }, ctx) => replayWebhookDelivery(ctx.prisma, input.id.id, ctx.clock.now()),
  }),
);
