import { z } from 'zod';
import { InvalidStatusTransitionError, NotFoundError, ValidationError } from '../common/errors.js';
import { parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, Project, ProjectStatus } from '../generated/prisma/client.js';

/** The project life cycle: DRAFT → RECRUITING → ACTIVE → COMPLETED, or CANCELLED before completion. */
export const PROJECT_TRANSITIONS: Record<ProjectStatus, readonly ProjectStatus[]> = {
  DRAFT: ['RECRUITING', 'CANCELLED'],
  RECRUITING: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

const CATEGORIES = [
  'TOURISM',
  'TRAFFIC',
  'ELDERLY_CARE',
  'VETERANS',
  'ENVIRONMENT',
  'MINORS',
  'LEGAL',
  'COMMUNITY',
  'HARDSHIP_RELIEF',
  'CIVIC_EDUCATION',
] as const;

const day = z.date().refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, 'date must be in 2000–2100');

const ProjectFields = z.object({
  title: text('title', 100),
  description: z.string().trim().max(5000, 'description may be at most 5000 characters').default(''),
  category: z.enum(CATEGORIES),
  brandId: z.number().int().positive().nullish(),
  organizerId: z.number().int().positive(),
  siteId: z.number().int().positive(),
  startsOn: day,
  endsOn: day,
});

const CreateProjectInput = ProjectFields.refine((p) => p.endsOn >= p.startsOn, {
  path: ['endsOn'],
  message: 'endsOn must not be before startsOn',
});

const UpdateProjectInput = ProjectFields.partial().extend({ description: z.string().trim().max(5000).optional() });

export type CreateProjectInput = z.input<typeof CreateProjectInput>;
export type UpdateProjectInput = z.input<typeof UpdateProjectInput>;

async function checkReferences(
  prisma: PrismaClient,
  refs: { brandId?: number | null; organizerId?: number; siteId?: number },
) {
  if (refs.organizerId !== undefined) {
    if (!(await prisma.team.findUnique({ where: { id: refs.organizerId }, select: { id: true } }))) {
      throw new NotFoundError('Team', refs.organizerId);
    }
  }
  if (refs.siteId !== undefined) {
    if (!(await prisma.site.findUnique({ where: { id: refs.siteId }, select: { id: true } }))) {
      throw new NotFoundError('Site', refs.siteId);
    }
  }
  if (refs.brandId != null) {
    if (!(await prisma.brand.findUnique({ where: { id: refs.brandId }, select: { id: true } }))) {
      throw new NotFoundError('Brand', refs.brandId);
    }
  }
}

export async function createProject(prisma: PrismaClient, raw: CreateProjectInput): Promise<Project> {
  const input = parseInput(CreateProjectInput, raw);
  await checkReferences(prisma, input);
  return prisma.project.create({
    data: {
      title: input.title,
      description: input.description,
      category: input.category,
      brandId: input.brandId ?? null,
      organizerId: input.organizerId,
      siteId: input.siteId,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
    },
  });
}

export async function updateProject(prisma: PrismaClient, id: number, raw: UpdateProjectInput): Promise<Project> {
  const input = parseInput(UpdateProjectInput, raw);
  const project = await prisma.project.findUnique({ where: { id } });
  if (!project) throw new NotFoundError('Project', id);
  const startsOn = input.startsOn ?? project.startsOn;
  const endsOn = input.endsOn ?? project.endsOn;
  if (endsOn < startsOn) {
    throw ValidationError.field(input.endsOn ? 'input.endsOn' : 'input.startsOn', 'endsOn must not be before startsOn');
  }
  await checkReferences(prisma, input);
  const data: Prisma.ProjectUncheckedUpdateInput = {
    title: input.title,
    description: input.description,
    category: input.category,
    brandId: input.brandId,
    organizerId: input.organizerId,
    siteId: input.siteId,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
  };
  return prisma.project.update({ where: { id }, data });
}

/**
 * Moves a project along its life cycle. The update is conditional on the status read, so two
 * concurrent changes cannot both succeed from the same starting point.
 */
export async function changeProjectStatus(prisma: PrismaClient, id: number, to: ProjectStatus): Promise<Project> {
  for (;;) {
    const project = await prisma.project.findUnique({ where: { id } });
    if (!project) throw new NotFoundError('Project', id);
    const allowed = PROJECT_TRANSITIONS[project.status];
    if (!allowed.includes(to)) {
      throw new InvalidStatusTransitionError('project', project.status, to, allowed);
    }
    const { count } = await prisma.project.updateMany({ where: { id, status: project.status }, data: { status: to } });
    if (count === 1) return prisma.project.findUniqueOrThrow({ where: { id } });
    // Someone else changed the status in between: re-read and judge again.
  }
}
