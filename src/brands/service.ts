import { z } from 'zod';
import { DuplicateNameError, NotFoundError, ValidationError } from '../common/errors.js';
import { isUniqueViolation } from '../common/prisma-errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Brand } from '../generated/prisma/client.js';

const CreateBrandInput = z.object({
  name: text('name', 50),
  description: optionalText('description', 2000),
  teamId: z.number().int().positive().nullish(),
  siteId: z.number().int().positive().nullish(),
});

export type CreateBrandInput = z.input<typeof CreateBrandInput>;

/** A brand is owned by exactly one team or one site. */
export async function createBrand(prisma: PrismaClient, raw: CreateBrandInput): Promise<Brand> {
  const input = parseInput(CreateBrandInput, raw);
  if ((input.teamId == null) === (input.siteId == null)) {
    throw new ValidationError([
      { path: 'input.teamId', message: 'give exactly one owner: a teamId or a siteId' },
      { path: 'input.siteId', message: 'give exactly one owner: a teamId or a siteId' },
    ]);
  }
  if (input.teamId != null) {
    if (!(await prisma.team.findUnique({ where: { id: input.teamId }, select: { id: true } }))) {
      throw new NotFoundError('Team', input.teamId);
    }
  } else if (!(await prisma.site.findUnique({ where: { id: input.siteId! }, select: { id: true } }))) {
    throw new NotFoundError('Site', input.siteId!);
  }
  if (await prisma.brand.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new DuplicateNameError('brand', input.name);
  }
  try {
    return await prisma.brand.create({
      data: {
        name: input.name,
        description: input.description ?? null,
        teamId: input.teamId ?? null,
        siteId: input.siteId ?? null,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name')) throw new DuplicateNameError('brand', input.name);
    throw error;
  }
}
