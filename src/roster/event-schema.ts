import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { toRosterEvent } from '../events/outbox.js';
import { isScopedStaff, managesPath } from '../auth/viewer.js';
import { boardCovers } from '../boards/service.js';
import { sharedField } from '../common/shared-fields.js';
import { ROSTER_CHANGE_KINDS, type RosterEvent } from './events.js';

/*
 * The RosterEvent type: a change on the duty roster as the outbox stores it and `rosterChanged`
 * (./live.ts) delivers it. It is a Node: `node(id:)` finds an event while the outbox retains it
 * (EVENT_RETENTION_HOURS), and gives null after that — and for an event outside what the viewer
 * may watch (staffScope, the same rule rosterChanged applies).
 */

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

export const RosterEventKindEnum = builder.enumType('RosterEventKind', {
  description: 'What happened on the roster.',
  values: Object.fromEntries(ROSTER_CHANGE_KINDS.map((kind) => [kind, { description: KIND_DESCRIPTIONS[kind] }])) as {
    [K in (typeof ROSTER_CHANGE_KINDS)[number]]: { description: string };
  },
});

/**
 * A row an event names, loaded once per event and selection for every subscription group that
 * executes it (the event object is shared); null when the event names none. The selection is the
 * key, so it counts as used on every path.
 */
function eventRow<T>(
  ctx: Context,
  e: RosterEvent,
  field: string,
  id: number | null | undefined,
  query: object,
  load: (id: number) => Promise<T>,
): Promise<T> | null {
  const key = `${field}:${JSON.stringify(query)}`;
  if (id == null) return null;
  const row = sharedField(e, key, () => load(id));
  // A group's execution resumes on a paced turn (src/events/feed.ts), not with every other group's
  // in one run when the shared load completes.
  return ctx.liveGroup ? row.then(async (value) => (await ctx.events.feed.paced(), value)) : row;
}

export const RosterEventRef = builder.node(builder.objectRef<RosterEvent>('RosterEvent'), {
  id: {
    description: 'Global ID of the event; `rosterChanged(after:)` takes it to resume after this event.',
    resolve: (e) => e.sequence,
    parse: (id) => Number(id),
  },
  // `node(id:)`: the event while the outbox retains it, null once pruned (or outside the viewer's scope).
  loadOne: (sequence, ctx) => storedEvent(ctx, sequence),
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'sequence' in value && 'sitePath' in value && 'kind' in value,
  description:
    'A change on the duty roster. `shift` is loaded when the event is delivered, so it carries the current counts, open slots and staffing.',
  fields: (t) => ({
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
      resolve: (query, e, _args, ctx) => eventRow(ctx, e, 'shift', e.shiftId, query, (id) => ctx.prisma.shift.findUnique({ ...query, where: { id } })),
    }),
    assignment: t.prismaField({
      type: 'ShiftAssignment',
      nullable: true,
      description: 'The assignment concerned; null for changes to the shift as a whole.',
      resolve: (query, e, _args, ctx) =>
        eventRow(ctx, e, 'assignment', e.assignmentId, query, (id) => ctx.prisma.shiftAssignment.findUnique({ ...query, where: { id } })),
    }),
    volunteer: t.prismaField({
      type: 'Volunteer',
      nullable: true,
      description: 'The volunteer concerned; null for changes to the shift as a whole.',
      resolve: (query, e, _args, ctx) =>
        eventRow(ctx, e, 'volunteer', e.volunteerId, query, (id) => ctx.prisma.volunteer.findUnique({ ...query, where: { id } })),
    }),
  }),
});


/**
 * What scoped staff (site managers, team leaders; not admins) may watch: changes at the sites
 * they manage, and to their teams' projects. Null for everyone else: admins see everything, and
 * volunteers and anonymous clients get events whose personal fields the type rules guard.
 */
export function staffScope(ctx: Context): ((e: Pick<RosterEvent, 'sitePath' | 'organizerId'>) => boolean) | null {
  const board = ctx.board;
  // A wall screen's board credential hears its own site subtree only.
  if (board) return (e) => boardCovers(board, e.sitePath);
  const viewer = ctx.viewer;
  if (!isScopedStaff(viewer)) return null;
  return (e) => managesPath(viewer, e.sitePath) || viewer.ledTeamIds.includes(e.organizerId);
}


/** An event by sequence from the outbox, or null when it was pruned, never existed, or is out of the viewer's scope. */
async function storedEvent(ctx: Context, id: number | string): Promise<RosterEvent | null> {
  // The relay plugin hands the parsed id to some paths and the raw key to others.
  const sequence = Number(id);
  if (!Number.isSafeInteger(sequence) || sequence < 1) return null;
  const row = await ctx.prisma.outboxEvent.findUnique({ where: { sequence: BigInt(sequence) } });
  if (!row) return null;
  const event = toRosterEvent(row);
  const inScope = staffScope(ctx);
  return !inScope || inScope(event) ? event : null;
}
