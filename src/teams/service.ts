import { z } from 'zod';
import { ConflictError, DuplicateNameError, NotFoundError } from '../common/errors.js';
import { AlreadyTeamMemberError } from './errors.js';
import { isUniqueViolation } from '../common/prisma-errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, Team, TeamMembership } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

const CreateTeamInput = z.object({
  name: text('name', 100),
  description: optionalText('description', 2000),
  siteId: z.number().int().positive(),
  leaderId: z.number().int().positive().nullish(),
});

const UpdateTeamInput = z.object({
  name: text('name', 100).optional(),
  description: optionalText('description', 2000),
  leaderId: z.number().int().positive().nullish(),
});

const MembershipInput = z.object({
  teamId: z.number().int().positive(),
  volunteerId: z.number().int().positive(),
  role: z.enum(['LEADER', 'MEMBER']).default('MEMBER'),
});

export type CreateTeamInput = z.input<typeof CreateTeamInput>;
export type UpdateTeamInput = z.input<typeof UpdateTeamInput>;
export type MembershipInput = z.input<typeof MembershipInput>;

/** Runs a team write, turning a lost race on the (site, name) index into DuplicateNameError. */
async function writeTeam<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (name && isUniqueViolation(error)) throw new DuplicateNameError('team', name, 'at this site');
    throw error;
  }
}

async function requireVolunteer(tx: Tx, id: number) {
  const volunteer = await tx.volunteer.findUnique({ where: { id }, select: { id: true } });
  if (!volunteer) throw new NotFoundError('Volunteer', id);
}

async function requireNameFree(tx: Tx, siteId: number, name: string, exceptId?: number) {
  const clash = await tx.team.findUnique({ where: { siteId_name: { siteId, name } }, select: { id: true } });
  if (clash && clash.id !== exceptId) throw new DuplicateNameError('team', name, 'at this site');
}

/** Makes the volunteer a member if they are not one yet. */
async function ensureMember(tx: Tx, teamId: number, volunteerId: number) {
  await tx.teamMembership.upsert({
    where: { teamId_volunteerId: { teamId, volunteerId } },
    create: { teamId, volunteerId },
    update: {},
  });
}

export async function createTeam(prisma: PrismaClient, raw: CreateTeamInput): Promise<Team> {
  const input = parseInput(CreateTeamInput, raw);
  return writeTeam(input.name, () =>
    prisma.$transaction(async (tx) => {
      const site = await tx.site.findUnique({ where: { id: input.siteId }, select: { id: true } });
      if (!site) throw new NotFoundError('Site', input.siteId);
      await requireNameFree(tx, input.siteId, input.name);
      if (input.leaderId != null) await requireVolunteer(tx, input.leaderId);
      const team = await tx.team.create({
        data: {
          name: input.name,
          description: input.description ?? null,
          siteId: input.siteId,
          leaderId: input.leaderId ?? null,
        },
      });
      // The leader is always a member of the team they lead.
      if (input.leaderId != null) await ensureMember(tx, team.id, input.leaderId);
      return team;
    }),
  );
}

export async function updateTeam(prisma: PrismaClient, id: number, raw: UpdateTeamInput): Promise<Team> {
  const input = parseInput(UpdateTeamInput, raw);
  return writeTeam(input.name, () =>
    prisma.$transaction(async (tx) => {
      const team = await tx.team.findUnique({ where: { id } });
      if (!team) throw new NotFoundError('Team', id);
      if (input.name !== undefined) await requireNameFree(tx, team.siteId, input.name, id);
      if (input.leaderId != null) {
        await requireVolunteer(tx, input.leaderId);
        await ensureMember(tx, id, input.leaderId);
      }
      return tx.team.update({
        where: { id },
        data: { name: input.name, description: input.description, leaderId: input.leaderId },
      });
    }),
  );
}

/**
 * Adds a volunteer to a team directly, without asking them: for managers of the volunteer's home
 * site and admins (the GraphQL layer checks that). Role LEADER also makes them the team's leader.
 */
export async function addTeamMember(prisma: PrismaClient, raw: MembershipInput): Promise<TeamMembership> {
  const input = parseInput(MembershipInput, raw);
  return prisma.$transaction(async (tx) => {
    const team = await tx.team.findUnique({ where: { id: input.teamId }, select: { id: true } });
    if (!team) throw new NotFoundError('Team', input.teamId);
    await requireVolunteer(tx, input.volunteerId);
    const existing = await tx.teamMembership.findUnique({
      where: { teamId_volunteerId: { teamId: input.teamId, volunteerId: input.volunteerId } },
    });
    if (existing) throw new AlreadyTeamMemberError(input.teamId, input.volunteerId);
    let membership: TeamMembership;
    try {
      membership = await tx.teamMembership.create({
        data: { teamId: input.teamId, volunteerId: input.volunteerId },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyTeamMemberError(input.teamId, input.volunteerId);
      throw error;
    }
    if (input.role === 'LEADER') {
      await tx.team.update({ where: { id: input.teamId }, data: { leaderId: input.volunteerId } });
    }
    return membership;
  });
}

/** Removes a volunteer from a team; removing the leader leaves the team without one. */
export async function removeTeamMember(
  prisma: PrismaClient,
  raw: Omit<MembershipInput, 'role'>,
): Promise<Team> {
  const input = parseInput(MembershipInput.omit({ role: true }), raw);
  return prisma.$transaction(async (tx) => {
    const team = await tx.team.findUnique({ where: { id: input.teamId } });
    if (!team) throw new NotFoundError('Team', input.teamId);
    const removed = await tx.teamMembership.deleteMany({
      where: { teamId: input.teamId, volunteerId: input.volunteerId },
    });
    if (removed.count === 0) throw new ConflictError('The volunteer is not a member of this team.');
    if (team.leaderId === input.volunteerId) {
      return tx.team.update({ where: { id: team.id }, data: { leaderId: null } });
    }
    return team;
  });
}
