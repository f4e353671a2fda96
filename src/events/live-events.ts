import { Repeater } from 'graphql-yoga';
import type { Clock } from '../common/clock.js';
import type { PrismaClient } from '../db/index.js';
import type { Logger } from '../logger.js';
import { type ListenerHooks, EventFeed } from './feed.js';
import { type LiveEvent, type PendingEvent, pruneOutbox } from './outbox.js';
import { Relay } from './relay.js';
import type { AppBus } from './topics.js';

export const DEFAULT_EVENT_RETENTION_HOURS = 48;
/** How often, with Redis, the relay looks for unsent rows and the feed for events the bus lost. */
export const DEFAULT_EVENT_POLL_MS = 1_000;
/** How often old events are pruned. */
export const DEFAULT_PRUNE_INTERVAL_MS = 15 * 60_000;

export interface LiveEventsOptions {
  /** How long events stay in the outbox for resuming subscribers (EVENT_RETENTION_HOURS). */
  retentionHours?: number;
  /** With Redis: the relay and catch-up poll interval; 0 turns polling off (tests of the relay alone). */
  pollMs?: number;
  pruneIntervalMs?: number;
  /** Told as subscribers start and stop listening (the test harness counts them). */
  listeners?: ListenerHooks;
  /** Runs after a command's commit, before its events go anywhere (a test makes the process exit here). */
  afterCommit?: (events: readonly PendingEvent[]) => void;
  /**
   * Runs before each prune: the outbox's consumers (the notification worker) catch up, so the prune
   * may take what they have read. It never takes what they have not (src/events/outbox.ts).
   */
  beforePrune?: () => Promise<unknown>;
}

/**
 * Live events (roster, service orders, street reports) of one instance: the feed its subscribers listen to and, when events fan out
 * through Redis, the outbox relay. Without Redis there is no other instance to relay to: rows are
 * written already marked sent, and the feed reads each commit's events back at once.
 */
export interface LiveEvents {
  feed: EventFeed;
  /** Null without Redis. */
  relay: Relay | null;
  /** A command committed these events: read them back (numbered at COMMIT), deliver them here at once and relay them. */
  committed(events: readonly PendingEvent[]): void;
  /** Deletes events older than the retention period; returns how many. */
  prune(): Promise<number>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createLiveEvents(
  deps: { prisma: PrismaClient; bus: AppBus; clock: Clock; logger: Logger },
  options: LiveEventsOptions = {},
): LiveEvents {
  const { prisma, bus, clock, logger } = deps;
  const feed = new EventFeed(prisma, logger, options.listeners);
  const relay = bus.transport === 'redis' ? new Relay(prisma, bus, clock, logger) : null;
  const retentionHours = options.retentionHours ?? DEFAULT_EVENT_RETENTION_HOURS;
  const pollMs = options.pollMs ?? DEFAULT_EVENT_POLL_MS;
  const timers: NodeJS.Timeout[] = [];
  let remote: AsyncIterator<LiveEvent[]> | undefined;

  const prune = async () => {
    await options.beforePrune?.();
    const removed = await pruneOutbox(prisma, new Date(clock.now().getTime() - retentionHours * 3_600_000));
    if (removed > 0) logger.info({ removed }, 'outbox pruned');
    return removed;
  };

  return {
    feed,
    relay,
    committed(events) {
      if (events.length === 0) return;
      options.afterCommit?.(events);
      // Their sequences were given at COMMIT: the feed reads them from the outbox (one read for
      // every commit that arrives before it starts), the relay from its unsent rows.
      void feed.catchUp();
      void relay?.flush();
    },
    prune,
    async start() {
      await feed.start();
      await prune();
      const pruning = setInterval(
        () => void prune().catch((error: Error) => logger.warn({ error: error.message }, 'outbox prune failed; retrying later')),
        options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS,
      );
      pruning.unref();
      timers.push(pruning);
      if (!relay) return;
      remote = bus.pubsub.subscribe('rosterOutbox')[Symbol.asyncIterator]();
      void (async () => {
        for (;;) {
          const next = await remote!.next();
          if (next.done) return;
          void feed.offer(next.value);
        }
      })();
      // Rows a crashed instance (this one, before a restart) committed but never relayed.
      void bus.ready.then(() => relay.flush());
      if (pollMs > 0) {
        const polling = setInterval(() => {
          void relay.flush();
          void feed.catchUp();
        }, pollMs);
        polling.unref();
        timers.push(polling);
      }
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await remote?.return?.();
      await relay?.flush();
      await feed.close();
    },
  };
}

/**
 * One stream's events (service orders, street reports, …) as this instance's feed delivers them:
 * committed, in sequence order, from every instance. Listening starts when the stream is first
 * read and ends when it is returned or the feed closes (or fails, with the feed's error).
 */
export function streamEvents<S extends LiveEvent['stream']>(
  events: Pick<LiveEvents, 'feed'>,
  stream: S,
): AsyncIterable<Extract<LiveEvent, { stream: S }>> {
  return new Repeater<Extract<LiveEvent, { stream: S }>>(async (push, stop) => {
    const live = events.feed.listen();
    void stop.then(() => live.return());
    try {
      for (;;) {
        const next = await live.next();
        if (next.done) break;
        if (next.value.stream === stream) await push(next.value as Extract<LiveEvent, { stream: S }>);
      }
      stop();
    } catch (error) {
      stop(error);
    }
  });
}
