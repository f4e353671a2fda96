import { encodeGlobalID } from '@pothos/plugin-relay';
import { DomainError, NotFoundError, ValidationError } from '../common/errors.js';
import type { Broadcast, Prisma } from '../generated/prisma/client.js';
import { type NotificationDraft, storeNotifications } from './store.js';
import { BROADCAST_TITLE } from './texts.js';

type Tx = Prisma.TransactionClient;

/** Broadcasts one account may send in a rolling hour (all shifts and projects together). */
export const BROADCASTS_PER_HOUR = 5;
export const BROADCAST_LIMITS = { title: 50, body: 500 } as const;
/** pg_advisory_xact_lock(key, accountId): one sender's broadcasts are counted one at a time. */
const SENDER_LOCK_KEY = 0x62726463; // 'brdc'

export class BroadcastRateLimitError extends DomainError {
  override name = 'BroadcastRateLimitError';
  constructor(
    readonly limit: number,
    readonly retryAfter: Date,
  ) {
    super(`At most ${limit} broadcasts may be sent per hour; try again after ${retryAfter.toISOString()}.`);
  }
}

export interface BroadcastInput {
  senderAccountId: number;
  target: { shiftId: number } | { projectId: number };
  title?: string | null;
  body: string;
  includeWaitlist: boolean;
}

/**
 * Records a broadcast for the worker to fan out (the request never writes notifications), after
 * checking the text and the sender's hourly limit under the sender's lock.
 */
export async function createBroadcast(tx: Tx, input: BroadcastInput, now: Date): Promise<Broadcast> {
  const body = input.body.trim();
  const title = input.title?.trim() || ('shiftId' in input.target ? BROADCAST_TITLE.shift : BROADCAST_TITLE.project);
  if (!body) throw ValidationError.field('input.message', 'the message must not be empty');
  if ([...body].length > BROADCAST_LIMITS.body) throw ValidationError.field('input.message', `at most ${BROADCAST_LIMITS.body} characters`);
  if ([...title].length > BROADCAST_LIMITS.title) throw ValidationError.field('input.title', `at most ${BROADCAST_LIMITS.title} characters`);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SENDER_LOCK_KEY}::int, ${input.senderAccountId}::int)`;
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const recent = await tx.broadcast.findMany({
    where: { senderAccountId: input.senderAccountId, createdAt: { gt: hourAgo } },
    orderBy: { createdAt: 'asc' },
    select: { createdAt: true },
  });
  if (recent.length >= BROADCASTS_PER_HOUR) {
    const oldest = recent[recent.length - BROADCASTS_PER_HOUR]!.createdAt;
    throw new BroadcastRateLimitError(BROADCASTS_PER_HOUR, new Date(oldest.getTime() + 3_600_000));
  }
  if ('shiftId' in input.target) {
    const shift = await tx.shift.findUnique({ where: { id: input.target.shiftId }, select: { id: true } });
    if (!shift) throw new NotFoundError('Shift', input.target.shiftId);
  } else {
    const project = await tx.project.findUnique({ where: { id: input.target.projectId }, select: { id: true } });
    if (!project) throw new NotFoundError('Project', input.target.projectId);
  }
  return tx.broadcast.create({
    data: {
      senderAccountId: input.senderAccountId,
      shiftId: 'shiftId' in input.target ? input.target.shiftId : null,
      projectId: 'projectId' in input.target ? input.target.projectId : null,
      title,
      body,
      includeWaitlist: input.includeWaitlist,
      createdAt: now,
    },
  });
}

/**
 * Fans out broadcasts not yet fanned out: one BROADCAST per volunteer holding a place (ASSIGNED or
 * on duty) — and waitlisted, if asked — on the shift, or on the project's open shifts not yet
 * ended. Call with the worker's lock held. Returns the notifications made.
 */
export async function fanOutBroadcasts(tx: Tx, now: Date): Promise<number[]> {
  const pending = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "Broadcast" WHERE "fannedOutAt" IS NULL ORDER BY "id" LIMIT 20 FOR UPDATE SKIP LOCKED`;
  const made: number[] = [];
  for (const { id } of pending) {
    const b = await tx.broadcast.findUniqueOrThrow({ where: { id } });
    const statuses = b.includeWaitlist ? (['ASSIGNED', 'CHECKED_IN', 'WAITLISTED'] as const) : (['ASSIGNED', 'CHECKED_IN'] as const);
    const shiftWhere: Prisma.ShiftWhereInput =
      b.shiftId != null ? { id: b.shiftId } : { projectId: b.projectId!, status: 'OPEN', closedAt: null, endsAt: { gt: now } };
    const rows = await tx.shiftAssignment.findMany({
      where: { status: { in: [...statuses] }, shift: shiftWhere },
      select: { volunteerId: true },
      distinct: ['volunteerId'],
      orderBy: { volunteerId: 'asc' },
    });
    const target = b.shiftId != null ? encodeGlobalID('Shift', b.shiftId) : encodeGlobalID('Project', b.projectId!);
    const drafts: NotificationDraft[] = rows.map((r) => ({
      recipientId: r.volunteerId,
      kind: 'BROADCAST',
      title: b.title,
      body: b.body,
      targetIds: [target],
      eventSequence: null,
      dedupeKey: `broadcast:${b.id}:${r.volunteerId}`,
    }));
    made.push(...(await storeNotifications(tx, drafts, now)));
    await tx.broadcast.update({ where: { id: b.id }, data: { fannedOutAt: now, recipientCount: rows.length } });
  }
  return made;
}
