import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { filter, pipe, Repeater } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ResumePointError, checkResumePoint, eventsAfter } from '../events/outbox.js';
import { whileSessionLasts } from '../auth/live-sessions.js';
import { markEventId, markSnapshotNumber } from '../events/sse-ids.js';
import { forbidden } from '../auth/errors.js';
import { boardCovers } from '../boards/service.js';
import { SiteRef } from '../sites/schema.js';
import { DUTY_BOARD_MIN_INTERVAL_MS, type NumberedBoard, type SequencedBoard, boardSnapshot, sharedBoard } from './board-hub.js';
import { sharedField } from '../common/shared-fields.js';
import type { RosterEvent } from './events.js';
import { RosterEventRef, staffScope } from './event-schema.js';
import { ProjectRef } from '../projects/schema.js';
import { DutyPostRef } from './posts/schema.js';
import { ShiftRef } from './shifts/schema.js';

export { DUTY_BOARD_MIN_INTERVAL_MS } from './board-hub.js';

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
      const siteId = f?.siteId?.id;
      const site = siteId == null ? null : await requireSite(ctx, siteId);
      const postId = f?.postId?.id;
      const projectId = f?.projectId?.id;
      const shiftId = f?.shiftId?.id;
      const inSite = site ? underSite(site.path) : () => true;
      const inScope = staffScope(ctx);
      const after = await resumePoint(ctx, args.after ?? ctx.lastEventId);
      return whileSessionLasts(ctx, pipe(
        rosterEvents(ctx, after, {
          stream: 'roster',
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
      const site = await requireSite(ctx, args.siteId.id);
      requireBoardCovers(ctx, site);
      return whileSessionLasts(ctx, sharedBoard(ctx, site, underSite(site.path)));
    },
    resolve: (snapshot: NumberedBoard, _args, ctx) => {
      // Shared streams keep members' snapshots in order by it (src/events/subscription-groups.ts).
      markSnapshotNumber(ctx, snapshot.n);
      return snapshot;
    },
  }),
}));

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
    // A subscription group's one listener is shared; its members are counted one by one.
    const live = ctx.events.feed.listen({ shared: ctx.liveGroup });
    void stop.then(() => live.return());
    try {
      let last = after ?? 0;
      if (after !== null) {
        for (;;) {
          const batch = await eventsAfter(ctx.prisma, last, REPLAY_BATCH, where);
          for (const event of batch) {
            last = event.sequence;
            if (event.stream === 'roster') await push(event);
          }
          if (batch.length < REPLAY_BATCH) break;
        }
      }
      for (;;) {
        const next = await live.next();
        if (next.done) break;
        if (next.value.sequence <= last || next.value.stream !== 'roster') continue;
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
      resolve: (query, b, _args, ctx) =>
        sharedField(b, `site:${JSON.stringify(query)}`, () => ctx.prisma.site.findUniqueOrThrow({ ...query, where: { id: b.siteId } })),
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
        sharedField(b, `understaffedShifts:${args.first}:${JSON.stringify(query)}`, () =>
          ctx.prisma.shift.findMany({
            ...query,
            where: { id: { in: b.understaffedShiftIds.slice(0, Math.min(Math.max(args.first ?? 50, 0), 100)) } },
            orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          }),
        ),
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
      const site = await ctx.prisma.site.findUnique({ where: { id: args.siteId.id }, select: { id: true, path: true } });
      if (site) requireBoardCovers(ctx, site);
      return site ? boardSnapshot(ctx, site) : null;
    },
  }),
);
