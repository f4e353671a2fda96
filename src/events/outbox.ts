import type { PrismaClient } from '../db/index.js';
import { type CommunityReportStatus, type OutboxEvent, Prisma, type ServiceOrderStatus } from '../generated/prisma/client.js';
import type { OrderChange, ServiceOrderMessage } from '../orders/events.js';
import type { CommunityReportMessage, ReportChange } from '../reports/events.js';
import type { RosterChange, RosterChangeKind, RosterEvent } from '../roster/events.js';

/*
 * The transactional outbox: live events (roster changes, service orders, street reports) are rows
 * written by the transaction that made the change, each with its stream and what its subscribers
 * filter on, all in one order. A row is inserted with a pending (negative) sequence, and numbered
 * when its transaction commits, by a deferred trigger (migration 20261204120000): the single
 * counter row's lock makes committing transactions number their rows one transaction after
 * another, in the order they commit, with no gaps (a rolled-back transaction numbers nothing), and
 * it is held only for the COMMIT itself, never across a round trip to this process. So a reader
 * that has seen sequence n and finds n + 2 committed knows n + 1 is committed as well; nobody but
 * the writing transaction ever sees a pending sequence.
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

/** A change a rule made, for the outbox: to the roster, a service order or a street report. */
export type OutboxChange = RosterChange | OrderChange | ReportChange;
/** A stored change as delivered to subscribers, with its sequence and what subscribers filter on. */
export type LiveEvent = RosterEvent | ServiceOrderMessage | CommunityReportMessage;
/** The live streams sharing the one order of events. */
export type LiveStream = LiveEvent['stream'];

/** The columns every statement below returns, as the raw query sees them. */
const RETURNING = Prisma.sql`RETURNING "sequence"::text AS "sequence", "stream", "kind", "previousKind", "occurredAt",
  "shiftId", "assignmentId", "volunteerId", "orderId", "reportId", "sitePath", "siteId", "postId", "projectId",
  "organizerId", "teamId", "accountId", "recordedAt", "sentAt"`;

type Returned = Omit<OutboxEvent, 'sequence'> & { sequence: string | bigint | number };

/** An event as its transaction wrote it: numbered only when that transaction commits. */
export type PendingEvent = Omit<LiveEvent, 'sequence'> & { stream: LiveStream };

/**
 * Writes a rule's changes to the outbox, in the rule's transaction, and returns them as the events
 * subscribers will receive, without their sequences: those are given at COMMIT (see above), and
 * the committed rows are read back by whoever delivers them (the feed, the relay). What
 * subscribers filter on (for a shift its site path, post, project and organiser; for an order its
 * site, team and requester; for a report its site and reporter) is read in the same transaction.
 * One statement per stream the changes touch. `sentAt` is set at once when there is no other
 * instance to relay to.
 */
export async function appendToOutbox(
  tx: Tx,
  changes: readonly OutboxChange[],
  recordedAt: Date,
  options: { markSent: boolean },
): Promise<PendingEvent[]> {
  if (changes.length === 0) return [];
  const at = { recordedAt: recordedAt.toISOString(), sentAt: options.markSent ? recordedAt.toISOString() : null };
  const roster = changes.filter((c): c is RosterChange => c.stream === 'roster');
  const orders = changes.filter((c): c is OrderChange => c.stream === 'serviceOrder');
  const reports = changes.filter((c): c is ReportChange => c.stream === 'communityReport');
  const rows = [
    ...(roster.length ? await appendRoster(tx, roster, at) : []),
    ...(orders.length ? await appendOrders(tx, orders, at) : []),
    ...(reports.length ? await appendReports(tx, reports, at) : []),
  ];
  return rows.map((row) => {
    const { sequence: _pending, ...event } = toLiveEvent(row);
    return event as PendingEvent;
  });
}

type Stamp = { recordedAt: string; sentAt: string | null };

/** A pending sequence, negative and unique; the deferred trigger numbers the row at COMMIT. */
const PENDING = Prisma.sql`-nextval('"outbox_pending_sequence"')`;

async function appendRoster(tx: Tx, changes: readonly RosterChange[], at: Stamp): Promise<Returned[]> {
  const n = changes.length;
  const rows = await tx.$queryRaw<Returned[]>`
    WITH "changes" AS (
      SELECT * FROM unnest(
        ${changes.map((c) => c.kind)}::text[],
        ${changes.map((c) => c.shiftId)}::int[],
        ${changes.map((c) => c.assignmentId)}::int[],
        ${changes.map((c) => c.volunteerId)}::int[],
        ${changes.map((c) => c.occurredAt.toISOString())}::timestamptz[]
      ) WITH ORDINALITY AS c("kind", "shiftId", "assignmentId", "volunteerId", "occurredAt", "ord")
    )
    INSERT INTO "outbox" ("sequence", "stream", "kind", "occurredAt", "shiftId", "assignmentId", "volunteerId",
                          "sitePath", "siteId", "postId", "projectId", "organizerId", "recordedAt", "sentAt")
    SELECT ${PENDING}, 'roster', c."kind", c."occurredAt", c."shiftId", c."assignmentId",
           c."volunteerId", site."path", site."id", shift."postId", shift."projectId", project."organizerId",
           ${at.recordedAt}::timestamptz, ${at.sentAt}::timestamptz
    FROM "changes" c
    JOIN "Shift" shift ON shift."id" = c."shiftId"
    JOIN "DutyPost" post ON post."id" = shift."postId"
    JOIN "Site" site ON site."id" = post."siteId"
    JOIN "Project" project ON project."id" = shift."projectId"
    ORDER BY c."ord"
    ${RETURNING}`;
  // A change for a shift that does not exist: a bug in a rule. Roll everything back.
  if (rows.length !== n) throw new Error(`outbox: ${n - rows.length} of ${n} changes name no existing shift`);
  return rows;
}

async function appendOrders(tx: Tx, changes: readonly OrderChange[], at: Stamp): Promise<Returned[]> {
  const n = changes.length;
  const rows = await tx.$queryRaw<Returned[]>`
    WITH "changes" AS (
      SELECT * FROM unnest(
        ${changes.map((c) => c.status)}::text[],
        ${changes.map((c) => c.previousStatus)}::text[],
        ${changes.map((c) => c.orderId)}::int[],
        ${changes.map((c) => c.occurredAt.toISOString())}::timestamptz[]
      ) WITH ORDINALITY AS c("kind", "previousKind", "orderId", "occurredAt", "ord")
    )
    INSERT INTO "outbox" ("sequence", "stream", "kind", "previousKind", "occurredAt", "orderId", "sitePath", "siteId",
                          "teamId", "accountId", "recordedAt", "sentAt")
    SELECT ${PENDING}, 'serviceOrder', c."kind", c."previousKind", c."occurredAt", c."orderId",
           site."path", site."id", o."teamId", o."requesterAccountId", ${at.recordedAt}::timestamptz, ${at.sentAt}::timestamptz
    FROM "changes" c
    JOIN "ServiceOrder" o ON o."id" = c."orderId"
    JOIN "Site" site ON site."id" = o."siteId"
    ORDER BY c."ord"
    ${RETURNING}`;
  if (rows.length !== n) throw new Error(`outbox: ${n - rows.length} of ${n} changes name no existing service order`);
  return rows;
}

async function appendReports(tx: Tx, changes: readonly ReportChange[], at: Stamp): Promise<Returned[]> {
  const n = changes.length;
  const rows = await tx.$queryRaw<Returned[]>`
    WITH "changes" AS (
      SELECT * FROM unnest(
        ${changes.map((c) => c.status)}::text[],
        ${changes.map((c) => c.previousStatus)}::text[],
        ${changes.map((c) => c.reportId)}::int[],
        ${changes.map((c) => c.occurredAt.toISOString())}::timestamptz[]
      ) WITH ORDINALITY AS c("kind", "previousKind", "reportId", "occurredAt", "ord")
    )
    INSERT INTO "outbox" ("sequence", "stream", "kind", "previousKind", "occurredAt", "reportId", "volunteerId",
                          "sitePath", "siteId", "recordedAt", "sentAt")
    SELECT ${PENDING}, 'communityReport', c."kind", c."previousKind", c."occurredAt", c."reportId",
           r."reporterId", site."path", site."id", ${at.recordedAt}::timestamptz, ${at.sentAt}::timestamptz
    FROM "changes" c
    JOIN "CommunityReport" r ON r."id" = c."reportId"
    JOIN "Site" site ON site."id" = r."siteId"
    ORDER BY c."ord"
    ${RETURNING}`;
  if (rows.length !== n) throw new Error(`outbox: ${n - rows.length} of ${n} changes name no existing street report`);
  return rows;
}

/** A stored row as the event its stream's subscribers receive. */
export function toLiveEvent(row: Returned): LiveEvent {
  const sequence = Number(row.sequence);
  const occurredAt = new Date(row.occurredAt).toISOString();
  switch (row.stream) {
    case 'serviceOrder':
      return {
        sequence,
        stream: 'serviceOrder',
        orderId: row.orderId!,
        status: row.kind as ServiceOrderStatus,
        previousStatus: (row.previousKind as ServiceOrderStatus | null) ?? null,
        occurredAt,
        siteId: row.siteId!,
        sitePath: row.sitePath,
        teamId: row.teamId,
        requesterAccountId: row.accountId,
      };
    case 'communityReport':
      return {
        sequence,
        stream: 'communityReport',
        reportId: row.reportId!,
        status: row.kind as CommunityReportStatus,
        previousStatus: (row.previousKind as CommunityReportStatus | null) ?? null,
        occurredAt,
        reporterId: row.volunteerId!,
        sitePath: row.sitePath,
      };
    default:
      return toRosterEvent(row);
  }
}

export function toRosterEvent(row: Returned): RosterEvent {
  return {
    sequence: Number(row.sequence),
    stream: 'roster',
    kind: row.kind as RosterChangeKind,
    occurredAt: new Date(row.occurredAt).toISOString(),
    shiftId: row.shiftId!,
    assignmentId: row.assignmentId,
    volunteerId: row.volunteerId,
    sitePath: row.sitePath,
    postId: row.postId!,
    projectId: row.projectId!,
    organizerId: row.organizerId!,
  };
}

/** Stored events after a sequence, in order, at most `limit`; `where` narrows them (a subscriber's filter). */
export async function eventsAfter(
  db: Db,
  after: number,
  limit: number,
  where: Prisma.OutboxEventWhereInput = {},
): Promise<LiveEvent[]> {
  const rows = await db.outboxEvent.findMany({
    where: { ...where, sequence: { gt: BigInt(after) } },
    orderBy: { sequence: 'asc' },
    take: limit,
  });
  return rows.map(toLiveEvent);
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
export async function unsentEvents(tx: Tx, limit: number): Promise<LiveEvent[]> {
  const rows = await tx.outboxEvent.findMany({ where: { sentAt: null }, orderBy: { sequence: 'asc' }, take: limit });
  return rows.map(toLiveEvent);
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
 * unsent one or what a consumer has yet to read, and records how far the log is pruned. Returns how many rows went.
 */
export async function pruneOutbox(prisma: PrismaClient, cutoff: Date): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const old = await tx.outboxEvent.aggregate({ _max: { sequence: true }, where: { recordedAt: { lt: cutoff } } });
    let through = old._max.sequence;
    if (through == null) return 0;
    const unsent = await tx.outboxEvent.aggregate({ _min: { sequence: true }, where: { sentAt: null } });
    if (unsent._min.sequence != null && unsent._min.sequence <= through) through = unsent._min.sequence - 1n;
    // Nor what a consumer (the notification worker) has yet to read, however old.
    const consumers = await tx.notificationCursor.aggregate({ _min: { position: true } });
    if (consumers._min.position != null && consumers._min.position < through) through = consumers._min.position;
    const { count } = await tx.outboxEvent.deleteMany({ where: { sequence: { lte: through } } });
    await tx.$executeRaw`
      UPDATE "outbox_counter" SET "prunedThrough" = GREATEST("prunedThrough", ${through}::bigint) WHERE "id" = 1`;
    return count;
  });
}
