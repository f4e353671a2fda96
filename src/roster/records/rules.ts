import { z } from 'zod';
import type { Actor } from '../../auth/viewer.js';
import { ConflictError, NotFoundError, ValidationError, statusTransitionError } from '../../common/errors.js';
import { optionalText, parseInput, text } from '../../common/validation.js';
import type { ServiceRecord, ServiceRecordStatus } from '../../generated/prisma/client.js';
import { creditRecord, requireWithinDailyLimit } from '../credit.js';
import { FourEyesError } from '../errors.js';
import type { RosterChange } from '../events.js';
import { lockVolunteerRow } from '../locks.js';
import { type Tx, calendarDay, id } from '../rules.js';
import { shanghaiDateOf } from '../time.js';

/** A review of a service record that is no longer PENDING (reviews happen once). */
export class ServiceRecordStatusTransitionError extends statusTransitionError<ServiceRecordStatus>('ServiceRecordStatusTransitionError', 'service record') {}

/*
 * Service records: hours served outside the roster, entered by a team leader and counted once
 * someone else approves them. They touch no shift: only the volunteer's row is locked, for the
 * daily credit limit (src/roster/credit.ts).
 */

const RecordServiceInput = z.object({
  volunteerId: id,
  teamId: id,
  servedOn: calendarDay,
  minutes: z.number().int().min(1, 'minutes must be at least 1').max(1440, 'minutes may be at most 1440 (one day)'),
  description: text('description', 500),
});

const ReviewServiceRecordInput = z.object({
  recordId: id,
  decision: z.enum(['APPROVED', 'REJECTED']),
  note: optionalText('note', 500),
});

export type RecordServiceInput = z.input<typeof RecordServiceInput>;
export type ReviewServiceRecordInput = z.input<typeof ReviewServiceRecordInput>;

/**
 * Records hours a team member served outside the roster; PENDING until someone else reviews it.
 * Refused (DailyServiceLimitError) when the day already has too much credited for it to be approved.
 */
export async function recordService(
  tx: Tx,
  raw: RecordServiceInput,
  now: Date,
  recorder: Actor,
  /** What the service was for, when the record is credited by another workflow (a completed service order). */
  link: { serviceOrderId?: number } = {},
): Promise<{ record: ServiceRecord; events: RosterChange[] }> {
  const input = parseInput(RecordServiceInput, raw);
  if (input.servedOn > shanghaiDateOf(now)) {
    throw ValidationError.field('input.servedOn', 'servedOn must not be in the future');
  }
  const volunteer = await tx.volunteer.findUnique({ where: { id: input.volunteerId }, select: { id: true } });
  if (!volunteer) throw new NotFoundError('Volunteer', input.volunteerId);
  const team = await tx.team.findUnique({ where: { id: input.teamId }, select: { id: true } });
  if (!team) throw new NotFoundError('Team', input.teamId);
  const membership = await tx.teamMembership.findUnique({
    where: { teamId_volunteerId: { teamId: input.teamId, volunteerId: input.volunteerId } },
    select: { id: true },
  });
  if (!membership) throw new ConflictError('The volunteer is not a member of this team.');
  await lockVolunteerRow(tx, input.volunteerId);
  await requireWithinDailyLimit(tx, input.volunteerId, input.servedOn, input.minutes);
  const record = await tx.serviceRecord.create({
    data: {
      volunteerId: input.volunteerId,
      teamId: input.teamId,
      servedOn: input.servedOn,
      minutes: input.minutes,
      description: input.description,
      recordedByAccountId: recorder.accountId,
      serviceOrderId: link.serviceOrderId ?? null,
      createdAt: now,
    },
  });
  return { record, events: [] };
}

/**
 * Approves or rejects a PENDING service record (ServiceRecordStatusTransitionError otherwise).
 * - Four eyes: the reviewer is neither the volunteer who served nor whoever entered the record
 *   (FourEyesError), so a leader's own hours go to another leader of the team or to a manager.
 * - Approval adds the minutes to Volunteer.serviceMinutes in the same transaction, under the
 *   volunteer's row lock, unless that would credit more than 24 hours for the day
 *   (DailyServiceLimitError). The status change is conditional on PENDING, so two concurrent
 *   reviews cannot both count.
 */
export async function reviewServiceRecord(
  tx: Tx,
  raw: ReviewServiceRecordInput,
  now: Date,
  reviewer: Actor,
): Promise<{ record: ServiceRecord; events: RosterChange[] }> {
  const input = parseInput(ReviewServiceRecordInput, raw);
  const current = await tx.serviceRecord.findUnique({ where: { id: input.recordId } });
  if (!current) throw new NotFoundError('ServiceRecord', input.recordId);
  if (reviewer.volunteerId === current.volunteerId) throw new FourEyesError(current.id, 'VOLUNTEER');
  if (reviewer.accountId === current.recordedByAccountId) throw new FourEyesError(current.id, 'RECORDER');
  if (current.status !== 'PENDING') throw new ServiceRecordStatusTransitionError(current.status, input.decision, []);
  if (input.decision === 'APPROVED') {
    await lockVolunteerRow(tx, current.volunteerId);
    await requireWithinDailyLimit(tx, current.volunteerId, current.servedOn, current.minutes);
  }
  const { count } = await tx.serviceRecord.updateMany({
    where: { id: current.id, status: 'PENDING' },
    data: { status: input.decision, reviewNote: input.note ?? null, reviewedAt: now, reviewedByAccountId: reviewer.accountId },
  });
  if (count === 0) {
    const latest = await tx.serviceRecord.findUniqueOrThrow({ where: { id: current.id }, select: { status: true } });
    throw new ServiceRecordStatusTransitionError(latest.status, input.decision, []);
  }
  if (input.decision === 'APPROVED') await creditRecord(tx, current.volunteerId, current.minutes);
  const record = await tx.serviceRecord.findUniqueOrThrow({ where: { id: current.id } });
  return { record, events: [] };
}
