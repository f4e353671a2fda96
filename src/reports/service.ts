import { z } from 'zod';
import { ConflictError, NotFoundError, statusTransitionError } from '../common/errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { CommunityReport, CommunityReportStatus, Prisma } from '../generated/prisma/client.js';
import { type ReportChange, reportChange } from './events.js';

/** A community report status change its machine does not allow (typed CommunityReportStatus statuses in the API). */
export class CommunityReportStatusTransitionError extends statusTransitionError<CommunityReportStatus>('CommunityReportStatusTransitionError', 'community report') {}

/*
 * Street reports (随手拍 / 随手报): volunteers — riders above all — report leaks, sewage and hazards
 * as they pass; managers of the report's site or above move it SUBMITTED → ACKNOWLEDGED →
 * IN_PROGRESS → RESOLVED, or REJECTED (also as a duplicate of another report). Every step records
 * actor, time and note. Who may act is decided by the scopes in src/auth/policy.ts.
 */

type Tx = Prisma.TransactionClient;

export const REPORT_CATEGORIES = ['SEWAGE_OVERFLOW', 'WATER_LEAK', 'ILLEGAL_ADS', 'SANITATION_BLIND_SPOT', 'ROAD_HAZARD', 'OTHER'] as const;

export const REPORT_TRANSITIONS: Record<CommunityReportStatus, readonly CommunityReportStatus[]> = {
  SUBMITTED: ['ACKNOWLEDGED', 'REJECTED'],
  ACKNOWLEDGED: ['IN_PROGRESS', 'REJECTED'],
  IN_PROGRESS: ['RESOLVED', 'REJECTED'],
  RESOLVED: [],
  REJECTED: [],
};

/** A second report of the same category this close… */
export const DUPLICATE_RADIUS_METERS = 50;
/** …and this recent is offered as a likely duplicate. */
export const DUPLICATE_WINDOW_HOURS = 24;
export const MAX_PHOTOS = 6;

const EARTH_RADIUS_METERS = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLng = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

const photoUrl = z
  .string()
  .max(500, 'a photo URL may be at most 500 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const SubmitInput = z.object({
    siteId: z.number().int().positive(),
    category: z.enum(REPORT_CATEGORIES),
    description: text('description', 2000),
    location: z
      .object({
        lat: z.number().min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90'),
        lng: z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180'),
      })
      .nullish(),
    photoUrls: z.array(photoUrl).max(MAX_PHOTOS, `at most ${MAX_PHOTOS} photos`).default([]),
  });
export type SubmitInput = z.input<typeof SubmitInput>;

export interface LikelyDuplicate {
  report: CommunityReport;
  distanceMeters: number;
}

/** Files a report for the volunteer and finds likely duplicates (same category, ≤ 50 m, ≤ 24 h, not itself a duplicate). */
export async function submitReport(
  tx: Tx,
  raw: SubmitInput,
  reporter: { volunteerId: number; accountId: number },
  now: Date,
): Promise<{ report: CommunityReport; likelyDuplicates: LikelyDuplicate[]; events: ReportChange[] }> {
  const input = parseInput(SubmitInput, raw);
  const site = await tx.site.findUnique({ where: { id: input.siteId }, select: { id: true } });
  if (!site) throw new NotFoundError('Site', input.siteId);
  const volunteer = await tx.volunteer.findUnique({ where: { id: reporter.volunteerId }, select: { status: true } });
  if (volunteer?.status !== 'ACTIVE') throw new ConflictError('A suspended volunteer cannot file reports.');
  const report = await (async () => {
    const created = await tx.communityReport.create({
      data: {
        category: input.category,
        description: input.description,
        siteId: input.siteId,
        latitude: input.location?.lat ?? null,
        longitude: input.location?.lng ?? null,
        photoUrls: input.photoUrls,
        reporterId: reporter.volunteerId,
        submittedAt: now,
      },
    });
    await tx.communityReportEvent.create({
      data: { reportId: created.id, fromStatus: null, toStatus: 'SUBMITTED', actorAccountId: reporter.accountId, occurredAt: now },
    });
    return created;
  })();
  return {
    report,
    likelyDuplicates: await likelyDuplicatesOf(tx, report),
    events: [reportChange(report.id, 'SUBMITTED', null, now)],
  };
}

/** Reports of the same category within 50 m submitted in the 24 h before this one, nearest first. */
export async function likelyDuplicatesOf(prisma: Tx, report: CommunityReport): Promise<LikelyDuplicate[]> {
  if (report.latitude == null || report.longitude == null) return [];
  const here = { latitude: report.latitude, longitude: report.longitude };
  // A bounding box the index narrows to, then the exact distance.
  const dLat = (DUPLICATE_RADIUS_METERS / EARTH_RADIUS_METERS) * (180 / Math.PI);
  const dLng = dLat / Math.max(Math.cos((here.latitude * Math.PI) / 180), 1e-6);
  const candidates = await prisma.communityReport.findMany({
    where: {
      id: { not: report.id },
      category: report.category,
      duplicateOfId: null,
      submittedAt: { gte: new Date(report.submittedAt.getTime() - DUPLICATE_WINDOW_HOURS * 3_600_000), lte: report.submittedAt },
      latitude: { gte: here.latitude - dLat, lte: here.latitude + dLat },
      longitude: { gte: here.longitude - dLng, lte: here.longitude + dLng },
    },
    take: 50,
  });
  return candidates
    .map((c) => ({ report: c, distanceMeters: distanceMeters(here, { latitude: c.latitude!, longitude: c.longitude! }) }))
    .filter((c) => c.distanceMeters <= DUPLICATE_RADIUS_METERS)
    .sort((a, b) => a.distanceMeters - b.distanceMeters || a.report.id - b.report.id);
}

const ChangeStatusInput = z.object({
  reportId: z.number().int().positive(),
  status: z.enum(['SUBMITTED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED']),
  note: optionalText('note', 500),
});
export type ChangeStatusInput = z.input<typeof ChangeStatusInput>;

/** Moves a report one step, conditional on the status read (of two concurrent steps one wins). */
async function step(
  tx: Tx,
  reportId: number,
  to: CommunityReportStatus,
  actorAccountId: number | null,
  now: Date,
  extra: { note?: string | null; duplicateOfId?: number } = {},
): Promise<{ report: CommunityReport; events: ReportChange[] }> {
  const current = await tx.communityReport.findUnique({ where: { id: reportId } });
  if (!current) throw new NotFoundError('CommunityReport', reportId);
  const allowed = REPORT_TRANSITIONS[current.status];
  if (!allowed.includes(to)) throw new CommunityReportStatusTransitionError(current.status, to, allowed);
  const { count } = await tx.communityReport.updateMany({
    where: { id: reportId, status: current.status },
    data: { status: to, ...(extra.duplicateOfId != null && { duplicateOfId: extra.duplicateOfId }) },
  });
  if (count === 0) {
    const latest = await tx.communityReport.findUniqueOrThrow({ where: { id: reportId }, select: { status: true } });
    throw new CommunityReportStatusTransitionError(latest.status, to, REPORT_TRANSITIONS[latest.status]);
  }
  await tx.communityReportEvent.create({
    data: { reportId, fromStatus: current.status, toStatus: to, actorAccountId, note: extra.note ?? null, duplicateOfId: extra.duplicateOfId ?? null, occurredAt: now },
  });
  const report = await tx.communityReport.findUniqueOrThrow({ where: { id: reportId } });
  return { report, events: [reportChange(reportId, to, current.status, now)] };
}

/** Moves a report to the status asked for, in the caller's transaction. */
export async function changeReportStatus(tx: Tx, raw: ChangeStatusInput, actorAccountId: number | null, now: Date) {
  const input = parseInput(ChangeStatusInput, raw);
  return step(tx, input.reportId, input.status, actorAccountId, now, { note: input.note });
}

const MarkDuplicateInput = z.object({
  reportId: z.number().int().positive(),
  duplicateOfId: z.number().int().positive(),
  note: optionalText('note', 500),
});
export type MarkDuplicateInput = z.input<typeof MarkDuplicateInput>;

/**
 * Closes a report as a duplicate of another (REJECTED, pointing at the original). When the other
 * is itself a duplicate, the report points at that one's original, so chains stay one step long.
 */
export async function markDuplicate(tx: Tx, raw: MarkDuplicateInput, actorAccountId: number | null, now: Date) {
  const input = parseInput(MarkDuplicateInput, raw);
  {
    const target = await tx.communityReport.findUnique({ where: { id: input.duplicateOfId }, select: { id: true, duplicateOfId: true } });
    if (!target) throw new NotFoundError('CommunityReport', input.duplicateOfId);
    const original = target.duplicateOfId ?? target.id;
    if (original === input.reportId) throw new ConflictError('A report cannot be a duplicate of itself (or of one of its own duplicates).');
    return step(tx, input.reportId, 'REJECTED', actorAccountId, now, { note: input.note ?? null, duplicateOfId: original });
  }
}
