import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Prisma } from '../generated/prisma/client.js';
import { type NotificationDraft, storeNotifications } from './store.js';
import { type ShiftFacts, reminderText } from './texts.js';

type Tx = Prisma.TransactionClient;

/*
 * Reminders are durable jobs: one ReminderJob row per assignment and offset, kept in step with
 * the shift by `syncShiftReminders` (run by the worker for every roster event of the shift) and
 * fired by `runDueReminders` when the injected clock passes `dueAt`. Moving the shift moves its
 * jobs; cancelling it, or the volunteer leaving, cancels them. Nothing is held in memory, so a
 * restart neither loses nor repeats one.
 */

/** Minutes before a shift's start, when a project sets none: 24 h and 2 h. */
export const DEFAULT_REMINDER_OFFSETS = [24 * 60, 2 * 60] as const;
/** At most this many offsets per project. */
export const MAX_REMINDER_OFFSETS = 5;
/** Each offset lies within this range (minutes). */
export const REMINDER_OFFSET_RANGE = { min: 5, max: 14 * 24 * 60 } as const;
/** Due jobs handled per pass. */
const DUE_BATCH = 200;

/** A project's reminder offsets, largest first. */
export async function reminderOffsetsOf(db: Pick<Tx, 'projectReminderSetting'>, projectId: number): Promise<number[]> {
  const setting = await db.projectReminderSetting.findUnique({ where: { projectId } });
  return setting ? [...setting.offsetsMinutes] : [...DEFAULT_REMINDER_OFFSETS];
}

/** Facts about a shift for a notification's text, or null when it is gone. */
export async function shiftFacts(tx: Tx, shiftId: number): Promise<(ShiftFacts & { id: number; status: string; closedAt: Date | null; projectId: number; postId: number }) | null> {
  const shift = await tx.shift.findUnique({
    where: { id: shiftId },
    select: {
      id: true,
      status: true,
      closedAt: true,
      startsAt: true,
      endsAt: true,
      role: true,
      projectId: true,
      postId: true,
      project: { select: { title: true } },
      post: { select: { name: true } },
    },
  });
  if (!shift) return null;
  return { ...shift, projectTitle: shift.project.title, postName: shift.post.name };
}

/**
 * Brings a shift's reminder jobs in line with the shift: one per ASSIGNED volunteer and offset
 * while the shift is open. A new or moved job is PENDING when it falls due after `since` (when the
 * change happened) and before the start; otherwise SKIPPED. Jobs no longer wanted are CANCELLED.
 */
export async function syncShiftReminders(tx: Tx, shiftId: number, since: Date, now: Date): Promise<void> {
  const shift = await tx.shift.findUnique({
    where: { id: shiftId },
    select: { id: true, status: true, closedAt: true, startsAt: true, projectId: true },
  });
  if (!shift) return;
  const open = shift.status === 'OPEN' && shift.closedAt == null;
  const assigned = open
    ? await tx.shiftAssignment.findMany({ where: { shiftId, status: 'ASSIGNED' }, select: { id: true, volunteerId: true } })
    : [];
  const offsets = open ? await reminderOffsetsOf(tx, shift.projectId) : [];
  const existing = await tx.reminderJob.findMany({ where: { shiftId } });
  const byKey = new Map(existing.map((j) => [`${j.assignmentId}:${j.offsetMinutes}`, j]));
  const wanted = new Set<string>();
  const created: Prisma.ReminderJobCreateManyInput[] = [];
  for (const a of assigned) {
    for (const offset of offsets) {
      const key = `${a.id}:${offset}`;
      wanted.add(key);
      const dueAt = new Date(shift.startsAt.getTime() - offset * 60_000);
      const status = dueAt > since && shift.startsAt > now ? ('PENDING' as const) : ('SKIPPED' as const);
      const job = byKey.get(key);
      if (!job) {
        created.push({ assignmentId: a.id, shiftId, volunteerId: a.volunteerId, offsetMinutes: offset, shiftStartsAt: shift.startsAt, dueAt, status, updatedAt: now });
      } else if (job.shiftStartsAt.getTime() !== shift.startsAt.getTime() || job.status === 'CANCELLED') {
        await tx.reminderJob.update({
          where: { id: job.id },
          data: { shiftStartsAt: shift.startsAt, dueAt, status, sentAt: null, updatedAt: now },
        });
      }
    }
  }
  // The new jobs in one statement.
  if (created.length > 0) await tx.reminderJob.createMany({ data: created });
  const dropped = existing.filter((j) => j.status === 'PENDING' && !wanted.has(`${j.assignmentId}:${j.offsetMinutes}`));
  if (dropped.length > 0) {
    await tx.reminderJob.updateMany({ where: { id: { in: dropped.map((j) => j.id) }, status: 'PENDING' }, data: { status: 'CANCELLED', updatedAt: now } });
  }
}

/**
 * Fires the jobs due at `now`: a REMINDER for each whose volunteer still holds the place on the
 * open shift at the time it was scheduled for and before it starts; the rest are SKIPPED. Call
 * with the worker's lock held. Returns the notifications made.
 */
export async function runDueReminders(tx: Tx, now: Date): Promise<number[]> {
  const due = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "ReminderJob" WHERE "status" = 'PENDING' AND "dueAt" <= ${now.toISOString()}::timestamptz
    ORDER BY "dueAt", "id" LIMIT ${DUE_BATCH} FOR UPDATE SKIP LOCKED`;
  if (due.length === 0) return [];
  const jobs = await tx.reminderJob.findMany({ where: { id: { in: due.map((j) => j.id) } }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] });
  const drafts: NotificationDraft[] = [];
  const sent: number[] = [];
  const skipped: number[] = [];
  const facts = new Map<number, Awaited<ReturnType<typeof shiftFacts>>>();
  for (const job of jobs) {
    if (!facts.has(job.shiftId)) facts.set(job.shiftId, await shiftFacts(tx, job.shiftId));
    const shift = facts.get(job.shiftId);
    const assignment = await tx.shiftAssignment.findUnique({ where: { id: job.assignmentId }, select: { status: true } });
    const valid =
      shift &&
      shift.status === 'OPEN' &&
      shift.closedAt == null &&
      shift.startsAt.getTime() === job.shiftStartsAt.getTime() &&
      shift.startsAt > now &&
      assignment?.status === 'ASSIGNED';
    if (!valid) {
      skipped.push(job.id);
      continue;
    }
    const text = reminderText(shift, job.offsetMinutes);
    drafts.push({
      recipientId: job.volunteerId,
      kind: 'REMINDER',
      ...text,
      targetIds: [
        encodeGlobalID('Shift', shift.id),
        encodeGlobalID('ShiftAssignment', job.assignmentId),
        encodeGlobalID('Project', shift.projectId),
        encodeGlobalID('DutyPost', shift.postId),
      ],
      eventSequence: null,
      dedupeKey: `reminder:${job.id}:${job.shiftStartsAt.getTime()}`,
    });
    sent.push(job.id);
  }
  const made = await storeNotifications(tx, drafts, now);
  if (sent.length) await tx.reminderJob.updateMany({ where: { id: { in: sent } }, data: { status: 'SENT', sentAt: now, updatedAt: now } });
  if (skipped.length) await tx.reminderJob.updateMany({ where: { id: { in: skipped } }, data: { status: 'SKIPPED', updatedAt: now } });
  return made;
}
