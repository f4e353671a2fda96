import type { Database, PrismaClient } from './db/index.js';
import type { Logger } from './logger.js';
import type { PubSub } from './pubsub.js';

/** What every resolver receives. One per request (or per WebSocket operation). */
export interface Context {
  prisma: PrismaClient;
  db: Database;
  pubsub: PubSub;
  logger: Logger;
}

/** The long-lived services a server instance shares between requests. */
export type AppServices = Omit<Context, never>;

export function createContext(services: AppServices): Context {
  return { ...services };
}
