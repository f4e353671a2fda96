import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, filter, pipe } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { ServiceOrderMessage } from './orders/publish.js';
import type { CommunityReportMessage } from './reports/publish.js';

/**
 * What the roster publishes after a transaction commits. Events carry ids only; subscribers
 * re-load the records through Prisma selections, so each sees current data in its own shape.
 */
export interface RosterEventMessage {
  kind: string;
  /** ISO 8601 instant. */
  occurredAt: string;
  shiftId: number;
  assignmentId: number | null;
  volunteerId: number | null;
  /** Materialised path of the site of the shift's post, for "this site and below" matching. */
  sitePath: string;
  postId: number;
  projectId: number;
  /** The team organising the shift's project, for team leaders' scope. */
  organizerId: number;
}

/** The typed topics of the one pubsub. */
export type PubSubTopics = {
  rosterChanged: [RosterEventMessage];
  /** A session was revoked (logout, reused refresh token): its live connections must end. */
  sessionRevoked: [string];
  /** A service order changed status (src/orders/publish.ts). */
  serviceOrderUpdated: [ServiceOrderMessage];
  /** A street report changed status (src/reports/publish.ts). */
  communityReportUpdated: [CommunityReportMessage];
};

/** Topics kept subscribed in Redis for the instance's lifetime besides the roster's (see below). */
const PINNED_TOPICS = ['serviceOrderUpdated', 'communityReportUpdated'] as const;

export type PubSub = ReturnType<typeof createPubSub<PubSubTopics>>;

const ROSTER_TOPIC = 'rosterChanged';
/** The payload of readiness probes on the roster channel. */
const PROBE = '__probe__';

export interface PubSubService {
  pubsub: PubSub;
  /** 'memory', or 'redis' when events fan out across instances. */
  transport: 'memory' | 'redis';
  /** False while the Redis connection is down (events are queued and sent on reconnect). */
  healthy(): boolean;
  /** Resolves once events published now would be delivered (for Redis: a pub/sub round trip worked). */
  ready: Promise<void>;
  /** Sends a probe through the transport and resolves when it comes back (at once in memory). */
  roundTrip(): Promise<void>;
  /** The Redis connections, when events go through Redis. */
  redis?: { publish: Redis; subscribe: Redis };
  /** Subscriptions currently listening on this instance. */
  activeSubscriptions(): number;
  /** Subscriptions that have started listening on this instance since it started (never decreases). */
  subscriptionsStarted(): number;
  /** Resolves once `count` subscriptions have started listening on this instance. */
  waitForSubscriptionsStarted(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Counts the subscriptions listening through a pubsub. A subscription counts from the first
 * `next()` on its iterator — by then the pubsub listener is registered — until it is returned.
 */
function counting(pubsub: PubSub) {
  let active = 0;
  let started = 0;
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const changed = (delta: number) => {
    active += delta;
    if (delta < 0) return;
    started += 1;
    for (const waiter of waiters) {
      if (started >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  const counted: PubSub = {
    publish: pubsub.publish,
    subscribe: ((...args: Parameters<PubSub['subscribe']>) => {
      const source = pubsub.subscribe(...args);
      return {
        [Symbol.asyncIterator]() {
          const iterator = source[Symbol.asyncIterator]();
          let state: 'new' | 'listening' | 'done' = 'new';
          const finish = () => {
            if (state === 'listening') changed(-1);
            state = 'done';
          };
          return {
            next: () => {
              const result = iterator.next();
              if (state === 'new') {
                state = 'listening';
                changed(+1);
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
    }) as PubSub['subscribe'],
  };
  return {
    pubsub: counted,
    activeSubscriptions: () => active,
    subscriptionsStarted: () => started,
    waitForSubscriptionsStarted: (count: number) =>
      started >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.add({ count, resolve })),
  };
}

/**
 * In memory by default. With a Redis URL, events go through Redis pub/sub so that a mutation on
 * one server instance reaches subscribers on every instance. ioredis reconnects by itself and
 * re-subscribes its channels, so subscriptions resume when Redis comes back.
 */
export function createPubSubService(options: {
  redisUrl?: string;
  /** Prefix of the Redis channels, so several deployments (or test runs) can share one Redis. */
  channelPrefix?: string;
  /** Redis CLIENT SETNAME prefix of this instance's connections, for operators (CLIENT LIST). */
  connectionName?: string;
  logger: Logger;
}): PubSubService {
  if (!options.redisUrl) {
    return {
      ...counting(createPubSub<PubSubTopics>()),
      transport: 'memory',
      healthy: () => true,
      ready: Promise.resolve(),
      roundTrip: () => Promise.resolve(),
      close: async () => {},
    };
  }
  const { logger } = options;
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, {
      connectionName: `${options.connectionName ?? 'volunteer-api'}:${role}`,
      // Keep commands queued while disconnected instead of failing them after a few retries.
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    client.on('error', (error) => logger.warn({ redis: role, error: error.message }, 'redis connection error'));
    client.on('ready', () => logger.info({ redis: role }, 'redis ready'));
    return client;
  };
  const publishClient = connect('publish');
  const subscribeClient = connect('subscribe');
  const eventTarget = prefixed(
    createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient }),
    options.channelPrefix ?? 'volunteer-api:',
  );
  // Keep the roster channel subscribed for the instance's lifetime, so that a new subscription
  // only adds an in-process listener and never waits for (or races) a Redis SUBSCRIBE.
  const probeWaiters = new Set<() => void>();
  const pinned = (event: Event) => {
    if ((event as CustomEvent).detail !== PROBE) return;
    for (const waiter of probeWaiters) waiter();
    probeWaiters.clear();
  };
  eventTarget.addEventListener(ROSTER_TOPIC, pinned);
  const ignore = () => {};
  for (const topic of PINNED_TOPICS) eventTarget.addEventListener(topic, ignore);
  let closed = false;
  // Probe until a probe comes back through Redis: then SUBSCRIBE has taken effect (again).
  const roundTrip = () =>
    new Promise<void>((resolve) => {
      let done = false;
      probeWaiters.add(() => {
        done = true;
        resolve();
      });
      const probe = () => {
        if (done || closed) return;
        eventTarget.dispatchEvent(new CustomEvent(ROSTER_TOPIC, { detail: PROBE }));
        setTimeout(probe, 50).unref();
      };
      probe();
    });
  const ready = roundTrip();
  const pubsub = createPubSub<PubSubTopics>({ eventTarget });
  return {
    ...counting({
      publish: pubsub.publish,
      // Probes travel on the same channel; subscribers never see them.
      subscribe: ((...args: Parameters<PubSub['subscribe']>) =>
        pipe(pubsub.subscribe(...args), filter((value: unknown) => value !== PROBE))) as PubSub['subscribe'],
    }),
    transport: 'redis',
    healthy: () => publishClient.status === 'ready' && subscribeClient.status === 'ready',
    ready,
    roundTrip,
    redis: { publish: publishClient, subscribe: subscribeClient },
    async close() {
      closed = true;
      eventTarget.removeEventListener(ROSTER_TOPIC, pinned);
      for (const topic of PINNED_TOPICS) eventTarget.removeEventListener(topic, ignore);
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

/** An event target whose event types (Redis channel names) all carry a prefix. */
function prefixed(target: EventTarget, prefix: string): EventTarget {
  return {
    addEventListener: (type, listener, options) => target.addEventListener(prefix + type, listener, options),
    removeEventListener: (type, listener, options) => target.removeEventListener(prefix + type, listener, options),
    dispatchEvent: (event) =>
      target.dispatchEvent(new CustomEvent(prefix + event.type, { detail: (event as CustomEvent).detail })),
  };
}
