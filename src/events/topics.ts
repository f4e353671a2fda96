import type { Logger } from '../logger.js';
import { type PubSub, type PubSubService, createPubSubService } from '../pubsub.js';
import type { LiveEvent } from './outbox.js';

/** The topics of the application's one event bus. */
export type AppTopics = {
  /**
   * Outbox rows the relay publishes to every instance, in sequence order, as one batch: roster
   * changes, service orders and street reports alike (each event names its stream). The only way
   * live events travel between instances.
   */
  rosterOutbox: [LiveEvent[]];
  /** A session was revoked (logout, reused refresh token): its live connections must end. */
  sessionRevoked: [string];
};

export const APP_TOPICS = ['rosterOutbox', 'sessionRevoked'] as const satisfies readonly (keyof AppTopics)[];

export type AppPubSub = PubSub<AppTopics>;
export type AppBus = PubSubService<AppTopics>;

/** The application's event bus: in memory, or through Redis when a URL is given. */
export function createEventBus(options: {
  redisUrl?: string;
  channelPrefix?: string;
  connectionName?: string;
  logger: Logger;
}): AppBus {
  return createPubSubService<AppTopics>({ ...options, topics: APP_TOPICS });
}
