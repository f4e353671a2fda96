import type { Actor as RecordingActor } from '../auth/viewer.js';
import { z } from 'zod';
import { ConflictError, NotFoundError, statusTransitionError } from '../common/errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
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
 * (rating), rejection and cancellation. Each step is a row of ORDER_STEPS — its input, the status
 * it moves to, its note, what it checks and writes — and one runner, `runOrderStep`, does the rest
 * in the caller's transaction (the command runner's, src/common/command.ts, which also writes the
 * step's event to the outbox): a status update conditional on the status just read (so of two
 * concurrent steps from the same status exactly one succeeds), and an event recording actor, time
 * and note. Who may take a step is decided by the scopes in src/auth/policy.ts before these run;
 * these rules decide what the order allows.
 */

type Tx = Prisma.TransactionClient;

/** Who takes a step, and in what capacity. */
export interface Actor {
  kind: ServiceActorKind;
  accountId: number | null;
}

/** What a step runs with besides its input. */
export interface StepContext {
  actor: Actor;
  now: Date;
  /** The account entering service records (completion; four eyes: someone else reviews them). */
  recorder?: RecordingActor;
}

export interface StepResult {
  order: ServiceOrder;
  events: OrderChange[];
}

interface StepSpec<S extends z.ZodType> {
  input: S;
  to: ServiceOrderStatus;
  /** The note the order's history records. */
  note: (input: z.output<S>) => string | null | undefined;
  /** Refuses the step for the order as read, or returns the other columns to write. */
  prepare?: (tx: Tx, order: ServiceOrder, input: z.output<S>, now: Date) => Promise<Prisma.ServiceOrderUncheckedUpdateManyInput> | Prisma.ServiceOrderUncheckedUpdateManyInput;
  /** Runs after the status moved, in the same transaction (completion credits service minutes). */
  after?: (tx: Tx, order: ServiceOrder, input: z.output<S>, context: StepContext) => Promise<void>;
}

const spec = <S extends z.ZodType>(s: StepSpec<S>) => s;

const id = z.number().int().positive();
const note = optionalText('note', 500);
const OrderNoteInput = z.object({ orderId: id, note });

async function teamSitePath(tx: Tx, teamId: number): Promise<string> {
  const team = await tx.team.findUnique({ where: { id: teamId }, select: { site: { select: { path: true } } } });
  if (!team) throw new NotFoundError('Team', teamId);
  return team.site.path;
}

async function orderSitePath(tx: Tx, order: ServiceOrder): Promise<string> {
  return (await tx.site.findUniqueOrThrow({ where: { id: order.siteId }, select: { path: true } })).path;
}

async function requireTeamInBranch(tx: Tx, teamId: number, order: ServiceOrder, action: string): Promise<void> {
  if (!atOrBelow(await teamSitePath(tx, teamId), await orderSitePath(tx, order))) throw teamOutsideSite(action);
}

const responded = (order: ServiceOrder, now: Date) => (order.respondedAt ? {} : { respondedAt: now });

/** The steps, by name. */
export const ORDER_STEPS = {
  /** 派单: assigns the order to a team of its site or below; the team then accepts it with `claim`. */
  dispatch: spec({
    input: z.object({ orderId: id, teamId: id, note }),
    to: 'DISPATCHED',
    note: (i) => i.note,
    prepare: async (tx, order, i, now) => {
      await requireTeamInBranch(tx, i.teamId, order, 'be dispatched');
      return { teamId: i.teamId, ...responded(order, now) };
    },
  }),
  /** Opens the order for any team of its site or below to claim (抢单). */
  openForClaim: spec({
    input: OrderNoteInput,
    to: 'OPEN_FOR_CLAIM',
    note: (i) => i.note,
    prepare: (_tx, order, _i, now) => ({ teamId: null, ...responded(order, now) }),
  }),
  /**
   * 接单: a team takes an order open for claim (any team of the site or below; of two claiming at
   * once exactly one wins), or accepts the order dispatched to it.
   */
  claim: spec({
    input: z.object({ orderId: id, teamId: id, note }),
    to: 'ACCEPTED',
    note: (i) => i.note,
    prepare: async (tx, order, i) => {
      if (order.status === 'DISPATCHED' && order.teamId !== i.teamId) {
        throw new ConflictError('This order was dispatched to another team; only that team can accept it.');
      }
      await requireTeamInBranch(tx, i.teamId, order, 'claim');
      return { teamId: i.teamId };
    },
  }),
  /** Declines an order that no team has accepted yet, with a reason the requester sees. */
  reject: spec({
    input: z.object({ orderId: id, reason: text('reason', 500) }),
    to: 'REJECTED',
    note: (i) => i.reason,
    prepare: (_tx, order, i, now) => ({ rejectReason: i.reason, ...responded(order, now) }),
  }),
  /** The team starts the service. */
  start: spec({ input: OrderNoteInput, to: 'IN_SERVICE', note: (i) => i.note }),
  /**
   * Completes the service. Each volunteer named is credited `minutes` through the roster's service
   * records (recordService: team membership, limits, and PENDING until reviewed like any record),
   * linked to the order, in the same transaction: the order completes with all its records or not
   * at all, and only once.
   */
  complete: spec({
    input: z.object({
      orderId: id,
      volunteerIds: z
        .array(id)
        .min(1, 'name at least one volunteer who served')
        .max(50, 'at most 50 volunteers')
        .refine((ids) => new Set(ids).size === ids.length, 'each volunteer at most once'),
      minutes: z.number().int().min(1, 'minutes must be at least 1').max(1440, 'minutes may be at most 1440 (one day)'),
      summary: text('summary', 1000),
    }),
    to: 'COMPLETED',
    note: (i) => i.summary,
    prepare: (_tx, _order, i, now) => ({ completedAt: now, serviceMinutes: i.minutes, summary: i.summary }),
    after: async (tx, order, i, { now, recorder }) => {
      if (!recorder) throw new Error('completing a service order needs the recording account');
      const servedOn = formatCalendarDate(shanghaiDateOf(now));
      const description = `服务工单 #${order.id}：${i.summary}`.slice(0, 500);
      for (const [n, volunteerId] of i.volunteerIds.entries()) {
        try {
          await recordService(tx, { volunteerId, teamId: order.teamId!, servedOn, minutes: i.minutes, description }, now, recorder, { serviceOrderId: order.id });
        } catch (error) {
          // Point at the offending volunteer rather than at a field the client did not send.
          if (error instanceof ConflictError) throw new ConflictError(`input.volunteerIds.${n}: ${error.message}`);
          throw error;
        }
      }
    },
  }),
  /** 评单: the requester rates the completed service, once. */
  rate: spec({
    input: z.object({
      orderId: id,
      stars: z.number().int().min(1, 'stars must be 1–5').max(5, 'stars must be 1–5'),
      comment: optionalText('comment', 1000),
    }),
    to: 'RATED',
    note: (i) => i.comment,
    prepare: (_tx, _order, i, now) => ({ ratingStars: i.stars, ratingComment: i.comment ?? null, ratedAt: now }),
  }),
  /** The requester withdraws the order, at any time before the service starts. */
  cancel: spec({ input: z.object({ orderId: id, reason: optionalText('reason', 500) }), to: 'CANCELLED', note: (i) => i.reason }),
};

export type OrderStep = keyof typeof ORDER_STEPS;
export type OrderStepInput<K extends OrderStep> = z.input<(typeof ORDER_STEPS)[K]['input']>;

/**
 * Runs one step in the caller's transaction: validates the input, moves the order to the step's
 * status if its current status allows it (conditional on the status read), records the history
 * event, and returns the order with its change for the outbox.
 */
export async function runOrderStep<K extends OrderStep>(
  tx: Tx,
  name: K,
  raw: OrderStepInput<K>,
  context: StepContext,
): Promise<StepResult> {
  const step = ORDER_STEPS[name] as unknown as StepSpec<z.ZodType<{ orderId: number }>>;
  const input = parseInput(step.input, raw);
  const { actor, now } = context;
  const current = await tx.serviceOrder.findUnique({ where: { id: input.orderId } });
  if (!current) throw new NotFoundError('ServiceOrder', input.orderId);
  const allowed = ORDER_TRANSITIONS[current.status];
  if (!allowed.includes(step.to)) throw new ServiceOrderStatusTransitionError(current.status, step.to, allowed);
  const data = (await step.prepare?.(tx, current, input, now)) ?? {};
  const { count } = await tx.serviceOrder.updateMany({ where: { id: current.id, status: current.status }, data: { ...data, status: step.to } });
  if (count === 0) {
    // Another step won the race from the same status: report the status it left behind.
    const latest = await tx.serviceOrder.findUniqueOrThrow({ where: { id: current.id }, select: { status: true } });
    throw new ServiceOrderStatusTransitionError(latest.status, step.to, ORDER_TRANSITIONS[latest.status]);
  }
  const order = await tx.serviceOrder.findUniqueOrThrow({ where: { id: current.id } });
  await tx.serviceOrderEvent.create({
    data: {
      orderId: order.id,
      fromStatus: current.status,
      toStatus: step.to,
      actorKind: actor.kind,
      actorAccountId: actor.accountId,
      teamId: order.teamId,
      note: step.note(input) ?? null,
      occurredAt: now,
    },
  });
  await step.after?.(tx, order, input, context);
  return { order, events: [orderChange(order, current.status, now)] };
}
