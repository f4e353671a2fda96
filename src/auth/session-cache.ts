import { Kind, type OperationDefinitionNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AppPubSub } from '../events/topics.js';
import type { Viewer } from './viewer.js';

/**
 * What a request's session lookup found, kept in process for a short while so that an
 * authenticated request does not run the session query (src/auth/viewer.ts) every time.
 *
 * - An entry lives at most `ttlMs` (SESSION_CACHE_MS, 1 s by default under `npm start`; off unless
 *   configured, as in the test harness): whatever changes without a broadcast (a role
 *   granted on another instance, a team leader replaced there) is seen within that.
 * - A revocation (`sessionRevoked`: logout, a reused refresh token, a suspension, on any instance)
 *   drops the session's entry on every instance as soon as the bus delivers it.
 * - A mutation executed on this instance drops every entry when it is done, so what it changed
 *   (roles, a suspension, a logout) holds for the very next request here — except the roster's
 *   sign-ups and check-ins (SESSION_NEUTRAL_MUTATIONS), which change none of a session's facts.
 * - A lookup that was running while something was dropped is not stored (generation check), so a
 *   revocation can never be overwritten by an answer read before it.
 * - A suspension or a role written straight to the database (not through the API, so with no
 *   broadcast) is seen within the TTL; that is why the TTL is capped at 1 s.
 * Only sessions found valid are kept; a refusal is never cached.
 */

/** The part of a viewer read from the database (the token supplies the rest). */
export type SessionFacts = Omit<Viewer, 'tokenExpiresAt' | 'sessionId' | 'accountId'>;

export interface SessionCache {
  /** The facts of a valid session of `accountId`, if known and fresh. */
  get(sessionId: string, accountId: number): SessionFacts | undefined;
  /** The generation to pass to `set`: taken before the lookup starts. */
  generation(): number;
  /** Keeps a valid session's facts, unless something was dropped since `generation`. */
  set(sessionId: string, accountId: number, facts: SessionFacts, generation: number): void;
  /** Drops one session (its revocation). */
  drop(sessionId: string): void;
  /** Drops everything (after a local mutation). */
  clear(): void;
  /** How many lookups were answered from memory (for tests and diagnostics). */
  readonly hits: number;
  stop(): void;
}

interface Entry {
  accountId: number;
  facts: SessionFacts;
  until: number;
}

export interface SessionCacheOptions {
  /** How long an entry lives (ms); 0 turns the cache off. Default 1000. */
  ttlMs?: number;
  /** At most this many sessions are kept (oldest first out). Default 50,000. */
  maxEntries?: number;
  /** Monotonic milliseconds (for tests). */
  now?: () => number;
}

export function createSessionCache(pubsub: AppPubSub, options: SessionCacheOptions = {}): SessionCache {
  const ttlMs = options.ttlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 50_000;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  let generation = 0;
  let hits = 0;

  const cache: SessionCache = {
    get(sessionId, accountId) {
      const entry = entries.get(sessionId);
      if (!entry) return undefined;
      if (entry.until <= now() || entry.accountId !== accountId) {
        entries.delete(sessionId);
        return undefined;
      }
      hits += 1;
      return entry.facts;
    },
    generation: () => generation,
    set(sessionId, accountId, facts, taken) {
      if (ttlMs <= 0 || taken !== generation) return;
      entries.delete(sessionId);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(sessionId, { accountId, facts, until: now() + ttlMs });
    },
    drop(sessionId) {
      generation += 1;
      entries.delete(sessionId);
    },
    clear() {
      generation += 1;
      entries.clear();
    },
    get hits() {
      return hits;
    },
    stop() {
      void revocations.return?.();
    },
  };
  const revocations = pubsub.subscribe('sessionRevoked')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await revocations.next();
      if (next.done) return;
      cache.drop(next.value);
    }
  })();
  return cache;
}

/**
 * Mutations that write nothing a session's facts are read from (sessions, accounts, staff role
 * grants, a volunteer's status, site paths, team leaders; the query in src/auth/viewer.ts): a
 * volunteer's sign-ups, withdrawals and check-ins on the roster (src/roster/assignments). An
 * operation made only of these keeps the cache; any other mutation drops it.
 */
export const SESSION_NEUTRAL_MUTATIONS: ReadonlySet<string> = new Set([
  'assignVolunteer',
  'selfSignUp',
  'cancelAssignment',
  'checkIn',
  'checkOut',
  'markNoShow',
]);

/** Whether every root field of the mutation is session-neutral (a fragment counts as not). */
function sessionNeutral(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && (s.name.value === '__typename' || SESSION_NEUTRAL_MUTATIONS.has(s.name.value)),
  );
}

/**
 * A Yoga plugin: every mutation executed here drops the cache once it is done (see above), except
 * one made only of SESSION_NEUTRAL_MUTATIONS.
 */
export function useSessionCacheEviction(cache: SessionCache): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation' || sessionNeutral(operation)) return;
      return { onExecuteDone: () => cache.clear() };
    },
  };
}
