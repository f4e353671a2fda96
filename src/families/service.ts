import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, statusTransitionError } from '../common/errors.js';
import { lockRow } from '../common/locks.js';
import { isUniqueViolation } from '../common/prisma-errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Family, FamilyNomination, FamilyOutreach, FamilySelectionBatch, FamilySelectionCycle, HonorLevel, NominationStatus, Prisma } from '../generated/prisma/client.js';
import { HONOR_LEVELS, awardHonor } from '../honours/service.js';
import { shanghaiDateOf } from '../roster/time.js';
import { subtreeFilter } from '../sites/service.js';
import { AlreadyNominatedError, BatchAnnouncedError, NominationWindowClosedError } from './errors.js';

/** A nomination status change its machine does not allow (typed NominationStatus statuses in the API). */
export class NominationStatusTransitionError extends statusTransitionError<NominationStatus>('NominationStatusTransitionError', 'nomination') {}

/*
 * Civilised families (文明家庭): families, 3-year selection cycles with numbered batches and a
 * nomination window, the workflow nominate → review → announce (which creates the honours), and
 * the talks families give (家风宣讲).
 *
 * Concurrency: nominating, reviewing and announcing lock the batch row first, so a batch cannot
 * be announced while a nomination into it is being added or reviewed; "once per cycle" is also a
 * unique index, so two concurrent nominations of one family cannot both succeed.
 */

type Tx = Prisma.TransactionClient;

const id = z.number().int().positive();

const CreateFamilyInput = z.object({
  name: text('name', 50),
  siteId: id,
  story: z.string().trim().max(5000, 'story may be at most 5000 characters').default(''),
  members: z
    .array(z.object({ name: text('name', 50), relation: optionalText('relation', 20), volunteerId: id.nullish() }))
    .min(1, 'a family has at least one member')
    .max(30, 'at most 30 members'),
});

const CreateCycleInput = z
  .object({
    name: text('name', 100),
    startYear: z.number().int().min(2000, 'startYear must be 2000 or later').max(2100, 'startYear must be 2100 or earlier'),
    batchCount: z.number().int().min(1, 'batchCount must be at least 1').max(6, 'batchCount may be at most 6'),
    nominationOpensAt: z.date(),
    nominationClosesAt: z.date(),
  })
  .refine((c) => c.nominationClosesAt > c.nominationOpensAt, {
    path: ['nominationClosesAt'],
    message: 'nominationClosesAt must be after nominationOpensAt',
  });

const NominateInput = z.object({ familyId: id, batchId: id, statement: text('statement', 2000) });
const ReviewInput = z.object({ nominationId: id, decision: z.enum(['APPROVED', 'REJECTED']), reason: optionalText('reason', 500) });
const AnnounceInput = z.object({ batchId: id, level: z.enum(HONOR_LEVELS), awardedBy: text('awardedBy', 100) });
const OutreachInput = z.object({
  familyId: id,
  heldOn: z.date(),
  venueKind: z.enum(['SCHOOL', 'COMMUNITY', 'COMPANY', 'GOVERNMENT_OFFICE', 'OTHER']),
  venue: optionalText('venue', 100),
  audienceSize: z.number().int().min(1, 'audienceSize must be at least 1').max(100_000, 'audienceSize may be at most 100000'),
  topic: text('topic', 200),
});

export type CreateFamilyInput = z.input<typeof CreateFamilyInput>;
export type CreateCycleInput = z.input<typeof CreateCycleInput>;

const LEVEL_LABEL: Record<HonorLevel, string> = { NATIONAL: '全国', PROVINCIAL: '省级', CITY: '市级', DISTRICT: '县级' };

export async function createFamily(prisma: PrismaClient, raw: CreateFamilyInput): Promise<Family> {
  const input = parseInput(CreateFamilyInput, raw);
  return prisma.$transaction(async (tx) => {
    if (!(await tx.site.findUnique({ where: { id: input.siteId }, select: { id: true } }))) throw new NotFoundError('Site', input.siteId);
    const volunteerIds = input.members.flatMap((m) => (m.volunteerId != null ? [m.volunteerId] : []));
    const found = await tx.volunteer.findMany({ where: { id: { in: volunteerIds } }, select: { id: true } });
    const missing = volunteerIds.find((v) => !found.some((f) => f.id === v));
    if (missing != null) throw new NotFoundError('Volunteer', missing);
    return tx.family.create({
      data: {
        name: input.name,
        siteId: input.siteId,
        story: input.story,
        members: { create: input.members.map((m) => ({ name: m.name, relation: m.relation ?? null, volunteerId: m.volunteerId ?? null })) },
      },
    });
  });
}

export async function createSelectionCycle(prisma: PrismaClient, raw: CreateCycleInput): Promise<FamilySelectionCycle> {
  const input = parseInput(CreateCycleInput, raw);
  try {
    return await prisma.familySelectionCycle.create({
      data: {
        name: input.name,
        startYear: input.startYear,
        endYear: input.startYear + 2,
        nominationOpensAt: input.nominationOpensAt,
        nominationClosesAt: input.nominationClosesAt,
        batches: { create: Array.from({ length: input.batchCount }, (_, i) => ({ number: i + 1 })) },
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.field('input.name', `a cycle named "${input.name}" already exists`);
    throw error;
  }
}

/** Locks a batch row for the rest of the transaction and returns it with its cycle. */
async function lockBatch(tx: Tx, batchId: number): Promise<FamilySelectionBatch & { cycle: FamilySelectionCycle }> {
  await lockRow(tx, 'FamilySelectionBatch', batchId);
  return tx.familySelectionBatch.findUniqueOrThrow({ where: { id: batchId }, include: { cycle: true } });
}

/** Nominates a family for a batch, within the cycle's nomination window and once per cycle. */
export async function nominateFamily(prisma: PrismaClient, raw: z.input<typeof NominateInput>, now: Date): Promise<FamilyNomination> {
  const input = parseInput(NominateInput, raw);
  return prisma.$transaction(async (tx) => {
    const batch = await lockBatch(tx, input.batchId);
    if (!(await tx.family.findUnique({ where: { id: input.familyId }, select: { id: true } }))) throw new NotFoundError('Family', input.familyId);
    const { cycle } = batch;
    if (now < cycle.nominationOpensAt || now >= cycle.nominationClosesAt) {
      throw new NominationWindowClosedError(cycle.nominationOpensAt, cycle.nominationClosesAt);
    }
    if (batch.announcedAt) throw new BatchAnnouncedError(batch.number, batch.announcedAt);
    const existing = await tx.familyNomination.findUnique({ where: { cycleId_familyId: { cycleId: cycle.id, familyId: input.familyId } } });
    if (existing) throw new AlreadyNominatedError(cycle.name, existing.id);
    return tx.familyNomination.create({
      data: { cycleId: cycle.id, batchId: batch.id, familyId: input.familyId, statement: input.statement, nominatedAt: now },
    });
  }).catch((error: unknown) => {
    // A concurrent nomination of the same family won the unique index.
    if (isUniqueViolation(error)) throw new AlreadyNominatedError('this cycle', null);
    throw error;
  });
}

/** APPROVED or REJECTED (with a reason) a PENDING nomination of a batch not yet announced. */
export async function reviewNomination(prisma: PrismaClient, raw: z.input<typeof ReviewInput>, now: Date): Promise<FamilyNomination> {
  const input = parseInput(ReviewInput, raw);
  if (input.decision === 'REJECTED' && !input.reason) throw ValidationError.field('input.reason', 'a reason is required to reject a nomination');
  const nomination = await prisma.familyNomination.findUnique({ where: { id: input.nominationId }, select: { batchId: true } });
  if (!nomination) throw new NotFoundError('FamilyNomination', input.nominationId);
  return prisma.$transaction(async (tx) => {
    const batch = await lockBatch(tx, nomination.batchId);
    if (batch.announcedAt) throw new BatchAnnouncedError(batch.number, batch.announcedAt);
    const current = await tx.familyNomination.findUniqueOrThrow({ where: { id: input.nominationId } });
    if (current.status !== 'PENDING') throw new NominationStatusTransitionError(current.status, input.decision, []);
    return tx.familyNomination.update({
      where: { id: current.id },
      data: { status: input.decision, reviewNote: input.reason ?? null, reviewedAt: now },
    });
  });
}

/**
 * Announces a batch: its APPROVED families are named civilised families at `level`, each getting
 * an honour. Refused while any nomination of the batch is still PENDING, and when already announced.
 */
export async function announceBatch(
  prisma: PrismaClient,
  raw: z.input<typeof AnnounceInput>,
  now: Date,
): Promise<{ batch: FamilySelectionBatch; honorIds: number[] }> {
  const input = parseInput(AnnounceInput, raw);
  return prisma.$transaction(async (tx) => {
    const batch = await lockBatch(tx, input.batchId);
    if (batch.announcedAt) throw new BatchAnnouncedError(batch.number, batch.announcedAt);
    const pending = await tx.familyNomination.count({ where: { batchId: batch.id, status: 'PENDING' } });
    if (pending > 0) throw new ConflictError(`${pending} nomination(s) of this batch are still under review.`);
    const approved = await tx.familyNomination.findMany({ where: { batchId: batch.id, status: 'APPROVED' }, orderBy: { id: 'asc' } });
    if (approved.length === 0) throw new ConflictError('The batch has no approved nominations to announce.');
    const year = shanghaiDateOf(now).getUTCFullYear();
    const honorIds: number[] = [];
    for (const n of approved) {
      const honor = await awardHonor(
        tx,
        {
          title: `${LEVEL_LABEL[input.level]}文明家庭`,
          level: input.level,
          year,
          citation: `${batch.cycle.name}第${batch.number}批`,
          awardedBy: input.awardedBy,
          recipient: { kind: 'FAMILY', id: n.familyId },
        },
        n.id,
      );
      honorIds.push(honor.id);
    }
    const announced = await tx.familySelectionBatch.update({ where: { id: batch.id }, data: { level: input.level, announcedAt: now } });
    return { batch: announced, honorIds };
  });
}

export async function recordOutreach(prisma: PrismaClient, raw: z.input<typeof OutreachInput>, now: Date): Promise<FamilyOutreach> {
  const input = parseInput(OutreachInput, raw);
  if (input.heldOn > shanghaiDateOf(now)) throw ValidationError.field('input.heldOn', 'heldOn must not be in the future');
  if (!(await prisma.family.findUnique({ where: { id: input.familyId }, select: { id: true } }))) throw new NotFoundError('Family', input.familyId);
  return prisma.familyOutreach.create({ data: { ...input, venue: input.venue ?? null } });
}

export interface FamilyFilter {
  siteId?: number | null;
  level?: HonorLevel[] | null;
  cycleId?: number | null;
}

/** Families at a site (subtree), named civilised families at a level, or nominated in a cycle. */
export async function familyWhere(prisma: PrismaClient, filter: FamilyFilter = {}): Promise<Prisma.FamilyWhereInput> {
  return {
    ...(filter.siteId != null && { site: await subtreeFilter(prisma, filter.siteId) }),
    ...(filter.level?.length && { honors: { some: { level: { in: filter.level } } } }),
    ...(filter.cycleId != null && { nominations: { some: { cycleId: filter.cycleId } } }),
  };
}
