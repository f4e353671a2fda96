import { z } from 'zod';
import { DuplicatePhoneError, NotFoundError } from '../common/errors.js';
import { isUniqueViolation } from '../common/prisma-errors.js';
import { labelList, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, Volunteer } from '../generated/prisma/client.js';
import { phoneInput as phone } from './phone.js';
import { nameSearchColumns } from './search.js';

const birthDate = z
  .date()
  .refine((d) => d.getTime() >= Date.UTC(1900, 0, 1), 'birthDate must be after 1900-01-01')
  .refine((d) => d.getTime() <= Date.now(), 'birthDate must not be in the future');

const gender = z.enum(['MALE', 'FEMALE', 'UNDISCLOSED']);

const RegisterVolunteerInput = z.object({
  name: text('name', 50),
  phone,
  gender: gender.default('UNDISCLOSED'),
  birthDate: birthDate.nullish(),
  skills: labelList('skill', 20, 30).default([]),
  homeSiteId: z.number().int().positive(),
});

const UpdateVolunteerInput = z.object({
  name: text('name', 50).optional(),
  phone: phone.optional(),
  gender: gender.optional(),
  birthDate: birthDate.nullish(),
  skills: labelList('skill', 20, 30).optional(),
  homeSiteId: z.number().int().positive().optional(),
  status: z.enum(['ACTIVE', 'SUSPENDED']).optional(),
});

export type RegisterVolunteerInput = z.input<typeof RegisterVolunteerInput>;
export type UpdateVolunteerInput = z.input<typeof UpdateVolunteerInput>;

async function requireSite(prisma: PrismaClient, id: number) {
  const site = await prisma.site.findUnique({ where: { id }, select: { id: true } });
  if (!site) throw new NotFoundError('Site', id);
}

async function requirePhoneFree(prisma: PrismaClient, phone: string, exceptId?: number) {
  const owner = await prisma.volunteer.findUnique({ where: { phone }, select: { id: true } });
  if (owner && owner.id !== exceptId) throw new DuplicatePhoneError(phone);
}

/** Writes, turning a lost race on the unique phone index into the same typed error. */
async function writeVolunteer<T>(phone: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (phone && isUniqueViolation(error, 'phone')) throw new DuplicatePhoneError(phone);
    throw error;
  }
}

export async function registerVolunteer(prisma: PrismaClient, raw: RegisterVolunteerInput): Promise<Volunteer> {
  const input = parseInput(RegisterVolunteerInput, raw);
  await requireSite(prisma, input.homeSiteId);
  await requirePhoneFree(prisma, input.phone);
  return writeVolunteer(input.phone, () =>
    prisma.volunteer.create({
      data: {
        name: input.name,
        ...nameSearchColumns(input.name),
        phone: input.phone,
        gender: input.gender,
        birthDate: input.birthDate ?? null,
        skills: input.skills,
        homeSiteId: input.homeSiteId,
      },
    }),
  );
}

/**
 * Changes a volunteer. Suspending them (status SUSPENDED) also revokes every session of their
 * account in the same transaction; the caller ends those sessions' live connections
 * (`revokedSessionIds`) once it has committed.
 */
export async function updateVolunteer(
  prisma: PrismaClient,
  id: number,
  raw: UpdateVolunteerInput,
  now: Date = new Date(),
): Promise<{ volunteer: Volunteer; revokedSessionIds: string[] }> {
  const input = parseInput(UpdateVolunteerInput, raw);
  const existing = await prisma.volunteer.findUnique({ where: { id }, select: { id: true } });
  if (!existing) throw new NotFoundError('Volunteer', id);
  if (input.homeSiteId !== undefined) await requireSite(prisma, input.homeSiteId);
  if (input.phone !== undefined) await requirePhoneFree(prisma, input.phone, id);
  const data: Prisma.VolunteerUncheckedUpdateInput = {
    name: input.name,
    ...(input.name !== undefined && nameSearchColumns(input.name)),
    phone: input.phone,
    gender: input.gender,
    birthDate: input.birthDate,
    skills: input.skills,
    homeSiteId: input.homeSiteId,
    status: input.status,
  };
  return writeVolunteer(input.phone, () =>
    prisma.$transaction(async (tx) => {
      const volunteer = await tx.volunteer.update({ where: { id }, data });
      if (input.status !== 'SUSPENDED') return { volunteer, revokedSessionIds: [] };
      const sessions = await tx.authSession.findMany({
        where: { account: { volunteerId: id }, revokedAt: null },
        select: { id: true },
      });
      const revokedSessionIds = sessions.map((session) => session.id);
      if (revokedSessionIds.length) {
        await tx.authSession.updateMany({
          where: { id: { in: revokedSessionIds } },
          data: { revokedAt: now, revokedReason: 'account suspended' },
        });
      }
      return { volunteer, revokedSessionIds };
    }),
  );
}
