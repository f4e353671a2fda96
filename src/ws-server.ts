import type { Server } from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { openConnection } from './auth/connections.js';
import type { AppServices } from './context.js';
import type { GroupMemberTarget, SubscriptionGroups } from './events/subscription-groups.js';
import { type PersistedManifest, resolvePersistedOperation } from './hardening.js';
import type { Logger } from './logger.js';
import { type WsLimits, limitWebSockets } from './ws-limits.js';

const WS_KEEPALIVE_MS = 12_000;

/**
 * graphql-ws on the Yoga endpoint's path: each operation runs through Yoga's envelop (its plugins,
 * context and auth), after the WebSocket limits (src/ws-limits.ts), the persisted-operations rule
 * and the per-connection operation cap.
 */
export function serveWebSockets(options: {
  httpServer: Server;
  yoga: YogaServerInstance<any, any>;
  services: AppServices;
  persisted: PersistedManifest | undefined;
  maxPayload: number;
  /** Operations at once on one connection (WS_MAX_SUBSCRIPTIONS). */
  maxOperations: number;
  limits: Partial<WsLimits> | undefined;
  /** Shared execution of identical live subscriptions (src/events/subscription-groups.ts); none: each runs alone. */
  groups: SubscriptionGroups | null;
  logger: Logger;
}) {
  const { httpServer, yoga, services, persisted, maxPayload, maxOperations, limits, groups, logger } = options;
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint, maxPayload });
  // Sockets per address and in total, slow consumers, operations per second (before useServer).
  const wsLimiter = limitWebSockets(wsServer, limits, logger);
  const wsDisposable = useServer(
    {
      // Run WebSocket operations through Yoga's envelop, so its plugins and context apply too.
      execute: (args: any) => args.rootValue.execute(args),
      // A subscription that belongs to a group joins it instead of running alone.
      subscribe: (args: any) => {
        const grouping = args.grouping as { key: string; target: GroupMemberTarget } | undefined;
        if (!grouping || !groups) return args.rootValue.subscribe(args);
        return groups.join(grouping.key, args, grouping.target, args.rootValue.subscribe);
      },
      // A token that is present but bad closes the socket with 4401 Unauthorized; a good one is
      // leased (src/auth/live-sessions.ts) until it expires or is revoked, unless renewed in-band.
      onConnect: async (ctx) => {
        try {
          await openConnection(services, ctx.extra.socket, ctx.connectionParams);
        } catch {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        return true;
      },
      onSubscribe: async (ctx, id, params) => {
        const rateLimited = wsLimiter.checkOperation(ctx.extra.socket);
        if (rateLimited) return [rateLimited];
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
        const key = groups?.keyOf(args, params.query) ?? null;
        return key === null ? args : { ...args, grouping: { key, target: { socket: ctx.extra.socket, operationId: id } } };
      },
    },
    wsServer,
    // Keep-alive: a WebSocket ping every 12 s; a client that stops answering is dropped.
    WS_KEEPALIVE_MS,
  );
  return { wsServer, wsLimiter, wsDisposable };
}
