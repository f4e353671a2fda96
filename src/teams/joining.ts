import { z } from 'zod';
import type { Actor } from '../auth/viewer.js';
import { NotFoundError } from '../common/errors.js';
import { optionalText, parseInput } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, TeamJoinKind, TeamJoinRequest, TeamMembership } from '../generated/prisma/client.js';
import { AlreadyTeamMemberError, JoinRequestPendingError, NoPendingJoinRequestError, NotYourInvitationError } from './errors.js';

/*
 * Joining a team takes consent. A leader (or manager) invites and the volunteer answers; or the
 * volunteer applies and the team's leader (or a manager) answers. Only an accepted request makes a
 * TeamMembership, and only memberships count anywhere else (e.g. a leader seeing members'
 * personal data). Managers of the volunteer's home site may still add members directly
 * (addTeamMember in service.ts).
 *
 * Concurrency: every decision about one volunteer's joining locks that volunteer's row first, so two
 * requests for the same team and volunteer cannot both be created, nor two answers both succeed.
 */

type Tx = Prisma.TransactionClient;

const id = z.number().int().positive();

const JoinRequestInput = z.object({ teamId: id, volunteerId: id, message: optionalText('message', 500) });
const AnswerInput = z.object({ requestId: id, accept: z.boolean() });

export type JoinRequestInput = z.input<typeof JoinRequestInput>;
export type AnswerInput = z.input<typeof AnswerInput>;

/** Locks the volunteer's row (serialising their joining decisions) and checks that both exist. */
async function lockJoining(tx: Tx, teamId: number, volunteerId: number): Promise<void> {
  const rows = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Volunteer" WHERE "id" = ${volunteerId}::int FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Volunteer', volunteerId);
  const team = await tx.team.findUnique({ where: { id: teamId }, select: { id: true } });
  if (!team) throw new NotFoundError('Team', teamId);
}

async function requireNotMember(tx: Tx, teamId: number, volunteerId: number): Promise<void> {
  const member = await tx.teamMembership.findUnique({
    where: { teamId_volunteerId: { teamId, volunteerId } },
    select: { id: true },
  });
  if (member) throw new AlreadyTeamMemberError(teamId, volunteerId);
}

async function createRequest(
  prisma: PrismaClient,
  kind: TeamJoinKind,
  raw: JoinRequestInput,
  actor: Actor,
  now: Date,
): Promise<TeamJoinRequest> {
  const input = parseInput(JoinRequestInput, raw);
  return prisma.$transaction(async (tx) => {
    await lockJoining(tx, input.teamId, input.volunteerId);
    await requireNotMember(tx, input.teamId, input.volunteerId);
    const pending = await tx.teamJoinRequest.findFirst({
      where: { teamId: input.teamId, volunteerId: input.volunteerId, status: 'PENDING' },
      select: { id: true, kind: true },
    });
    if (pending) throw new JoinRequestPendingError(pending.id, pending.kind);
    return tx.teamJoinRequest.create({
      data: {
        kind,
        teamId: input.teamId,
        volunteerId: input.volunteerId,
        message: input.message ?? null,
        createdByAccountId: actor.accountId,
        createdAt: now,
      },
    });
  });
}

/** The team invites a volunteer; nothing changes until the volunteer accepts. */
export function inviteToTeam(prisma: PrismaClient, raw: JoinRequestInput, actor: Actor, now: Date) {
  return createRequest(prisma, 'INVITATION', raw, actor, now);
}

/** A volunteer applies to join a team; nothing changes until the team accepts. */
export function applyToTeam(prisma: PrismaClient, raw: JoinRequestInput, actor: Actor, now: Date) {
  return createRequest(prisma, 'APPLICATION', raw, actor, now);
}

async function answer(
  prisma: PrismaClient,
  kind: TeamJoinKind,
  raw: AnswerInput,
  actor: Actor,
  now: Date,
): Promise<{ request: TeamJoinRequest; membership: TeamMembership | null }> {
  const input = parseInput(AnswerInput, raw);
  return prisma.$transaction(async (tx) => {
    const found = await tx.teamJoinRequest.findUnique({ where: { id: input.requestId } });
    if (!found) throw new NotFoundError('TeamJoinRequest', input.requestId);
    // An invitation is the invited person's to answer, whoever else may see it.
    if (kind === 'INVITATION' && found.kind === 'INVITATION' && found.volunteerId !== actor.volunteerId) {
      throw new NotYourInvitationError(found.id);
    }
    await lockJoining(tx, found.teamId, found.volunteerId);
    const request = await tx.teamJoinRequest.findUniqueOrThrow({ where: { id: found.id } });
    if (request.kind !== kind || request.status !== 'PENDING') {
      throw new NoPendingJoinRequestError(request.id, kind, request.kind, request.status);
    }
    let membership: TeamMembership | null = null;
    if (input.accept) {
      await requireNotMember(tx, request.teamId, request.volunteerId);
      membership = await tx.teamMembership.create({
        data: { teamId: request.teamId, volunteerId: request.volunteerId, joinedAt: now },
      });
    }
    const decided = await tx.teamJoinRequest.update({
      where: { id: request.id },
      data: { status: input.accept ? 'ACCEPTED' : 'DECLINED', decidedByAccountId: actor.accountId, decidedAt: now },
    });
    return { request: decided, membership };
  });
}

/** The invited volunteer accepts (becoming a member) or declines. Nobody else may answer. */
export function respondToTeamInvitation(prisma: PrismaClient, raw: AnswerInput, actor: Actor, now: Date) {
  return answer(prisma, 'INVITATION', raw, actor, now);
}

/** The team's leader or a manager accepts (the applicant becomes a member) or declines an application. */
export function reviewTeamApplication(prisma: PrismaClient, raw: AnswerInput, actor: Actor, now: Date) {
  return answer(prisma, 'APPLICATION', raw, actor, now);
}
