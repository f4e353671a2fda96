import type { Clock } from '../common/clock.js';
import type { PrismaClient } from '../db/index.js';
import type { Logger } from '../logger.js';
import { markSent, unsentEvents } from './outbox.js';
import type { AppBus } from './topics.js';

/** pg_advisory_xact_lock key of the relay: one instance relays at a time ('outbox' in ASCII). */
export const RELAY_LOCK_KEY = 0x6f7574626f78n;
/** Rows per published batch. */
export const RELAY_BATCH = 500;

/**
 * Publishes unsent outbox rows to the other instances, in sequence order, and marks them sent.
 * One instance at a time holds the relay lock (a transaction-scoped advisory lock), so batches go
 * out in order; the rows stay locked by that transaction until they are marked. When Redis is down
 * or does not confirm, nothing is marked and the rows go out on a later pass — after a crash, a
 * restart, or on any other instance's pass. Receivers drop duplicates by sequence.
 */
export class Relay {
  private running: Promise<number> | undefined;
  private again = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: AppBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Relays until nothing is left unsent (or Redis refuses). A call while a flush runs makes that
   * flush go round once more. Resolves with how many rows this flush published.
   */
  flush(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      let total = 0;
      do {
        this.again = false;
        for (;;) {
          const sent = await this.pass();
          total += Math.max(sent, 0);
          if (sent < RELAY_BATCH) break;
        }
      } while (this.again);
      return total;
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * One batch: how many rows were published, 0 when none were waiting, -1 when another instance
   * holds the relay lock or Redis is unavailable.
   */
  async pass(): Promise<number> {
    if (!this.bus.healthy()) return -1;
    try {
      return await this.prisma.$transaction(async (tx) => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}::bigint) AS "locked"`;
        if (!lock?.locked) return -1;
        const events = await unsentEvents(tx, RELAY_BATCH);
        if (events.length === 0) return 0;
        await this.bus.publishConfirmed('rosterOutbox', events);
        await markSent(tx, events.map((e) => e.sequence), this.clock.now());
        return events.length;
      });
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'outbox relay: publish failed; will retry');
      return -1;
    }
  }
}
