import { DomainError } from '../common/errors.js';
import type { TeamJoinKind, TeamJoinStatus } from '../generated/prisma/client.js';

/**
 * Refusals of the team-joining rules (invitations, applications, direct additions). Besides these
 * the rules throw the common NotFoundError and ValidationError.
 */

/** The volunteer is already a member of the team. */
export class AlreadyTeamMemberError extends DomainError {
  override name = 'AlreadyTeamMemberError';
  constructor(
    readonly teamId: number,
    readonly volunteerId: number,
  ) {
    super('The volunteer is already a member of this team.');
  }
}

/** An invitation or application between this team and volunteer is already waiting for an answer. */
export class JoinRequestPendingError extends DomainError {
  override name = 'JoinRequestPendingError';
  constructor(
    readonly requestId: number,
    readonly kind: 'INVITATION' | 'APPLICATION',
  ) {
    super(
      kind === 'INVITATION'
        ? 'The volunteer has already been invited to this team; the invitation is waiting for their answer.'
        : 'The volunteer has already applied to this team; review the application instead.',
    );
  }
}

/** The invitation or application was already answered, or is of the other kind. */
export class NoPendingJoinRequestError extends DomainError {
  override name = 'NoPendingJoinRequestError';
  constructor(
    readonly requestId: number,
    /** What was expected: INVITATION or APPLICATION. */
    readonly expected: 'INVITATION' | 'APPLICATION',
    readonly kind: TeamJoinKind,
    readonly status: TeamJoinStatus,
  ) {
    super(
      kind !== expected
        ? `This is an ${kind.toLowerCase()}, not an ${expected.toLowerCase()}.`
        : `There is no pending ${expected.toLowerCase()}: this one is already ${status}.`,
    );
  }
}

/** Only the invited volunteer may accept or decline an invitation. */
export class NotYourInvitationError extends DomainError {
  override name = 'NotYourInvitationError';
  constructor(readonly requestId: number) {
    super('This invitation is addressed to another volunteer; only they can answer it.');
  }
}
