import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, statusTransitionError } from '../common/errors.js';
import { optionalText, parseInput } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { CertificateStatus, ServiceCertificate } from '../generated/prisma/client.js';
import { shanghaiDateOf } from '../roster/time.js';

/** A certificate status change its machine does not allow (typed CertificateStatus statuses in the API). */
export class CertificateStatusTransitionError extends statusTransitionError<CertificateStatus>('CertificateStatusTransitionError', 'certificate') {}

/*
 * Service certificates (志愿服务证明). By 民发〔2015〕149号 whoever recorded the hours issues the
 * certificate: a volunteer asks a team for one over a period, and the team's leader (or a manager
 * of its site) issues it. Issuing snapshots the hours by project — completed duty on the team's
 * projects plus the team's approved service records — and sets an unguessable verification code.
 * Third parties verify the code at GET /certificates/<code>; the owner downloads the PDF through a
 * short-lived signed link.
 */

const day = z.date().refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, 'date must be in 2000–2100');
const RequestInput = z
  .object({ volunteerId: z.number().int().positive(), teamId: z.number().int().positive(), periodFrom: day, periodTo: day })
  .refine((p) => p.periodTo >= p.periodFrom, { path: ['periodTo'], message: 'periodTo must not be before periodFrom' });

export interface HoursLine {
  project: string;
  minutes: number;
}

/** Minutes the team recorded for the volunteer in the period (Shanghai dates, inclusive), by project, in SQL. */
export async function recordedHours(
  prisma: PrismaClient,
  volunteerId: number,
  teamId: number,
  from: Date,
  to: Date,
): Promise<HoursLine[]> {
  return prisma.$queryRaw<HoursLine[]>`
    SELECT "project", sum("minutes")::int AS "minutes" FROM (
      SELECT p."title" AS "project", a."serviceMinutes" AS "minutes"
      FROM "ShiftAssignment" a JOIN "Shift" s ON s."id" = a."shiftId" JOIN "Project" p ON p."id" = s."projectId"
      WHERE a."volunteerId" = ${volunteerId}::int AND a."status" = 'COMPLETED' AND p."organizerId" = ${teamId}::int
        AND ((s."startsAt" AT TIME ZONE 'UTC') + interval '8 hours')::date BETWEEN ${from}::date AND ${to}::date
      UNION ALL
      SELECT coalesce(p."title", '其他志愿服务') AS "project", r."minutes"
      FROM "ServiceRecord" r
        LEFT JOIN "CareVisitVolunteer" cv ON cv."serviceRecordId" = r."id"
        LEFT JOIN "CareVisit" v ON v."id" = cv."visitId"
        LEFT JOIN "Project" p ON p."id" = v."projectId"
      WHERE r."volunteerId" = ${volunteerId}::int AND r."teamId" = ${teamId}::int AND r."status" = 'APPROVED'
        AND r."servedOn" BETWEEN ${from}::date AND ${to}::date
    ) AS lines
    GROUP BY "project" ORDER BY sum("minutes") DESC, "project"`;
}

/** A volunteer asks a team for a certificate of the hours it recorded in a period. */
export async function requestCertificate(prisma: PrismaClient, raw: z.input<typeof RequestInput>, now: Date): Promise<ServiceCertificate> {
  const input = parseInput(RequestInput, raw);
  if (input.periodTo > shanghaiDateOf(now)) throw ValidationError.field('input.periodTo', 'periodTo must not be in the future');
  if (!(await prisma.team.findUnique({ where: { id: input.teamId }, select: { id: true } }))) throw new NotFoundError('Team', input.teamId);
  const lines = await recordedHours(prisma, input.volunteerId, input.teamId, input.periodFrom, input.periodTo);
  if (lines.length === 0) throw new ConflictError('This team recorded no service hours for you in the period.');
  return prisma.serviceCertificate.create({ data: { ...input, requestedAt: now } });
}

/** Issues a REQUESTED certificate: snapshots the hours and sets the verification code. */
export async function issueCertificate(prisma: PrismaClient, id: number, now: Date): Promise<ServiceCertificate> {
  const current = await prisma.serviceCertificate.findUnique({ where: { id } });
  if (!current) throw new NotFoundError('ServiceCertificate', id);
  if (current.status !== 'REQUESTED') throw new CertificateStatusTransitionError(current.status, 'ISSUED', []);
  const lines = await recordedHours(prisma, current.volunteerId, current.teamId, current.periodFrom, current.periodTo);
  const code = randomBytes(10).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, 'X');
  const { count } = await prisma.serviceCertificate.updateMany({
    where: { id, status: 'REQUESTED' },
    data: {
      status: 'ISSUED',
      issuedAt: now,
      code,
      totalMinutes: lines.reduce((sum, l) => sum + l.minutes, 0),
      breakdown: lines.map((l) => ({ project: l.project, minutes: l.minutes })),
    },
  });
  if (count === 0) throw new CertificateStatusTransitionError('ISSUED', 'ISSUED', []);
  return prisma.serviceCertificate.findUniqueOrThrow({ where: { id } });
}

const DeclineInput = z.object({ reason: optionalText('reason', 500) });

export async function declineCertificate(prisma: PrismaClient, id: number, rawReason: string | null | undefined) {
  const { reason } = parseInput(DeclineInput, { reason: rawReason });
  if (!reason) throw ValidationError.field('input.reason', 'a reason is required to decline');
  const { count } = await prisma.serviceCertificate.updateMany({ where: { id, status: 'REQUESTED' }, data: { status: 'DECLINED', declinedReason: reason } });
  if (count === 0) {
    const current = await prisma.serviceCertificate.findUnique({ where: { id }, select: { status: true } });
    if (!current) throw new NotFoundError('ServiceCertificate', id);
    throw new CertificateStatusTransitionError(current.status, 'DECLINED', []);
  }
  return prisma.serviceCertificate.findUniqueOrThrow({ where: { id } });
}

// ---------------------------------------------------------------------------------------------
// Verification and signed downloads
// ---------------------------------------------------------------------------------------------

/** How long a download link stays valid. */
export const DOWNLOAD_LINK_SECONDS = 10 * 60;

const signature = (secret: Uint8Array, code: string, expires: number) =>
  createHmac('sha256', secret).update(`certificate:${code}:${expires}`).digest('base64url');

export function downloadPath(secret: Uint8Array, code: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + DOWNLOAD_LINK_SECONDS;
  return `/certificates/${code}.pdf?expires=${expires}&signature=${signature(secret, code, expires)}`;
}

export function validDownload(secret: Uint8Array, code: string, expires: string | null, sig: string | null, now: Date): boolean {
  const at = Number(expires);
  if (!Number.isSafeInteger(at) || !sig || at * 1000 < now.getTime()) return false;
  const expected = Buffer.from(signature(secret, code, at));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The name as a public page shows it: the first character, the rest masked (张**). */
export function maskedName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? `${chars[0] ?? ''}*` : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

export type IssuedCertificate = ServiceCertificate & {
  volunteer: { name: string };
  team: { name: string; site: { name: string } };
};

/** An ISSUED certificate by its code, or null (unknown, tampered or not issued). */
export async function certificateByCode(prisma: PrismaClient, code: string): Promise<IssuedCertificate | null> {
  if (!/^[A-Z0-9]{10,20}$/.test(code)) return null;
  return prisma.serviceCertificate.findFirst({
    where: { code, status: 'ISSUED' },
    include: { volunteer: { select: { name: true } }, team: { select: { name: true, site: { select: { name: true } } } } },
  });
}
