import type { Clock } from './common/clock.js';
import type { LoginLimits } from './auth/service.js';
import type { TokenSettings } from './auth/tokens.js';
import type { Viewer } from './auth/viewer.js';
import type { Database, PrismaClient } from './db/index.js';
import type { Logger } from './logger.js';
import type { LiveEvents } from './events/live-events.js';
import type { AppPubSub } from './events/topics.js';

/** The long-lived services a server instance shares between requests. */
export interface AppServices {
  prisma: PrismaClient;
  db: Database;
  pubsub: AppPubSub;
  /** Roster events: the outbox relay and the feed subscribers listen to. */
  events: LiveEvents;
  logger: Logger;
  tokens: TokenSettings;
  loginLimits: LoginLimits;
  /** Where rules take "now" from; tests inject a clock they set. */
  clock: Clock;
}

/** What every resolver receives. One per request (or per WebSocket operation). */
export interface Context extends AppServices {
  /** Who is asking; null when anonymous. */
  viewer: Viewer | null;
  /** The client's address, for login rate limits. */
  clientIp: string;
  /** Per-request memo of authorization lookups (src/auth/policy.ts). */
  authCache?: Map<string, Promise<unknown>>;
  /** The SSE `Last-Event-ID` header: where a reconnecting stream resumes when `after` is not given. */
  lastEventId?: string;
}

export function createContext(services: AppServices, viewer: Viewer | null, clientIp: string, lastEventId?: string): Context {
  return { ...services, viewer, clientIp, lastEventId };
}
