import { PothosValidationError } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';

/**
 * The typed errors that mutations return as members of their result unions.
 * They are plain classes so business rules can throw them without knowing about GraphQL;
 * src/common/error-types.ts gives each its GraphQL object type.
 */

/** Base class for every expected, user-facing failure. */
export abstract class DomainError extends Error {}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(
    readonly typename: string,
    readonly id: string | number,
  ) {
    super(`No ${typename} with ID ${encodeGlobalID(typename, id)} exists.`);
  }

  /** The global ID the client would have sent. */
  get globalId(): string {
    return encodeGlobalID(this.typename, this.id);
  }
}

export interface FieldError {
  /** Dotted path of the offending input field, e.g. "input.phone". */
  path: string;
  message: string;
}

/**
 * Input that breaks a rule of shape or range. Extends Pothos's validation error so that failures
 * raised while Pothos maps arguments (malformed or wrong-type global IDs, zod-validated arguments)
 * land in the same GraphQL type.
 */
export class ValidationError extends PothosValidationError {
  override name = 'ValidationError';
  readonly fieldErrors: FieldError[];
  constructor(fieldErrors: FieldError[]) {
    super(fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'Invalid input.');
    this.fieldErrors = fieldErrors;
  }

  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class DuplicatePhoneError extends DomainError {
  override name = 'DuplicatePhoneError';
  constructor(readonly phone: string) {
    super(`A volunteer with phone ${phone} is already registered.`);
  }
}

export class DuplicateNameError extends DomainError {
  override name = 'DuplicateNameError';
  constructor(
    readonly typename: string,
    readonly duplicateName: string,
    scope?: string,
  ) {
    super(`A ${typename} named "${duplicateName}" already exists${scope ? ` ${scope}` : ''}.`);
  }
}

/**
 * A move a status machine does not allow. Each machine has its own subclass (statusTransitionError)
 * and its own GraphQL type whose `from`, `to` and `allowed` are that machine's status enum, so a
 * client reads typed statuses and the union of a mutation names the one machine it moves.
 */
export abstract class StatusTransitionError<S extends string = string> extends DomainError {
  constructor(
    readonly machine: string,
    readonly from: S,
    readonly to: S,
    readonly allowed: readonly S[],
  ) {
    super(`A ${machine} cannot go from ${from} to ${to}; allowed next: ${allowed.length ? allowed.join(', ') : 'none'}.`);
  }
}

/** The error class of one status machine, e.g. `statusTransitionError<ProjectStatus>('ProjectStatusTransitionError', 'project')`. */
export function statusTransitionError<S extends string>(name: string, machine: string) {
  return class extends StatusTransitionError<S> {
    override name = name;
    constructor(from: S, to: S, allowed: readonly S[]) {
      super(machine, from, to, allowed);
    }
  };
}

/** A request that conflicts with the current state in a way no other error type describes. */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
}
