import type { Clock } from './common/clock.js';
import type { LoginLimits } from './auth/service.js';
import type { TokenSettings } from './auth/tokens.js';
import type { Viewer } from './auth/viewer.js';
import type { LiveConnection, Principal } from './auth/connections.js';
import type { LiveSessions } from './auth/live-sessions.js';
import type { SessionCache } from './auth/session-cache.js';
import type { BoardAccess } from './boards/service.js';
import type { Database, PrismaClient } from './db/index.js';
import type { Logger } from './logger.js';
import type { LiveEvents } from './events/live-events.js';
import type { AppPubSub } from './events/topics.js';
import type { Notifications } from './notifications/worker.js';

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
  /** Ends live connections and streams whose credential expires or is revoked. */
  liveSessions: LiveSessions;
  /** The notification worker and live hub (src/notifications). */
  notifications: Notifications;
  /** Valid sessions seen lately, so a request need not look its session up (src/auth/session-cache.ts). */
  sessionCache?: SessionCache;
}

/** What every resolver receives. One per request (or per WebSocket operation). */
export interface Context extends AppServices {
  /** Who is asking; null when anonymous (or a board). */
  viewer: Viewer | null;
  /** A wall screen's read-only board credential, scoped to one site subtree; null otherwise. */
  board: BoardAccess | null;
  /** The graphql-ws connection this operation runs on, if any (its lease and in-band renewal). */
  connection?: LiveConnection;
  /** The client's address, for login rate limits. */
  clientIp: string;
  /** Per-request memo of authorization lookups (src/auth/policy.ts). */
  authCache?: Map<string, Promise<unknown>>;
  /**
   * Set on the context a subscription group executes with (src/events/subscription-groups.ts): no
   * connection owns it, and each member's own connection ends that member's stream.
   */
  liveGroup?: boolean;
  /** The SSE `Last-Event-ID` header: where a reconnecting stream resumes when `after` is not given. */
  lastEventId?: string;
}

export function createContext(
  services: AppServices,
  principal: Principal,
  clientIp: string,
  connection?: LiveConnection,
  lastEventId?: string,
): Context {
  return { ...services, viewer: principal.viewer, board: principal.board, clientIp, connection, lastEventId };
}
