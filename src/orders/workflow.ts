import type { Actor as RecordingActor } from '../auth/viewer.js';
import { z } from 'zod';
import { ConflictError, NotFoundError, statusTransitionError } from '../common/errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, ServiceActorKind, ServiceOrder, ServiceOrderStatus } from '../generated/prisma/client.js';
import { recordService } from '../roster/service.js';
import { formatCalendarDate, shanghaiDateOf } from '../roster/time.js';
import { type OrderChange, orderChange } from './events.js';
import { ORDER_TRANSITIONS, atOrBelow } from './rules.js';
import { teamOutsideSite } from './service.js';

/** A service order status change its machine does not allow (typed ServiceOrderStatus statuses in the API). */
export class ServiceOrderStatusTransitionError extends statusTransitionError<ServiceOrderStatus>('ServiceOrderStatusTransitionError', 'service order') {}

/*
 * The workflow after placement: 派单 (dispatch or open for claim), 接单 (claim), service, 评单
 * (rating), rejection and cancellation. Every step is one transaction: a status update
 * conditional on the status just read (so of two concurrent steps from the same status exactly one
 * succeeds), and an event recording actor, time and note. Who may take a step is decided by the
 * scopes in src/auth/policy.ts before these run; these rules decide what the order allows.
 */

type Tx = Prisma.TransactionClient;

/** Who takes a step, and in what capacity. */
export interface Actor {
  kind: ServiceActorKind;
  accountId: number | null;
}

export interface StepResult {
  order: ServiceOrder;
  change: OrderChange;
}

const id = z.number().int().positive();
const note = optionalText('note', 500);

/**
 * Moves an order to `to`, inside a transaction, if its current status allows it. `prepare` may
 * refuse the step for the order as read and returns the other columns to write.
 */
async function step(
  tx: Tx,
  orderId: number,
  to: ServiceOrderStatus,
  actor: Actor,
  now: Date,
  options: {
    note?: string | null;
    prepare?: (order: ServiceOrder) => Promise<Prisma.ServiceOrderUncheckedUpdateManyInput> | Prisma.ServiceOrderUncheckedUpdateManyInput;
  } = {},
): Promise<StepResult> {
  const current = await tx.serviceOrder.findUnique({ where: { id: orderId } });
  if (!current) throw new NotFoundError('ServiceOrder', orderId);
  const allowed = ORDER_TRANSITIONS[current.status];
  if (!allowed.includes(to)) throw new ServiceOrderStatusTransitionError(current.status, to, allowed);
  const data = (await options.prepare?.(current)) ?? {};
  const { count } = await tx.serviceOrder.updateMany({ where: { id: orderId, status: current.status }, data: { ...data, status: to } });
  if (count === 0) {
    // Another step won the race from the same status: report the status it left behind.
    const latest = await tx.serviceOrder.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
    throw new ServiceOrderStatusTransitionError(latest.status, to, ORDER_TRANSITIONS[latest.status]);
  }
  const order = await tx.serviceOrder.findUniqueOrThrow({ where: { id: orderId } });
  await tx.serviceOrderEvent.create({
    data: {
      orderId,
      fromStatus: current.status,
      toStatus: to,
      actorKind: actor.kind,
      actorAccountId: actor.accountId,
      teamId: order.teamId,
      note: options.note ?? null,
      occurredAt: now,
    },
  });
  return { order, change: orderChange(order, current.status, now) };
}

async function teamSitePath(tx: Tx, teamId: number): Promise<string> {
  const team = await tx.team.findUnique({ where: { id: teamId }, select: { site: { select: { path: true } } } });
  if (!team) throw new NotFoundError('Team', teamId);
  return team.site.path;
}

async function orderSitePath(tx: Tx, order: ServiceOrder): Promise<string> {
  return (await tx.site.findUniqueOrThrow({ where: { id: order.siteId }, select: { path: true } })).path;
}

const responded = (order: ServiceOrder, now: Date) => (order.respondedAt ? {} : { respondedAt: now });

// ---------------------------------------------------------------------------------------------

const DispatchInput = z.object({ orderId: id, teamId: id, note });
export type DispatchInput = z.input<typeof DispatchInput>;

/** 派单: assigns the order to a team of its site or below; the team then accepts it with claimOrder. */
export async function dispatchOrder(prisma: PrismaClient, raw: DispatchInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(DispatchInput, raw);
  return prisma.$transaction((tx) =>
    step(tx, input.orderId, 'DISPATCHED', actor, now, {
      note: input.note,
      prepare: async (order) => {
        if (!atOrBelow(await teamSitePath(tx, input.teamId), await orderSitePath(tx, order))) throw teamOutsideSite('be dispatched');
        return { teamId: input.teamId, ...responded(order, now) };
      },
    }),
  );
}

const OrderNoteInput = z.object({ orderId: id, note });
export type OrderNoteInput = z.input<typeof OrderNoteInput>;

/** Opens the order for any team of its site or below to claim (抢单). */
export async function openOrderForClaim(prisma: PrismaClient, raw: OrderNoteInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(OrderNoteInput, raw);
  return prisma.$transaction((tx) =>
    step(tx, input.orderId, 'OPEN_FOR_CLAIM', actor, now, {
      note: input.note,
      prepare: (order) => ({ teamId: null, ...responded(order, now) }),
    }),
  );
}

const ClaimInput = z.object({ orderId: id, teamId: id, note });
export type ClaimInput = z.input<typeof ClaimInput>;

/**
 * 接单: a team takes an order open for claim (any team of the site or below; of two claiming at
 * once exactly one wins), or accepts the order dispatched to it.
 */
export async function claimOrder(prisma: PrismaClient, raw: ClaimInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(ClaimInput, raw);
  return prisma.$transaction((tx) =>
    step(tx, input.orderId, 'ACCEPTED', actor, now, {
      note: input.note,
      prepare: async (order) => {
        if (order.status === 'DISPATCHED' && order.teamId !== input.teamId) {
          throw new ConflictError('This order was dispatched to another team; only that team can accept it.');
        }
        if (!atOrBelow(await teamSitePath(tx, input.teamId), await orderSitePath(tx, order))) throw teamOutsideSite('claim');
        return { teamId: input.teamId };
      },
    }),
  );
}

const RejectInput = z.object({ orderId: id, reason: text('reason', 500) });
export type RejectInput = z.input<typeof RejectInput>;

/** Declines an order that no team has accepted yet, with a reason the requester sees. */
export async function rejectOrder(prisma: PrismaClient, raw: RejectInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(RejectInput, raw);
  return prisma.$transaction((tx) =>
    step(tx, input.orderId, 'REJECTED', actor, now, {
      note: input.reason,
      prepare: (order) => ({ rejectReason: input.reason, ...responded(order, now) }),
    }),
  );
}

/** The team starts the service. */
export async function startOrder(prisma: PrismaClient, raw: OrderNoteInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(OrderNoteInput, raw);
  return prisma.$transaction((tx) => step(tx, input.orderId, 'IN_SERVICE', actor, now, { note: input.note }));
}

const CompleteInput = z.object({
  orderId: id,
  volunteerIds: z
    .array(id)
    .min(1, 'name at least one volunteer who served')
    .max(50, 'at most 50 volunteers')
    .refine((ids) => new Set(ids).size === ids.length, 'each volunteer at most once'),
  minutes: z.number().int().min(1, 'minutes must be at least 1').max(1440, 'minutes may be at most 1440 (one day)'),
  summary: text('summary', 1000),
});
export type CompleteInput = z.input<typeof CompleteInput>;

/**
 * Completes the service. Each volunteer named is credited `minutes` through the roster's service
 * records (recordService: team membership, limits, and PENDING until reviewed like any record), in
 * the same transaction: the order completes with all its records or not at all, and only once.
 */
export async function completeOrder(
  prisma: PrismaClient,
  raw: CompleteInput,
  actor: Actor,
  now: Date,
  /** The account entering the volunteers' service records (four eyes: someone else reviews them). */
  recorder: RecordingActor,
): Promise<StepResult> {
  const input = parseInput(CompleteInput, raw);
  return prisma.$transaction(async (tx) => {
    const result = await step(tx, input.orderId, 'COMPLETED', actor, now, {
      note: input.summary,
      prepare: () => ({ completedAt: now, serviceMinutes: input.minutes, summary: input.summary }),
    });
    const teamId = result.order.teamId!;
    const servedOn = formatCalendarDate(shanghaiDateOf(now));
    for (const [i, volunteerId] of input.volunteerIds.entries()) {
      try {
        await recordService(tx, { volunteerId, teamId, servedOn, minutes: input.minutes, description: `服务工单 #${input.orderId}：${input.summary}`.slice(0, 500) }, now, recorder);
      } catch (error) {
        // Point at the offending volunteer rather than at a field the client did not send.
        if (error instanceof ConflictError) throw new ConflictError(`input.volunteerIds.${i}: ${error.message}`);
        throw error;
      }
    }
    return result;
  });
}

const RateInput = z.object({
  orderId: id,
  stars: z.number().int().min(1, 'stars must be 1–5').max(5, 'stars must be 1–5'),
  comment: optionalText('comment', 1000),
});
export type RateInput = z.input<typeof RateInput>;

/** 评单: the requester rates the completed service, once. */
export async function rateOrder(prisma: PrismaClient, raw: RateInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(RateInput, raw);
  return prisma.$transaction((tx) =>
    step(tx, input.orderId, 'RATED', actor, now, {
      note: input.comment,
      prepare: () => ({ ratingStars: input.stars, ratingComment: input.comment ?? null, ratedAt: now }),
    }),
  );
}

const CancelInput = z.object({ orderId: id, reason: optionalText('reason', 500) });
export type CancelInput = z.input<typeof CancelInput>;

/** The requester withdraws the order, at any time before the service starts. */
export async function cancelOrder(prisma: PrismaClient, raw: CancelInput, actor: Actor, now: Date): Promise<StepResult> {
  const input = parseInput(CancelInput, raw);
  return prisma.$transaction((tx) => step(tx, input.orderId, 'CANCELLED', actor, now, { note: input.reason }));
}
