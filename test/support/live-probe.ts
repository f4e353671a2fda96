import type { ListenerHooks } from '../../src/events/feed.js';
import type { AppBus, AppTopics } from '../../src/events/topics.js';

/**
 * Counts the live subscribers of one server instance, so a test can wait until a subscription is
 * really listening (then a change made now reaches it) instead of sleeping. The harness passes
 * `hooks` to the server; production servers have none.
 */
export interface LiveProbe {
  hooks: ListenerHooks;
  /** Subscriptions listening now. */
  activeSubscriptions(): number;
  /** Subscriptions that have started listening since the server started (never decreases). */
  subscriptionsStarted(): number;
  /** Resolves once `count` subscriptions have started listening. */
  waitForSubscriptionsStarted(count: number): Promise<void>;
}

export function liveProbe(): LiveProbe {
  let active = 0;
  let started = 0;
  const waiters = new Set<{ count: number; resolve: () => void }>();
  return {
    hooks: {
      started() {
        active += 1;
        started += 1;
        for (const waiter of waiters) {
          if (started >= waiter.count) {
            waiters.delete(waiter);
            waiter.resolve();
          }
        }
      },
      stopped() {
        active -= 1;
      },
    },
    activeSubscriptions: () => active,
    subscriptionsStarted: () => started,
    waitForSubscriptionsStarted: (count) =>
      started >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.add({ count, resolve })),
  };
}

/**
 * Counts, through the same hooks, the live subscriptions that listen on the bus directly (service
 * orders and street reports; roster subscriptions go through the feed, which reports them itself).
 * A subscription counts from the first `next()` of its iterator — by then its listener is
 * registered — until it is returned.
 */
export function probeBusTopics(bus: AppBus, hooks: ListenerHooks, topics: readonly (keyof AppTopics)[] = DIRECT_TOPICS): void {
  const pubsub = bus.pubsub;
  const subscribe = pubsub.subscribe.bind(pubsub) as unknown as (...args: unknown[]) => AsyncIterable<unknown>;
  pubsub.subscribe = ((...args: unknown[]) => {
    const source = subscribe(...args);
    if (!topics.includes(args[0] as keyof AppTopics)) return source;
    return {
      [Symbol.asyncIterator]() {
        const iterator = source[Symbol.asyncIterator]();
        let state: 'new' | 'listening' | 'done' = 'new';
        const finish = () => {
          if (state === 'listening') hooks.stopped();
          state = 'done';
        };
        return {
          next: () => {
            const result = iterator.next();
            if (state === 'new') {
              state = 'listening';
              hooks.started();
            }
            return result;
          },
          return: (value?: unknown) => {
            finish();
            return iterator.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined });
          },
          throw: (error?: unknown) => {
            finish();
            return iterator.throw?.(error) ?? Promise.reject(error);
          },
        };
      },
    };
  }) as unknown as typeof pubsub.subscribe;
}

const DIRECT_TOPICS = ['serviceOrderUpdated', 'communityReportUpdated'] as const;
