/**
 * The parent's side of the WebSocket client pool: forks bench/ws-pool.ts children, deals the
 * subscribers out among them round-robin, and merges their answers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Histogram, Phase, PhaseTally, PoolReply, PoolRequest, SubscriberSpec } from './ws-protocol.js';

export interface Pool {
  size: number;
  connect(url: string, subscribers: SubscriberSpec[]): Promise<{ connected: number; failed: number; errors: string[] }>;
  status(atLeast: number): Promise<{ reached: number; received: number; failed: number; closed: number; completed: number; partial: number; empty: number; errors: string[] }>;
  /** Waits until `count` subscribers have a result with sequence >= atLeast (or the time is up). */
  waitFor(atLeast: number, count: number, limitMs: number): Promise<{ reached: number; ms: number }>;
  /**
   * Waits until `target` results have arrived in all (then half a second more, for duplicates), or
   * nothing more arrives for quietMs, or the time is up.
   */
  drain(quietMs: number, limitMs: number, target?: number): Promise<{ received: number; ms: number }>;
  events(phases: Phase[], expected: Record<number, number[]>, recordedAt: Record<number, number>): Promise<PhaseTally[]>;
  snapshots(changes: { sequence: number; recordedAt: number }[]): Promise<{ latency: Histogram; worst: number[]; missing: number }>;
  close(): Promise<void>;
}

class PoolChild {
  private waiting: ((reply: PoolReply) => void)[] = [];
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: PoolReply) => this.waiting.shift()?.(reply));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }
  /** One request at a time per child: replies come back in order. */
  ask(request: PoolRequest | null): Promise<PoolReply> {
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => (reply.type === 'error' ? reject(new Error(`client pool: ${reply.message}`)) : resolve(reply)));
      if (request) this.child.send(request);
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function mergeHistograms(into: Histogram, from: Histogram): Histogram {
  for (const [ms, n] of Object.entries(from)) into[Number(ms)] = (into[Number(ms)] ?? 0) + n;
  return into;
}

/** p-th percentile (0–100) of a histogram of whole milliseconds; null when empty. */
export function percentileOf(h: Histogram, p: number): number | null {
  const buckets = Object.entries(h).map(([ms, n]) => [Number(ms), n] as const).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((s, [, n]) => s + n, 0);
  if (!total) return null;
  const rank = Math.min(total - 1, Math.floor((total * p) / 100));
  let seen = 0;
  for (const [ms, n] of buckets) {
    seen += n;
    if (seen > rank) return ms;
  }
  return buckets[buckets.length - 1]![0];
}

export const countOf = (h: Histogram) => Object.values(h).reduce((s, n) => s + n, 0);

/** Forks `size` client processes; `nice`, if given, is their CPU priority (a diagnostic: BENCH_NICE_POOLS). */
export async function startPool(size: number, nice?: number): Promise<Pool> {
  const children = Array.from({ length: size }, () => {
    const child = fork(new URL('./ws-pool.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (nice !== undefined) setPriority(child.pid!, nice);
    return new PoolChild(child);
  });
  await Promise.all(children.map((c) => c.ask(null)));
  const all = (request: PoolRequest) => Promise.all(children.map((c) => c.ask(request)));
  let closed: Promise<void> | undefined;
  const pool: Pool = {
    size,
    async connect(url, subscribers) {
      const parts: SubscriberSpec[][] = children.map(() => []);
      subscribers.forEach((s, i) => parts[i % size]!.push(s));
      const replies = await Promise.all(children.map((c, i) => c.ask({ type: 'connect', url, subscribers: parts[i]!, concurrency: 32 })));
      const r = replies as Extract<PoolReply, { type: 'connected' }>[];
      return { connected: sum(r.map((x) => x.connected)), failed: sum(r.map((x) => x.failed)), errors: r.flatMap((x) => x.errors).slice(0, 5) };
    },
    async status(atLeast) {
      const r = (await all({ type: 'status', atLeast })) as Extract<PoolReply, { type: 'status' }>[];
      const total = (k: 'reached' | 'received' | 'failed' | 'closed' | 'completed' | 'partial' | 'empty') => sum(r.map((x) => x[k]));
      return { reached: total('reached'), received: total('received'), failed: total('failed'), closed: total('closed'), completed: total('completed'), partial: total('partial'), empty: total('empty'), errors: r.flatMap((x) => x.errors).slice(0, 5) };
    },
    async waitFor(atLeast, count, limitMs) {
      const started = performance.now();
      for (;;) {
        const { reached } = await pool.status(atLeast);
        const ms = performance.now() - started;
        if (reached >= count || ms > limitMs) return { reached, ms: Math.round(ms) };
        await sleep(20);
      }
    },
    async drain(quietMs, limitMs, target = Number.MAX_SAFE_INTEGER) {
      const started = performance.now();
      let last = -1;
      let since = performance.now();
      for (;;) {
        const { received } = await pool.status(Number.MAX_SAFE_INTEGER);
        if (received >= target) {
          await sleep(500);
          return { received: (await pool.status(Number.MAX_SAFE_INTEGER)).received, ms: Math.round(performance.now() - started) };
        }
        if (received !== last) {
          last = received;
          since = performance.now();
        }
        const ms = performance.now() - started;
        if (performance.now() - since >= quietMs || ms > limitMs) return { received, ms: Math.round(ms) };
        await sleep(100);
      }
    },
    async events(phases, expected, recordedAt) {
      const r = (await all({ type: 'events', phases, expected, recordedAt })) as Extract<PoolReply, { type: 'events' }>[];
      return phases.map((p, i) => {
        const rows = r.map((x) => x.phases[i]!);
        const n = (k: keyof Omit<PhaseTally, 'name' | 'latency'>) => sum(rows.map((x) => x[k]));
        return {
          name: p.name,
          latency: rows.reduce((h, x) => mergeHistograms(h, x.latency), {} as Histogram),
          expected: n('expected'),
          received: n('received'),
          lost: n('lost'),
          duplicated: n('duplicated'),
          unexpected: n('unexpected'),
          subscribersMissing: n('subscribersMissing'),
        };
      });
    },
    async snapshots(changes) {
      const r = (await all({ type: 'snapshots', changes })) as Extract<PoolReply, { type: 'snapshots' }>[];
      return {
        latency: r.reduce((h, x) => mergeHistograms(h, x.latency), {} as Histogram),
        worst: changes.map((_, i) => Math.max(...r.map((x) => x.worst[i]!))),
        missing: sum(r.map((x) => x.missing)),
      };
    },
    /** Closes every socket and ends the processes (once: a second call waits for the first). */
    close() {
      closed ??= (async () => {
        await all({ type: 'close' }).catch(() => {});
        for (const c of children) c.child.disconnect();
        await Promise.all(children.map((c) => c.exited));
      })();
      return closed;
    },
  };
  return pool;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
