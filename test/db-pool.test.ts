import { afterAll, describe, expect, it } from 'vitest';
import { ReservingPool } from '../src/db/pool.js';
import { ADMIN_URL } from './support/postgres.js';

/*
 * The PostgreSQL pool keeps connections for single statements (src/db/pool.ts): sessions —
 * Prisma's interactive transactions, the migrator — hold at most `max - reserved` at once, and
 * the rest wait in line without holding one, so a read never queues behind a pile of
 * transactions waiting on row locks.
 */
describe('ReservingPool on PostgreSQL', () => {
  const pool = new ReservingPool({ connectionString: ADMIN_URL, max: 4, reserved: 2 });
  afterAll(() => pool.end());

  it('lets sessions take max − reserved connections, queues the next, and answers single statements meanwhile', async () => {
    const first = await pool.connect();
    const second = await pool.connect();
    expect(pool.sessionStats()).toEqual({ held: 2, waiting: 0, limit: 2 });

    let thirdIn = false;
    const third = pool.connect().then((client) => ((thirdIn = true), client));
    // The line is kept here, not in pg's pool: nothing was asked of it yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.sessionStats()).toEqual({ held: 2, waiting: 1, limit: 2 });
    expect(thirdIn).toBe(false);

    // Single statements, several at once, use the reserved connections while the sessions hold theirs.
    const answers = await Promise.all([1, 2, 3].map((n) => pool.query<{ n: number }>('SELECT $1::int AS n', [n])));
    expect(answers.map((a) => a.rows[0]!.n)).toEqual([1, 2, 3]);
    expect(thirdIn).toBe(false);

    // A session ends: the one in line takes its place.
    first.release();
    const client = await third;
    expect(thirdIn).toBe(true);
    expect(pool.sessionStats()).toEqual({ held: 2, waiting: 0, limit: 2 });
    expect((await client.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]!.ok).toBe(1);

    // Every session ended: nothing held, nobody waiting.
    client.release();
    second.release();
    expect(pool.sessionStats()).toEqual({ held: 0, waiting: 0, limit: 2 });
  });

  it('a session whose connection cannot be opened gives its place back', async () => {
    const broken = new ReservingPool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', max: 2, reserved: 1, connectionTimeoutMillis: 2_000 });
    await expect(broken.connect()).rejects.toThrow();
    expect(broken.sessionStats()).toEqual({ held: 0, waiting: 0, limit: 1 });
    await broken.end();
  });
});
