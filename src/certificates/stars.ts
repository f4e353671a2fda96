import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, statusTransitionError } from '../common/errors.js';
import { optionalText, parseInput } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, StarApplicationStatus, StarLevelApplication } from '../generated/prisma/client.js';
import { subtreeFilter } from '../sites/service.js';
import { starLevel } from '../volunteers/stars.js';

/** A star application status change its machine does not allow (typed StarApplicationStatus statuses in the API). */
export class StarApplicationStatusTransitionError extends statusTransitionError<StarApplicationStatus>('StarApplicationStatusTransitionError', 'star application') {}

/*
 * Star levels granted, not just derived (民发〔2015〕149号): crossing a threshold makes a volunteer
 * eligible (`eligibleStarLevel`, from their service minutes); they apply, a manager of their home
 * site reviews, and an approval starts a public notice (公示, default 7 days). Once the notice has
 * ended — judged against the injected clock, so no job has to run — the level is granted.
 */

export const NOTICE_DAYS = 7;
const DAY_MS = 86_400_000;

/** What an application is now: a stored status, and for APPROVED ones the notice against `now`. */
export type StarPhase = 'PENDING_REVIEW' | 'REJECTED' | 'UNDER_NOTICE' | 'GRANTED';

export function phaseOf(a: Pick<StarLevelApplication, 'status' | 'noticeEndsAt'>, now: Date): StarPhase {
  if (a.status === 'PENDING') return 'PENDING_REVIEW';
  if (a.status === 'REJECTED') return 'REJECTED';
  return a.noticeEndsAt && a.noticeEndsAt <= now ? 'GRANTED' : 'UNDER_NOTICE';
}

/** Applications that count as granted at `now`. */
export const grantedWhere = (now: Date): Prisma.StarLevelApplicationWhereInput => ({ status: 'APPROVED', noticeEndsAt: { lte: now } });

/** The granted star level of each volunteer (0 if none), in one query. */
export async function grantedLevels(prisma: PrismaClient, volunteerIds: readonly number[], now: Date): Promise<Map<number, number>> {
  const rows = await prisma.starLevelApplication.groupBy({
    by: ['volunteerId'],
    where: { volunteerId: { in: [...volunteerIds] }, ...grantedWhere(now) },
    _max: { level: true },
  });
  return new Map(rows.map((r) => [r.volunteerId, r._max.level ?? 0]));
}

const ApplyInput = z.object({ volunteerId: z.number().int().positive(), level: z.number().int().min(1, 'level must be 1–5').max(5, 'level must be 1–5') });

export async function applyForStarLevel(prisma: PrismaClient, raw: z.input<typeof ApplyInput>, now: Date): Promise<StarLevelApplication> {
  const input = parseInput(ApplyInput, raw);
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ serviceMinutes: number }[]>`SELECT "serviceMinutes" FROM "Volunteer" WHERE "id" = ${input.volunteerId}::int FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError('Volunteer', input.volunteerId);
    const eligible = starLevel(locked[0]!.serviceMinutes);
    if (input.level > eligible) {
      throw ValidationError.field('input.level', `not eligible: ${Math.floor(locked[0]!.serviceMinutes / 60)} h of service reach ${eligible} star(s)`);
    }
    const applications = await tx.starLevelApplication.findMany({ where: { volunteerId: input.volunteerId, status: { in: ['PENDING', 'APPROVED'] } } });
    const granted = Math.max(0, ...applications.filter((a) => phaseOf(a, now) === 'GRANTED').map((a) => a.level));
    if (input.level <= granted) throw new ConflictError(`${granted} star(s) are already granted; apply for a higher level.`);
    if (applications.some((a) => phaseOf(a, now) !== 'GRANTED')) throw new ConflictError('An application is already under review or public notice.');
    return tx.starLevelApplication.create({ data: { volunteerId: input.volunteerId, level: input.level, appliedAt: now } });
  });
}

const ReviewInput = z.object({
  applicationId: z.number().int().positive(),
  decision: z.enum(['APPROVED', 'REJECTED']),
  note: optionalText('note', 500),
  noticeDays: z.number().int().min(1, 'noticeDays must be at least 1').max(30, 'noticeDays may be at most 30').default(NOTICE_DAYS),
});

/** APPROVED starts the public notice (noticeDays from now); REJECTED needs a note. */
export async function reviewStarLevel(prisma: PrismaClient, raw: z.input<typeof ReviewInput>, now: Date): Promise<StarLevelApplication> {
  const input = parseInput(ReviewInput, raw);
  if (input.decision === 'REJECTED' && !input.note) throw ValidationError.field('input.note', 'a note is required to reject');
  const { count } = await prisma.starLevelApplication.updateMany({
    where: { id: input.applicationId, status: 'PENDING' },
    data: {
      status: input.decision,
      reviewedAt: now,
      reviewNote: input.note ?? null,
      noticeEndsAt: input.decision === 'APPROVED' ? new Date(now.getTime() + input.noticeDays * DAY_MS) : null,
    },
  });
  if (count === 0) {
    const current = await prisma.starLevelApplication.findUnique({ where: { id: input.applicationId } });
    if (!current) throw new NotFoundError('StarLevelApplication', input.applicationId);
    throw new StarApplicationStatusTransitionError(current.status, input.decision, []);
  }
  return prisma.starLevelApplication.findUniqueOrThrow({ where: { id: input.applicationId } });
}

/** Applications under public notice at `now`, optionally of volunteers homed at a site or below. */
export async function noticeWhere(prisma: PrismaClient, now: Date, siteId?: number | null): Promise<Prisma.StarLevelApplicationWhereInput> {
  return {
    status: 'APPROVED',
    noticeEndsAt: { gt: now },
    ...(siteId != null && { volunteer: { homeSite: await subtreeFilter(prisma, siteId) } }),
  };
}
