import { DomainError } from '../common/errors.js';

/** Too many anonymous orders from one phone number or for one address. */
export class ServiceOrderRateLimitError extends DomainError {
  override name = 'ServiceOrderRateLimitError';
  constructor(
    readonly limitedBy: 'PHONE' | 'ADDRESS',
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `At most ${limit} orders per ${limitedBy === 'PHONE' ? 'phone number' : 'address'} in 24 hours without logging in; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes, or log in.`,
    );
  }
}
