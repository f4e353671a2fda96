/**
 * Preloaded into the API child for the live scenarios (`node --import tsx --import
 * ./bench/ws-sql-counter.ts src/main.ts`): counts every statement the process sends to PostgreSQL
 * (pg's Client#query, which Prisma's pg adapter and the raw sessions both go through) and answers
 * `{ type: 'sql' }` over the IPC channel with the totals (`recent`: the statements' texts; `gc`: a
 * full collection, with --expose-gc, and VmRSS and the V8 heap in use after it). The server itself is unchanged.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET\s+TRANSACTION|START\s+TRANSACTION)\b/i;
let total = 0;
let control = 0;
/** The statements since the last `recent` request (at most 500, first 160 characters of each). */
let recent: string[] = [];
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  total += 1;
  const first = args[0] as string | { text?: string } | undefined;
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  if (CONTROL.test(text)) control += 1;
  if (recent.length < 500) recent.push(text.replace(/\s+/g, ' ').slice(0, 160));
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

if (process.send) {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'sql') process.send!({ type: 'sql', total, control });
    if (message?.type === 'recent') {
      process.send!({ type: 'recent', texts: recent });
      recent = [];
    }
    // With --expose-gc: a full collection, then the resident set (KB) for the memory figure.
    if (message?.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
      process.send!({ type: 'gc', rssKb: Number(rss?.[1] ?? NaN), heapKb: Math.round(process.memoryUsage().heapUsed / 1024) });
    }
  });
  // The channel must not keep the server alive at shutdown.
  (process.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
}
