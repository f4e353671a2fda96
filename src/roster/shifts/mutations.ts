import { builder } from '../../builder.js';
import { command } from '../../common/command.js';
import { ConflictError } from '../../common/errors.js';
import { payloadType } from '../../common/payload.js';
import { COMMON_ERRORS } from '../../common/schema-base.js';
import { ProjectRef } from '../../projects/schema.js';
import { DoubleBookingError, ProjectNotRecruitingError, ShiftCancelledError, ShiftClosedError } from '../errors.js';
import { DutyPostRef } from '../posts/schema.js';
import { createShifts, updateShift } from './rules.js';
import { ShiftConnection, ShiftRef } from './schema.js';
import { cancelShift, closeShift } from './settle.js';

/*
 * Planning and ending shifts: createShifts, updateShift, cancelShift, closeShift.
 */

/** Why an action on a shift can be refused by the shift's or its project's state. */
export const SHIFT_STATE_ERRORS = [ShiftCancelledError, ShiftClosedError, ProjectNotRecruitingError] as const;

const TimeWindowInput = builder.inputType('TimeWindowInput', {
  description: 'A daily stretch of duty in Asia/Shanghai wall-clock time. An end before the start runs past midnight.',
  fields: (t) => ({
    start: t.string({ required: true, description: 'Start time HH:MM, e.g. "08:00".' }),
    end: t.string({ required: true, description: 'End time HH:MM, e.g. "12:00"; "24:00" is midnight.' }),
  }),
});

const CreateShiftsInput = builder.inputType('CreateShiftsInput', {
  description:
    'A campaign of shifts: every post × every day × every daily window, e.g. 30 days from 7 July, 08:00–12:00 and 14:00–18:00, at 12 posts. Give `startDate` (with `days`) or `dates`.',
  fields: (t) => ({
    projectId: t.globalID({ for: ProjectRef, required: true, description: 'The project the shifts serve.' }),
    postIds: t.globalIDList({ for: DutyPostRef, required: true, description: 'The posts, 1–100.' }),
    startDate: t.field({ type: 'Date', description: 'First day (Asia/Shanghai).' }),
    days: t.int({ description: 'Consecutive days from startDate, 1–120; default 1.' }),
    dates: t.field({ type: ['Date'], description: 'Explicit days instead of startDate/days.' }),
    windows: t.field({ type: [TimeWindowInput], required: true, description: 'The daily time windows; they must not overlap.' }),
    capacity: t.int({ required: true, description: 'Places per shift, 1–500.' }),
    minimum: t.int({ description: 'Volunteers needed per shift; default the capacity.' }),
    role: t.string({ required: true, description: 'The duty, e.g. 文明引导.' }),
    notes: t.string({ description: 'Notes for the volunteers.' }),
  }),
});

const CreateShiftsPayload = builder
  .objectRef<{ count: number; shiftIds: number[]; firstStartsAt: Date; lastEndsAt: Date }>('CreateShiftsPayload')
  .implement({
    description: 'The campaign’s shifts were created, all in one transaction.',
    fields: (t) => ({
      count: t.exposeInt('count', { description: 'How many shifts were created.' }),
      firstStartsAt: t.field({ type: 'DateTime', description: 'Start of the earliest shift created.', resolve: (p) => p.firstStartsAt }),
      lastEndsAt: t.field({ type: 'DateTime', description: 'End of the latest shift created.', resolve: (p) => p.lastEndsAt }),
      shifts: t.prismaConnection(
        {
          type: 'Shift',
          cursor: 'id',
          description: 'The shifts created, in the order they were made (by start time, then post), a page at a time.',
          totalCount: (p) => p.shiftIds.length,
          resolve: (query, p, _args, ctx) =>
            ctx.prisma.shift.findMany({ ...query, where: { id: { in: p.shiftIds } }, orderBy: { id: 'asc' } }),
        },
        ShiftConnection,
      ),
    }),
  });

builder.mutationField('createShifts', (t) =>
  t.field({
    description:
      'Creates a campaign of shifts in bulk, in one transaction, and returns them (`shifts`, a connection) with how many. Needs a manager of the project’s site or the leader of its organising team.',
    authScopes: (_root, args) => ({ manageProject: args.input.projectId }),
    type: CreateShiftsPayload,
    args: { input: t.arg({ type: CreateShiftsInput, required: true, description: 'The campaign.' }) },
    errors: {
      types: [...COMMON_ERRORS, ProjectNotRecruitingError],
      directResult: true,
      union: { name: 'CreateShiftsResult', description: 'How many shifts were created, or why none were.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const result = await command(
        ctx,
        (tx) => createShifts(tx, {
          projectId: input.projectId.id,
          postIds: input.postIds.map((id) => id.id),
          startDate: input.startDate ?? undefined,
          days: input.days ?? undefined,
          dates: input.dates ?? undefined,
          windows: input.windows,
          capacity: input.capacity,
          minimum: input.minimum ?? undefined,
          role: input.role,
          notes: input.notes,
        }, ctx.clock.now()),
      );
      return { count: result.count, shiftIds: result.shiftIds, firstStartsAt: result.firstStartsAt, lastEndsAt: result.lastEndsAt };
    },
  }),
);

const ShiftPayload = (name: string, description: string) =>
  payloadType(name, description, 'shift', ShiftRef, 'The shift as it now stands.');

const UpdateShiftInput = builder.inputType('UpdateShiftInput', {
  description: 'Changes to a shift. Omitted fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: ShiftRef, required: true, description: 'The shift to change.' }),
    startsAt: t.field({ type: 'DateTime', description: 'New start.' }),
    endsAt: t.field({ type: 'DateTime', description: 'New end.' }),
    capacity: t.int({ description: 'New capacity; not below the places already taken. Growing it promotes the waitlist.' }),
    minimum: t.int({ description: 'New minimum staffing.' }),
    role: t.string({ description: 'New duty.' }),
    notes: t.string({ description: 'New notes; empty string clears them.' }),
  }),
});

builder.mutationField('updateShift', (t) =>
  t.field({
    description: 'Changes a shift’s times, capacity, minimum, duty or notes. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageShift: args.input.id.id }),
    type: ShiftPayload('UpdateShiftPayload', 'The shift was updated.'),
    args: { input: t.arg({ type: UpdateShiftInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS, ...SHIFT_STATE_ERRORS, DoubleBookingError, ConflictError],
      directResult: true,
      union: { name: 'UpdateShiftResult', description: 'The updated shift, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { shift } = await command(
        ctx,
        (tx) => updateShift(tx, input.id.id, {
          startsAt: input.startsAt ?? undefined,
          endsAt: input.endsAt ?? undefined,
          capacity: input.capacity ?? undefined,
          minimum: input.minimum ?? undefined,
          role: input.role ?? undefined,
          notes: input.notes,
        }, ctx.clock.now()),
      );
      return { shift };
    },
  }),
);

const CancelShiftInput = builder.inputType('CancelShiftInput', {
  description: 'A shift to call off.',
  fields: (t) => ({
    id: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    reason: t.string({ description: 'Why, told to the volunteers (up to 500 characters).' }),
  }),
});

builder.mutationField('cancelShift', (t) =>
  t.field({
    description:
      'Calls off a shift. Its assignments are cancelled and kept as history; volunteers already on duty are checked out and credited. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageShift: args.input.id.id }),
    type: ShiftPayload('CancelShiftPayload', 'The shift was cancelled.'),
    args: { input: t.arg({ type: CancelShiftInput, required: true, description: 'The shift and the reason.' }) },
    errors: {
      types: [...COMMON_ERRORS, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'CancelShiftResult', description: 'The cancelled shift, or why it could not be cancelled.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { shift } = await command(ctx, (tx) => cancelShift(tx, { shiftId: input.id.id, reason: input.reason }, ctx.clock.now()));
      return { shift };
    },
  }),
);

const CloseShiftInput = builder.inputType('CloseShiftInput', {
  description: 'A shift to close.',
  fields: (t) => ({ id: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }) }),
});

builder.mutationField('closeShift', (t) =>
  t.field({
    description:
      'Closes a shift: volunteers still checked in are checked out at the shift’s end (or now, if earlier) and credited; ASSIGNED volunteers become NO_SHOW; the waitlist is cancelled. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageShift: args.input.id.id }),
    type: ShiftPayload('CloseShiftPayload', 'The shift was closed.'),
    args: { input: t.arg({ type: CloseShiftInput, required: true, description: 'The shift.' }) },
    errors: {
      types: [...COMMON_ERRORS, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'CloseShiftResult', description: 'The closed shift, or why it could not be closed.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { shift } = await command(ctx, (tx) => closeShift(tx, { shiftId: input.id.id }, ctx.clock.now()));
      return { shift };
    },
  }),
);
