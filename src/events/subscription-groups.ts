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
import { eventIdOf } from './sse-ids.js';

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
 * - A member receives the events delivered after it joined (the feed's position then), exactly as
 *   a subscription of its own would: none from before, none missed.
 * - Each member stays bound to its own connection: the connection's lease ends the member's stream
 *   (UNAUTHENTICATED, then the socket closes with 4401), and a socket that does not read is closed
 *   as a slow consumer by the socket limits (src/ws-limits.ts), so nothing queues without bound.
 * - The group's execution runs with a copy of the first member's context that no connection owns
 *   (`liveGroup`), so the group outlives any one member; it stops when its last member leaves.
 */

/** Subscription root fields whose live streams are shared. */
export const GROUPED_FIELDS: ReadonlySet<string> = new Set(['rosterChanged']);

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
      if (!liveRootField(args.document, args.operationName, args.variableValues)) return null;
      return JSON.stringify([visibilityKey(ctx), args.operationName ?? null, query, canonical(args.variableValues ?? {})]);
    },
    async join(key, args, target, subscribe) {
      for (;;) {
        const existing = groups.get(key);
        const settled = await (existing ?? open(key, args, subscribe));
        if (!(settled instanceof Group)) return settled;
        const member = settled.add(target, args.contextValue as Context);
        if (member) return member;
        // That group closed as this one arrived: start another.
        if (groups.get(key) === settled) groups.delete(key);
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
 * Whether the operation is a subscription to one grouped field with no resume point: `after`
 * absent, or null (literally or through a variable).
 */
function liveRootField(document: DocumentNode, operationName: string | null | undefined, variables: ExecutionArgs['variableValues']): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'subscription') return false;
  const [root, ...more] = operation.selectionSet.selections;
  if (!root || more.length > 0 || root.kind !== Kind.FIELD || !GROUPED_FIELDS.has(root.name.value)) return false;
  const after = root.arguments?.find((argument) => argument.name.value === 'after');
  return !after || isNull(after.value, variables ?? {});
}

function isNull(value: ValueNode, variables: Record<string, unknown>): boolean {
  if (value.kind === Kind.NULL) return true;
  return value.kind === Kind.VARIABLE && variables[value.name.value] == null;
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
    const member = new Member(target, memberContext, this.feed, (m) => this.remove(m));
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
        const { errors, ...rest } = next.value;
        // The payload graphql-ws would build, serialised once for every member.
        const payload = JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
        const id = eventIdOf(next.value);
        const sequence = id === undefined ? undefined : Number(id);
        for (const member of this.members) member.deliver(payload, sequence);
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

  /** The feed's last delivered sequence when it joined: it gets only later events. */
  private readonly joinedAfter: number;

  constructor(
    private readonly target: GroupMemberTarget,
    context: Context,
    feed: EventFeed,
    private readonly leave: (member: Member) => void,
  ) {
    this.joinedAfter = feed.position;
    this.untrack = feed.track();
    this.prefix = `{"id":${JSON.stringify(target.operationId)},"type":"next","payload":`;
    void context.connection?.lease?.ended.then((reason) => this.end(reason));
  }

  deliver(payload: string, sequence: number | undefined): void {
    if (this.done || (sequence !== undefined && sequence <= this.joinedAfter)) return;
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
