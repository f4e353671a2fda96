import type { Prisma } from '../generated/prisma/client.js';
import { addDays, shanghaiDateOf } from '../roster/time.js';
import { STAR_THRESHOLD_HOURS } from '../volunteers/stars.js';
import type { PrismaClient } from '../db/index.js';
import { recordedHours } from '../certificates/service.js';

/*
 * The certificates and star-levels seed part (src/certificates), run after the hours exist:
 * issued certificates for the five volunteers with the most approved care-visit hours (from the
 * team that recorded them, over 2026 so far), and star applications of the volunteers whose hours
 * reach a level — the top ones granted, the next ones under public notice around `now`, a few
 * awaiting review. Codes are fixed strings so the demo's verification links are stable.
 */

const DAY_MS = 86_400_000;

export async function seedCertificates(tx: Prisma.TransactionClient, asOf: Date, now: Date): Promise<Record<string, number>> {
  const top = await tx.$queryRaw<{ volunteerId: number; teamId: number }[]>`
    SELECT r."volunteerId", r."teamId" FROM "ServiceRecord" r JOIN "CareVisitVolunteer" cv ON cv."serviceRecordId" = r."id"
    WHERE r."status" = 'APPROVED' AND r."servedOn" >= '2026-01-01'
    GROUP BY r."volunteerId", r."teamId" ORDER BY sum(r."minutes") DESC, r."volunteerId", r."teamId" LIMIT 5`;
  const from = new Date('2026-01-01T00:00:00Z');
  const to = addDays(shanghaiDateOf(asOf), -1);
  let certificates = 0;
  for (const [i, row] of top.entries()) {
    const lines = await recordedHours(tx as unknown as PrismaClient, row.volunteerId, row.teamId, from, to);
    await tx.serviceCertificate.create({
      data: {
        volunteerId: row.volunteerId,
        teamId: row.teamId,
        periodFrom: from,
        periodTo: to,
        status: 'ISSUED',
        requestedAt: new Date(asOf.getTime() - (3 + i) * DAY_MS),
        issuedAt: new Date(asOf.getTime() - (1 + i) * DAY_MS),
        code: `DEMO2026CERT${String(i + 1).padStart(2, '0')}`,
        totalMinutes: lines.reduce((s, l) => s + l.minutes, 0),
        breakdown: lines.map((l) => ({ project: l.project, minutes: l.minutes })),
      },
    });
    certificates++;
  }

  // Star applications: the eligible volunteers, most hours first.
  const thresholds = STAR_THRESHOLD_HOURS.map((h) => h * 60);
  const eligible = await tx.volunteer.findMany({
    where: { serviceMinutes: { gte: thresholds[0] }, status: 'ACTIVE' },
    orderBy: [{ serviceMinutes: 'desc' }, { id: 'asc' }],
    select: { id: true, serviceMinutes: true },
    take: 12,
  });
  const rows: Prisma.StarLevelApplicationCreateManyInput[] = eligible.map((v, i) => {
    const level = thresholds.filter((m) => v.serviceMinutes >= m).length;
    const phase = i < 2 ? 'granted' : i < 5 ? 'notice' : 'pending';
    const appliedAt = new Date(now.getTime() - (phase === 'granted' ? 40 : phase === 'notice' ? 6 : 1) * DAY_MS);
    const reviewedAt = phase === 'pending' ? null : new Date(appliedAt.getTime() + 2 * DAY_MS);
    return {
      volunteerId: v.id,
      level,
      status: phase === 'pending' ? 'PENDING' : 'APPROVED',
      appliedAt,
      reviewedAt,
      reviewNote: reviewedAt ? '服务时长核实无误' : null,
      noticeEndsAt: reviewedAt ? new Date(reviewedAt.getTime() + 7 * DAY_MS) : null,
    };
  });
  await tx.starLevelApplication.createMany({ data: rows });
  return { serviceCertificates: certificates, starApplications: rows.length };
}
