import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

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
}

/** The typed topics of the one pubsub. */
export type PubSubTopics = {
  rosterChanged: [RosterEventMessage];
};

export type PubSub = ReturnType<typeof createPubSub<PubSubTopics>>;

export interface PubSubService {
  pubsub: PubSub;
  /** 'memory', or 'redis' when events fan out across instances. */
  transport: 'memory' | 'redis';
  /** False while the Redis connection is down (events are queued and sent on reconnect). */
  healthy(): boolean;
  close(): Promise<void>;
}

/**
 * In memory by default. With a Redis URL, events go through Redis pub/sub so that a mutation on
 * one server instance reaches subscribers on every instance. ioredis reconnects by itself and
 * re-subscribes its channels, so subscriptions resume when Redis comes back.
 */
export function createPubSubService(options: { redisUrl?: string; logger: Logger }): PubSubService {
  if (!options.redisUrl) {
    return { pubsub: createPubSub<PubSubTopics>(), transport: 'memory', healthy: () => true, close: async () => {} };
  }
  const { logger } = options;
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, {
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
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<PubSubTopics>({ eventTarget }),
    transport: 'redis',
    healthy: () => publishClient.status === 'ready' && subscribeClient.status === 'ready',
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
