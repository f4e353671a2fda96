/**
 * A pool of graphql-ws clients (the `ws` package), run as a child process by bench/ws-clients.ts so
 * that thousands of sockets never share the API's or the driver's event loop. One socket and one
 * subscription per subscriber. It records, per subscriber, the `sequence` of every result and when
 * it arrived (wall clock, the same clock as the API's outbox `recordedAt`), and answers the
 * parent's questions over IPC; the parent tells it what each subscriber should have received.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { PoolReply, PoolRequest, SubscriberSpec } from './ws-protocol.js';

interface Subscriber {
  spec: SubscriberSpec;
  client: Client;
  seqs: number[];
  times: number[];
  /** Results with GraphQL errors (partial data: e.g. a field anonymous clients may not read). */
  partial: number;
  /** Results without a sequence (the subscription failed, or its root field was null). */
  empty: number;
  failed: string | null;
  closed: boolean;
  /** The server completed the subscription. */
  completed: boolean;
}

const subscribers: Subscriber[] = [];
const firstErrors = new Set<string>();
const now = () => performance.timeOrigin + performance.now();
const note = (message: string) => {
  if (firstErrors.size < 5) firstErrors.add(message.slice(0, 300));
};

function open(url: string, spec: SubscriberSpec): Promise<Subscriber> {
  return new Promise((resolve) => {
    let settled = false;
    const sub: Subscriber = { spec, client: undefined as unknown as Client, seqs: [], times: [], partial: 0, empty: 0, failed: null, closed: false, completed: false };
    const done = () => {
      if (!settled) {
        settled = true;
        resolve(sub);
      }
    };
    sub.client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: spec.authorization ? { authorization: spec.authorization } : {},
      on: {
        connected: done,
        closed: (event) => {
          sub.closed = true;
          const code = (event as { code?: number })?.code;
          if (!settled) {
            sub.failed = `closed before ack (${code})`;
            note(sub.failed);
          }
          done();
        },
        error: (error) => {
          sub.failed ??= String((error as Error)?.message ?? error);
          done();
        },
      },
    });
    sub.client.subscribe(
      { query: spec.query, variables: spec.variables },
      {
        next(result) {
          const at = now();
          if (result.errors?.length) {
            sub.partial += 1;
            note(JSON.stringify(result.errors[0]));
          }
          const data = result.data as Record<string, { sequence?: number } | null> | null | undefined;
          const root = data ? Object.values(data)[0] : null;
          if (root && typeof root.sequence === 'number') {
            sub.seqs.push(root.sequence);
            sub.times.push(at);
          } else sub.empty += 1;
        },
        error(error) {
          sub.failed ??= Array.isArray(error) ? JSON.stringify(error[0]) : String((error as Error)?.message ?? (error as { code?: number })?.code ?? error);
          note(sub.failed);
        },
        complete() {
          sub.completed = true;
        },
      },
    );
  });
}

async function connect(url: string, specs: SubscriberSpec[], concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next < specs.length) subscribers.push(await open(url, specs[next++]!));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
}

type Histogram = Record<number, number>;
const add = (h: Histogram, ms: number) => {
  const bucket = Math.max(0, Math.round(ms));
  h[bucket] = (h[bucket] ?? 0) + 1;
};

async function handle(message: PoolRequest): Promise<PoolReply> {
  switch (message.type) {
    case 'connect': {
      await connect(message.url, message.subscribers, message.concurrency);
      return { type: 'connected', connected: subscribers.filter((s) => !s.failed).length, failed: subscribers.filter((s) => s.failed).length, errors: [...firstErrors] };
    }
    case 'status': {
      // Subscribers that received a result with sequence >= atLeast; what arrived in total.
      let reached = 0;
      let received = 0;
      for (const s of subscribers) {
        received += s.seqs.length;
        if ((s.seqs[s.seqs.length - 1] ?? -1) >= message.atLeast) reached += 1;
      }
      return {
        type: 'status',
        reached,
        received,
        failed: subscribers.filter((s) => s.failed).length,
        closed: subscribers.filter((s) => s.closed).length,
        completed: subscribers.filter((s) => s.completed).length,
        partial: subscribers.reduce((n, s) => n + s.partial, 0),
        empty: subscribers.reduce((n, s) => n + s.empty, 0),
        errors: [...firstErrors],
      };
    }
    case 'events': {
      // Each subscriber against its class's expected sequences, per phase (a range of sequences).
      const phases = message.phases.map((p) => ({ name: p.name, latency: {} as Histogram, expected: 0, received: 0, lost: 0, duplicated: 0, unexpected: 0, subscribersMissing: 0 }));
      for (const s of subscribers) {
        if (s.failed) continue;
        const expected = new Set(message.expected[s.spec.cls] ?? []);
        const count = new Map<number, number>();
        s.seqs.forEach((seq, i) => {
          const phase = message.phases.findIndex((p) => seq > p.after && seq <= p.through);
          if (phase < 0) return;
          const n = (count.get(seq) ?? 0) + 1;
          count.set(seq, n);
          const row = phases[phase]!;
          row.received += 1;
          if (!expected.has(seq)) row.unexpected += 1;
          else if (n > 1) row.duplicated += 1;
          else add(row.latency, s.times[i]! - message.recordedAt[seq]!);
        });
        message.phases.forEach((p, i) => {
          let missing = 0;
          for (const seq of expected) if (seq > p.after && seq <= p.through) {
            phases[i]!.expected += 1;
            if (!count.has(seq)) missing += 1;
          }
          phases[i]!.lost += missing;
          if (missing) phases[i]!.subscribersMissing += 1;
        });
      }
      return { type: 'events', phases };
    }
    case 'snapshots': {
      // For each change, the first snapshot at or after its sequence, at every subscriber.
      const latency: Histogram = {};
      const worst = message.changes.map(() => 0);
      let missing = 0;
      for (const s of subscribers) {
        if (s.failed) continue;
        message.changes.forEach((change, i) => {
          const at = s.seqs.findIndex((seq) => seq >= change.sequence);
          if (at < 0) return void (missing += 1);
          const ms = s.times[at]! - change.recordedAt;
          add(latency, ms);
          worst[i] = Math.max(worst[i]!, ms);
        });
      }
      return { type: 'snapshots', latency, worst, missing };
    }
    case 'close': {
      await Promise.all(subscribers.map((s) => s.client.dispose()));
      subscribers.length = 0;
      return { type: 'closed' };
    }
  }
}

process.on('message', (message: PoolRequest) => {
  handle(message).then(
    (reply) => process.send!(reply),
    (error: Error) => process.send!({ type: 'error', message: error.stack ?? String(error) } satisfies PoolReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' } satisfies PoolReply);
