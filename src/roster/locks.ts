import { NotFoundError } from '../common/errors.js';
import { type AssignmentStatus, Prisma, type ProjectStatus, type Shift } from '../generated/prisma/client.js';
import type { Tx } from './rules.js';

/*
 * The roster's row locks, in their one global order. Every rule that changes a shift's
 * assignments runs in one interactive transaction (the command runner's, src/common/command.ts)
 * and takes its locks in this order, each with SELECT … FOR UPDATE:
 *
 *   1. the Project row, FOR SHARE, where the rule depends on the project's status and dates
 *      (createShifts; a project status change locks it FOR UPDATE, src/projects/service.ts);
 *   2. Shift rows, by ascending id (one shift, or a project's open shifts when it ends);
 *   3. Volunteer rows, by ascending id (the volunteer signing up, the volunteers on a shift whose
 *      times change, the volunteers credited when a shift is settled, one at a time in ascending
 *      order).
 *
 * Only then are counts and overlaps read and rows written. As every rule takes its locks in the
 * same order, no two can deadlock. What each lock buys:
 *
 * - under the shift lock, the stored counters Shift.assignedCount and Shift.checkedInCount are
 *   exact, and the waitlist is served in the order its sign-ups were stamped (a sign-up reads the
 *   clock after taking the lock);
 * - under a volunteer's lock, the no-double-booking check cannot race another sign-up of the same
 *   volunteer, and the daily credit limit (src/roster/credit.ts) cannot be passed by two credits
 *   decided at once (a check-out and a record's approval, or two approvals).
 */

/** Locks the project row FOR SHARE (step 1): its status and dates stay as read until commit. */
export async function shareLockProject(tx: Tx, projectId: number): Promise<void> {
  const locked = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "Project" WHERE "id" = ${projectId}::int FOR SHARE`;
  if (locked.length === 0) throw new NotFoundError('Project', projectId);
}

/**
 * Every column of Shift, as Prisma's model has them (the enum as text), for statements that lock
 * and read a shift at once. Checked against the model when this module loads, so a column added to
 * the schema cannot go missing here.
 */
const SHIFT_COLUMNS = [
  'id', 'projectId', 'postId', 'startsAt', 'endsAt', 'capacity', 'minimum', 'role', 'notes', 'status',
  'assignedCount', 'checkedInCount', 'closedAt', 'cancelledAt', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof Shift)[];
{
  const model = Object.values(Prisma.ShiftScalarFieldEnum).sort().join(',');
  if ([...SHIFT_COLUMNS].sort().join(',') !== model) throw new Error(`src/roster/locks.ts: SHIFT_COLUMNS must list Shift's columns (${model})`);
}
const shiftColumns = Prisma.raw(SHIFT_COLUMNS.map((c) => (c === 'status' ? `s."status"::text AS "status"` : `s."${c}"`)).join(', '));

/** Locks a shift row (step 2) for the rest of the transaction and returns it, in one statement. */
export async function lockShift(tx: Tx, shiftId: number): Promise<Shift> {
  const [shift] = await tx.$queryRaw<Shift[]>`SELECT ${shiftColumns} FROM "Shift" s WHERE s."id" = ${shiftId}::int FOR UPDATE`;
  if (!shift) throw new NotFoundError('Shift', shiftId);
  return shift;
}

/**
 * Locks a shift row (step 2) and returns it with its project's status, in one statement. The
 * project is read, not locked (as requireOpenProject reads it): a project leaves the open
 * statuses only by ending its shifts under their locks (src/projects/service.ts), so a sign-up
 * holding the shift's lock either sees the shift ended or is done before the project ends it.
 */
export async function lockShiftWithProjectStatus(tx: Tx, shiftId: number): Promise<{ shift: Shift; projectStatus: ProjectStatus }> {
  const [row] = await tx.$queryRaw<(Shift & { projectStatus: ProjectStatus })[]>`
    SELECT ${shiftColumns}, p."status"::text AS "projectStatus"
    FROM "Shift" s JOIN "Project" p ON p."id" = s."projectId"
    WHERE s."id" = ${shiftId}::int FOR UPDATE OF s`;
  if (!row) throw new NotFoundError('Shift', shiftId);
  const { projectStatus, ...shift } = row;
  return { shift, projectStatus };
}

/** Locks a project's open (not cancelled, not closed) shifts (step 2), by ascending id, and returns them in that order. */
export async function lockOpenShiftsOfProject(tx: Tx, projectId: number): Promise<Shift[]> {
  const open = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "Shift" WHERE "projectId" = ${projectId}::int AND "status" = 'OPEN' AND "closedAt" IS NULL
    ORDER BY "id" FOR UPDATE`;
  if (open.length === 0) return [];
  return tx.shift.findMany({ where: { id: { in: open.map((s) => s.id) } }, orderBy: { id: 'asc' } });
}

/** Locks a volunteer row (step 3, after any shift) and returns its status. */
export async function lockVolunteer(tx: Tx, volunteerId: number): Promise<{ id: number; status: string }> {
  const rows = await tx.$queryRaw<{ id: number; status: string }[]>`
    SELECT "id", "status"::text AS "status" FROM "Volunteer" WHERE "id" = ${volunteerId}::int FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Volunteer', volunteerId);
  return rows[0];
}

/**
 * Locks a volunteer row (step 3, after the shift) and returns its status with their assignment on
 * that shift, if any (id and status), in one statement. The assignment is stable here: every rule
 * that writes a shift's assignments holds the shift's lock, which the caller holds.
 */
export async function lockVolunteerOnShift(
  tx: Tx,
  volunteerId: number,
  shiftId: number,
): Promise<{ id: number; status: string; existing: { id: number; status: AssignmentStatus } | null }> {
  const rows = await tx.$queryRaw<{ id: number; status: string; assignmentId: number | null; assignmentStatus: AssignmentStatus | null }[]>`
    SELECT v."id", v."status"::text AS "status", a."id" AS "assignmentId", a."status"::text AS "assignmentStatus"
    FROM "Volunteer" v LEFT JOIN "ShiftAssignment" a ON a."volunteerId" = v."id" AND a."shiftId" = ${shiftId}::int
    WHERE v."id" = ${volunteerId}::int FOR UPDATE OF v`;
  const row = rows[0];
  if (!row) throw new NotFoundError('Volunteer', volunteerId);
  return {
    id: row.id,
    status: row.status,
    existing: row.assignmentId == null ? null : { id: row.assignmentId, status: row.assignmentStatus! },
  };
}

/** Locks several volunteer rows (step 3) in ascending id order. */
export async function lockVolunteers(tx: Tx, volunteerIds: readonly number[]): Promise<void> {
  const ids = [...new Set(volunteerIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await tx.$queryRaw`
    SELECT "id" FROM "Volunteer" WHERE "id" IN (${Prisma.join(ids.map((v) => Prisma.sql`${v}::int`))})
    ORDER BY "id" FOR UPDATE`;
}

/**
 * Locks one volunteer row (step 3) for a credit, without reading it. Locking the same row again
 * in one transaction is a no-op, so a rule that already holds it may call this.
 */
export async function lockVolunteerRow(tx: Tx, volunteerId: number): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "Volunteer" WHERE "id" = ${volunteerId}::int FOR UPDATE`;
}
