import type { Logger } from '../logger.js';
import { type PubSub, type PubSubService, createPubSubService } from '../pubsub.js';
import type { ServiceOrderMessage } from '../orders/publish.js';
import type { CommunityReportMessage } from '../reports/publish.js';
import type { RosterEvent } from '../roster/events.js';

/** The topics of the application's one event bus. */
export type AppTopics = {
  /** Outbox rows the relay publishes to every instance, in sequence order, as one batch. */
  rosterOutbox: [RosterEvent[]];
  /** A session was revoked (logout, reused refresh token): its live connections must end. */
  sessionRevoked: [string];
  /** A service order changed status (src/orders/publish.ts). */
  serviceOrderUpdated: [ServiceOrderMessage];
  /** A street report changed status (src/reports/publish.ts). */
  communityReportUpdated: [CommunityReportMessage];
};

export const APP_TOPICS = ['rosterOutbox', 'sessionRevoked', 'serviceOrderUpdated', 'communityReportUpdated'] as const satisfies readonly (keyof AppTopics)[];

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
