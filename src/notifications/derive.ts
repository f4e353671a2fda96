import { encodeGlobalID } from '@pothos/plugin-relay';
import type { NotificationKind, Prisma } from '../generated/prisma/client.js';
import { ROSTER_CHANGE_KINDS } from '../roster/events.js';
import { type NotificationDraft, eventKey } from './store.js';
import { shiftFacts } from './reminders.js';
import { promotedText, shiftCancelledText, shiftChangedText, unassignedText, type Text } from './texts.js';

type Tx = Prisma.TransactionClient;

/*
 * Who is told what about a committed outbox event. The worker reads the outbox through
 * `outboxRowsAfter` only, so when the outbox carries other domains' events (service orders, street
 * reports) their rows come through the same function and get their own case in `deriveFromEvent`.
 */

/** One committed outbox row, as the notification worker consumes it. */
export interface ConsumedEvent {
  sequence: number;
  kind: string;
  occurredAt: Date;
  shiftId: number;
  assignmentId: number | null;
  volunteerId: number | null;
}

/** The committed outbox rows after `after`, in sequence order, at most `limit`. */
export async function outboxRowsAfter(tx: Tx, after: number, limit: number): Promise<ConsumedEvent[]> {
  const rows = await tx.outboxEvent.findMany({
    where: { sequence: { gt: BigInt(after) } },
    orderBy: { sequence: 'asc' },
    take: limit,
    select: { sequence: true, kind: true, occurredAt: true, shiftId: true, assignmentId: true, volunteerId: true },
  });
  return rows.map((r) => ({ ...r, sequence: Number(r.sequence) }));
}

/**
 * Roster kinds the worker acts on: they notify someone or change whose reminders are due. The
 * rest (SHIFT_CREATED, STAFFING_CHANGED, CHECKED_OUT) only move the cursor, and a commit with
 * nothing else does not wake the worker (a campaign of thousands of new shifts costs it nothing).
 */
export const RESCHEDULING_KINDS = new Set(['SHIFT_UPDATED', 'SHIFT_CANCELLED', 'ASSIGNED', 'WAITLISTED', 'PROMOTED', 'UNASSIGNED', 'CHECKED_IN', 'NO_SHOW']);

/** Whether committed events give the worker something to do. */
export const wakesWorker = (events: readonly { kind: string }[]) => events.some((e) => RESCHEDULING_KINDS.has(e.kind));

type Facts = NonNullable<Awaited<ReturnType<typeof shiftFacts>>>;

function shiftTargets(shift: Facts, assignmentId: number | null): string[] {
  return [
    encodeGlobalID('Shift', shift.id),
    ...(assignmentId == null ? [] : [encodeGlobalID('ShiftAssignment', assignmentId)]),
    encodeGlobalID('Project', shift.projectId),
    encodeGlobalID('DutyPost', shift.postId),
  ];
}

function draft(event: ConsumedEvent, kind: NotificationKind, recipientId: number, text: Text, targetIds: string[]): NotificationDraft {
  return { recipientId, kind, ...text, targetIds, eventSequence: event.sequence, dedupeKey: eventKey(event.sequence, kind, recipientId) };
}

/** Records what a shift's volunteers know of it, when nothing is recorded yet. */
async function noteShift(tx: Tx, shift: Facts): Promise<void> {
  await tx.shiftNoticeState.upsert({
    where: { shiftId: shift.id },
    create: { shiftId: shift.id, startsAt: shift.startsAt, endsAt: shift.endsAt, postId: shift.postId },
    update: {},
  });
}

/** The roster's kinds (src/roster/events.ts); other domains' outbox rows get their own case below. */
const ROSTER_KINDS = new Set<string>(ROSTER_CHANGE_KINDS);

/** The notifications one outbox event makes (none for most kinds). */
export async function deriveFromEvent(tx: Tx, event: ConsumedEvent): Promise<NotificationDraft[]> {
  // ORDER_UPDATE and REPORT_UPDATE come here once orders and reports write to the outbox.
  if (!ROSTER_KINDS.has(event.kind) || !RESCHEDULING_KINDS.has(event.kind)) return [];
  return deriveFromRosterEvent(tx, event);
}

async function deriveFromRosterEvent(tx: Tx, event: ConsumedEvent): Promise<NotificationDraft[]> {
  const shift = await shiftFacts(tx, event.shiftId);
  if (!shift) return [];
  switch (event.kind) {
    case 'ASSIGNED':
    case 'WAITLISTED':
      await noteShift(tx, shift);
      return [];
    case 'PROMOTED': {
      await noteShift(tx, shift);
      if (event.volunteerId == null) return [];
      return [draft(event, 'PROMOTED', event.volunteerId, promotedText(shift), shiftTargets(shift, event.assignmentId))];
    }
    case 'UNASSIGNED': {
      // Leaving because the shift was cancelled is told once, as SHIFT_CANCELLED.
      if (event.volunteerId == null || shift.status === 'CANCELLED') return [];
      return [draft(event, 'UNASSIGNED', event.volunteerId, unassignedText(shift), shiftTargets(shift, event.assignmentId))];
    }
    case 'SHIFT_CANCELLED': {
      const cancelled = await tx.shift.findUnique({ where: { id: shift.id }, select: { cancelledAt: true } });
      if (!cancelled?.cancelledAt) return [];
      // The places and waitlist spots this cancellation ended.
      const ended = await tx.shiftAssignment.findMany({
        where: { shiftId: shift.id, status: 'CANCELLED', cancelledAt: cancelled.cancelledAt },
        select: { id: true, volunteerId: true },
        orderBy: { id: 'asc' },
      });
      return ended.map((a) => draft(event, 'SHIFT_CANCELLED', a.volunteerId, shiftCancelledText(shift), shiftTargets(shift, a.id)));
    }
    case 'SHIFT_UPDATED': {
      const known = await tx.shiftNoticeState.findUnique({ where: { shiftId: shift.id } });
      if (!known) {
        await noteShift(tx, shift);
        return [];
      }
      const moved = known.startsAt.getTime() !== shift.startsAt.getTime() || known.endsAt.getTime() !== shift.endsAt.getTime();
      const relocated = known.postId !== shift.postId;
      if (!moved && !relocated) return [];
      await tx.shiftNoticeState.update({
        where: { shiftId: shift.id },
        data: { startsAt: shift.startsAt, endsAt: shift.endsAt, postId: shift.postId },
      });
      if (shift.status !== 'OPEN' || shift.closedAt) return [];
      const before = {
        startsAt: known.startsAt,
        endsAt: known.endsAt,
        postName: relocated ? ((await tx.dutyPost.findUnique({ where: { id: known.postId }, select: { name: true } }))?.name ?? null) : shift.postName,
      };
      const concerned = await tx.shiftAssignment.findMany({
        where: { shiftId: shift.id, status: { in: ['ASSIGNED', 'WAITLISTED'] } },
        select: { id: true, volunteerId: true },
        orderBy: { id: 'asc' },
      });
      const text = shiftChangedText(shift, before);
      return concerned.map((a) => draft(event, 'SHIFT_CHANGED', a.volunteerId, text, shiftTargets(shift, a.id)));
    }
    default:
      return [];
  }
}
