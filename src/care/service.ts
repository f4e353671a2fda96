import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, statusTransitionError } from '../common/errors.js';
import { lockRow } from '../common/locks.js';
import { labelList, optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import {
  type Beneficiary,
  type BeneficiaryKind,
  type BeneficiaryStatus,
  type CareAssignment,
  type CareService,
  type CareVisit,
  Prisma,
} from '../generated/prisma/client.js';
import type { Actor } from '../auth/viewer.js';
import { recordService } from '../roster/service.js';
import { shanghaiDateOf } from '../roster/time.js';
import { subtreeFilter } from '../sites/service.js';

/** A beneficiary status change its machine does not allow (typed BeneficiaryStatus statuses in the API). */
export class BeneficiaryStatusTransitionError extends statusTransitionError<BeneficiaryStatus>('BeneficiaryStatusTransitionError', 'beneficiary') {}

/*
 * The rules of care (帮扶, 关爱抗战老兵): beneficiaries, the one team responsible for each, and
 * the visits that team's volunteers make. A visit's minutes become PENDING service records of the
 * volunteers present, written by the roster's recordService in the visit's own transaction, and
 * reviewed like every other record.
 *
 * Concurrency: assigning a team, closing a beneficiary and recording a visit each lock the
 * Beneficiary row first, so the caring team a visit is credited to is the one responsible when it
 * commits, and there is never more than one open CareAssignment.
 */

type Tx = Prisma.TransactionClient;

export const BENEFICIARY_KINDS = ['HARDSHIP_FAMILY', 'VETERAN', 'ELDERLY_ALONE', 'LEFT_BEHIND_CHILD', 'DISABLED'] as const;
export const CARE_SERVICES = [
  'MEAL_DELIVERY',
  'CLEANING',
  'MEDICAL_ESCORT',
  'WINTER_SUPPLIES',
  'COMPANIONSHIP',
  'REPAIRS',
  'OTHER',
] as const satisfies readonly CareService[];

/** Chinese labels of the services, for the service records a visit writes. */
const SERVICE_LABEL: Record<CareService, string> = {
  MEAL_DELIVERY: '送餐',
  CLEANING: '清洁',
  MEDICAL_ESCORT: '陪诊',
  WINTER_SUPPLIES: '送温暖物资',
  COMPANIONSHIP: '陪伴',
  REPAIRS: '维修',
  OTHER: '其他',
};

export const MAX_VISIT_VOLUNTEERS = 50;

const id = z.number().int().positive();
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{5,19}$/, 'phone must be a telephone number (digits, spaces, dashes)')
  .transform((s) => s.replace(/[ -]/g, ''))
  .nullish();

const PersonFields = {
  name: text('name', 50),
  phone,
  address: text('address', 200),
  idNumber: optionalText('idNumber', 30),
  needs: labelList('need', 20, 30),
  householdSize: z.number().int().min(1, 'householdSize must be at least 1').max(30, 'householdSize may be at most 30'),
};

const CreateBeneficiaryInput = z.object({
  kind: z.enum(BENEFICIARY_KINDS),
  siteId: id,
  ...PersonFields,
  needs: PersonFields.needs.default([]),
  householdSize: PersonFields.householdSize.default(1),
  careTeamId: id.nullish(),
});

const UpdateBeneficiaryInput = z.object({
  kind: z.enum(BENEFICIARY_KINDS).optional(),
  name: PersonFields.name.optional(),
  phone: PersonFields.phone,
  address: PersonFields.address.optional(),
  idNumber: PersonFields.idNumber,
  needs: PersonFields.needs.optional(),
  householdSize: PersonFields.householdSize.optional(),
});

const ChangeStatusInput = z.object({
  status: z.enum(['ACTIVE', 'CLOSED']),
  reason: optionalText('reason', 500),
});

const AssignInput = z.object({ beneficiaryId: id, teamId: id, note: optionalText('note', 500) });

const RecordVisitInput = z.object({
  beneficiaryId: id,
  visitedOn: z.date(),
  volunteerIds: z
    .array(id)
    .min(1, 'at least one volunteer must be present')
    .max(MAX_VISIT_VOLUNTEERS, `at most ${MAX_VISIT_VOLUNTEERS} volunteers`)
    .refine((ids) => new Set(ids).size === ids.length, 'each volunteer may be listed once'),
  services: z
    .array(z.enum(CARE_SERVICES))
    .min(1, 'at least one service must be given')
    .transform((s) => [...new Set(s)]),
  minutes: z.number().int().min(1, 'minutes must be at least 1').max(1440, 'minutes may be at most 1440 (one day)'),
  notes: optionalText('notes', 2000),
  projectId: id.nullish(),
});

export type CreateBeneficiaryInput = z.input<typeof CreateBeneficiaryInput>;
export type UpdateBeneficiaryInput = z.input<typeof UpdateBeneficiaryInput>;
export type RecordCareVisitInput = z.input<typeof RecordVisitInput>;

/** Locks a beneficiary's row for the rest of the transaction and returns it. */
async function lockBeneficiary(tx: Tx, beneficiaryId: number): Promise<Beneficiary> {
  await lockRow(tx, 'Beneficiary', beneficiaryId);
  return tx.beneficiary.findUniqueOrThrow({ where: { id: beneficiaryId } });
}

async function requireTeam(tx: Tx | PrismaClient, teamId: number): Promise<void> {
  if (!(await tx.team.findUnique({ where: { id: teamId }, select: { id: true } }))) throw new NotFoundError('Team', teamId);
}

/** Ends the open assignment (if any) and opens one for `teamId`; the caller holds the row lock. */
async function handOver(tx: Tx, beneficiaryId: number, teamId: number | null, note: string | null, now: Date) {
  await tx.careAssignment.updateMany({ where: { beneficiaryId, endedAt: null }, data: { endedAt: now } });
  if (teamId != null) await tx.careAssignment.create({ data: { beneficiaryId, teamId, note, startedAt: now } });
  return tx.beneficiary.update({ where: { id: beneficiaryId }, data: { careTeamId: teamId } });
}

export async function createBeneficiary(prisma: PrismaClient, raw: CreateBeneficiaryInput, now: Date): Promise<Beneficiary> {
  const input = parseInput(CreateBeneficiaryInput, raw);
  return prisma.$transaction(async (tx) => {
    if (!(await tx.site.findUnique({ where: { id: input.siteId }, select: { id: true } }))) {
      throw new NotFoundError('Site', input.siteId);
    }
    if (input.careTeamId != null) await requireTeam(tx, input.careTeamId);
    const { careTeamId, ...fields } = input;
    const created = await tx.beneficiary.create({ data: { ...fields, phone: fields.phone ?? null } });
    return careTeamId == null ? created : handOver(tx, created.id, careTeamId, null, now);
  });
}

export async function updateBeneficiary(prisma: PrismaClient, beneficiaryId: number, raw: UpdateBeneficiaryInput) {
  const input = parseInput(UpdateBeneficiaryInput, raw);
  if (!(await prisma.beneficiary.findUnique({ where: { id: beneficiaryId }, select: { id: true } }))) {
    throw new NotFoundError('Beneficiary', beneficiaryId);
  }
  return prisma.beneficiary.update({ where: { id: beneficiaryId }, data: input });
}

/**
 * ACTIVE → CLOSED (a reason is required; the caring team's assignment ends) or CLOSED → ACTIVE
 * (the reason is cleared; a team must be assigned again).
 */
export async function changeBeneficiaryStatus(
  prisma: PrismaClient,
  beneficiaryId: number,
  raw: { status: BeneficiaryStatus; reason?: string | null },
  now: Date,
): Promise<Beneficiary> {
  const input = parseInput(ChangeStatusInput, raw);
  if (input.status === 'CLOSED' && !input.reason) {
    throw ValidationError.field('input.reason', 'a reason is required to close a beneficiary');
  }
  return prisma.$transaction(async (tx) => {
    const current = await lockBeneficiary(tx, beneficiaryId);
    if (current.status === input.status) {
      throw new BeneficiaryStatusTransitionError(current.status, input.status, [current.status === 'ACTIVE' ? 'CLOSED' : 'ACTIVE']);
    }
    if (input.status === 'CLOSED') await handOver(tx, beneficiaryId, null, null, now);
    return tx.beneficiary.update({
      where: { id: beneficiaryId },
      data:
        input.status === 'CLOSED'
          ? { status: 'CLOSED', closedReason: input.reason, closedAt: now }
          : { status: 'ACTIVE', closedReason: null, closedAt: null },
    });
  });
}

/** Makes `teamId` the one team responsible for an ACTIVE beneficiary; the previous assignment ends now. */
export async function assignCareTeam(
  prisma: PrismaClient,
  raw: z.input<typeof AssignInput>,
  now: Date,
): Promise<{ beneficiary: Beneficiary; assignment: CareAssignment }> {
  const input = parseInput(AssignInput, raw);
  return prisma.$transaction(async (tx) => {
    const current = await lockBeneficiary(tx, input.beneficiaryId);
    await requireTeam(tx, input.teamId);
    if (current.status !== 'ACTIVE') throw new ConflictError('The beneficiary is CLOSED; reopen it before assigning a team.');
    if (current.careTeamId === input.teamId) throw new ConflictError('This team is already responsible for the beneficiary.');
    const beneficiary = await handOver(tx, current.id, input.teamId, input.note ?? null, now);
    const assignment = await tx.careAssignment.findFirstOrThrow({ where: { beneficiaryId: current.id, endedAt: null } });
    return { beneficiary, assignment };
  });
}

/**
 * Records a visit by the caring team to an ACTIVE beneficiary. Every volunteer present must be a
 * member of that team; each gets a PENDING service record of the visit's minutes (through the
 * roster's recordService, in this transaction), so the visit and its records commit together.
 */
export async function recordCareVisit(
  prisma: PrismaClient,
  raw: RecordCareVisitInput,
  now: Date,
  recorder: Actor,
): Promise<CareVisit> {
  const input = parseInput(RecordVisitInput, raw);
  if (input.visitedOn > shanghaiDateOf(now)) throw ValidationError.field('input.visitedOn', 'visitedOn must not be in the future');
  return prisma.$transaction(async (tx) => {
    const beneficiary = await lockBeneficiary(tx, input.beneficiaryId);
    if (input.projectId != null && !(await tx.project.findUnique({ where: { id: input.projectId }, select: { id: true } }))) {
      throw new NotFoundError('Project', input.projectId);
    }
    if (beneficiary.status !== 'ACTIVE') throw new ConflictError('The beneficiary is CLOSED; visits cannot be recorded.');
    if (beneficiary.careTeamId == null) throw new ConflictError('No team is responsible for this beneficiary; assign one first.');
    const visit = await tx.careVisit.create({
      data: {
        beneficiaryId: beneficiary.id,
        teamId: beneficiary.careTeamId,
        projectId: input.projectId ?? null,
        visitedOn: input.visitedOn,
        services: input.services,
        minutes: input.minutes,
        notes: input.notes ?? null,
      },
    });
    const description = `关爱走访 #${visit.id}：${input.services.map((s) => SERVICE_LABEL[s]).join('、')}`;
    for (const volunteerId of [...input.volunteerIds].sort((a, b) => a - b)) {
      const { record } = await recordService(
        tx,
        { volunteerId, teamId: beneficiary.careTeamId, servedOn: input.visitedOn, minutes: input.minutes, description },
        now,
        recorder,
      );
      await tx.careVisitVolunteer.create({ data: { visitId: visit.id, volunteerId, serviceRecordId: record.id } });
    }
    return visit;
  });
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface BeneficiaryFilter {
  kind?: BeneficiaryKind[] | null;
  siteId?: number | null;
  status?: BeneficiaryStatus | null;
  teamId?: number | null;
  notVisitedSince?: Date | null;
}

export async function beneficiaryWhere(prisma: PrismaClient, filter: BeneficiaryFilter = {}): Promise<Prisma.BeneficiaryWhereInput> {
  return {
    ...(filter.kind?.length && { kind: { in: filter.kind } }),
    ...(filter.siteId != null && { site: await subtreeFilter(prisma, filter.siteId) }),
    ...(filter.status && { status: filter.status }),
    ...(filter.teamId != null && { careTeamId: filter.teamId }),
    ...(filter.notVisitedSince && { visits: { none: { visitedOn: { gte: filter.notVisitedSince } } } }),
  };
}

export interface CareImpact {
  beneficiariesReached: number;
  visits: number;
  minutes: number;
  volunteerMinutes: number;
  volunteers: number;
}

/**
 * What the care visits linked to projects (by project, or by the brand of the project) achieved,
 * for many projects or brands in one SQL aggregate; keys without visits get zeros.
 */
export async function careImpacts(
  prisma: PrismaClient,
  by: 'project' | 'brand',
  ids: readonly number[],
): Promise<Map<number, CareImpact>> {
  const key = Prisma.raw(by === 'project' ? 'p."id"' : 'p."brandId"');
  const rows = ids.length
    ? await prisma.$queryRaw<(CareImpact & { key: number })[]>`
        WITH v AS (
          SELECT ${key} AS "key", v."id", v."beneficiaryId", v."minutes",
                 (SELECT count(*) FROM "CareVisitVolunteer" cv WHERE cv."visitId" = v."id") AS "present"
          FROM "CareVisit" v JOIN "Project" p ON p."id" = v."projectId"
          WHERE ${key} IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::int`))})
        )
        SELECT v."key", count(DISTINCT v."beneficiaryId")::int AS "beneficiariesReached", count(*)::int AS "visits",
               sum(v."minutes")::int AS "minutes", sum(v."minutes" * v."present")::int AS "volunteerMinutes",
               (SELECT count(DISTINCT cv."volunteerId") FROM "CareVisitVolunteer" cv JOIN v w ON w."id" = cv."visitId" WHERE w."key" = v."key")::int AS "volunteers"
        FROM v GROUP BY v."key"`
    : [];
  const none: CareImpact = { beneficiariesReached: 0, visits: 0, minutes: 0, volunteerMinutes: 0, volunteers: 0 };
  return new Map(ids.map((id) => {
    const row = rows.find((r) => r.key === id);
    return [id, row ? { beneficiariesReached: row.beneficiariesReached, visits: row.visits, minutes: row.minutes, volunteerMinutes: row.volunteerMinutes, volunteers: row.volunteers } : none];
  }));
}
