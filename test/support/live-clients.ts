import { type Client as SseClient, createClient as createSseClient } from 'graphql-sse';
import { type Client as WsClient, createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentString } from '../generated/graphql.js';

/**
 * One subscription's results as a queue: `next()` waits for the next result. The wait has a
 * generous limit only so that a missing event fails the test instead of hanging it.
 */
export class ResultQueue<T> {
  readonly received: { data?: T; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }[] = [];
  private readonly waiters: (() => void)[] = [];
  private read = 0;
  completed = false;
  failure: unknown;

  push(result: { data?: T | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) {
    this.received.push({ data: result.data ?? undefined, errors: result.errors });
    this.wake();
  }

  fail(error: unknown) {
    this.failure = error;
    this.wake();
  }

  complete() {
    this.completed = true;
    this.wake();
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** The next result not yet read. */
  async nextResult(limitMs = 10_000) {
    const deadline = Date.now() + limitMs;
    while (this.read >= this.received.length) {
      if (this.failure) throw new Error(`subscription failed: ${describe(this.failure)}`);
      if (this.completed) throw new Error('subscription completed before the expected result');
      if (Date.now() > deadline) throw new Error(`no result within ${limitMs} ms (received ${this.received.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received[this.read++]!;
  }

  /** The data of the next result, failing on GraphQL errors. */
  async next(limitMs?: number): Promise<T> {
    const result = await this.nextResult(limitMs);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /** The next n results not yet read (data and errors, as sent). */
  async nextResults(n: number, limitMs?: number) {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await this.nextResult(limitMs));
    return results;
  }

  /** The data of the next n results, failing on GraphQL errors. */
  async take(n: number, limitMs?: number): Promise<T[]> {
    const data: T[] = [];
    for (let i = 0; i < n; i++) data.push(await this.next(limitMs));
    return data;
  }

  /** Reads results until one satisfies the predicate; returns it and how many were read. */
  async until(predicate: (data: T) => boolean, limitMs?: number): Promise<{ data: T; count: number }> {
    for (let count = 1; ; count++) {
      const data = await this.next(limitMs);
      if (predicate(data)) return { data, count };
    }
  }

  /** Results received but not read yet. */
  get unread(): number {
    return this.received.length - this.read;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) return `close code ${(error as { code: number }).code}`;
  return String(error);
}

export interface LiveClient {
  subscribe<T, V>(document: TypedDocumentString<T, V>, variables: V): { results: ResultQueue<T>; stop: () => void };
  dispose(): Promise<void>;
}

/**
 * A graphql-ws client over a real WebSocket, acting as whoever `connectionParams` names (a role's
 * headers, e.g. `t.admin`, or `{}` for anonymous). `closes` records the close codes it sees.
 */
export function wsClient(url: string, connectionParams: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>)) {
  const closes: number[] = [];
  let opened = 0;
  const client: WsClient = createWsClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: {
      opened: () => {
        opened += 1;
      },
      closed: (event) => {
        closes.push((event as { code: number }).code);
      },
    },
  });
  return {
    closes,
    get connectionsOpened() {
      return opened;
    },
    subscribe<T, V>(document: TypedDocumentString<T, V>, variables: V) {
      const results = new ResultQueue<T>();
      const stop = client.subscribe<T>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        { next: (r) => results.push(r as never), error: (e) => results.fail(e), complete: () => results.complete() },
      );
      return { results, stop };
    },
    dispose: async () => {
      await client.dispose();
    },
  } satisfies LiveClient & Record<string, unknown>;
}

/** A graphql-sse client in distinct-connections mode (one HTTP stream per subscription), acting as `headers` (`{}`: anonymous). */
export function sseClient(url: string, headers: Record<string, string>): LiveClient {
  const client: SseClient = createSseClient({ url, singleConnection: false, retryAttempts: 0, headers });
  return {
    subscribe<T, V>(document: TypedDocumentString<T, V>, variables: V) {
      const results = new ResultQueue<T>();
      const stop = client.subscribe<T>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        { next: (r) => results.push(r as never), error: (e) => results.fail(e), complete: () => results.complete() },
      );
      return { results, stop };
    },
    dispose: async () => {
      client.dispose();
    },
  };
}

/**
 * The live clients a suite opens, disposed together in its afterAll: `ws` and `sse` open one as
 * wsClient and sseClient do (the role is what the headers carry).
 */
export function clientSet() {
  const open: LiveClient[] = [];
  const track = <C extends LiveClient>(client: C) => (open.push(client), client);
  return {
    ws: (url: string, headers: Record<string, string>) => track(wsClient(url, headers)),
    sse: (url: string, headers: Record<string, string>) => track(sseClient(url, headers)),
    disposeAll: () => Promise.all(open.splice(0).map((c) => c.dispose())),
  };
}
