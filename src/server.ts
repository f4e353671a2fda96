import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, maskError, useReadinessCheck } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import { useReadOnlyBoards } from './boards/schema.js';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './auth/service.js';
import type { TokenSettings } from './auth/tokens.js';
import { authenticatePrincipal, connectionOf } from './auth/connections.js';
import { createLiveSessions } from './auth/live-sessions.js';
import { createSessionCache, useSessionCacheEviction } from './auth/session-cache.js';
import { type Clock, systemClock } from './common/clock.js';
import { type AppServices, createContext } from './context.js';
import { useFreshCachesPerEvent } from './common/loaders.js';
import type { Database } from './db/index.js';
import { graphiqlOptions } from './graphiql.js';
import {
  type OperationLimits,
  type PersistedOperationsOptions,
  limitRequestBodies,
  loadPersistedManifest,
  resolveOperationLimits,
  useHiddenSuggestions,
  useNoIntrospection,
  useOperationLimits,
  usePersistedOnly,
} from './hardening.js';
import { useSseEventIds } from './events/sse-ids.js';
import type { Logger } from './logger.js';
import { useOperationLog, useRequestIds, yogaLogger } from './logging.js';
import { type LiveEventsOptions, createLiveEvents } from './events/live-events.js';
import { type AppBus, createEventBus } from './events/topics.js';
import { schema } from './schema.js';
import { streamsEndOnShutdown } from './shutdown.js';
import type { WsLimiter, WsLimits } from './ws-limits.js';
import { serveWebSockets } from './ws-server.js';
import { type SubscriptionGroups, createSubscriptionGroups } from './events/subscription-groups.js';
import { useCertificateRoutes } from './certificates/routes.js';
import { useBoardPage } from './boards/page.js';
import { useCalendarRoutes } from './calendar/routes.js';
import { type WebhookWorker, type WebhookWorkerOptions, createWebhookWorker } from './webhooks/worker.js';
import { type NotificationOptions, createNotifications } from './notifications/worker.js';
import { wakesWorker } from './notifications/derive.js';

export interface ServerOptions {
  db: Database;
  logger: Logger;
  /** The event bus; in memory when omitted. The caller closes it. */
  pubsub?: AppBus;
  /** Roster events: retention, polling, and hooks for tests. */
  events?: LiveEventsOptions;
  /** Access/refresh token settings; a development secret when omitted. */
  tokens?: TokenSettings;
  loginLimits?: LoginLimits;
  /** Most concurrent operations one WebSocket connection may run (default 20). */
  wsMaxSubscriptions?: number;
  /**
   * Whether identical live WebSocket subscriptions share one execution per event (default true;
   * src/events/subscription-groups.ts); `npm start` reads WS_GROUP_SUBSCRIPTIONS.
   */
  groupSubscriptions?: boolean;
  /** Production masks unexpected errors; development and test show them. */
  env?: 'development' | 'production' | 'test';
  /** Whether `__schema`/`__type` are answered; by default yes, except in production. */
  introspection?: boolean;
  /** Limits on each operation (depth, aliases, tokens, directives, cost, batch size); DEFAULT_OPERATION_LIMITS when omitted. */
  operationLimits?: Partial<OperationLimits>;
  /** Largest HTTP request body and WebSocket message, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** `{ mode: 'only' }` serves just the operations of a persisted-documents manifest (default off). */
  persistedOperations?: PersistedOperationsOptions;
  /** The time rules see; the system clock when omitted (tests pass one they set). */
  clock?: Clock;
  /** The whole request (headers and body) must arrive within this; 408 otherwise (default 30 s). */
  requestTimeoutMs?: number;
  /** The request headers must arrive within this (default 10 s, at most requestTimeoutMs). */
  headersTimeoutMs?: number;
  /** Caps on WebSocket connections, unsent data and operation rate (src/ws-limits.ts). */
  wsLimits?: Partial<WsLimits>;
  /** Browser origins allowed cross-site (CORS); none when omitted or empty (CORS off). */
  corsOrigins?: string[];
  /**
   * The webhook delivery worker's limits and polling (src/webhooks/worker.ts). It ticks every second,
   * except with env 'test', where pollMs defaults to 0: tests tick it themselves (`webhooks.tick()`),
   * and no background statement lands among the ones a test counts.
   */
  webhooks?: WebhookWorkerOptions;
  /** The notification worker's polling (src/notifications/worker.ts). */
  notifications?: NotificationOptions;
  /** How long a valid session is remembered in process (ms; 0, the default here, looks it up on every request; `npm start` takes SESSION_CACHE_MS, default 1000). */
  sessionCacheMs?: number;
}

export interface RunningServer {
  url: string;
  /** ws:// URL of the GraphQL-over-WebSocket endpoint. */
  wsUrl: string;
  httpServer: Server;
  services: AppServices;
  /** What the WebSocket limits have refused or closed so far. */
  wsLimits: WsLimiter['stats'];
  /** Shared live subscriptions: groups, members and executions (null when grouping is off). */
  subscriptionGroups: SubscriptionGroups | null;
  /** Sends queued webhook deliveries (ticks by itself unless started with webhooks.pollMs: 0). */
  webhooks: WebhookWorker;
  /**
   * Cuts every open WebSocket at once, without a close handshake, as a network failure would
   * (clients see 1006 and reconnect). For tests of reconnecting clients; returns how many.
   */
  cutWebSockets(): number;
  /**
   * Stops accepting, closes WebSocket clients (1001 Going Away), ends SSE subscriptions with
   * `complete`, lets in-flight requests finish for up to `drainMs` (default 5 s), then cuts what
   * is left. Does not close the database.
   */
  close(drainMs?: number): Promise<void>;
}

/** Builds the Yoga app and serves it (HTTP, SSE and WebSocket) on host:port. Port 0 picks a free port. */
export async function startServer(
  options: ServerOptions,
  listen: { port: number; host: string },
): Promise<RunningServer> {
  const { db, logger } = options;
  // Hardening settings first: a bad limit or a missing manifest stops the start before anything opens.
  const limits = resolveOperationLimits(options.operationLimits);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const introspection = options.introspection ?? options.env !== 'production';
  const persisted = options.persistedOperations?.mode === 'only' ? loadPersistedManifest(options.persistedOperations) : undefined;
  const bus = options.pubsub ?? createEventBus({ logger });
  const clock = options.clock ?? systemClock;
  const notifications = createNotifications(
    { prisma: db.prisma, clock, logger, hooks: options.events?.listeners, remote: bus.transport === 'redis' },
    options.notifications,
  );
  const events = createLiveEvents(
    { prisma: db.prisma, bus, clock, logger },
    {
      ...options.events,
      // Every commit with events wakes the notification worker (it reads them from the outbox).
      afterCommit: (committed) => {
        options.events?.afterCommit?.(committed);
        if (wakesWorker(committed)) notifications.kick();
      },
      beforePrune: async () => {
        await options.events?.beforePrune?.();
        await notifications.tick();
      },
    },
  );
  await events.start();
  await notifications.start();
  const services: AppServices = {
    db,
    prisma: db.prisma,
    pubsub: bus.pubsub,
    events,
    logger,
    tokens: options.tokens ?? developmentTokens(),
    loginLimits: options.loginLimits ?? DEFAULT_LOGIN_LIMITS,
    clock,
    liveSessions: createLiveSessions(bus.pubsub),
    notifications,
    sessionCache: createSessionCache(bus.pubsub, { ttlMs: options.sessionCacheMs ?? 0 }),
  };
  const production = options.env === 'production';
  // On close(), SSE subscriptions end with `complete` instead of being cut.
  const liveStreams = streamsEndOnShutdown();

  const yoga = createYoga({
    schema,
    // HTTP and SSE send "Authorization: Bearer …". A graphql-ws operation uses its connection's
    // current credential: connectionParams.authorization, or what in-band renewal put there since.
    context: async (initial: { request?: Request; req?: IncomingMessage; socket?: WebSocket }) => {
      const connection = connectionOf(initial.socket);
      const authorization = connection ? connection.authorization : initial.request?.headers.get('authorization');
      const principal = await authenticatePrincipal(services.prisma, services.tokens, authorization, services.sessionCache);
      return createContext(
        services,
        principal,
        initial.req?.socket.remoteAddress ?? 'unknown',
        connection,
        initial.request?.headers.get('last-event-id') ?? undefined,
      );
    },
    graphqlEndpoint: '/graphql',
    // CORS only for the configured origins (CORS_ORIGINS); off otherwise, not Yoga's allow-all.
    cors: options.corsOrigins?.length
      ? {
          origin: options.corsOrigins,
          methods: ['GET', 'POST'],
          allowedHeaders: ['content-type', 'authorization', 'x-graphql-yoga-csrf', 'x-request-id'],
          exposedHeaders: ['x-request-id'],
        }
      : false,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // Several operations in one JSON array, up to a limit; a larger batch is refused (413).
    batching: { limit: limits.maxBatch },
    // No file uploads: multipart bodies are refused rather than parsed.
    multipart: false,
    // Off: limitRequestBodies (below), the only way in to this Yoga, has already refused larger
    // bodies (by Content-Length or as they arrive) and read the body, so Yoga's own limit would only
    // pipe every body through one more stream. (WebSocket messages: maxPayload.)
    maxRequestBodySize: false,
    // `documentId` carries a persisted operation's hash (GraphQL over HTTP persisted documents).
    extraParamNames: persisted ? ['documentId'] : undefined,
    logging: yogaLogger(logger),
    maskedErrors: {
      isDev: !production,
      // Rejected arguments (bad IDs, `first` over 100) are the client's to see, even in production.
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof PothosValidationError && error instanceof GraphQLError) {
          return new GraphQLError(original.message, {
            nodes: error.nodes,
            path: error.path,
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        return maskError(error, message, isDev);
      },
    },
    // GraphiQL from the npm package (no CDN), opening with the examples of src/graphiql.ts.
    graphiql: () => graphiqlOptions(services),
    renderGraphiQL,
    plugins: [
      liveStreams.plugin,
      // Over SSE, each rosterChanged event carries `id: <sequence>`, so EventSource resumes by Last-Event-ID.
      useSseEventIds(),
      // Each subscription event is resolved with fresh loaders (a subscription keeps one context).
      useFreshCachesPerEvent(),
      useRequestIds(),
      useOperationLog(logger),
      useReadOnlyBoards(),
      useSessionCacheEviction(services.sessionCache!),
      // GET /certificates/<code>: public verification and the owner's signed PDF download (src/certificates).
      useCertificateRoutes(services),
      // GET /board: the live duty-board page (web/board, built by `npm run build:board`).
      useBoardPage(),
      // GET /calendar/<token>.ics: a volunteer's iCal feed of their shifts (src/calendar).
      useCalendarRoutes(services),
      // Browsers may send GET and "simple" POSTs (form, text/plain) cross-site without a preflight;
      // those need this header. JSON POSTs are preflighted, so they pass (GraphiQL posts JSON).
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      ...(persisted ? [usePersistedOnly(persisted)] : []),
      ...useOperationLimits(limits),
      ...(introspection ? [] : [useNoIntrospection()]),
      useHiddenSuggestions(),
      useReadinessCheck({
        endpoint: '/readyz',
        // Ready when the database answers and the event bus (Redis, if used) is connected.
        check: async ({ fetchAPI }) => {
          const database = await db.ping();
          const busUp = bus.healthy();
          return new fetchAPI.Response(
            JSON.stringify({ database: database ? 'up' : 'down', events: `${bus.transport}:${busUp ? 'up' : 'down'}` }),
            { status: database && busUp ? 200 : 503, headers: { 'content-type': 'application/json' } },
          );
        },
      }),
    ],
  });

  // Slow clients: a request that trickles in is answered 408 and closed (checked every second).
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const httpServer = createHttpServer(
    { requestTimeout, headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout), connectionsCheckingInterval: 1_000 },
    limitRequestBodies(yoga, maxBodyBytes),
  );
  const subscriptionGroups = options.groupSubscriptions === false ? null : createSubscriptionGroups();
  const { wsServer, wsLimiter, wsDisposable } = serveWebSockets({
    httpServer,
    yoga,
    services,
    persisted,
    maxPayload: maxBodyBytes,
    maxOperations: options.wsMaxSubscriptions ?? 20,
    limits: options.wsLimits,
    groups: subscriptionGroups,
    logger,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    // Not serving after all (e.g. the port is taken): stop the relay and the feed's timers.
    await notifications.close();
    await events.close();
    throw error;
  });
  const webhooks = createWebhookWorker(
    { prisma: db.prisma, clock, logger },
    { pollMs: options.env === 'test' ? 0 : undefined, ...options.webhooks },
  );
  webhooks.start();
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const displayHost = listen.host === 'localhost' ? 'localhost' : host;
  const base = `${displayHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${base}/graphql`,
    wsUrl: `ws://${base}/graphql`,
    httpServer,
    services,
    wsLimits: wsLimiter.stats,
    subscriptionGroups,
    cutWebSockets() {
      const sockets = [...wsServer.clients];
      for (const socket of sockets) socket.terminate();
      return sockets.length;
    },
    webhooks,
    close(drainMs = 5_000) {
      closing ??= (async () => {
        await webhooks.stop();
        const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // graphql-ws closes each socket with 1001 Going Away.
        services.liveSessions.stop();
        services.sessionCache?.stop();
        await wsDisposable.dispose();
        await new Promise<void>((resolve) => wsServer.close(() => resolve()));
        // Live streams complete (SSE responses end) instead of being cut: roster event feeds first,
        // then every other SSE subscription; their connections then go idle and close.
        await events.close();
        await notifications.close();
        liveStreams.end();
        httpServer.closeIdleConnections();
        const idleSweep = setInterval(() => httpServer.closeIdleConnections(), 50);
        let deadline: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          httpClosed.then(() => true),
          new Promise<false>((resolve) => {
            deadline = setTimeout(() => resolve(false), drainMs);
          }),
        ]);
        clearTimeout(deadline);
        clearInterval(idleSweep);
        if (!drained) {
          // Long-lived responses (SSE subscriptions) never finish by themselves.
          httpServer.closeAllConnections();
          await httpClosed;
        }
        await yoga.dispose();
      })();
      return closing;
    },
  };
}

/** A random secret made once per process, for servers started without token settings (tests). */
const processSecret = randomBytes(48);

/** Token settings for in-process servers (tests): this process's random secret, 15-minute access tokens. */
export function developmentTokens(): TokenSettings {
  return {
    secret: new Uint8Array(processSecret),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 30 * 86_400,
  };
}
