import type { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { AppPubSub } from '../events/topics.js';
import { unauthenticated } from './errors.js';

/**
 * The one mechanism that ends live traffic when its credential stops being valid: a WebSocket
 * connection (closed with 4401) or an SSE subscription (ended with UNAUTHENTICATED) is a *lease*
 * on a credential, and a lease ends when the credential expires or is revoked on any instance
 * (logout, a reused refresh token, a revoked board credential: the `sessionRevoked` topic).
 * Renewing a WebSocket connection's token in-band moves its lease to the new credential, so the
 * connection and its subscriptions go on.
 */

/** What live traffic is authenticated with. */
export interface LiveCredential {
  /** The key its revocation is published under: a login session's id, or `board:<id>`. */
  key: string;
  /** When it stops being valid by itself (an access token's expiry); null: until revoked. */
  expiresAt: Date | null;
}

export interface LiveLease {
  /** Resolves with the reason once the credential expires or is revoked; never on release(). */
  readonly ended: Promise<GraphQLError>;
  readonly credential: LiveCredential;
  /** Moves the lease to a new credential (a renewed access token): a new expiry and revocation key. */
  renew(credential: LiveCredential): void;
  /** Stops watching (the connection or stream ended by itself). */
  release(): void;
}

export interface LiveSessions {
  lease(credential: LiveCredential): LiveLease;
  /** Leases currently held (for tests and diagnostics). */
  active(): number;
  stop(): void;
}

/** setTimeout's longest delay (about 24.8 days); longer expiries re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createLiveSessions(pubsub: AppPubSub): LiveSessions {
  const byKey = new Map<string, Set<Lease>>();

  class Lease implements LiveLease {
    readonly ended: Promise<GraphQLError>;
    credential: LiveCredential;
    private resolve!: (reason: GraphQLError) => void;
    private timer: NodeJS.Timeout | undefined;
    private done = false;

    constructor(credential: LiveCredential) {
      this.ended = new Promise((resolve) => {
        this.resolve = resolve;
      });
      this.credential = credential;
      this.attach();
    }

    private attach() {
      const set = byKey.get(this.credential.key) ?? new Set<Lease>();
      byKey.set(this.credential.key, set);
      set.add(this);
      this.arm();
    }

    private arm() {
      const { expiresAt } = this.credential;
      if (!expiresAt) return;
      const delay = expiresAt.getTime() - Date.now();
      this.timer = setTimeout(
        () => (delay > MAX_TIMER_MS ? this.arm() : this.end(unauthenticated('The access token has expired; refresh it.'))),
        Math.min(Math.max(0, delay), MAX_TIMER_MS),
      );
    }

    private detach() {
      clearTimeout(this.timer);
      const set = byKey.get(this.credential.key);
      set?.delete(this);
      if (set?.size === 0) byKey.delete(this.credential.key);
    }

    renew(credential: LiveCredential) {
      if (this.done) return;
      this.detach();
      this.credential = credential;
      this.attach();
    }

    end(reason: GraphQLError) {
      if (this.done) return;
      this.done = true;
      this.detach();
      this.resolve(reason);
    }

    release() {
      if (this.done) return;
      this.done = true;
      this.detach();
    }
  }

  const revocations = pubsub.subscribe('sessionRevoked')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await revocations.next();
      if (next.done) return;
      for (const lease of [...(byKey.get(next.value) ?? [])]) {
        lease.end(unauthenticated(next.value.startsWith('board:') ? 'The board credential was revoked.' : 'The session has ended; log in again.'));
      }
    }
  })();

  return {
    lease: (credential) => new Lease(credential),
    active: () => [...byKey.values()].reduce((n, set) => n + set.size, 0),
    stop() {
      void revocations.return?.();
    },
  };
}

/** The credential a request or operation runs with; null when anonymous. */
export function credentialOf(ctx: Pick<Context, 'viewer' | 'board'>): LiveCredential | null {
  if (ctx.viewer) return { key: ctx.viewer.sessionId, expiresAt: ctx.viewer.tokenExpiresAt };
  if (ctx.board) return { key: boardRevocationKey(ctx.board.credentialId), expiresAt: null };
  return null;
}

export const boardRevocationKey = (credentialId: number) => `board:${credentialId}`;

/**
 * Ends a subscription's stream with a clean UNAUTHENTICATED error when its credential expires or
 * is revoked. Over WebSocket the stream follows its connection's lease, which in-band renewal
 * extends; over SSE it holds a lease of its own. Anonymous streams pass through, and so do the
 * shared streams of subscription groups, whose members each follow their own connection's lease.
 */
export function whileSessionLasts<T>(ctx: Context, source: AsyncIterable<T>): AsyncIterable<T> {
  // A subscription group's stream: each member follows its own connection's lease instead.
  if (ctx.liveGroup) return source;
  const shared = ctx.connection?.lease;
  const credential = shared ? null : credentialOf(ctx);
  if (!shared && !credential) return source;
  return new Repeater<T>(async (push, stop) => {
    const lease = shared ?? ctx.liveSessions.lease(credential!);
    const iterator = source[Symbol.asyncIterator]();
    void lease.ended.then((reason) => stop(reason));
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return stop();
          await push(next.value);
        }
      } catch (error) {
        stop(error);
      }
    })();
    await stop;
    if (!shared) lease.release();
    await iterator.return?.();
  });
}
