import type { AppServices } from '../context.js';
import { type OutboxChange, appendToOutbox } from '../events/outbox.js';
import type { Prisma } from '../generated/prisma/client.js';

/**
 * Runs a rule as one command: opens the transaction, runs the rule in it, writes the rule's events
 * to the outbox in the same transaction, commits, and hands the stored events to this instance's
 * live events (its own subscribers at once; the relay for the others). Every mutation goes
 * through here, so none can forget to publish and none can publish what was rolled back.
 */
export async function command<T extends { events: readonly OutboxChange[] }>(
  services: Pick<AppServices, 'prisma' | 'clock' | 'events'>,
  rule: (tx: Prisma.TransactionClient) => Promise<T>,
  /** Longest the transaction may run (Prisma's default is 5 s), for rules that touch hundreds of rows. */
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const { result, events } = await services.prisma.$transaction(async (tx) => {
    const result = await rule(tx);
    const events = await appendToOutbox(tx, result.events, services.clock.now(), {
      markSent: services.events.relay === null,
    });
    return { result, events };
  }, options.timeoutMs ? { timeout: options.timeoutMs } : undefined);
  services.events.committed(events);
  return result;
}
