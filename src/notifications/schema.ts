import { KEYED_ID, keyedNode } from '../common/ids.js';
import { builder } from '../builder.js';
import { command } from '../common/command.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { COMMON_ERRORS, ErrorInterface } from '../common/schema-base.js';
import type { Context } from '../context.js';
import type { Broadcast } from '../generated/prisma/client.js';
import { ViewerRef } from '../auth/schema.js';
import { requireViewer } from '../auth/viewer.js';
import { ProjectRef } from '../projects/schema.js';
import { InvalidAssignmentStateError, ShiftCancelledError, ShiftClosedError } from '../roster/errors.js';
import { ShiftAssignmentRef, ShiftRef } from '../roster/schema.js';
import { BROADCASTS_PER_HOUR, BroadcastRateLimitError, createBroadcast } from './broadcast.js';
import { reminderOffsetsOf } from './reminders.js';
import { type PreferenceRow, confirmAttendance, markNotificationsRead, preferencesOf, setPreferences, setReminderOffsets } from './service.js';
import { NotificationKindEnum } from './kinds.js';
import { inAppWhere } from './store.js';


export const NotificationChannelEnum = builder.enumType('NotificationChannel', {
  description: 'How a notification reaches its recipient.',
  values: {
    IN_APP: { description: 'The notification list (`viewer.notifications`) and the `myNotifications` subscription.' },
    WEBHOOK: { description: 'The city’s registered webhook endpoints (SMS, WeChat, its own systems).' },
  },
});

const DeliveryStatusEnum = builder.enumType('NotificationDeliveryStatus', {
  description: 'Where one channel’s delivery of a notification stands.',
  values: {
    PENDING: { description: 'Not delivered yet (retrying).' },
    DELIVERED: { description: 'Delivered.' },
    FAILED: { description: 'Given up on after retrying.' },
    SUPPRESSED: { description: 'Not sent: the recipient turned this kind off on this channel.' },
  },
});

const NotificationDeliveryRef = builder.prismaObject('NotificationDelivery', {
  description: 'One channel’s delivery of a notification.',
  fields: (t) => ({
    channel: t.expose('channel', { type: NotificationChannelEnum, description: 'The channel.' }),
    status: t.expose('status', { type: DeliveryStatusEnum, description: 'Where the delivery stands.' }),
    attempts: t.exposeInt('attempts', { description: 'How many times delivery was attempted.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed, if it did.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the status last changed.' }),
  }),
});
void NotificationDeliveryRef;

export const NotificationRef = keyedNode(builder.prismaNode('Notification', {
  description: 'One message to one volunteer, in Chinese. Only its recipient may see it.',
  id: KEYED_ID,
  authScopes: (n, ctx: Context) => n.recipientId === ctx.viewer?.volunteerId,
  fields: (t) => ({
    kind: t.expose('kind', { type: NotificationKindEnum, description: 'What it is about.' }),
    title: t.exposeString('title', { description: 'The title (Chinese).' }),
    body: t.exposeString('body', { description: 'The text (Chinese).' }),
    targetIds: t.idList({
      description: 'Global IDs of what it is about (e.g. the Shift, the ShiftAssignment, the Project, the DutyPost); load them with `node`.',
      resolve: (n) => n.targetIds,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true, description: 'When the recipient marked it read; null while unread.' }),
    deliveries: t.relation('deliveries', {
      description: 'Its delivery on each channel.',
      query: { orderBy: { channel: 'asc' } },
    }),
  }),
}));

const NotificationPreferenceRef = builder.objectRef<PreferenceRow>('NotificationPreference').implement({
  description: 'Whether the volunteer receives one kind of notification on one channel.',
  fields: (t) => ({
    kind: t.field({ type: NotificationKindEnum, description: 'The kind.', resolve: (p) => p.kind }),
    channel: t.field({ type: NotificationChannelEnum, description: 'The channel.', resolve: (p) => p.channel }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether it is sent (the default).' }),
  }),
});

builder.objectFields(ViewerRef, (t) => ({
  notifications: t.prismaConnection(
    {
      type: 'Notification',
      cursor: 'id',
      description: 'This account’s volunteer’s notifications (as delivered in the app), newest first. Empty without a volunteer.',
      args: { unreadOnly: t.arg.boolean({ description: 'Only those not yet marked read.' }) },
      totalCount: (v, args, ctx) =>
        v.volunteerId == null ? 0 : ctx.prisma.notification.count({ where: inAppWhere(v.volunteerId, args.unreadOnly ?? false) }),
      resolve: (query, v, args, ctx) =>
        v.volunteerId == null
          ? []
          : ctx.prisma.notification.findMany({ ...query, where: inAppWhere(v.volunteerId, args.unreadOnly ?? false), orderBy: { id: 'desc' } }),
    },
    { name: 'NotificationConnection', description: 'A page of notifications.' },
    { name: 'NotificationEdge', description: 'A notification on a page.' },
  ),
  unreadNotificationCount: t.int({
    description: 'How many of the volunteer’s notifications are unread.',
    resolve: (v, _args, ctx) => (v.volunteerId == null ? 0 : ctx.prisma.notification.count({ where: inAppWhere(v.volunteerId, true) })),
  }),
  notificationPreferences: t.field({
    type: [NotificationPreferenceRef],
    description: 'Every kind on every channel, and whether the volunteer receives it.',
    resolve: (v, _args, ctx) => preferencesOf(ctx.prisma, v.volunteerId),
  }),
}));

builder.prismaObjectFields('Project', (t) => ({
  reminderOffsetsMinutes: t.field({
    type: ['Int'],
    description: 'Minutes before each shift’s start when its volunteers are reminded, largest first (default 1440 and 120: 24 h and 2 h).',
    resolve: (p, _args, ctx) => reminderOffsetsOf(ctx.prisma, p.id),
  }),
}));

// ---------------------------------------------------------------------------------- mutations

const MarkReadInput = builder.inputType('MarkNotificationsReadInput', {
  description: 'Which of your notifications to mark read: `ids`, or `all: true`.',
  fields: (t) => ({
    ids: t.globalIDList({ for: NotificationRef, description: 'These notifications (up to 100), all yours.' }),
    all: t.boolean({ description: 'Every unread notification of yours.' }),
  }),
});

const MarkReadPayload = builder.objectRef<{ marked: number; unread: number }>('MarkNotificationsReadPayload').implement({
  description: 'The notifications are marked read.',
  fields: (t) => ({
    markedCount: t.int({ description: 'How many were unread and are now read.', resolve: (p) => p.marked }),
    unreadCount: t.int({ description: 'How many of yours are still unread.', resolve: (p) => p.unread }),
  }),
});

builder.mutationField('markNotificationsRead', (t) =>
  t.field({
    description: 'Marks your own notifications read. An ID of someone else’s notification is reported as not found, and nothing is marked.',
    authScopes: { authenticated: true },
    type: MarkReadPayload,
    args: { input: t.arg({ type: MarkReadInput, required: true, description: 'Which notifications.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: 'MarkNotificationsReadResult', description: 'The counts, or why nothing was marked.' } },
    resolve: (_root, { input }, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      return markNotificationsRead(
        ctx.prisma,
        viewer.volunteerId,
        { ids: input.ids?.map((id, i) => id.id), all: input.all },
        ctx.clock.now(),
      );
    },
  }),
);

const PreferenceInput = builder.inputType('NotificationPreferenceInput', {
  description: 'Whether to receive one kind on one channel.',
  fields: (t) => ({
    kind: t.field({ type: NotificationKindEnum, required: true, description: 'The kind.' }),
    channel: t.field({ type: NotificationChannelEnum, required: true, description: 'The channel.' }),
    enabled: t.boolean({ required: true, description: 'Whether to receive it.' }),
  }),
});

const SetPreferencesInput = builder.inputType('SetNotificationPreferencesInput', {
  description: 'Changes to your notification preferences; kinds and channels not named keep theirs.',
  fields: (t) => ({
    preferences: t.field({ type: [PreferenceInput], required: true, description: 'The changes (at most one per kind and channel).' }),
  }),
});

const SetPreferencesPayload = builder.objectRef<{ preferences: PreferenceRow[] }>('SetNotificationPreferencesPayload').implement({
  description: 'The preferences are saved.',
  fields: (t) => ({
    preferences: t.field({ type: [NotificationPreferenceRef], description: 'All your preferences now.', resolve: (p) => p.preferences }),
  }),
});

builder.mutationField('setNotificationPreferences', (t) =>
  t.field({
    description: 'Turns kinds of notification on or off per channel, for your own volunteer. The worker respects them from its next pass.',
    authScopes: { authenticated: true },
    type: SetPreferencesPayload,
    args: { input: t.arg({ type: SetPreferencesInput, required: true, description: 'The changes.' }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: 'SetNotificationPreferencesResult', description: 'The preferences, or why they were not saved.' } },
    resolve: async (_root, { input }, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.volunteerId == null) throw new ConflictError('Only an account with a volunteer receives notifications.');
      const seen = new Set(input.preferences.map((p) => `${p.kind}:${p.channel}`));
      if (seen.size !== input.preferences.length) throw ValidationError.field('input.preferences', 'name each kind and channel at most once');
      return { preferences: await setPreferences(ctx.prisma, viewer.volunteerId, input.preferences, ctx.clock.now()) };
    },
  }),
);

const SetOffsetsInput = builder.inputType('SetProjectReminderOffsetsInput', {
  description: 'When a project’s volunteers are reminded before each shift.',
  fields: (t) => ({
    projectId: t.globalID({ for: ProjectRef, required: true, description: 'The project.' }),
    offsetsMinutes: t.intList({
      required: true,
      description: 'Minutes before each shift’s start (5 to 20160, at most 5, each once); empty turns reminders off.',
    }),
  }),
});

const SetOffsetsPayload = builder.objectRef<{ projectId: number; offsets: number[] }>('SetProjectReminderOffsetsPayload').implement({
  description: 'The offsets are saved and the project’s coming reminders rescheduled.',
  fields: (t) => ({
    project: t.prismaField({
      type: 'Project',
      description: 'The project.',
      resolve: (query, p, _args, ctx) => ctx.prisma.project.findUniqueOrThrow({ ...query, where: { id: p.projectId } }),
    }),
    offsetsMinutes: t.intList({ description: 'The offsets now, largest first.', resolve: (p) => p.offsets }),
  }),
});

builder.mutationField('setProjectReminderOffsets', (t) =>
  t.field({
    description: 'Sets when a project’s volunteers are reminded before each shift, and reschedules the reminders still to come. Whoever manages the project.',
    authScopes: (_root, args) => ({ manageProject: args.input.projectId }),
    type: SetOffsetsPayload,
    args: { input: t.arg({ type: SetOffsetsInput, required: true, description: 'The project and its offsets.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: 'SetProjectReminderOffsetsResult', description: 'The offsets, or why they were not saved.' } },
    resolve: async (_root, { input }, ctx) => {
      const projectId = input.projectId.id;
      const offsets = await setReminderOffsets(ctx.prisma, projectId, input.offsetsMinutes, ctx.clock.now());
      // Rescheduled jobs may fall due sooner than the worker expects.
      ctx.notifications.kick();
      return { projectId, offsets };
    },
  }),
);

const ConfirmInput = builder.inputType('ConfirmAttendanceInput', {
  description: 'Your answer to “will you be there?” for one of your assignments.',
  fields: (t) => ({
    assignmentId: t.globalID({ for: ShiftAssignmentRef, required: true, description: 'Your assignment.' }),
    attending: t.boolean({ required: true, description: 'Yes, or no: no withdraws you and gives the place to the first on the waitlist.' }),
  }),
});

const ConfirmPayload = builder.objectRef<{ assignmentId: number; attending: boolean }>('ConfirmAttendancePayload').implement({
  description: 'The answer is recorded.',
  fields: (t) => ({
    attending: t.boolean({ description: 'The answer.', resolve: (p) => p.attending }),
    assignment: t.prismaField({
      type: 'ShiftAssignment',
      description: 'The assignment as it is now (CANCELLED after a no).',
      resolve: (query, p, _args, ctx) => ctx.prisma.shiftAssignment.findUniqueOrThrow({ ...query, where: { id: p.assignmentId } }),
    }),
  }),
});

builder.mutationField('confirmAttendance', (t) =>
  t.field({
    description:
      'Answers whether you will attend a shift you hold a place on. No withdraws you (as cancelAssignment does) and promotes the waitlist. Your own assignments only; anyone else’s is not found.',
    authScopes: { authenticated: true },
    type: ConfirmPayload,
    args: { input: t.arg({ type: ConfirmInput, required: true, description: 'The assignment and the answer.' }) },
    errors: {
      types: [...COMMON_ERRORS, ConflictError, InvalidAssignmentStateError, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'ConfirmAttendanceResult', description: 'The recorded answer, or why it could not be recorded.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      const assignmentId = input.assignmentId.id;
      if (viewer.volunteerId == null) throw new NotFoundError('ShiftAssignment', assignmentId);
      const volunteerId = viewer.volunteerId;
      return command(ctx, (tx) => confirmAttendance(tx, { assignmentId, volunteerId, attending: input.attending }, ctx.clock.now()));
    },
  }),
);

const BroadcastRef = builder.objectRef<Broadcast>('Broadcast').implement({
  description: 'A message sent to a shift’s or project’s volunteers. The notification worker fans it out within moments.',
  fields: (t) => ({
    shift: t.prismaField({
      type: 'Shift',
      nullable: true,
      description: 'The shift it went to; null for a project broadcast.',
      resolve: (query, b, _args, ctx) => (b.shiftId == null ? null : ctx.prisma.shift.findUnique({ ...query, where: { id: b.shiftId } })),
    }),
    project: t.prismaField({
      type: 'Project',
      nullable: true,
      description: 'The project it went to; null for a shift broadcast.',
      resolve: (query, b, _args, ctx) => (b.projectId == null ? null : ctx.prisma.project.findUnique({ ...query, where: { id: b.projectId } })),
    }),
    title: t.exposeString('title', { description: 'The title.' }),
    message: t.exposeString('body', { description: 'The message.' }),
    includeWaitlist: t.exposeBoolean('includeWaitlist', { description: 'Whether waitlisted volunteers receive it too.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
  }),
});

builder.objectType(BroadcastRateLimitError, {
  name: 'BroadcastRateLimitError',
  description: `You sent the most broadcasts allowed in an hour (${BROADCASTS_PER_HOUR}).`,
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limit: t.int({ description: 'Broadcasts allowed per rolling hour.', resolve: (e) => e.limit }),
    retryAfter: t.field({ type: 'DateTime', description: 'When the next one may be sent.', resolve: (e) => e.retryAfter }),
  }),
});

const BroadcastPayload = builder.objectRef<{ broadcast: Broadcast }>('BroadcastPayload').implement({
  description: 'The broadcast is recorded; its notifications follow within moments.',
  fields: (t) => ({ broadcast: t.field({ type: BroadcastRef, description: 'The broadcast.', resolve: (p) => p.broadcast }) }),
});

const BroadcastToShiftInput = builder.inputType('BroadcastToShiftInput', {
  description: 'A message to a shift’s volunteers.',
  fields: (t) => ({
    shiftId: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    title: t.string({ description: 'A title (up to 50 characters); a default when omitted.' }),
    message: t.string({ required: true, description: 'The message (Chinese, up to 500 characters).' }),
    includeWaitlist: t.boolean({ description: 'Send to waitlisted volunteers too (default: only those holding a place).' }),
  }),
});

const BroadcastToProjectInput = builder.inputType('BroadcastToProjectInput', {
  description: 'A message to the volunteers of a project’s open shifts still to come or running.',
  fields: (t) => ({
    projectId: t.globalID({ for: ProjectRef, required: true, description: 'The project.' }),
    title: t.string({ description: 'A title (up to 50 characters); a default when omitted.' }),
    message: t.string({ required: true, description: 'The message (Chinese, up to 500 characters).' }),
    includeWaitlist: t.boolean({ description: 'Send to waitlisted volunteers too (default: only those holding a place).' }),
  }),
});

async function send(ctx: Context, target: { shiftId: number } | { projectId: number }, input: { title?: string | null; message: string; includeWaitlist?: boolean | null }) {
  const viewer = requireViewer(ctx.viewer);
  const broadcast = await ctx.prisma.$transaction((tx) =>
    createBroadcast(
      tx,
      { senderAccountId: viewer.accountId, target, title: input.title, body: input.message, includeWaitlist: input.includeWaitlist ?? false },
      ctx.clock.now(),
    ),
  );
  // The worker makes the notifications, after this commit.
  ctx.notifications.kick();
  return { broadcast };
}

builder.mutationField('broadcastToShift', (t) =>
  t.field({
    description: `Sends a message to a shift’s volunteers (and its waitlist, if asked). Whoever manages the shift; at most ${BROADCASTS_PER_HOUR} broadcasts per hour per sender.`,
    authScopes: (_root, args) => ({ manageShift: args.input.shiftId.id }),
    type: BroadcastPayload,
    args: { input: t.arg({ type: BroadcastToShiftInput, required: true, description: 'The shift and the message.' }) },
    errors: { types: [...COMMON_ERRORS, BroadcastRateLimitError], directResult: true, union: { name: 'BroadcastToShiftResult', description: 'The broadcast, or why it was not sent.' } },
    resolve: (_root, { input }, ctx) => send(ctx, { shiftId: input.shiftId.id }, input),
  }),
);

builder.mutationField('broadcastToProject', (t) =>
  t.field({
    description: `Sends a message to the volunteers of a project’s open shifts not yet ended (and their waitlists, if asked). Whoever manages the project; at most ${BROADCASTS_PER_HOUR} broadcasts per hour per sender.`,
    authScopes: (_root, args) => ({ manageProject: args.input.projectId }),
    type: BroadcastPayload,
    args: { input: t.arg({ type: BroadcastToProjectInput, required: true, description: 'The project and the message.' }) },
    errors: { types: [...COMMON_ERRORS, BroadcastRateLimitError], directResult: true, union: { name: 'BroadcastToProjectResult', description: 'The broadcast, or why it was not sent.' } },
    resolve: (_root, { input }, ctx) => send(ctx, { projectId: input.projectId.id }, input),
  }),
);
