import type { ListenerHooks } from '../../src/events/feed.js';

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
