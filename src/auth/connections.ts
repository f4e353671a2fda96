import type { WebSocket } from 'ws';
import type { BoardAccess } from '../boards/service.js';
import { isBoardToken, verifyBoardToken } from '../boards/service.js';
import type { AppServices } from '../context.js';
import type { PrismaClient } from '../db/index.js';
import { unauthenticated } from './errors.js';
import { type LiveLease, credentialOf } from './live-sessions.js';
import type { SessionCache } from './session-cache.js';
import type { TokenSettings } from './tokens.js';
import { type Viewer, authenticate } from './viewer.js';

/** Who a request or operation acts as: a login (viewer), a wall-screen board, or nobody. */
export interface Principal {
  viewer: Viewer | null;
  board: BoardAccess | null;
}

const ANONYMOUS: Principal = { viewer: null, board: null };

/**
 * The principal for an Authorization value: "Bearer <access token>" for a login, "Bearer vbc_…"
 * for a board credential. Null-ish means anonymous; anything bad is a clean UNAUTHENTICATED error.
 */
export async function authenticatePrincipal(
  prisma: PrismaClient,
  tokens: TokenSettings,
  authorization: string | null | undefined,
  sessions?: SessionCache,
): Promise<Principal> {
  const token = /^Bearer\s+(\S+)$/i.exec(String(authorization ?? '').trim())?.[1];
  if (token && isBoardToken(token)) {
    const board = await verifyBoardToken(prisma, token);
    if (!board) throw unauthenticated('The board credential is unknown or was revoked.');
    return { viewer: null, board };
  }
  const viewer = await authenticate(prisma, tokens, authorization, sessions);
  return viewer ? { viewer, board: null } : ANONYMOUS;
}

/** graphql-ws connectionParams' Authorization, whatever the key's case ("authorization", "Authorization"). */
export function connectionAuthorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  const key = Object.keys(params).find((k) => k.toLowerCase() === 'authorization');
  const value = key ? params[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * A graphql-ws connection's credential. Every operation on the connection authenticates with its
 * current `authorization`; `lease` ends the connection (4401) when that credential expires or
 * is revoked. In-band renewal (`renewConnection`) swaps both.
 */
export interface LiveConnection {
  authorization: string | undefined;
  principal: Principal;
  lease: LiveLease | null;
}

const connections = new WeakMap<WebSocket, LiveConnection>();

export const connectionOf = (socket: WebSocket | undefined): LiveConnection | undefined =>
  socket ? connections.get(socket) : undefined;

/**
 * Authenticates a new WebSocket connection from its connectionParams. Throws UNAUTHENTICATED for
 * a token that is present but bad (the caller closes with 4401).
 */
export async function openConnection(
  services: AppServices,
  socket: WebSocket,
  params: Readonly<Record<string, unknown>> | undefined,
): Promise<LiveConnection> {
  const authorization = connectionAuthorization(params);
  const principal = await authenticatePrincipal(services.prisma, services.tokens, authorization, services.sessionCache);
  const credential = credentialOf(principal);
  const lease = credential ? services.liveSessions.lease(credential) : null;
  const connection: LiveConnection = { authorization, principal, lease };
  connections.set(socket, connection);
  if (lease) {
    void lease.ended.then(() => socket.close(4401, 'Unauthorized'));
    socket.once('close', () => lease.release());
  }
  return connection;
}

/** Why an in-band renewal was refused. */
export type RenewalProblem = 'NOT_A_WEBSOCKET' | 'ANONYMOUS_CONNECTION' | 'INVALID_TOKEN' | 'DIFFERENT_IDENTITY';

export class RenewalRefused extends Error {
  constructor(
    readonly problem: RenewalProblem,
    message: string,
  ) {
    super(message);
    this.name = 'RenewalRefused';
  }
}

const sameIdentity = (a: Principal, b: Principal) =>
  (a.viewer != null && a.viewer.accountId === b.viewer?.accountId) ||
  (a.board != null && a.board.credentialId === b.board?.credentialId);

/**
 * Renews an open connection's credential in-band: the new token must be valid and belong to the
 * same account (or board) the connection was opened with. Subscriptions already running go on;
 * operations started from now on use the new token.
 */
export async function renewConnection(
  services: AppServices,
  connection: LiveConnection | undefined,
  authorization: string,
): Promise<Principal> {
  if (!connection) throw new RenewalRefused('NOT_A_WEBSOCKET', 'Only a graphql-ws connection can be renewed in-band; over HTTP send the new token with each request.');
  if (!connection.lease) {
    throw new RenewalRefused('ANONYMOUS_CONNECTION', 'This connection was opened without a credential; open a new one with connectionParams.authorization.');
  }
  const value = /^Bearer\s/i.test(authorization.trim()) ? authorization.trim() : `Bearer ${authorization.trim()}`;
  let principal: Principal;
  try {
    principal = await authenticatePrincipal(services.prisma, services.tokens, value, services.sessionCache);
  } catch (error) {
    throw new RenewalRefused('INVALID_TOKEN', error instanceof Error ? error.message : 'The token is invalid.');
  }
  if (!sameIdentity(connection.principal, principal)) {
    throw new RenewalRefused('DIFFERENT_IDENTITY', 'The new token belongs to another account; open a new connection to switch accounts.');
  }
  connection.authorization = value;
  connection.principal = principal;
  connection.lease.renew(credentialOf(principal)!);
  return principal;
}
