import { encodeGlobalID } from '@pothos/plugin-relay';
import type { NotificationKind, Prisma } from '../generated/prisma/client.js';
import { type NotificationDraft, eventKey } from './store.js';
import { shiftFacts } from './reminders.js';
import { orderUpdateText, promotedText, reportUpdateText, shiftCancelledText, shiftChangedText, unassignedText, type Text } from './texts.js';

type Tx = Prisma.TransactionClient;

/*
 * Who is told what about a committed outbox event. The worker reads the outbox through
 * `outboxRowsAfter` only: roster changes, service orders and street reports alike, each stream with
 * its own case in `deriveFromEvent`.
 */

/** One committed outbox row, as the notification worker consumes it. */
export interface ConsumedEvent {
  sequence: number;
  /** Which domain's change: roster, serviceOrder or communityReport. */
  stream: string;
  /** The roster change's kind, or the order's or report's new status. */
  kind: string;
  occurredAt: Date;
  shiftId: number | null;
  assignmentId: number | null;
  volunteerId: number | null;
  orderId: number | null;
  reportId: number | null;
  /** For service orders: the requester's account, when one placed it. */
  accountId: number | null;
}

/** The committed outbox rows after `after`, in sequence order, at most `limit`. */
export async function outboxRowsAfter(tx: Tx, after: number, limit: number): Promise<ConsumedEvent[]> {
  const rows = await tx.outboxEvent.findMany({
    where: { sequence: { gt: BigInt(after) } },
    orderBy: { sequence: 'asc' },
    take: limit,
    select: { sequence: true, stream: true, kind: true, occurredAt: true, shiftId: true, assignmentId: true, volunteerId: true, orderId: true, reportId: true, accountId: true },
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
export const wakesWorker = (events: readonly { stream: string; kind?: string; status?: string }[]) =>
  events.some((e) => (e.stream === 'roster' ? RESCHEDULING_KINDS.has(e.kind ?? '') : e.status !== FIRST_STATUS[e.stream]));

/** An order's or report's first status: its author made it, so nobody is told. */
const FIRST_STATUS: Record<string, string> = { serviceOrder: 'PLACED', communityReport: 'SUBMITTED' };

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

/** The notifications one outbox event makes (none for most kinds). */
export async function deriveFromEvent(tx: Tx, event: ConsumedEvent): Promise<NotificationDraft[]> {
  switch (event.stream) {
    case 'roster':
      return RESCHEDULING_KINDS.has(event.kind) ? deriveFromRosterEvent(tx, event) : [];
    case 'serviceOrder':
      return deriveFromOrderEvent(tx, event);
    case 'communityReport':
      return deriveFromReportEvent(tx, event);
    default:
      return [];
  }
}

/** ORDER_UPDATE: the volunteer who placed a service order hears of each later status. */
async function deriveFromOrderEvent(tx: Tx, event: ConsumedEvent): Promise<NotificationDraft[]> {
  if (event.orderId == null || event.accountId == null || event.kind === FIRST_STATUS.serviceOrder) return [];
  const account = await tx.account.findUnique({ where: { id: event.accountId }, select: { volunteerId: true } });
  if (account?.volunteerId == null) return [];
  return [draft(event, 'ORDER_UPDATE', account.volunteerId, orderUpdateText(event.orderId, event.kind), [encodeGlobalID('ServiceOrder', event.orderId)])];
}

/** REPORT_UPDATE: the volunteer who filed a street report hears of each later status. */
async function deriveFromReportEvent(tx: Tx, event: ConsumedEvent): Promise<NotificationDraft[]> {
  if (event.reportId == null || event.kind === FIRST_STATUS.communityReport) return [];
  const report = await tx.communityReport.findUnique({ where: { id: event.reportId }, select: { reporterId: true } });
  if (!report) return [];
  return [draft(event, 'REPORT_UPDATE', report.reporterId, reportUpdateText(event.reportId, event.kind), [encodeGlobalID('CommunityReport', event.reportId)])];
}

/**
 * noteShift for a sign-up, which tells nobody anything: what the shift's volunteers know of it
 * (its time and post), recorded in one statement when nothing is recorded yet; nothing when the
 * shift is gone.
 */
async function noteShiftById(tx: Tx, shiftId: number): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "ShiftNoticeState" ("shiftId", "startsAt", "endsAt", "postId")
    SELECT "id", "startsAt", "endsAt", "postId" FROM "Shift" WHERE "id" = ${shiftId}::int
    ON CONFLICT ("shiftId") DO NOTHING`;
}

async function deriveFromRosterEvent(tx: Tx, event: ConsumedEvent): Promise<NotificationDraft[]> {
  if (event.shiftId == null) return [];
  if (event.kind === 'ASSIGNED' || event.kind === 'WAITLISTED') {
    await noteShiftById(tx, event.shiftId);
    return [];
  }
  const shift = await shiftFacts(tx, event.shiftId);
  if (!shift) return [];
  switch (event.kind) {
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
