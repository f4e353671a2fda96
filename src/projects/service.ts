import { z } from 'zod';
import { DomainError, NotFoundError, ValidationError, statusTransitionError } from '../common/errors.js';
import { parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, Project, ProjectStatus } from '../generated/prisma/client.js';
import type { RosterChange } from '../roster/events.js';
import { endProjectShifts, projectSpan } from '../roster/service.js';
import { formatCalendarDate } from '../roster/time.js';

/** A project status change its machine does not allow (typed ProjectStatus statuses in the API). */
export class ProjectStatusTransitionError extends statusTransitionError<ProjectStatus>('ProjectStatusTransitionError', 'project') {}

type Tx = Prisma.TransactionClient;

/** New dates would leave some of the project's shifts outside them. */
export class ShiftsOutsideProjectDatesError extends DomainError {
  override name = 'ShiftsOutsideProjectDatesError';
  constructor(
    /** How many shifts (not cancelled) would fall outside the new dates. */
    readonly count: number,
    readonly startsOn: Date,
    readonly endsOn: Date,
  ) {
    super(
      `${count} shift${count === 1 ? '' : 's'} of this project would fall outside ${formatCalendarDate(startsOn)} to ` +
        `${formatCalendarDate(endsOn)} (Asia/Shanghai); move or cancel ${count === 1 ? 'it' : 'them'} first.`,
    );
  }
}

/** Why a project's remaining shifts end, by the status it moves to. */
const ENDING_REASONS: Partial<Record<ProjectStatus, string>> = {
  CANCELLED: '项目已取消 (project cancelled)',
  COMPLETED: '项目已结束 (project completed)',
};

/** Locks a project row for the rest of the transaction and returns it. */
async function lockProject(tx: Tx, id: number): Promise<Project> {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Project" WHERE "id" = ${id}::int FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError('Project', id);
  return tx.project.findUniqueOrThrow({ where: { id } });
}

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

/**
 * Changes a project's details. New dates must still hold every shift that is not cancelled
 * (ShiftsOutsideProjectDatesError says how many would fall outside); the project row is locked,
 * so createShifts (which holds it FOR SHARE) cannot add a shift outside them meanwhile.
 */
export async function updateProject(prisma: PrismaClient, id: number, raw: UpdateProjectInput): Promise<Project> {
  const input = parseInput(UpdateProjectInput, raw);
  await checkReferences(prisma, input);
  return prisma.$transaction(async (tx) => {
    const project = await lockProject(tx, id);
    const startsOn = input.startsOn ?? project.startsOn;
    const endsOn = input.endsOn ?? project.endsOn;
    if (endsOn < startsOn) {
      throw ValidationError.field(input.endsOn ? 'input.endsOn' : 'input.startsOn', 'endsOn must not be before startsOn');
    }
    if (input.startsOn || input.endsOn) {
      const span = projectSpan({ startsOn, endsOn });
      const outside = await tx.shift.count({
        where: { projectId: id, status: { not: 'CANCELLED' }, OR: [{ startsAt: { lt: span.from } }, { endsAt: { gt: span.to } }] },
      });
      if (outside > 0) throw new ShiftsOutsideProjectDatesError(outside, startsOn, endsOn);
    }
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
    return tx.project.update({ where: { id }, data });
  });
}

/**
 * Moves a project along its life cycle, with the project row locked. Cancelling or completing it
 * ends its remaining shifts in the same transaction (endProjectShifts: those not started are
 * cancelled and their volunteers released, those started are closed as closeShift does); the
 * roster changes come back for the command runner to write to the outbox.
 */
export async function changeProjectStatus(
  tx: Tx,
  id: number,
  to: ProjectStatus,
  now: Date,
): Promise<{ project: Project; events: RosterChange[] }> {
  const current = await lockProject(tx, id);
  const allowed = PROJECT_TRANSITIONS[current.status];
  if (!allowed.includes(to)) throw new ProjectStatusTransitionError(current.status, to, allowed);
  const project = await tx.project.update({ where: { id }, data: { status: to } });
  const reason = ENDING_REASONS[to];
  const events = reason ? await endProjectShifts(tx, id, now, reason) : [];
  return { project, events };
}
