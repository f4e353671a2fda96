import { DomainError } from '../common/errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import { lockVolunteerRow } from './locks.js';
import { formatCalendarDate, shanghaiDateOf, shanghaiDayRange } from './time.js';

/*
 * Crediting service minutes to a volunteer's total. No volunteer is credited more than 24 hours
 * for one Asia/Shanghai day, counting duty (credited at check-out, on the day of check-in) and
 * approved service records (on their servedOn day) together.
 *
 * Every credit runs with the volunteer's row locked (SELECT … FOR UPDATE; after any shift lock, in
 * the one lock order of src/roster/locks.ts), so two credits for the same volunteer — a check-out and an approval,
 * or two approvals — are decided one after the other and cannot both pass the limit.
 */

type Tx = Prisma.TransactionClient;

/** The most minutes one volunteer may be credited for one Shanghai day. */
export const MAX_DAILY_SERVICE_MINUTES = 24 * 60;

/** Approving this would credit the volunteer more than 24 hours for one Shanghai day. */
export class DailyServiceLimitError extends DomainError {
  override name = 'DailyServiceLimitError';
  constructor(
    readonly volunteerId: number,
    /** The Shanghai calendar day (UTC midnight). */
    readonly day: Date,
    /** Minutes already credited for that day. */
    readonly creditedMinutes: number,
    readonly requestedMinutes: number,
  ) {
    super(
      `The volunteer already has ${creditedMinutes} minutes credited for ${formatCalendarDate(day)} (Asia/Shanghai); ` +
        `${requestedMinutes} more would pass the limit of ${MAX_DAILY_SERVICE_MINUTES} minutes (24 h) a day.`,
    );
  }

  get remainingMinutes(): number {
    return Math.max(0, MAX_DAILY_SERVICE_MINUTES - this.creditedMinutes);
  }
}

/** Minutes credited to a volunteer for a Shanghai day: completed duty checked in that day plus approved records. */
export async function creditedMinutesOn(tx: Tx, volunteerId: number, day: Date): Promise<number> {
  const { start, end } = shanghaiDayRange(day);
  const duty = await tx.shiftAssignment.aggregate({
    _sum: { serviceMinutes: true },
    where: { volunteerId, status: 'COMPLETED', checkedInAt: { gte: start, lt: end } },
  });
  const records = await tx.serviceRecord.aggregate({
    _sum: { minutes: true },
    where: { volunteerId, status: 'APPROVED', servedOn: day },
  });
  return (duty._sum.serviceMinutes ?? 0) + (records._sum.minutes ?? 0);
}

async function addToTotal(tx: Tx, volunteerId: number, minutes: number): Promise<void> {
  if (minutes > 0) await tx.volunteer.update({ where: { id: volunteerId }, data: { serviceMinutes: { increment: minutes } } });
}

/**
 * Credits duty earned at a check-out, up to what is left of the day's 24 hours (the check-out
 * itself is never refused: the volunteer has left). Call before marking the assignment COMPLETED.
 * Returns the minutes credited.
 */
export async function creditDuty(tx: Tx, volunteerId: number, checkedInAt: Date, earned: number): Promise<number> {
  await lockVolunteerRow(tx, volunteerId);
  const already = await creditedMinutesOn(tx, volunteerId, shanghaiDateOf(checkedInAt));
  const credited = Math.max(0, Math.min(earned, MAX_DAILY_SERVICE_MINUTES - already));
  await addToTotal(tx, volunteerId, credited);
  return credited;
}

/**
 * Refuses (DailyServiceLimitError) when `minutes` more for the day would pass 24 hours. Call with
 * the volunteer locked, before the new credit is counted.
 */
export async function requireWithinDailyLimit(tx: Tx, volunteerId: number, day: Date, minutes: number): Promise<void> {
  const already = await creditedMinutesOn(tx, volunteerId, day);
  if (already + minutes > MAX_DAILY_SERVICE_MINUTES) throw new DailyServiceLimitError(volunteerId, day, already, minutes);
}

/** Credits an approved service record. Call with the volunteer locked and the limit checked. */
export function creditRecord(tx: Tx, volunteerId: number, minutes: number): Promise<void> {
  return addToTotal(tx, volunteerId, minutes);
}
