import type { Prisma, ProjectStatus } from '../generated/prisma/client.js';

/**
 * Which projects are open: their shifts take sign-ups, check-ins and check-outs, and anyone
 * (also anonymous clients) may see them. The one definition, as a list, a Prisma filter and a check.
 */
export const OPEN_PROJECT_STATUSES = ['RECRUITING', 'ACTIVE'] as const satisfies readonly ProjectStatus[];

/** Prisma filter for open projects. */
export const openProjectWhere = { status: { in: [...OPEN_PROJECT_STATUSES] } } satisfies Prisma.ProjectWhereInput;

/** Whether a project in this status is open. */
export function isOpenProject(status: string): boolean {
  return (OPEN_PROJECT_STATUSES as readonly string[]).includes(status);
}
