import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { filter, pipe, Repeater } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import { dbId, optionalDbId } from '../common/ids.js';
import type { Context } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ResumePointError, checkResumePoint, eventsAfter, outboxPosition } from '../events/outbox.js';
import { whileSessionLasts } from '../auth/live-sessions.js';
import { markEventId } from '../events/sse-ids.js';
import { forbidden } from '../auth/errors.js';
import { isScopedStaff, managesPath } from '../auth/viewer.js';
import { boardCovers } from '../boards/service.js';
import { SiteRef } from '../sites/schema.js';
import { type DutyBoardSnapshot, dutyBoard } from './board.js';
import { ROSTER_CHANGE_KINDS, type RosterEvent } from './events.js';
import { ProjectRef } from '../projects/schema.js';
import { DutyPostRef, ShiftRef } from './schema.js';

/** The shortest gap between two duty-board snapshots sent to one subscriber. */
export const DUTY_BOARD_MIN_INTERVAL_MS = 250;

const KIND_DESCRIPTIONS: Record<(typeof ROSTER_CHANGE_KINDS)[number], string> = {
  SHIFT_CREATED: 'A shift was created.',
  SHIFT_UPDATED: 'A shift’s times, capacity, minimum, duty or notes changed, or it was closed.',
  SHIFT_CANCELLED: 'A shift was cancelled.',
  ASSIGNED: 'A volunteer took a place on a shift.',
  WAITLISTED: 'A volunteer joined a shift’s waitlist.',
  PROMOTED: 'A waitlisted volunteer moved up to a place.',
  UNASSIGNED: 'A volunteer left a shift or its waitlist.',
  CHECKED_IN: 'A volunteer checked in for duty.',
  CHECKED_OUT: 'A volunteer checked out; their minutes were credited.',
  NO_SHOW: 'A volunteer was marked as not turning up.',
  STAFFING_CHANGED: 'A shift’s staffing level (UNDERSTAFFED, STAFFED, FULL) changed.',
};

const RosterEventKindEnum = builder.enumType('RosterEventKind', {
  description: 'What happened on the roster.',
  values: Object.fromEntries(ROSTER_CHANGE_KINDS.map((kind) => [kind, { description: KIND_DESCRIPTIONS[kind] }])) as {
    [K in (typeof ROSTER_CHANGE_KINDS)[number]]: { description: string };
  },
});

const RosterEventRef = builder.objectRef<RosterEvent>('RosterEvent').implement({
  description:
    'A change on the duty roster. `shift` is loaded when the event is delivered, so it carries the current counts, open slots and staffing.',
  fields: (t) => ({
    id: t.id({
      description: 'Global ID of the event; `rosterChanged(after:)` takes it to resume after this event.',
      resolve: (e) => encodeGlobalID('RosterEvent', e.sequence),
    }),
    sequence: t.int({
      description:
        'Position of the event in the one order of roster events: increasing, without gaps, the same on every server instance. Resume after it with `rosterChanged(after:)`.',
      resolve: (e) => e.sequence,
    }),
    kind: t.field({ type: RosterEventKindEnum, description: 'What happened.', resolve: (e) => e.kind }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => new Date(e.occurredAt) }),
    shift: t.prismaField({
      type: 'Shift',
      nullable: true,
      description:
        'The shift concerned, as it is now. Null (with a FORBIDDEN error) for anonymous subscribers once it is no longer public, e.g. full.',
      resolve: (query, e, _args, ctx) => ctx.prisma.shift.findUnique({ ...query, where: { id: e.shiftId } }),
    }),
    assignment: t.prismaField({
      type: 'ShiftAssignment',
      nullable: true,
      description: 'The assignment concerned; null for changes to the shift as a whole.',
      resolve: (query, e, _args, ctx) =>
        e.assignmentId == null ? null : ctx.prisma.shiftAssignment.findUnique({ ...query, where: { id: e.assignmentId } }),
    }),
    volunteer: t.prismaField({
      type: 'Volunteer',
      nullable: true,
      description: 'The volunteer concerned; null for changes to the shift as a whole.',
      resolve: (query, e, _args, ctx) =>
        e.volunteerId == null ? null : ctx.prisma.volunteer.findUnique({ ...query, where: { id: e.volunteerId } }),
    }),
  }),
});

const RosterChangedFilter = builder.inputType('RosterChangedFilter', {
  description: 'Which roster changes to receive. All given conditions must hold; none means every change.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Changes at posts of this site or any site below it.' }),
    postId: t.globalID({ for: DutyPostRef, description: 'Changes at this post.' }),
    projectId: t.globalID({ for: ProjectRef, description: 'Changes to this project’s shifts.' }),
    shiftId: t.globalID({ for: ShiftRef, description: 'Changes to this shift.' }),
  }),
});

/** Loads a site for a subscription, or fails the subscription with a clean NOT_FOUND error. */
async function requireSite(ctx: Context, id: number): Promise<{ id: number; path: string }> {
  const site = await ctx.prisma.site.findUnique({ where: { id }, select: { id: true, path: true } });
  if (!site) {
    throw new GraphQLError(`No Site with ID ${encodeGlobalID('Site', id)} exists.`, {
      extensions: { code: 'NOT_FOUND' },
    });
  }
  return site;
}

/**
 * What scoped staff (site managers, team leaders; not admins) may watch: changes at the sites
 * they manage, and to their teams' projects. Null for everyone else: admins see everything, and
 * volunteers and anonymous clients get events whose personal fields the type rules guard.
 */
function staffScope(ctx: Context): ((e: Pick<RosterEvent, 'sitePath' | 'organizerId'>) => boolean) | null {
  const board = ctx.board;
  // A wall screen's board credential hears its own site subtree only.
  if (board) return (e) => boardCovers(board, e.sitePath);
  const viewer = ctx.viewer;
  if (!isScopedStaff(viewer)) return null;
  return (e) => managesPath(viewer, e.sitePath) || viewer.ledTeamIds.includes(e.organizerId);
}

/** A board credential sees the duty boards of its own site subtree only. */
function requireBoardCovers(ctx: Context, site: { path: string }) {
  if (ctx.board && !boardCovers(ctx.board, site.path)) {
    throw forbidden('This board credential covers another part of the city.');
  }
}

const underSite = (path: string) => (e: RosterEvent) => e.sitePath === path || e.sitePath.startsWith(`${path}.`);

builder.subscriptionType({ description: 'Live updates, over WebSocket (graphql-ws) or Server-Sent Events.' });

builder.subscriptionFields((t) => ({
  rosterChanged: t.field({
    type: RosterEventRef,
    description:
      'Every roster change that matches the filter, in commit order (by `sequence`). With `after` (over SSE also the `Last-Event-ID` header), the stored changes after that point come first, then live ones, with no gap and no repeat. Changes are kept for a limited time (EVENT_RETENTION_HOURS, 48 by default): resuming from an older point fails with code EVENTS_EXPIRED; reload the snapshot (e.g. `dutyBoard`, which carries its `sequence`) and resume from there.',
    args: {
      filter: t.arg({ type: RosterChangedFilter, description: 'Which changes to receive.' }),
      after: t.arg.id({
        description: 'Resume after this point: the `sequence` or the `id` of the last event received, or a snapshot’s `sequence`.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      const f = args.filter;
      const siteId = optionalDbId(f?.siteId, 'filter.siteId');
      const site = siteId == null ? null : await requireSite(ctx, siteId);
      const postId = optionalDbId(f?.postId, 'filter.postId');
      const projectId = optionalDbId(f?.projectId, 'filter.projectId');
      const shiftId = optionalDbId(f?.shiftId, 'filter.shiftId');
      const inSite = site ? underSite(site.path) : () => true;
      const inScope = staffScope(ctx);
      const after = await resumePoint(ctx, args.after ?? ctx.lastEventId);
      return whileSessionLasts(ctx, pipe(
        rosterEvents(ctx, after, {
          ...(site && { OR: [{ sitePath: site.path }, { sitePath: { startsWith: `${site.path}.` } }] }),
          ...(postId != null && { postId }),
          ...(projectId != null && { projectId }),
          ...(shiftId != null && { shiftId }),
        }),
        filter(
          (e: RosterEvent) =>
            (!inScope || inScope(e)) &&
            inSite(e) &&
            (postId == null || e.postId === postId) &&
            (projectId == null || e.projectId === projectId) &&
            (shiftId == null || e.shiftId === shiftId),
        ),
      ));
    },
    resolve: (event: RosterEvent, _args, ctx) => {
      markEventId(ctx, event.sequence);
      return event;
    },
  }),
  dutyBoard: t.field({
    type: DutyBoardRef,
    description: `A duty-board snapshot of a site and everything below it: one at once, then a fresh one after changes there, at most one every ${DUTY_BOARD_MIN_INTERVAL_MS} ms (bursts are coalesced).`,
    args: { siteId: t.arg.globalID({ for: SiteRef, required: true, description: 'The site.' }) },
    subscribe: async (_root, args, ctx) => {
      const site = await requireSite(ctx, dbId(args.siteId, 'siteId'));
      requireBoardCovers(ctx, site);
      return whileSessionLasts(ctx, coalescedBoard(ctx, site));
    },
    resolve: (snapshot: SequencedBoard) => snapshot,
  }),
}));

/**
 * The stream behind `dutyBoard`: a snapshot now, then after relevant changes a new snapshot no
 * sooner than DUTY_BOARD_MIN_INTERVAL_MS after the previous one. Changes arriving while a snapshot
 * is already scheduled join it, so a burst of 720 changes produces one or two snapshots, not 720.
 */
function coalescedBoard(ctx: Context, site: { id: number; path: string }): AsyncIterable<SequencedBoard> {
  return new Repeater<SequencedBoard>(async (push, stop) => {
    const changes = ctx.events.feed.listen();
    const relevant = underSite(site.path);
    let lastSent = 0;
    let timer: NodeJS.Timeout | undefined;
    let sending: Promise<void> = Promise.resolve();

    const send = () => {
      timer = undefined;
      lastSent = Date.now();
      // Snapshots go out one after another, never overlapping.
      sending = sending.then(async () => {
        await push(await boardSnapshot(ctx, site));
      });
      sending.catch((error) => stop(error));
    };
    const schedule = () => {
      timer ??= setTimeout(send, Math.max(0, lastSent + DUTY_BOARD_MIN_INTERVAL_MS - Date.now()));
    };

    send();
    // When the feed ends (shutdown) or fails, so does the board stream, with the feed's error.
    const listening = (async () => {
      for (;;) {
        const next = await changes.next();
        if (next.done) return stop();
        if (relevant(next.value)) schedule();
      }
    })().catch((error) => stop(error));
    await stop;
    clearTimeout(timer);
    await changes.return?.();
    await listening.catch(() => {});
  });
}

/** A duty board and the last roster event it reflects. */
type SequencedBoard = DutyBoardSnapshot & { sequence: number };

/**
 * The board and the outbox position read from one REPEATABLE READ snapshot, so the board reflects
 * exactly the events up to `sequence`: `rosterChanged(after: sequence)` continues it.
 */
function boardSnapshot(ctx: Context, site: { id: number; path: string }): Promise<SequencedBoard> {
  return ctx.prisma.$transaction(
    async (tx) => {
      const { latest } = await outboxPosition(tx);
      return { ...(await dutyBoard(tx, site, ctx.clock.now())), sequence: latest };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

/** Where a subscription resumes: `after` as a sequence or a RosterEvent ID, checked against the log. */
async function resumePoint(ctx: Context, after: string | number | null | undefined): Promise<number | null> {
  if (after == null || after === '') return null;
  const text = String(after);
  let sequence: number | null = /^\d{1,15}$/.test(text) ? Number(text) : null;
  if (sequence === null) {
    try {
      const decoded = decodeGlobalID(text);
      if (decoded.typename === 'RosterEvent' && /^\d{1,15}$/.test(decoded.id)) sequence = Number(decoded.id);
    } catch {
      // not a global ID
    }
  }
  if (sequence === null) {
    throw new GraphQLError('`after` must be an event’s `sequence` or `id` (or a snapshot’s `sequence`).', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  try {
    await checkResumePoint(ctx.prisma, sequence);
  } catch (error) {
    if (!(error instanceof ResumePointError)) throw error;
    throw new GraphQLError(error.message, {
      extensions: { code: 'EVENTS_EXPIRED', after: error.after, earliest: error.earliest, latest: error.latest },
    });
  }
  return sequence;
}

/** Rows read per query when replaying stored events. */
const REPLAY_BATCH = 500;

/**
 * The events after `after` (stored ones first, then live), or only live ones without it. The live
 * listener opens before the outbox is read, and the feed delivers every sequence in order, so
 * skipping what the replay already sent leaves neither a gap nor a repeat. `where` is the
 * subscriber's filter in SQL, so a replay reads only its own events (the caller filters live ones).
 */
function rosterEvents(ctx: Context, after: number | null, where: Prisma.OutboxEventWhereInput): AsyncIterable<RosterEvent> {
  return new Repeater<RosterEvent>(async (push, stop) => {
    const live = ctx.events.feed.listen();
    void stop.then(() => live.return());
    try {
      let last = after ?? 0;
      if (after !== null) {
        for (;;) {
          const batch = await eventsAfter(ctx.prisma, last, REPLAY_BATCH, where);
          for (const event of batch) {
            last = event.sequence;
            await push(event);
          }
          if (batch.length < REPLAY_BATCH) break;
        }
      }
      for (;;) {
        const next = await live.next();
        if (next.done) break;
        if (next.value.sequence <= last) continue;
        last = next.value.sequence;
        await push(next.value);
      }
      stop();
    } catch (error) {
      stop(error);
    }
  });
}

export const DutyBoardRef = builder.objectRef<SequencedBoard>('DutyBoard').implement({
  description: 'Duty at a site and every site below it, today (Asia/Shanghai) and right now.',
  fields: (t) => ({
    id: t.id({
      description: 'Stable per site (not a Node: fetch boards with `dutyBoard(siteId:)`), so client caches keep one entry per board.',
      resolve: (b) => encodeGlobalID('DutyBoard', b.siteId),
    }),
    sequence: t.int({
      description:
        'The last roster event this snapshot reflects: subscribe to `rosterChanged(after: sequence)` to follow it with no gap.',
      resolve: (b) => b.sequence,
    }),
    site: t.prismaField({
      type: 'Site',
      description: 'The site the board covers (with everything below it).',
      resolve: (query, b, _args, ctx) => ctx.prisma.site.findUniqueOrThrow({ ...query, where: { id: b.siteId } }),
    }),
    generatedAt: t.field({ type: 'DateTime', description: 'When this snapshot was taken.', resolve: (b) => b.generatedAt }),
    onDutyNow: t.int({ description: 'Volunteers checked in right now.', resolve: (b) => b.onDutyNow }),
    expectedNow: t.int({
      description: 'Volunteers holding a place on shifts in progress now, checked in or not.',
      resolve: (b) => b.expectedNow,
    }),
    understaffedCount: t.int({
      description: 'How many of today’s shifts are below their minimum.',
      resolve: (b) => b.understaffedShiftIds.length,
    }),
    understaffedShifts: t.prismaField({
      type: ['Shift'],
      description: 'Today’s OPEN shifts below their minimum, by start time (at most `first`).',
      args: { first: t.arg.int({ defaultValue: 50, description: 'How many to list, at most 100.' }) },
      resolve: (query, b, args, ctx) =>
        ctx.prisma.shift.findMany({
          ...query,
          where: { id: { in: b.understaffedShiftIds.slice(0, Math.min(Math.max(args.first ?? 50, 0), 100)) } },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
        }),
    }),
    openSlotsToday: t.int({ description: 'Free places on today’s OPEN shifts.', resolve: (b) => b.openSlotsToday }),
    serviceMinutesToday: t.int({
      description: 'Service minutes credited today by check-outs at these sites.',
      resolve: (b) => b.serviceMinutesToday,
    }),
  }),
});

builder.queryField('dutyBoard', (t) =>
  t.field({
    type: DutyBoardRef,
    nullable: true,
    description: 'The duty board of a site now, once (subscribe to `dutyBoard` for live updates). Null for an unknown site.',
    args: { siteId: t.arg.globalID({ for: SiteRef, required: true, description: 'The site.' }) },
    resolve: async (_root, args, ctx) => {
      const site = await ctx.prisma.site.findUnique({ where: { id: dbId(args.siteId, 'siteId') }, select: { id: true, path: true } });
      if (site) requireBoardCovers(ctx, site);
      return site ? boardSnapshot(ctx, site) : null;
    },
  }),
);
