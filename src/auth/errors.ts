import { GraphQLError } from 'graphql';
import { DomainError } from '../common/errors.js';

/** Wrong phone number or password (deliberately not saying which). */
export class InvalidCredentialsError extends DomainError {
  override name = 'InvalidCredentialsError';
  constructor() {
    super('The phone number or password is wrong.');
  }
}

/** The account's volunteer is suspended: no login until they are reinstated. */
export class AccountSuspendedError extends DomainError {
  override name = 'AccountSuspendedError';
  constructor() {
    super('This account is suspended; it cannot log in until it is reinstated.');
  }
}

/** Too many failed logins for this phone number or from this address. */
export class TooManyRequestsError extends DomainError {
  override name = 'TooManyRequestsError';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`);
  }
}

/** A refresh token that is unknown, expired, revoked, or was already used. */
export class InvalidRefreshTokenError extends DomainError {
  override name = 'InvalidRefreshTokenError';
  constructor(
    message = 'The refresh token is invalid, expired or revoked; log in again.',
    /** Set when this refusal revoked a session (a reused token), so its connections can be closed. */
    readonly revokedSessionId?: string,
  ) {
    super(message);
  }
}

/** The request's access token is expired, revoked or invalid (HTTP 401; WebSocket close 4401). */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** The viewer may not do or see this. */
export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}
