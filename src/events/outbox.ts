import type { PrismaClient } from '../db/index.js';
import type { OutboxEvent, Prisma } from '../generated/prisma/client.js';
import type { RosterChange, RosterChangeKind, RosterEvent } from '../roster/events.js';

/*
 * The transactional outbox: roster events are rows written by the transaction that made the
 * change. The single counter row is bumped by the same statement that inserts the rows, as the
 * transaction's last write; its row lock makes concurrent transactions hand out sequences in the
 * order they commit, with no gaps (a rolled-back transaction rolls its bump back too). So a reader
 * that has seen sequence n and finds n + 2 committed knows n + 1 is committed as well.
 */

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

/** Resuming from this point is impossible: its successors were pruned, or it lies ahead of the log. */
export class ResumePointError extends Error {
  constructor(
    readonly after: number,
    /** The earliest `after` that can still be resumed from. */
    readonly earliest: number,
    /** The latest sequence handed out. */
    readonly latest: number,
  ) {
    super(
      after < earliest
        ? `Events after sequence ${after} are no longer kept; reload the snapshot (e.g. query dutyBoard or roster) and resume from its sequence.`
        : `Sequence ${after} is ahead of the event log (latest ${latest}); reload the snapshot and resume from its sequence.`,
    );
    this.name = 'ResumePointError';
  }
}

/**
 * Writes a rule's changes to the outbox, in the rule's transaction and as its last write, and
 * returns them as events with their sequences and what subscribers filter on (the shift's site
 * path, post, project and organiser, read in the same transaction). One statement.
 * `sentAt` is set at once when there is no other instance to relay to.
 */
export async function appendToOutbox(
  tx: Tx,
  changes: readonly RosterChange[],
  recordedAt: Date,
  options: { markSent: boolean },
): Promise<RosterEvent[]> {
  if (changes.length === 0) return [];
  const n = changes.length;
  const sentAt = options.markSent ? recordedAt.toISOString() : null;
  const rows = await tx.$queryRaw<
    { sequence: string; sitePath: string; postId: number; projectId: number; organizerId: number }[]
  >`
    WITH "counter" AS (
      UPDATE "outbox_counter" SET "last" = "last" + ${n}::int WHERE "id" = 1 RETURNING "last"
    ), "changes" AS (
      SELECT * FROM unnest(
        ${changes.map((c) => c.kind)}::text[],
        ${changes.map((c) => c.shiftId)}::int[],
        ${changes.map((c) => c.assignmentId)}::int[],
        ${changes.map((c) => c.volunteerId)}::int[],
        ${changes.map((c) => c.occurredAt.toISOString())}::timestamptz[]
      ) WITH ORDINALITY AS c("kind", "shiftId", "assignmentId", "volunteerId", "occurredAt", "ord")
    )
    INSERT INTO "outbox" ("sequence", "kind", "occurredAt", "shiftId", "assignmentId", "volunteerId",
                          "sitePath", "postId", "projectId", "organizerId", "recordedAt", "sentAt")
    SELECT "counter"."last" - ${n}::int + c."ord", c."kind", c."occurredAt", c."shiftId", c."assignmentId",
           c."volunteerId", site."path", shift."postId", shift."projectId", project."organizerId",
           ${recordedAt.toISOString()}::timestamptz, ${sentAt}::timestamptz
    FROM "changes" c
    CROSS JOIN "counter"
    JOIN "Shift" shift ON shift."id" = c."shiftId"
    JOIN "DutyPost" post ON post."id" = shift."postId"
    JOIN "Site" site ON site."id" = post."siteId"
    JOIN "Project" project ON project."id" = shift."projectId"
    RETURNING "sequence"::text AS "sequence", "sitePath", "postId", "projectId", "organizerId"`;
  if (rows.length !== n) {
    // A change for a shift that does not exist: a bug in a rule. Roll everything back.
    throw new Error(`outbox: ${n - rows.length} of ${n} changes name no existing shift`);
  }
  const located = rows.map((r) => ({ ...r, sequence: Number(r.sequence) })).sort((a, b) => a.sequence - b.sequence);
  return located.map((where, i) => {
    const change = changes[i]!;
    return {
      sequence: where.sequence,
      kind: change.kind,
      occurredAt: change.occurredAt.toISOString(),
      shiftId: change.shiftId,
      assignmentId: change.assignmentId,
      volunteerId: change.volunteerId,
      sitePath: where.sitePath,
      postId: where.postId,
      projectId: where.projectId,
      organizerId: where.organizerId,
    };
  });
}

export function toRosterEvent(row: OutboxEvent): RosterEvent {
  return {
    sequence: Number(row.sequence),
    kind: row.kind as RosterChangeKind,
    occurredAt: row.occurredAt.toISOString(),
    shiftId: row.shiftId,
    assignmentId: row.assignmentId,
    volunteerId: row.volunteerId,
    sitePath: row.sitePath,
    postId: row.postId,
    projectId: row.projectId,
    organizerId: row.organizerId,
  };
}

/** Stored events after a sequence, in order, at most `limit`; `where` narrows them (a subscriber's filter). */
export async function eventsAfter(
  db: Db,
  after: number,
  limit: number,
  where: Prisma.OutboxEventWhereInput = {},
): Promise<RosterEvent[]> {
  const rows = await db.outboxEvent.findMany({
    where: { ...where, sequence: { gt: BigInt(after) } },
    orderBy: { sequence: 'asc' },
    take: limit,
  });
  return rows.map(toRosterEvent);
}

/** The latest sequence handed out, and the highest one pruned. */
export async function outboxPosition(db: Db): Promise<{ latest: number; prunedThrough: number }> {
  const counter = await db.outboxCounter.findUniqueOrThrow({ where: { id: 1 } });
  return { latest: Number(counter.last), prunedThrough: Number(counter.prunedThrough) };
}

/** Throws ResumePointError unless every event after `after` is still stored. */
export async function checkResumePoint(db: Db, after: number): Promise<void> {
  const { latest, prunedThrough } = await outboxPosition(db);
  if (after < prunedThrough || after > latest) throw new ResumePointError(after, prunedThrough, latest);
}

/** Unsent rows in sequence order, at most `limit` (call with the relay's lock held). */
export async function unsentEvents(tx: Tx, limit: number): Promise<RosterEvent[]> {
  const rows = await tx.outboxEvent.findMany({ where: { sentAt: null }, orderBy: { sequence: 'asc' }, take: limit });
  return rows.map(toRosterEvent);
}

export async function markSent(tx: Tx, sequences: readonly number[], at: Date): Promise<void> {
  if (sequences.length === 0) return;
  await tx.outboxEvent.updateMany({
    where: { sequence: { in: sequences.map((s) => BigInt(s)) }, sentAt: null },
    data: { sentAt: at },
  });
}

/**
 * Deletes events recorded before `cutoff`, as a prefix of the order and never past the first
 * unsent one, and records how far the log is pruned. Returns how many rows went.
 */
export async function pruneOutbox(prisma: PrismaClient, cutoff: Date): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const old = await tx.outboxEvent.aggregate({ _max: { sequence: true }, where: { recordedAt: { lt: cutoff } } });
    let through = old._max.sequence;
    if (through == null) return 0;
    const unsent = await tx.outboxEvent.aggregate({ _min: { sequence: true }, where: { sentAt: null } });
    if (unsent._min.sequence != null && unsent._min.sequence <= through) through = unsent._min.sequence - 1n;
    const { count } = await tx.outboxEvent.deleteMany({ where: { sequence: { lte: through } } });
    await tx.$executeRaw`
      UPDATE "outbox_counter" SET "prunedThrough" = GREATEST("prunedThrough", ${through}::bigint) WHERE "id" = 1`;
    return count;
  });
}
