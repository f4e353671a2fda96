import { DailyServiceLimitError } from '../roster/credit.js';
import { requireViewer } from '../auth/viewer.js';
import { builder } from '../builder.js';
import { ConflictError, ValidationError } from '../common/errors.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, ErrorInterface, statusTransitionErrorType } from '../common/schema-base.js';
import type { KeyedId } from '../common/ids.js';
import type { Context } from '../context.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { ServiceOrderRateLimitError } from './errors.js';
import { command } from '../common/command.js';
import { trackingCodeHash } from './rules.js';
import {
  ServiceCategoryEnum,
  ServiceMenuItemRef,
  ServiceOrderRef,
  ServiceOrderTrackingRef,
  trackedOrder,
} from './schema.js';
import { placeOrder } from './service.js';
import { type Actor, type OrderStep, type OrderStepInput, type StepResult, runOrderStep } from './workflow.js';
import { ServiceOrderStatusTransitionError } from './workflow.js';
import { ServiceOrderStatusEnum } from './schema.js';

const RateLimitKindEnum = builder.enumType('ServiceOrderRateLimitKind', {
  description: 'Which ordering limit was reached.',
  values: {
    PHONE: { description: 'Orders without logging in per phone number in 24 hours.' },
    ADDRESS: { description: 'Orders per address in 24 hours (counted separately for anonymous and logged-in placements).' },
    ACCOUNT: { description: 'Orders placed by one logged-in account in 24 hours.' },
  } as const,
});

builder.objectType(ServiceOrderRateLimitError, {
  name: 'ServiceOrderRateLimitError',
  description:
    'Too many orders in 24 hours: without logging in, from this phone number or for this address; logged in, from this account or for this address.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limitedBy: t.field({ type: RateLimitKindEnum, description: 'Which limit was reached.', resolve: (e) => e.limitedBy }),
    limit: t.exposeInt('limit', { description: 'How many orders the limit allows in 24 hours.' }),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds until another order is accepted.' }),
  }),
});

const WORKFLOW_ERRORS = [...COMMON_ERRORS, ServiceOrderStatusTransitionError, ConflictError, DailyServiceLimitError] as const;

const OrderPayload = (name: string, description: string) =>
  payloadType(name, description, 'serviceOrder', ServiceOrderRef, 'The order as it now stands.');

/** Runs a workflow step as a command (its event goes through the outbox) and returns the payload. */
async function orderStep<K extends OrderStep>(ctx: Context, name: K, input: OrderStepInput<K>, actor: Actor) {
  const { order } = await command(ctx, (tx) =>
    runOrderStep(tx, name, input, { actor, now: ctx.clock.now(), recorder: ctx.viewer ? requireViewer(ctx.viewer) : undefined }),
  );
  return { serviceOrder: order };
}

/** For the requester's steps: the full order only to the logged-in requester, the public view to everyone. */
const RequesterPayload = (name: string, description: string) =>
  builder.objectRef<{ order: StepResult['order'] }>(name).implement({
    description,
    fields: (t) => ({
      serviceOrder: t.field({
        type: ServiceOrderRef,
        nullable: true,
        description: 'The order as it now stands; null unless logged in as its requester (use `tracking`).',
        resolve: (p, _args, ctx) => (ctx.viewer && p.order.requesterAccountId === ctx.viewer.accountId ? p.order : null),
      }),
      tracking: t.field({
        type: ServiceOrderTrackingRef,
        description: 'The order as the public tracking view shows it.',
        resolve: async (p, _args, ctx) => (await trackedOrder(ctx, { id: p.order.id }))!,
      }),
    }),
  });

const staff = (ctx: Context): Actor => ({ kind: 'STAFF', accountId: ctx.viewer?.accountId ?? null });
const requester = (ctx: Context): Actor => ({ kind: 'REQUESTER', accountId: ctx.viewer?.accountId ?? null });

// ---------------------------------------------------------------- 点单

const PlaceServiceOrderInput = builder.inputType('PlaceServiceOrderInput', {
  description: 'A request for a service. Logged in, name and phone default to your own.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site to ask (usually the nearest station).' }),
    menuItemId: t.globalID({ for: ServiceMenuItemRef, description: 'The menu item wanted (from the site’s menu or above); omit for a free-text need.' }),
    category: t.field({ type: ServiceCategoryEnum, description: 'For a free-text need: its category. With a menu item it must match or be omitted.' }),
    description: t.string({ description: 'What is needed, up to 2000 characters; required without a menu item.' }),
    address: t.string({ required: true, description: 'Where to serve, up to 200 characters.' }),
    wantedFrom: t.field({ type: 'DateTime', description: 'Earliest time the service is wanted.' }),
    wantedUntil: t.field({ type: 'DateTime', description: 'Latest time the service is wanted; after wantedFrom and in the future.' }),
    requesterName: t.string({ description: 'Your name, up to 50 characters (required when not logged in as a volunteer).' }),
    requesterPhone: t.string({ description: 'Your mainland mobile number (required when not logged in).' }),
  }),
});

const PlaceServiceOrderPayload = builder
  .objectRef<{ order: Awaited<ReturnType<typeof placeOrder>>['order']; trackingCode: string; anonymous: boolean }>('PlaceServiceOrderPayload')
  .implement({
    description: 'The order was placed.',
    fields: (t) => ({
      trackingCode: t.exposeString('trackingCode', {
        description: 'The code to follow, cancel and rate the order without logging in. Shown only now: keep it.',
      }),
      tracking: t.field({
        type: ServiceOrderTrackingRef,
        description: 'The order as the public tracking view shows it.',
        resolve: async (p, _args, ctx) => (await trackedOrder(ctx, p.trackingCode))!,
      }),
      serviceOrder: t.field({
        type: ServiceOrderRef,
        nullable: true,
        description: 'The full order; null when placed anonymously (use `tracking`).',
        resolve: (p) => (p.anonymous ? null : p.order),
      }),
    }),
  });

// The transition error of this status machine, with its statuses typed (src/common/schema-base.ts).
statusTransitionErrorType(ServiceOrderStatusTransitionError, 'ServiceOrderStatusTransitionError', 'A service order', ServiceOrderStatusEnum);

builder.mutationField('placeServiceOrder', (t) =>
  t.field({
    description:
      'Places a service order (点单). Anyone may: anonymous residents get a tracking code and are limited to 3 orders per phone and 5 per address in 24 hours; logged-in users place as themselves, at most 10 per account and 10 per address in 24 hours.',
    type: PlaceServiceOrderPayload,
    args: { input: t.arg({ type: PlaceServiceOrderInput, required: true, description: 'The request.' }) },
    errors: {
      types: [...COMMON_ERRORS, ServiceOrderRateLimitError],
      directResult: true,
      union: { name: 'PlaceServiceOrderResult', description: 'The placed order, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer;
      const placer = viewer
        ? {
            accountId: viewer.accountId,
            phone: viewer.phone,
            name:
              viewer.volunteerId == null
                ? null
                : ((await ctx.prisma.volunteer.findUnique({ where: { id: viewer.volunteerId }, select: { name: true } }))?.name ?? null),
          }
        : null;
      const raw = { ...input, siteId: input.siteId.id, menuItemId: input.menuItemId?.id };
      const { order, trackingCode } = await command(ctx, (tx) => placeOrder(tx, raw, placer, ctx.clock.now()));
      return { order, trackingCode, anonymous: !viewer };
    },
  }),
);

// ---------------------------------------------------------------- 派单 and 接单

const noteField = (description = 'A note for the history, up to 500 characters.') => ({ description });

const DispatchServiceOrderInput = builder.inputType('DispatchServiceOrderInput', {
  description: 'An order and the team to dispatch it to.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, required: true, description: 'The order.' }),
    teamId: t.globalID({ for: TeamRef, required: true, description: 'A team of the order’s site or a site below it.' }),
    note: t.string(noteField()),
  }),
});

builder.mutationField('dispatchServiceOrder', (t) =>
  t.field({
    description: 'Dispatches an order to a team (派单); the team accepts it with claimServiceOrder. Needs a manager of the order’s site or above.',
    authScopes: (_root, args) => ({ manageServiceOrder: args.input.id }),
    type: OrderPayload('DispatchServiceOrderPayload', 'The order was dispatched.'),
    args: { input: t.arg({ type: DispatchServiceOrderInput, required: true, description: 'The order and team.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'DispatchServiceOrderResult', description: 'The order, or why it was refused.' } },
    resolve: (_root, { input }, ctx) =>
      orderStep(ctx, 'dispatch', { orderId: input.id.id, teamId: input.teamId.id, note: input.note }, staff(ctx)),
  }),
);

const ServiceOrderNoteInput = builder.inputType('ServiceOrderNoteInput', {
  description: 'An order and an optional note for its history.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, required: true, description: 'The order.' }),
    note: t.string(noteField()),
  }),
});

builder.mutationField('openServiceOrderForClaim', (t) =>
  t.field({
    description: 'Opens an order for any team of its site or below to claim. Needs a manager of the order’s site or above.',
    authScopes: (_root, args) => ({ manageServiceOrder: args.input.id }),
    type: OrderPayload('OpenServiceOrderForClaimPayload', 'The order is open for claim.'),
    args: { input: t.arg({ type: ServiceOrderNoteInput, required: true, description: 'The order.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'OpenServiceOrderForClaimResult', description: 'The order, or why it was refused.' } },
    resolve: (_root, { input }, ctx) =>
      orderStep(ctx, 'openForClaim', { orderId: input.id.id, note: input.note }, staff(ctx)),
  }),
);

const RejectServiceOrderInput = builder.inputType('RejectServiceOrderInput', {
  description: 'An order to decline and why.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, required: true, description: 'The order.' }),
    reason: t.string({ required: true, description: 'Why, 1–500 characters; the requester sees it.' }),
  }),
});

builder.mutationField('rejectServiceOrder', (t) =>
  t.field({
    description: 'Declines an order no team has accepted yet. Needs a manager of the order’s site or above.',
    authScopes: (_root, args) => ({ manageServiceOrder: args.input.id }),
    type: OrderPayload('RejectServiceOrderPayload', 'The order was declined.'),
    args: { input: t.arg({ type: RejectServiceOrderInput, required: true, description: 'The order and reason.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'RejectServiceOrderResult', description: 'The order, or why it was refused.' } },
    resolve: (_root, { input }, ctx) =>
      orderStep(ctx, 'reject', { orderId: input.id.id, reason: input.reason }, staff(ctx)),
  }),
);

const ClaimServiceOrderInput = builder.inputType('ClaimServiceOrderInput', {
  description: 'An order and the team taking it.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, required: true, description: 'The order.' }),
    teamId: t.globalID({ for: TeamRef, required: true, description: 'Your team: of the order’s site or below, or the team it was dispatched to.' }),
    note: t.string(noteField()),
  }),
});

builder.mutationField('claimServiceOrder', (t) =>
  t.field({
    description:
      'Takes an order for a team (接单): one open for claim (first come, first served: of two teams claiming at once exactly one wins), or one dispatched to the team. Needs the team’s leader.',
    authScopes: (_root, args) => ({ leadTeam: args.input.teamId }),
    type: OrderPayload('ClaimServiceOrderPayload', 'The team has the order.'),
    args: { input: t.arg({ type: ClaimServiceOrderInput, required: true, description: 'The order and team.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'ClaimServiceOrderResult', description: 'The order, or why the claim failed.' } },
    resolve: (_root, { input }, ctx) =>
      orderStep(ctx, 'claim', { orderId: input.id.id, teamId: input.teamId.id, note: input.note }, { kind: 'TEAM', accountId: ctx.viewer?.accountId ?? null }),
  }),
);

// ---------------------------------------------------------------- service

/** TEAM when the viewer leads the order's team, STAFF otherwise (a manager or admin). */
async function serverOf(ctx: Context, orderId: number): Promise<Actor> {
  const order = await ctx.prisma.serviceOrder.findUnique({ where: { id: orderId }, select: { teamId: true } });
  const team = order?.teamId != null && (ctx.viewer?.ledTeamIds ?? []).includes(order.teamId);
  return { kind: team ? 'TEAM' : 'STAFF', accountId: ctx.viewer?.accountId ?? null };
}

builder.mutationField('startServiceOrder', (t) =>
  t.field({
    description: 'Marks an accepted order as being served. Needs the leader of its team or a manager of its site or above.',
    authScopes: (_root, args) => ({ serveServiceOrder: args.input.id }),
    type: OrderPayload('StartServiceOrderPayload', 'The service started.'),
    args: { input: t.arg({ type: ServiceOrderNoteInput, required: true, description: 'The order.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'StartServiceOrderResult', description: 'The order, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const orderId = input.id.id;
      return orderStep(ctx, 'start', { orderId, note: input.note }, await serverOf(ctx, orderId));
    },
  }),
);

const CompleteServiceOrderInput = builder.inputType('CompleteServiceOrderInput', {
  description: 'A finished service: who served, for how long, and what was done.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, required: true, description: 'The order.' }),
    volunteerIds: t.globalIDList({ for: VolunteerRef, required: true, description: 'The team members who served (1–50, each once).' }),
    minutes: t.int({ required: true, description: 'Minutes each of them served (1–1440).' }),
    summary: t.string({ required: true, description: 'What was done, 1–1000 characters.' }),
  }),
});

builder.mutationField('completeServiceOrder', (t) =>
  t.field({
    description:
      'Completes an order in service. Each volunteer named gets a service record of `minutes` (PENDING until reviewed, like any service record). Needs the leader of its team or a manager of its site or above.',
    authScopes: (_root, args) => ({ serveServiceOrder: args.input.id }),
    type: OrderPayload('CompleteServiceOrderPayload', 'The service was completed.'),
    args: { input: t.arg({ type: CompleteServiceOrderInput, required: true, description: 'The service done.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'CompleteServiceOrderResult', description: 'The order, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const orderId = input.id.id;
      const volunteerIds = input.volunteerIds.map((v) => v.id);
      return orderStep(ctx, 'complete', { orderId, volunteerIds, minutes: input.minutes, summary: input.summary }, await serverOf(ctx, orderId));
    },
  }),
);

// ---------------------------------------------------------------- 评单 and cancellation

/** The order a requester means: by tracking code, or by ID when logged in. */
async function requestedOrderId(ctx: Context, input: { id?: KeyedId | null; trackingCode?: string | null }): Promise<number> {
  if (input.trackingCode != null) {
    const hash = trackingCodeHash(input.trackingCode);
    const order = hash ? await ctx.prisma.serviceOrder.findUnique({ where: { trackingCodeHash: hash }, select: { id: true } }) : null;
    if (!order) throw ValidationError.field('input.trackingCode', 'no order has this tracking code');
    return order.id;
  }
  if (!input.id) throw ValidationError.field('input.id', 'give the order’s id (logged in) or its tracking code');
  return input.id.id;
}

const requesterFields = {
  id: 'The order (when logged in as its requester).',
  trackingCode: 'The order’s tracking code (without logging in).',
};

const RateServiceOrderInput = builder.inputType('RateServiceOrderInput', {
  description: 'The requester’s rating of a completed service. One rating per order.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, description: requesterFields.id }),
    trackingCode: t.string({ description: requesterFields.trackingCode }),
    stars: t.int({ required: true, description: '1 (poor) to 5 (excellent).' }),
    comment: t.string({ description: 'A comment, up to 1000 characters.' }),
  }),
});

builder.mutationField('rateServiceOrder', (t) =>
  t.field({
    description: 'Rates a completed order (评单), once. Only its requester: logged in as the account that placed it, or with its tracking code.',
    authScopes: (_root, args) => ({ serviceOrderRequester: { orderId: args.input.id, trackingCode: args.input.trackingCode } }),
    type: RequesterPayload('RateServiceOrderPayload', 'The rating was recorded.'),
    args: { input: t.arg({ type: RateServiceOrderInput, required: true, description: 'The rating.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'RateServiceOrderResult', description: 'The rated order, or why the rating was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const orderId = await requestedOrderId(ctx, input);
      const { serviceOrder } = await orderStep(ctx, 'rate', { orderId, stars: input.stars, comment: input.comment }, requester(ctx));
      return { order: serviceOrder };
    },
  }),
);

const CancelServiceOrderInput = builder.inputType('CancelServiceOrderInput', {
  description: 'The requester withdrawing an order before service starts.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceOrderRef, description: requesterFields.id }),
    trackingCode: t.string({ description: requesterFields.trackingCode }),
    reason: t.string({ description: 'Why, up to 500 characters.' }),
  }),
});

builder.mutationField('cancelServiceOrder', (t) =>
  t.field({
    description: 'Withdraws an order before its service starts. Only its requester: logged in as the account that placed it, or with its tracking code.',
    authScopes: (_root, args) => ({ serviceOrderRequester: { orderId: args.input.id, trackingCode: args.input.trackingCode } }),
    type: RequesterPayload('CancelServiceOrderPayload', 'The order was cancelled.'),
    args: { input: t.arg({ type: CancelServiceOrderInput, required: true, description: 'The order.' }) },
    errors: { types: [...WORKFLOW_ERRORS], directResult: true, union: { name: 'CancelServiceOrderResult', description: 'The order, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const orderId = await requestedOrderId(ctx, input);
      const { serviceOrder } = await orderStep(ctx, 'cancel', { orderId, reason: input.reason }, requester(ctx));
      return { order: serviceOrder };
    },
  }),
);
