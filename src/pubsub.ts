import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, filter, pipe } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * The one event bus: typed topics, in memory or fanned out to every instance through Redis
 * pub/sub. It knows no domain — the topics are its caller's (src/events/topics.ts). Redis pub/sub
 * delivers at most once: whatever must not be lost is stored first (the roster's outbox) and the
 * bus only carries it faster.
 */

/** A map of topic name → the payload tuple `publish` takes. */
export type Topics = Record<string, [unknown]>;

export type PubSub<T extends Topics> = ReturnType<typeof createPubSub<T>>;

/** The payload of readiness probes; subscribers never see it. */
const PROBE = '__probe__';
/** How long a confirmed publish may take before it counts as failed. */
const CONFIRM_TIMEOUT_MS = 2_000;

export interface PubSubService<T extends Topics> {
  pubsub: PubSub<T>;
  /** 'memory', or 'redis' when events fan out across instances. */
  transport: 'memory' | 'redis';
  /** False while a Redis connection is down; publishes made then are not delivered to other instances. */
  healthy(): boolean;
  /**
   * Publishes and resolves once the transport accepted the message (for Redis: PUBLISH answered);
   * rejects at once while Redis is down, or after a timeout, so the caller can retry later.
   */
  publishConfirmed<K extends keyof T & string>(topic: K, payload: T[K][0]): Promise<void>;
  /** Resolves once events published now would be delivered (for Redis: a pub/sub round trip worked). */
  ready: Promise<void>;
  /** Sends a probe through every pinned topic and resolves when all came back (at once in memory). */
  roundTrip(): Promise<void>;
  /** The Redis connections, when events go through Redis. */
  redis?: { publish: Redis; subscribe: Redis };
  close(): Promise<void>;
}

/**
 * In memory by default. With a Redis URL, events go through Redis pub/sub so that a publish on one
 * server instance reaches subscribers on every instance. ioredis reconnects by itself and
 * re-subscribes its channels; what was published while it was down is lost (see above).
 */
export function createPubSubService<T extends Topics>(options: {
  /** Topics to keep subscribed in Redis for the instance's lifetime (and to probe). */
  topics: readonly (keyof T & string)[];
  redisUrl?: string;
  /** Prefix of the Redis channels, so several deployments (or test runs) can share one Redis. */
  channelPrefix?: string;
  /** Redis CLIENT SETNAME prefix of this instance's connections, for operators (CLIENT LIST). */
  connectionName?: string;
  logger: Logger;
}): PubSubService<T> {
  if (!options.redisUrl) {
    const pubsub = createPubSub<T>();
    return {
      pubsub,
      transport: 'memory',
      healthy: () => true,
      publishConfirmed: async (topic, payload) => (pubsub.publish as (t: string, p: unknown) => void)(topic, payload),
      ready: Promise.resolve(),
      roundTrip: () => Promise.resolve(),
      close: async () => {},
    };
  }
  const { logger } = options;
  const prefix = options.channelPrefix ?? 'volunteer-api:';
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
  const eventTarget = prefixed(createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient }), prefix);
  // Keep the topics subscribed for the instance's lifetime, so that a new subscription only adds
  // an in-process listener and never waits for (or races) a Redis SUBSCRIBE.
  const probeWaiters = new Map<string, Set<() => void>>(options.topics.map((topic) => [topic, new Set()]));
  for (const topic of options.topics) {
    eventTarget.addEventListener(topic, (event: Event) => {
      if ((event as CustomEvent).detail !== PROBE) return;
      const waiters = probeWaiters.get(topic)!;
      for (const waiter of waiters) waiter();
      waiters.clear();
    });
  }
  let closed = false;
  // Probe each topic until a probe comes back through Redis: then its SUBSCRIBE has taken effect (again).
  const probeTopic = (topic: string) =>
    new Promise<void>((resolve) => {
      let done = false;
      probeWaiters.get(topic)!.add(() => {
        done = true;
        resolve();
      });
      const probe = () => {
        if (done || closed) return;
        eventTarget.dispatchEvent(new CustomEvent(topic, { detail: PROBE }));
        setTimeout(probe, 50).unref();
      };
      probe();
    });
  const roundTrip = () => Promise.all(options.topics.map(probeTopic)).then(() => undefined);
  const ready = roundTrip();
  const pubsub = createPubSub<T>({ eventTarget });
  const healthy = () => publishClient.status === 'ready' && subscribeClient.status === 'ready';
  return {
    pubsub: {
      publish: pubsub.publish,
      // Probes travel on the same channels; subscribers never see them.
      subscribe: ((...args: Parameters<PubSub<T>['subscribe']>) =>
        pipe(pubsub.subscribe(...args), filter((value: unknown) => value !== PROBE))) as PubSub<T>['subscribe'],
    },
    transport: 'redis',
    healthy,
    async publishConfirmed(topic, payload) {
      if (!healthy()) throw new Error('Redis is not connected');
      let timer: NodeJS.Timeout | undefined;
      const published = publishClient.publish(prefix + topic, JSON.stringify(payload));
      // Lost to the timeout, it may still fail later: that outcome is already accounted for.
      published.catch(() => {});
      try {
        await Promise.race([
          published,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('Redis did not confirm the publish in time')), CONFIRM_TIMEOUT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    ready,
    roundTrip,
    redis: { publish: publishClient, subscribe: subscribeClient },
    async close() {
      closed = true;
      // No UNSUBSCRIBE first: disconnecting ends the subscriptions, and a command still in flight
      // when the connection drops would only fail.
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
