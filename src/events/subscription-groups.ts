import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  Kind,
  type ValueNode,
  getOperationAST,
} from 'graphql';
import type { WebSocket } from 'ws';
import { visibilityKey } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { EventFeed } from './feed.js';
import { eventIdOf, snapshotNumberOf } from './sse-ids.js';

/*
 * Live fan-out by group. WebSocket subscriptions with the same document, operation name,
 * variables and visibility class (src/auth/viewer.ts, visibilityKey: the same account, the same
 * board subtree, or anonymous) would execute identically for every event. They form a group: one
 * source stream and one GraphQL execution per event for the whole group, serialised once and
 * written to every member's socket. The cost of an event is one execution per group plus one
 * socket write per member, instead of a full execution per subscriber.
 *
 * - Only root fields listed in GROUPED_FIELDS, and only live ones: a subscription that resumes
 *   (`after`) replays its own history, so it runs alone.
 * - An event stream (rosterChanged): a member receives the events delivered after it joined (the
 *   feed's position then), exactly as a subscription of its own would: none from before, none
 *   missed.
 * - A snapshot stream (dutyBoard): a subscription starts with a snapshot of its own, so a member
 *   first runs its operation alone for that first result (the board hub shares the snapshot's SQL
 *   with whoever asks at the time), then receives the group's results numbered after it (the
 *   hub's snapshot number, src/events/sse-ids.ts). What the group delivers meanwhile waits,
 *   coalesced to the newest, so no later snapshot is missed and none arrives out of order.
 * - Each member stays bound to its own connection: the connection's lease ends the member's stream
 *   (UNAUTHENTICATED, then the socket closes with 4401), and a socket that does not read is closed
 *   as a slow consumer by the socket limits (src/ws-limits.ts), so nothing queues without bound.
 * - The group's execution runs with a copy of the first member's context that no connection owns
 *   (`liveGroup`), so the group outlives any one member; it stops when its last member leaves.
 */

/** How a stream orders its results for a member that joins late (see above). */
type StreamKind = 'events' | 'snapshots';

/** Subscription root fields whose live streams are shared, and what kind of stream each is. */
export const GROUPED_FIELDS: ReadonlyMap<string, StreamKind> = new Map([
  ['rosterChanged', 'events'],
  ['dutyBoard', 'snapshots'],
]);

/** What a grouped WebSocket operation needs besides its execution arguments. */
export interface GroupMemberTarget {
  /** The graphql-ws connection's socket the member writes to. */
  socket: WebSocket;
  /** The graphql-ws operation id its messages carry. */
  operationId: string;
}

type Subscribe = (args: ExecutionArgs) => Promise<AsyncIterable<ExecutionResult> | ExecutionResult>;

export interface SubscriptionGroups {
  /** The group an operation belongs to, or null when it must run alone. */
  keyOf(args: ExecutionArgs, query: string): string | null;
  /** Joins (or starts) the operation's group; an error result when the subscription cannot start. */
  join(key: string, args: ExecutionArgs, target: GroupMemberTarget, subscribe: Subscribe): Promise<AsyncIterable<never> | ExecutionResult>;
  /** Groups and members now, and executions since start (for tests and monitoring). */
  stats(): { groups: number; members: number; executions: number };
}

export function createSubscriptionGroups(): SubscriptionGroups {
  const groups = new Map<string, Group | Promise<Group | ExecutionResult>>();
  let executions = 0;

  function open(key: string, args: ExecutionArgs, subscribe: Subscribe): Promise<Group | ExecutionResult> {
    const starting = (async () => {
      const groupContext: Context = { ...(args.contextValue as Context), connection: undefined, liveGroup: true };
      const result = await subscribe({ ...args, contextValue: groupContext });
      if (!(Symbol.asyncIterator in result)) return result;
      const group: Group = new Group(
        liveStreamKind(args.document, args.operationName, args.variableValues)!,
        result[Symbol.asyncIterator](),
        groupContext.events.feed,
        () => (executions += 1),
        () => groups.get(key) === group && groups.delete(key),
      );
      return group;
    })();
    groups.set(key, starting);
    void starting.then(
      (settled) => {
        if (groups.get(key) !== starting) return;
        if (settled instanceof Group) groups.set(key, settled);
        else groups.delete(key);
      },
      () => groups.get(key) === starting && groups.delete(key),
    );
    return starting;
  }

  return {
    keyOf(args, query) {
      const ctx = args.contextValue as Context;
      if (ctx.lastEventId) return null;
      if (!liveStreamKind(args.document, args.operationName, args.variableValues)) return null;
      return JSON.stringify([visibilityKey(ctx), args.operationName ?? null, query, canonical(args.variableValues ?? {})]);
    },
    async join(key, args, target, subscribe) {
      for (;;) {
        const existing = groups.get(key);
        const settled = await (existing ?? open(key, args, subscribe));
        if (!(settled instanceof Group)) return settled;
        const member = settled.add(target, args.contextValue as Context);
        if (!member) {
          // That group closed as this one arrived: start another.
          if (groups.get(key) === settled) groups.delete(key);
          continue;
        }
        if (settled.kind === 'events') return member;
        const failed = await prime(member, args, subscribe);
        return failed ?? member;
      }
    },
    stats: () => {
      let members = 0;
      let count = 0;
      for (const entry of groups.values()) {
        if (entry instanceof Group) {
          count += 1;
          members += entry.size;
        }
      }
      return { groups: count, members, executions };
    },
  };
}

/**
 * The stream kind of an operation that is a subscription to one grouped field with no resume
 * point (`after` absent, or null literally or through a variable); null for any other operation.
 */
function liveStreamKind(document: DocumentNode, operationName: string | null | undefined, variables: ExecutionArgs['variableValues']): StreamKind | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'subscription') return null;
  const [root, ...more] = operation.selectionSet.selections;
  if (!root || more.length > 0 || root.kind !== Kind.FIELD) return null;
  const kind = GROUPED_FIELDS.get(root.name.value);
  const after = root.arguments?.find((argument) => argument.name.value === 'after');
  return kind && (!after || isNull(after.value, variables ?? {})) ? kind : null;
}

function isNull(value: ValueNode, variables: Record<string, unknown>): boolean {
  if (value.kind === Kind.NULL) return true;
  return value.kind === Kind.VARIABLE && variables[value.name.value] == null;
}

/** Where a result stands in its stream (see Member.after), when it carries a mark. */
function orderOf(kind: StreamKind, result: ExecutionResult): number | undefined {
  if (kind === 'snapshots') return snapshotNumberOf(result);
  const id = eventIdOf(result);
  return id === undefined ? undefined : Number(id);
}

/** The message graphql-ws would send for a result, without its envelope. */
function serialise(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
}

/**
 * A snapshot-stream member's first result: its operation run alone with the member's own viewer
 * (in a context no connection owns, like the group's: the member itself is bound to the lease),
 * ended after one result. An error result when it cannot start, which ends the member.
 */
async function prime(member: Member, args: ExecutionArgs, subscribe: Subscribe): Promise<ExecutionResult | undefined> {
  let first: IteratorResult<ExecutionResult> | undefined;
  try {
    const result = await subscribe({ ...args, contextValue: { ...(args.contextValue as Context), connection: undefined, liveGroup: true } });
    if (!(Symbol.asyncIterator in result)) {
      member.end();
      return result;
    }
    const own = result[Symbol.asyncIterator]();
    try {
      first = await own.next();
    } finally {
      await own.return?.();
    }
  } catch (error) {
    member.end(error);
    return undefined;
  }
  if (first.done) member.end();
  else member.primed(serialise(first.value), orderOf('snapshots', first.value));
  return undefined;
}

/** JSON with object keys in order, so the same variables sent in another order group together. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** One shared source stream and its members. */
class Group {
  private readonly members = new Set<Member>();
  private closed = false;

  constructor(
    readonly kind: StreamKind,
    private readonly source: AsyncIterator<ExecutionResult>,
    /** The instance's feed: where a new member joins (its position) and is counted. */
    private readonly feed: EventFeed,
    private readonly executed: () => unknown,
    private readonly onClose: () => unknown,
  ) {
    void this.pump();
  }

  get size(): number {
    return this.members.size;
  }

  /** A new member, or null if the group has closed. */
  add(target: GroupMemberTarget, memberContext: Context): Member | null {
    if (this.closed) return null;
    const member = new Member(target, memberContext, this.feed, this.kind, (m) => this.remove(m));
    this.members.add(member);
    return member;
  }

  private remove(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) this.close();
  }

  private close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    for (const member of [...this.members]) member.end(error);
    this.members.clear();
    void this.source.return?.();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const next = await this.source.next();
        if (next.done || this.closed) break;
        this.executed();
        // The payload graphql-ws would build, serialised once for every member.
        const payload = serialise(next.value);
        const order = orderOf(this.kind, next.value);
        for (const member of this.members) member.deliver(payload, order);
      }
      this.close();
    } catch (error) {
      this.close(error);
    }
  }
}

/**
 * One subscriber of a group, as the async iterable graphql-ws runs: it yields nothing (the group
 * writes its messages straight to the socket) and ends when the group ends, its connection's lease
 * ends, or graphql-ws returns it (the client completed it, or the socket closed).
 */
class Member implements AsyncIterableIterator<never> {
  private done = false;
  private settle?: { resolve: (r: IteratorResult<never>) => void; reject: (e: unknown) => void };
  private failure: unknown;
  private readonly untrack: () => void;
  private readonly prefix: string;

  /**
   * It gets only results ordered after this: for an event stream the feed's last delivered
   * sequence when it joined; for a snapshot stream the number of its own first snapshot.
   */
  private after: number;
  /** A snapshot-stream member until its first result is written; what the group sends waits. */
  private priming: boolean;
  private waiting?: { payload: string; order: number };

  constructor(
    private readonly target: GroupMemberTarget,
    context: Context,
    feed: EventFeed,
    kind: StreamKind,
    private readonly leave: (member: Member) => void,
  ) {
    this.after = kind === 'events' ? feed.position : Number.POSITIVE_INFINITY;
    this.priming = kind === 'snapshots';
    this.untrack = feed.track();
    this.prefix = `{"id":${JSON.stringify(target.operationId)},"type":"next","payload":`;
    void context.connection?.lease?.ended.then((reason) => this.end(reason));
  }

  deliver(payload: string, order: number | undefined): void {
    if (this.done) return;
    if (this.priming) {
      // The newest only: a snapshot replaces the one before it.
      if (order !== undefined && (!this.waiting || order > this.waiting.order)) this.waiting = { payload, order };
      return;
    }
    if (order !== undefined && order <= this.after) return;
    this.write(payload);
  }

  /** A snapshot-stream member's own first result (numbered `order`), then what waited if newer. */
  primed(payload: string, order: number | undefined): void {
    if (this.done || !this.priming) return;
    this.priming = false;
    this.after = order ?? Number.NEGATIVE_INFINITY;
    this.write(payload);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) this.deliver(waiting.payload, waiting.order);
  }

  private write(payload: string): void {
    const { socket } = this.target;
    if (socket.readyState !== socket.OPEN) return;
    socket.send(`${this.prefix}${payload}}`);
  }

  /** Ends the stream: completed, or failed with `error`. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.untrack();
    this.leave(this);
    if (error !== undefined) this.failure = error;
    const settle = this.settle;
    this.settle = undefined;
    if (!settle) return;
    if (error !== undefined) {
      this.failure = undefined;
      settle.reject(error);
    } else settle.resolve({ value: undefined as never, done: true });
  }

  next(): Promise<IteratorResult<never>> {
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined as never, done: true });
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<never>> {
    this.failure = undefined;
    this.end();
    return Promise.resolve({ value: undefined as never, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
