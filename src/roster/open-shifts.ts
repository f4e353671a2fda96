import type { PrismaClient } from '../db/index.js';
import type { Prisma, ProjectStatus, Shift } from '../generated/prisma/client.js';
import { OPEN_PROJECT_STATUSES, isOpenProject, openProjectWhere } from '../projects/status.js';
import { ProjectNotRecruitingError, ShiftCancelledError, ShiftClosedError } from './errors.js';
import type { Tx } from './rules.js';

/*
 * Which shifts are public, and which take sign-ups: the one definition of each, as a check and
 * (where lists need it) as a Prisma filter. Whether a project is open is src/projects/status.ts.
 *
 * - Public (anyone, also anonymous clients, may see it): OPEN, with a free place, of an open
 *   (RECRUITING or ACTIVE) project. `isPublicShift` is the check the `publicShift` auth scope
 *   makes (src/auth/policy.ts); `publicShiftWhere` is the filter anonymous lists apply.
 * - Takes sign-ups: OPEN, not closed, not yet ended, of an open project (`requireOpenShift` and
 *   `requireOpenProject`, which refuse with typed errors). Check-ins and check-outs need the same
 *   of the project, and of the shift everything but "not yet ended" (`allowEnded`).
 *   `takesSignUpsWhere` is the matching filter.
 */

/**
 * Whether a shift is public. Its project's status is looked up (`projectStatusOf`, e.g. a
 * request's loader) only when the shift itself could be public.
 */
export async function isPublicShift(
  shift: { status: string; assignedCount: number; capacity: number; projectId: number },
  projectStatusOf: (projectId: number) => Promise<string | null | undefined>,
): Promise<boolean> {
  if (shift.status !== 'OPEN' || shift.assignedCount >= shift.capacity) return false;
  const status = await projectStatusOf(shift.projectId);
  return status != null && isOpenProject(status);
}

/** Prisma filter for public shifts (compared in SQL against the shift's own capacity). */
export function publicShiftWhere(prisma: PrismaClient | Tx): Prisma.ShiftWhereInput {
  return {
    status: 'OPEN',
    assignedCount: { lt: prisma.shift.fields.capacity },
    project: openProjectWhere,
  };
}

/** Prisma filter for shifts that take sign-ups at `now` (free place or not: a full one waitlists). */
export function takesSignUpsWhere(now: Date): Prisma.ShiftWhereInput {
  return { status: 'OPEN', closedAt: null, endsAt: { gt: now }, project: openProjectWhere };
}

/** Refuses sign-ups, check-ins and check-outs on shifts of a project that is not open (src/projects/status.ts). */
export async function requireOpenProject(tx: Tx, projectId: number): Promise<void> {
  const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { id: true, status: true } });
  requireOpenProjectStatus(project.id, project.status);
}

/** requireOpenProject for a status already read (e.g. with the shift's lock, lockShiftWithProjectStatus). */
export function requireOpenProjectStatus(projectId: number, status: ProjectStatus): void {
  if (!isOpenProject(status)) throw new ProjectNotRecruitingError(projectId, status, OPEN_PROJECT_STATUSES);
}

/** Refuses cancelled and closed shifts, and — unless allowEnded — shifts whose end has passed. */
export function requireOpenShift(shift: Shift, now: Date, options: { allowEnded?: boolean } = {}): void {
  if (shift.status === 'CANCELLED') throw new ShiftCancelledError(shift.id, shift.cancelledAt);
  if (shift.closedAt) throw new ShiftClosedError(shift.id, shift.endsAt, shift.closedAt);
  if (!options.allowEnded && now >= shift.endsAt) throw new ShiftClosedError(shift.id, shift.endsAt, null);
}
