import type { Context } from '../context.js';
import type { CommunityReportStatus } from '../generated/prisma/client.js';

/** What is published when a street report is filed or changes status. Ids only; subscribers re-load the report. */
export interface CommunityReportMessage {
  reportId: number;
  status: CommunityReportStatus;
  previousStatus: CommunityReportStatus | null;
  /** ISO 8601 instant. */
  occurredAt: string;
  reporterId: number;
  /** Materialised path of the report's site, for "this site and below" matching. */
  sitePath: string;
}

export interface ReportChange {
  reportId: number;
  status: CommunityReportStatus;
  previousStatus: CommunityReportStatus | null;
  occurredAt: Date;
}

/**
 * Publishes a street-report change to live subscribers — the one place this domain publishes.
 * Call it only after the transaction that made the change has committed.
 */
export async function publishReportChange(ctx: Context, change: ReportChange): Promise<void> {
  const report = await ctx.prisma.communityReport.findUnique({
    where: { id: change.reportId },
    select: { reporterId: true, site: { select: { path: true } } },
  });
  if (!report) return;
  ctx.pubsub.publish('communityReportUpdated', {
    reportId: change.reportId,
    status: change.status,
    previousStatus: change.previousStatus,
    occurredAt: change.occurredAt.toISOString(),
    reporterId: report.reporterId,
    sitePath: report.site.path,
  });
}
