import type { TypedDocumentString } from './generated/graphql';
import { BoardRefreshDocument } from './generated/graphql';

/*
 * The board's HTTP side of the public GraphQL API (/graphql on the server that serves the page),
 * and its credential: a login's tokens or a board credential, kept in memory only (never in the
 * URL, never in storage).
 */

export const HTTP_URL = '/graphql';
export const WS_URL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Whether the server serves persisted operations only (PERSISTED_OPERATIONS=only); learnt from its first refusal. */
let persistedOnly = false;

export const hashOf = (document: { __meta__?: Record<string, any> }): string | undefined =>
  (document.__meta__ as { hash?: string } | undefined)?.hash?.replace(/^sha256:/, '');

/** The request body for a document: its text, or in persisted-only mode just its hash. */
export function payloadOf<V>(document: TypedDocumentString<unknown, V>, variables: V, forWebSocket = false) {
  const hash = hashOf(document);
  const extensions = hash ? { persistedQuery: { version: 1, sha256Hash: hash } } : undefined;
  // Over graphql-ws the text (which the protocol requires) goes with the hash: a server serving
  // persisted operations only runs the manifest's text for the hash, others ignore the hash.
  if (forWebSocket) return { query: document.toString(), variables, extensions };
  if (persistedOnly && hash) return { variables, extensions };
  return { query: document.toString(), variables: variables as Record<string, unknown> };
}

/** Sends one operation over HTTP; resolves with its data or rejects with the first error. */
export async function gql<R, V>(document: TypedDocumentString<R, V>, variables: V, authorization?: string): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(HTTP_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify(payloadOf(document, variables)),
    });
    let body: { data?: R | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = await response.json();
    } catch {
      throw new ApiError(`服务器返回了无法识别的响应（HTTP ${response.status}）`);
    }
    const code = body.errors?.[0]?.extensions?.code;
    if (code === 'PERSISTED_QUERY_ONLY' && !persistedOnly && attempt === 0) {
      persistedOnly = true;
      continue;
    }
    if (body.data != null && !body.errors?.length) return body.data;
    if (body.data != null && body.errors?.length) return body.data; // partial data: fields that failed are null
    throw new ApiError(body.errors?.[0]?.message ?? `HTTP ${response.status}`, code);
  }
}

export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

/** Who the board acts as. */
export type Credential =
  | { kind: 'login'; tokens: Tokens }
  | { kind: 'board'; token: string };

/**
 * The current credential. A login's access token is exchanged (refreshToken, which rotates the
 * refresh token) when it nears its end; refreshes never overlap, since an old refresh token
 * used twice would revoke the session.
 */
export class Session {
  private refreshing: Promise<void> | null = null;

  constructor(public credential: Credential) {}

  get kind() {
    return this.credential.kind;
  }

  /** Milliseconds until the access token expires (Infinity for a board credential). */
  remainingMs(): number {
    if (this.credential.kind === 'board') return Number.POSITIVE_INFINITY;
    return Date.parse(this.credential.tokens.accessTokenExpiresAt) - Date.now();
  }

  /** The Authorization header value, refreshing first when the token has under a minute left. */
  async authorization(): Promise<string> {
    if (this.credential.kind === 'board') return `Bearer ${this.credential.token}`;
    if (this.remainingMs() < 60_000) await this.refresh();
    return `Bearer ${(this.credential as { tokens: Tokens }).tokens.accessToken}`;
  }

  /** Exchanges the refresh token for new tokens (once at a time). */
  refresh(): Promise<void> {
    if (this.credential.kind === 'board') return Promise.resolve();
    this.refreshing ??= (async () => {
      try {
        const tokens = (this.credential as { tokens: Tokens }).tokens;
        const { refreshToken: result } = await gql(BoardRefreshDocument, { refreshToken: tokens.refreshToken });
        if (result.__typename !== 'RefreshTokenPayload') {
          throw new ApiError('登录已过期，请重新登录。', 'SESSION_ENDED');
        }
        this.credential = { kind: 'login', tokens: result.tokens };
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Runs an operation over HTTP as this session. */
  async run<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    return gql(document, variables, await this.authorization());
  }
}
