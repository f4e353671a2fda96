import { DomainError } from '../common/errors.js';

/** Too many orders: anonymous ones per phone number or address, logged-in ones per account or address. */
export class ServiceOrderRateLimitError extends DomainError {
  override name = 'ServiceOrderRateLimitError';
  constructor(
    readonly limitedBy: 'PHONE' | 'ADDRESS' | 'ACCOUNT',
    readonly limit: number,
    readonly retryAfterSeconds: number,
    readonly loggedIn = false,
  ) {
    const per = limitedBy === 'PHONE' ? 'phone number' : limitedBy === 'ACCOUNT' ? 'account' : 'address';
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super(
      loggedIn
        ? `At most ${limit} orders per ${per} in 24 hours; try again in ${minutes} minutes.`
        : `At most ${limit} orders per ${per} in 24 hours without logging in; try again in ${minutes} minutes, or log in.`,
    );
  }
}
