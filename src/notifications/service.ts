import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import type { PrismaClient } from '../db/index.js';
import type { NotificationChannel, NotificationKind, Prisma } from '../generated/prisma/client.js';
import type { RosterChange } from '../roster/events.js';
// The roster's withdraw rule, where it lives today (src/roster/service.ts); a split of src/roster moves this import.
import { cancelAssignment } from '../roster/service.js';
import { MAX_REMINDER_OFFSETS, REMINDER_OFFSET_RANGE, reminderOffsetsOf, syncShiftReminders } from './reminders.js';
import { NOTIFICATION_KINDS } from './kinds.js';
import { NOTIFICATION_CHANNELS, inAppWhere } from './store.js';
import { NOTIFY_LOCK_KEY } from './worker.js';

type Tx = Prisma.TransactionClient;

/** Why confirmAttendance(false) withdraws the volunteer (the assignment's cancelReason). */
export const DECLINED_REASON = '志愿者答复不能出席';

/**
 * Marks the viewer's own notifications read: the given ones (each must be theirs, or nothing is
 * marked) or all unread. Returns how many changed and how many stay unread.
 */
export async function markNotificationsRead(
  prisma: PrismaClient,
  recipientId: number | null,
  input: { ids?: readonly number[] | null; all?: boolean | null },
  now: Date,
): Promise<{ marked: number; unread: number }> {
  const hasIds = input.ids != null;
  if (hasIds === Boolean(input.all)) throw ValidationError.field('input', 'give either ids or all: true');
  if (hasIds && input.ids!.length === 0) throw ValidationError.field('input.ids', 'give at least one ID');
  if (hasIds && input.ids!.length > 100) throw ValidationError.field('input.ids', 'at most 100 IDs at a time');
  if (recipientId == null) {
    if (hasIds) throw new NotFoundError('Notification', input.ids![0]!);
    return { marked: 0, unread: 0 };
  }
  return prisma.$transaction(async (tx) => {
    let where: Prisma.NotificationWhereInput = inAppWhere(recipientId, true);
    if (hasIds) {
      const ids = [...new Set(input.ids!)];
      const mine = await tx.notification.findMany({ where: { id: { in: ids }, ...inAppWhere(recipientId) }, select: { id: true } });
      const found = new Set(mine.map((n) => n.id));
      // Another person's notification is reported as not existing.
      const missing = ids.find((id) => !found.has(id));
      if (missing !== undefined) throw new NotFoundError('Notification', missing);
      where = { ...where, id: { in: ids } };
    }
    const { count } = await tx.notification.updateMany({ where, data: { readAt: now } });
    const unread = await tx.notification.count({ where: inAppWhere(recipientId, true) });
    return { marked: count, unread };
  });
}

export interface PreferenceRow {
  kind: NotificationKind;
  channel: NotificationChannel;
  enabled: boolean;
}

/** Every kind on every channel for a volunteer: enabled unless turned off. */
export async function preferencesOf(db: PrismaClient | Tx, volunteerId: number | null): Promise<PreferenceRow[]> {
  const rows = volunteerId == null ? [] : await db.notificationPreference.findMany({ where: { volunteerId } });
  const off = new Set(rows.filter((r) => !r.enabled).map((r) => `${r.kind}:${r.channel}`));
  return NOTIFICATION_KINDS.flatMap((kind) => NOTIFICATION_CHANNELS.map((channel) => ({ kind, channel, enabled: !off.has(`${kind}:${channel}`) })));
}

export async function setPreferences(
  prisma: PrismaClient,
  volunteerId: number,
  changes: readonly PreferenceRow[],
  now: Date,
): Promise<PreferenceRow[]> {
  if (changes.length === 0) throw ValidationError.field('input.preferences', 'give at least one preference');
  if (changes.length > NOTIFICATION_KINDS.length * NOTIFICATION_CHANNELS.length) {
    throw ValidationError.field('input.preferences', 'at most one entry per kind and channel');
  }
  return prisma.$transaction(async (tx) => {
    for (const c of changes) {
      await tx.notificationPreference.upsert({
        where: { volunteerId_kind_channel: { volunteerId, kind: c.kind, channel: c.channel } },
        create: { volunteerId, kind: c.kind, channel: c.channel, enabled: c.enabled, updatedAt: now },
        update: { enabled: c.enabled, updatedAt: now },
      });
    }
    return preferencesOf(tx, volunteerId);
  });
}

/**
 * Sets a project's reminder offsets (minutes before each shift) and reschedules the reminder jobs
 * of its open shifts still to come, under the worker's lock.
 */
export async function setReminderOffsets(prisma: PrismaClient, projectId: number, raw: readonly number[], now: Date): Promise<number[]> {
  const offsets = [...new Set(raw)].sort((a, b) => b - a);
  if (offsets.length !== raw.length) throw ValidationError.field('input.offsetsMinutes', 'each offset may appear once');
  if (offsets.length > MAX_REMINDER_OFFSETS) throw ValidationError.field('input.offsetsMinutes', `at most ${MAX_REMINDER_OFFSETS} offsets`);
  if (offsets.some((m) => !Number.isInteger(m) || m < REMINDER_OFFSET_RANGE.min || m > REMINDER_OFFSET_RANGE.max)) {
    throw ValidationError.field('input.offsetsMinutes', `each offset is ${REMINDER_OFFSET_RANGE.min} to ${REMINDER_OFFSET_RANGE.max} minutes`);
  }
  return prisma.$transaction(
    async (tx) => {
      const project = await tx.project.findUnique({ where: { id: projectId }, select: { id: true } });
      if (!project) throw new NotFoundError('Project', projectId);
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NOTIFY_LOCK_KEY}::bigint)`;
      await tx.projectReminderSetting.upsert({
        where: { projectId },
        create: { projectId, offsetsMinutes: offsets, updatedAt: now },
        update: { offsetsMinutes: offsets, updatedAt: now },
      });
      const shifts = await tx.shift.findMany({ where: { projectId, status: 'OPEN', closedAt: null, startsAt: { gt: now } }, select: { id: true } });
      for (const s of shifts) await syncShiftReminders(tx, s.id, now, now);
      return reminderOffsetsOf(tx, projectId);
    },
    { timeout: 30_000 },
  );
}

/**
 * A volunteer's answer for an assignment: yes is recorded; no is recorded and withdraws them with
 * the roster's own withdraw rule, which frees the place for the waitlist. Run inside `command`.
 */
export async function confirmAttendance(
  tx: Tx,
  input: { assignmentId: number; volunteerId: number; attending: boolean },
  now: Date,
): Promise<{ assignmentId: number; attending: boolean; events: RosterChange[] }> {
  const assignment = await tx.shiftAssignment.findUnique({ where: { id: input.assignmentId }, select: { id: true, volunteerId: true, status: true } });
  // Someone else's assignment is reported as not existing.
  if (!assignment || assignment.volunteerId !== input.volunteerId) throw new NotFoundError('ShiftAssignment', input.assignmentId);
  await tx.attendanceConfirmation.upsert({
    where: { assignmentId: assignment.id },
    create: { assignmentId: assignment.id, attending: input.attending, answeredAt: now },
    update: { attending: input.attending, answeredAt: now },
  });
  if (input.attending) {
    if (assignment.status !== 'ASSIGNED' && assignment.status !== 'CHECKED_IN') {
      throw new ConflictError(`The assignment is ${assignment.status}; only a volunteer holding a place can confirm attending.`);
    }
    return { assignmentId: assignment.id, attending: true, events: [] };
  }
  const { events } = await cancelAssignment(tx, { assignmentId: assignment.id, reason: DECLINED_REASON }, now);
  return { assignmentId: assignment.id, attending: false, events };
}
