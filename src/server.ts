import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PothosValidationError } from '@pothos/core';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type Plugin, createYoga, maskError, useReadinessCheck } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './auth/service.js';
import type { TokenSettings } from './auth/tokens.js';
import { authenticate } from './auth/viewer.js';
import { type Clock, systemClock } from './common/clock.js';
import { DEVELOPMENT_JWT_SECRET } from './config.js';
import { type AppServices, createContext } from './context.js';
import type { Database } from './db/index.js';
import { GRAPHIQL_EXAMPLES } from './graphiql.js';
import {
  type OperationLimits,
  type PersistedOperationsOptions,
  limitRequestBodies,
  loadPersistedManifest,
  resolveOperationLimits,
  resolvePersistedOperation,
  useHiddenSuggestions,
  useNoIntrospection,
  useOperationLimits,
  usePersistedOnly,
} from './hardening.js';
import type { Logger } from './logger.js';
import { type PubSubService, createPubSubService } from './pubsub.js';
import { schema } from './schema.js';
import { useCertificateRoutes } from './certificates/routes.js';

export interface ServerOptions {
  db: Database;
  logger: Logger;
  /** The event bus; in memory when omitted. The caller closes it. */
  pubsub?: PubSubService;
  /** Access/refresh token settings; a development secret when omitted. */
  tokens?: TokenSettings;
  loginLimits?: LoginLimits;
  /** Most concurrent operations one WebSocket connection may run (default 20). */
  wsMaxSubscriptions?: number;
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
}

export interface RunningServer {
  url: string;
  /** ws:// URL of the GraphQL-over-WebSocket endpoint. */
  wsUrl: string;
  httpServer: Server;
  services: AppServices;
  /**
   * Stops accepting, closes WebSocket clients (1001 Going Away), lets in-flight requests finish
   * for up to `drainMs` (default 5 s), then cuts what is left (e.g. SSE streams). Does not close
   * the database.
   */
  close(drainMs?: number): Promise<void>;
}

/** Logs one JSON line per GraphQL operation: its name, type and duration. */
function useOperationLog(logger: Logger): Plugin {
  const log = (args: ExecutionArgs, started: number, errors: number) => {
    const definition = args.document.definitions.find((d) => d.kind === 'OperationDefinition');
    logger.info(
      {
        operation: args.operationName ?? (definition && 'name' in definition ? definition.name?.value : undefined) ?? null,
        type: definition && 'operation' in definition ? definition.operation : undefined,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        errors,
      },
      'graphql operation',
    );
  };
  return {
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result && Array.isArray(result.errors) ? result.errors.length : 0;
          log(args, started, errors);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      return {
        onSubscribeResult() {
          log(args, started, 0);
        },
      };
    },
  };
}

const WS_KEEPALIVE_MS = 12_000;

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
  const bus = options.pubsub ?? createPubSubService({ logger });
  const services: AppServices = {
    db,
    prisma: db.prisma,
    pubsub: bus.pubsub,
    logger,
    tokens: options.tokens ?? developmentTokens(),
    loginLimits: options.loginLimits ?? DEFAULT_LOGIN_LIMITS,
    clock: options.clock ?? systemClock,
  };
  const production = options.env === 'production';

  const yoga = createYoga({
    schema,
    // HTTP and SSE send "Authorization: Bearer …"; graphql-ws sends connectionParams.authorization.
    context: async (initial: {
      request?: Request;
      req?: IncomingMessage;
      connectionParams?: Record<string, unknown>;
    }) => {
      const authorization = initial.connectionParams
        ? (initial.connectionParams.authorization as string | undefined)
        : initial.request?.headers.get('authorization');
      const viewer = await authenticate(services.prisma, services.tokens, authorization);
      return createContext(services, viewer, initial.req?.socket.remoteAddress ?? 'unknown');
    },
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // Several operations in one JSON array, up to a limit; a larger batch is refused (413).
    batching: { limit: limits.maxBatch },
    // No file uploads: multipart bodies are refused rather than parsed.
    multipart: false,
    // limitRequestBodies (below) refuses larger bodies before Yoga; this guards yoga.fetch too.
    maxRequestBodySize: maxBodyBytes,
    // `documentId` carries a persisted operation's hash (GraphQL over HTTP persisted documents).
    extraParamNames: persisted ? ['documentId'] : undefined,
    logging: {
      debug: (...args) => logger.debug({ yoga: args.map(String).join(' ') }),
      info: (...args) => logger.info({ yoga: args.map(String).join(' ') }),
      warn: (...args) => logger.warn({ yoga: args.map(String).join(' ') }),
      error: (...args) => logger.error({ yoga: args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ') }),
    },
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
    graphiql: {
      title: 'Volunteer service API',
      defaultQuery: GRAPHIQL_EXAMPLES,
      subscriptionsProtocol: 'WS',
    },
    plugins: [
      useOperationLog(logger),
      // GET /certificates/<code>: public verification and the owner's signed PDF download (src/certificates).
      useCertificateRoutes(services),
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
          const events = bus.healthy();
          return new fetchAPI.Response(
            JSON.stringify({ database: database ? 'up' : 'down', events: `${bus.transport}:${events ? 'up' : 'down'}` }),
            { status: database && events ? 200 : 503, headers: { 'content-type': 'application/json' } },
          );
        },
      }),
    ],
  });

  const httpServer = createHttpServer(limitRequestBodies(yoga, maxBodyBytes));
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint, maxPayload: maxBodyBytes });
  const maxOperations = options.wsMaxSubscriptions ?? 20;
  const liveSessions = watchLiveSessions(services);
  const wsDisposable = useServer(
    {
      // Run WebSocket operations through Yoga's envelop, so its plugins and context apply too.
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      // A token that is present but bad closes the socket with 4401 Unauthorized.
      onConnect: async (ctx) => {
        let viewer;
        try {
          viewer = await authenticate(services.prisma, services.tokens, ctx.connectionParams?.authorization as string | undefined);
        } catch {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        if (viewer) liveSessions.watch(ctx.extra.socket, viewer.sessionId, viewer.tokenExpiresAt);
        return true;
      },
      onSubscribe: async (ctx, _id, params) => {
        if (persisted) {
          const resolved = resolvePersistedOperation(persisted, params);
          if (resolved instanceof GraphQLError) return [resolved];
          params = resolved;
        }
        // graphql-ws registers each operation (this one included) in ctx.subscriptions on arrival
        // and removes it when the client completes it, so this count is exact and race-free.
        if (Object.keys(ctx.subscriptions).length > maxOperations) {
          return [
            new GraphQLError(`At most ${maxOperations} subscriptions may run on one connection.`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } =
          yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          // A syntax error fails this operation only; the socket stays open.
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          // The token expired or was revoked since the connection opened.
          if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') {
            ctx.extra.socket.close(4401, 'Unauthorized');
            return [error];
          }
          throw error;
        }
        const args = {
          schema: envelopedSchema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wsServer,
    // Keep-alive: a WebSocket ping every 12 s; a client that stops answering is dropped.
    WS_KEEPALIVE_MS,
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
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
    close(drainMs = 5_000) {
      closing ??= (async () => {
        const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // graphql-ws closes each socket with 1001 Going Away.
        liveSessions.stop();
        await wsDisposable.dispose();
        await new Promise<void>((resolve) => wsServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        let deadline: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          httpClosed.then(() => true),
          new Promise<false>((resolve) => {
            deadline = setTimeout(() => resolve(false), drainMs);
          }),
        ]);
        clearTimeout(deadline);
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

/** Token settings for development and tests: the fixed development secret, 15-minute access tokens. */
export function developmentTokens(): TokenSettings {
  return {
    secret: new TextEncoder().encode(DEVELOPMENT_JWT_SECRET),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 30 * 86_400,
  };
}

/**
 * Closes authenticated WebSocket connections with 4401 Unauthorized when their access token
 * expires or their session is revoked (logout, reused refresh token) on any instance.
 */
function watchLiveSessions(services: AppServices) {
  const sockets = new Map<string, Set<WebSocket>>();
  const revocations = services.pubsub.subscribe('sessionRevoked')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await revocations.next();
      if (next.done) return;
      for (const socket of sockets.get(next.value) ?? []) socket.close(4401, 'Unauthorized');
    }
  })();
  return {
    watch(socket: WebSocket, sessionId: string, expiresAt: Date) {
      const set = sockets.get(sessionId) ?? new Set<WebSocket>();
      sockets.set(sessionId, set);
      set.add(socket);
      const expiry = setTimeout(() => socket.close(4401, 'Unauthorized'), Math.max(0, expiresAt.getTime() - Date.now()));
      socket.once('close', () => {
        clearTimeout(expiry);
        set.delete(socket);
        if (set.size === 0) sockets.delete(sessionId);
      });
    },
    stop() {
      void revocations.return?.();
    },
  };
}
