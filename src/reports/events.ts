import type { CommunityReportStatus } from '../generated/prisma/client.js';

/**
 * A street report was filed or changed status: returned by the rules, written to the outbox by the
 * command runner (src/common/command.ts) in the rule's transaction.
 */
export interface ReportChange {
  stream: 'communityReport';
  reportId: number;
  status: CommunityReportStatus;
  previousStatus: CommunityReportStatus | null;
  occurredAt: Date;
}

export function reportChange(
  reportId: number,
  status: CommunityReportStatus,
  previousStatus: CommunityReportStatus | null,
  occurredAt: Date,
): ReportChange {
  return { stream: 'communityReport', reportId, status, previousStatus, occurredAt };
}

/** A street-report change as stored in the outbox and delivered to subscribers. Ids only; subscribers re-load the report. */
export interface CommunityReportMessage {
  /** Position in the one order of live events (src/events/outbox.ts). */
  sequence: number;
  stream: 'communityReport';
  reportId: number;
  status: CommunityReportStatus;
  previousStatus: CommunityReportStatus | null;
  /** ISO 8601 instant. */
  occurredAt: string;
  reporterId: number;
  /** Materialised path of the report's site, for "this site and below" matching. */
  sitePath: string;
}
