import type { PrismaClient } from '../../db/index.js';
import type { Prisma, ShiftStatus } from '../../generated/prisma/client.js';
import { subtreeFilter } from '../../sites/service.js';
import { MAX_SHIFT_MINUTES, MINUTE_MS, type Staffing, type Tx } from '../rules.js';

/** The Prisma side of roster queries: filters and orders for the GraphQL layer. */

export interface RosterFilter {
  /** This site and every site below it (via the post's site). */
  siteId?: number | null;
  postId?: number | null;
  projectId?: number | null;
  /** Shifts still running at or after this instant (endsAt > from). */
  from?: Date | null;
  /** Shifts starting before this instant (startsAt < to). */
  to?: Date | null;
  /** Staffing levels of OPEN shifts (any of them); implies status OPEN. */
  staffing?: readonly Staffing[] | null;
  /** Any of these statuses. */
  status?: readonly ShiftStatus[] | null;
  /** Shifts the volunteer is on in any status but CANCELLED. */
  volunteerId?: number | null;
}

/** A Prisma filter for one staffing level, compared in SQL against the shift's own columns. */
export function staffingWhere(prisma: PrismaClient | Tx, staffing: Staffing): Prisma.ShiftWhereInput {
  const fields = prisma.shift.fields;
  switch (staffing) {
    case 'UNDERSTAFFED':
      return { assignedCount: { lt: fields.minimum } };
    case 'STAFFED':
      return { assignedCount: { gte: fields.minimum, lt: fields.capacity } };
    case 'FULL':
      return { assignedCount: { gte: fields.capacity } };
  }
}

/**
 * Shifts still running at or after `from`: `endsAt > from`, and what that implies for `startsAt`,
 * since no shift lasts longer than MAX_SHIFT_MINUTES (the "Shift_lasts_at_most_a_day" check). The
 * second bounds the startsAt index scans from below, so a day's roster reads that day's shifts
 * rather than every shift since the season began.
 */
export function runningAfter(from: Date): Prisma.ShiftWhereInput {
  return { AND: [{ endsAt: { gt: from } }, { startsAt: { gt: new Date(from.getTime() - MAX_SHIFT_MINUTES * MINUTE_MS) } }] };
}

/**
 * The Prisma filter for a roster query. from/to select shifts overlapping [from, to), so
 * `shanghaiDayRange(date)` gives a day's roster including shifts running across midnight.
 */
export async function rosterWhere(prisma: PrismaClient, filter: RosterFilter = {}): Promise<Prisma.ShiftWhereInput> {
  const and: Prisma.ShiftWhereInput[] = [];
  if (filter.siteId != null) and.push({ post: { site: await subtreeFilter(prisma, filter.siteId) } });
  if (filter.postId != null) and.push({ postId: filter.postId });
  if (filter.projectId != null) and.push({ projectId: filter.projectId });
  if (filter.from != null) and.push(runningAfter(filter.from));
  if (filter.to != null) and.push({ startsAt: { lt: filter.to } });
  if (filter.status?.length) and.push({ status: { in: [...filter.status] } });
  if (filter.staffing?.length) {
    and.push({ status: 'OPEN' }, { OR: [...new Set(filter.staffing)].map((level) => staffingWhere(prisma, level)) });
  }
  if (filter.volunteerId != null) {
    and.push({ assignments: { some: { volunteerId: filter.volunteerId, status: { not: 'CANCELLED' } } } });
  }
  return and.length > 0 ? { AND: and } : {};
}
