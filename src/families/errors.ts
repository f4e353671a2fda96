import { encodeGlobalID } from '@pothos/plugin-relay';
import { DomainError } from '../common/errors.js';

/** Nominations are accepted only between the cycle's nominationOpensAt and nominationClosesAt. */
export class NominationWindowClosedError extends DomainError {
  override name = 'NominationWindowClosedError';
  constructor(
    readonly opensAt: Date,
    readonly closesAt: Date,
  ) {
    super(`Nominations are accepted from ${opensAt.toISOString()} until ${closesAt.toISOString()}.`);
  }
}

/** A family may be nominated once per cycle. */
export class AlreadyNominatedError extends DomainError {
  override name = 'AlreadyNominatedError';
  constructor(
    cycle: string,
    readonly nominationId: number | null,
  ) {
    super(`The family is already nominated in ${cycle}.`);
  }

  get existingNominationId(): string | null {
    return this.nominationId == null ? null : encodeGlobalID('FamilyNomination', this.nominationId);
  }
}

/** An announced batch is final: no more nominations, reviews or announcements. */
export class BatchAnnouncedError extends DomainError {
  override name = 'BatchAnnouncedError';
  constructor(
    readonly number: number,
    readonly announcedAt: Date,
  ) {
    super(`Batch ${number} was announced at ${announcedAt.toISOString()}; it is final.`);
  }
}
