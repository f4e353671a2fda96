/**
 * Preloaded into the API child for the live scenarios (`node --import tsx --import
 * ./bench/ws-sql-counter.ts src/main.ts`): counts every statement the process sends to PostgreSQL
 * (pg's Client#query, which Prisma's pg adapter and the raw sessions both go through) and answers
 * `{ type: 'sql' }` over the IPC channel with the totals. The server itself is unchanged.
 */
import pg from 'pg';

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET\s+TRANSACTION|START\s+TRANSACTION)\b/i;
let total = 0;
let control = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  total += 1;
  const first = args[0] as string | { text?: string } | undefined;
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  if (CONTROL.test(text)) control += 1;
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

if (process.send) {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'sql') process.send!({ type: 'sql', total, control });
  });
  // The channel must not keep the server alive at shutdown.
  (process.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
}
