import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from './logger.js';

/*
 * Limits on the WebSocket transport, so that one client cannot starve the others: sockets per
 * client address and in total, unsent data per socket (a client that stops reading is closed
 * rather than buffered for without end), and operations per socket per second.
 */

export interface WsLimits {
  /** Open sockets from one client address (WS_MAX_CONNECTIONS_PER_IP). */
  maxConnectionsPerIp: number;
  /** Open sockets in total on this instance (WS_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Unsent bytes a socket may have queued before it counts as a slow consumer (WS_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number;
  /** Operations (subscribe messages) one socket may start per second, in bursts of as many (WS_MAX_OPERATIONS_PER_SECOND). */
  maxOperationsPerSecond: number;
}

export const DEFAULT_WS_LIMITS: Readonly<WsLimits> = Object.freeze({
  maxConnectionsPerIp: 20,
  maxConnections: 5_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxOperationsPerSecond: 20,
});

/** Close codes a client sees when a limit ends its socket. */
export const WS_CLOSE = Object.freeze({
  /** 1013 Try Again Later: too many sockets from this address, or on this server. */
  TOO_MANY_CONNECTIONS: 1013,
  /** 1008 Policy Violation: the client did not read what was sent (unsent data over the limit). */
  SLOW_CONSUMER: 1008,
});

/** A slow consumer that does not take the close frame either is cut off after this long. */
const SLOW_CONSUMER_GRACE_MS = 5_000;

export interface WsLimiter {
  /** False (and the operation is refused with this error) when the socket has started too many operations this second. */
  checkOperation(socket: WebSocket): GraphQLError | null;
  /** What the limits have done so far, for tests and monitoring. */
  readonly stats: { refusedConnections: number; slowConsumersClosed: number; refusedOperations: number };
}

/** Applies the limits to every socket of wsServer. Call before graphql-ws's useServer, so a refused socket is closed first. */
export function limitWebSockets(wsServer: WebSocketServer, options: Partial<WsLimits> | undefined, logger: Logger): WsLimiter {
  const limits = { ...DEFAULT_WS_LIMITS, ...options };
  const perAddress = new Map<string, number>();
  let open = 0;
  const stats = { refusedConnections: 0, slowConsumersClosed: 0, refusedOperations: 0 };
  const buckets = new WeakMap<WebSocket, { tokens: number; at: number }>();

  wsServer.prependListener('connection', (socket: WebSocket, request: IncomingMessage) => {
    const address = request.socket.remoteAddress ?? 'unknown';
    const fromAddress = perAddress.get(address) ?? 0;
    if (fromAddress >= limits.maxConnectionsPerIp || open >= limits.maxConnections) {
      stats.refusedConnections += 1;
      const reason = fromAddress >= limits.maxConnectionsPerIp ? 'Too many connections from your address' : 'Too many connections';
      logger.warn({ address, open, fromAddress }, `websocket refused: ${reason}`);
      socket.close(WS_CLOSE.TOO_MANY_CONNECTIONS, reason);
      return;
    }
    open += 1;
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      open -= 1;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });

    // Every message graphql-ws sends goes through send(): check what is still queued after it.
    const send = socket.send.bind(socket) as (...args: unknown[]) => void;
    let closing = false;
    socket.send = ((...args: unknown[]) => {
      send(...args);
      if (closing || socket.bufferedAmount <= limits.maxBufferedBytes) return;
      closing = true;
      stats.slowConsumersClosed += 1;
      logger.warn({ address, bufferedAmount: socket.bufferedAmount }, 'websocket closed: slow consumer');
      socket.close(WS_CLOSE.SLOW_CONSUMER, `Slow consumer: more than ${limits.maxBufferedBytes} bytes unsent`);
      setTimeout(() => socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
    }) as typeof socket.send;
  });

  return {
    stats,
    checkOperation(socket) {
      // A token bucket: maxOperationsPerSecond tokens, refilled continuously.
      const now = performance.now();
      const bucket = buckets.get(socket) ?? { tokens: limits.maxOperationsPerSecond, at: now };
      bucket.tokens = Math.min(limits.maxOperationsPerSecond, bucket.tokens + ((now - bucket.at) / 1000) * limits.maxOperationsPerSecond);
      bucket.at = now;
      buckets.set(socket, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return null;
      }
      stats.refusedOperations += 1;
      return new GraphQLError(`Too many operations: at most ${limits.maxOperationsPerSecond} per second on one connection.`, {
        extensions: { code: 'RATE_LIMITED' },
      });
    },
  };
}
