import type { Context } from '../context.js';
import type { RosterChange } from './events.js';

/**
 * Publishes roster changes to live dashboards. Call it only after the transaction that made the
 * changes has committed (the roster rules return their changes instead of publishing), so that a
 * rolled-back mutation announces nothing. One query finds where each changed shift sits.
 */
export async function publishRosterChanges(ctx: Context, changes: RosterChange[]): Promise<void> {
  if (changes.length === 0) return;
  const shifts = await ctx.prisma.shift.findMany({
    where: { id: { in: [...new Set(changes.map((c) => c.shiftId))] } },
    select: {
      id: true,
      postId: true,
      projectId: true,
      post: { select: { site: { select: { path: true } } } },
      project: { select: { organizerId: true } },
    },
  });
  const byId = new Map(shifts.map((s) => [s.id, s]));
  for (const change of changes) {
    const shift = byId.get(change.shiftId);
    if (!shift) continue;
    ctx.pubsub.publish('rosterChanged', {
      kind: change.kind,
      occurredAt: change.occurredAt.toISOString(),
      shiftId: change.shiftId,
      assignmentId: change.assignmentId,
      volunteerId: change.volunteerId,
      sitePath: shift.post.site.path,
      postId: shift.postId,
      projectId: shift.projectId,
      organizerId: shift.project.organizerId,
    });
  }
}
