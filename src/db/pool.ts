import pg from 'pg';

/**
 * The PostgreSQL pool, with a share of its connections kept for single statements.
 *
 * An interactive transaction holds a connection for its whole life, and under a burst of sign-ups
 * for the same shifts its life is mostly waiting: for the shift's row lock and for the outbox
 * counter, which every write takes last. Left alone, such transactions take every connection and
 * each read — a roster page, a duty board — queues behind them for seconds, though it needs a
 * connection for a millisecond. So sessions (`connect()` with no callback: Prisma's
 * `startTransaction`, the migrator and seeds) may hold at most `max - reserved` connections at once;
 * the rest wait in line here, holding nothing, while statements outside a transaction
 * (`query()`, which takes its connection with a callback) always find one of the `reserved`.
 */
export class ReservingPool extends pg.Pool {
  private readonly sessionLimit: number;
  private sessions = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(config: pg.PoolConfig & { max: number; reserved: number }) {
    const { reserved, ...rest } = config;
    super(rest);
    this.sessionLimit = Math.max(1, config.max - reserved);
  }

  /** Connections held by sessions now, and sessions waiting for one (for tests and monitoring). */
  sessionStats(): { held: number; waiting: number; limit: number } {
    return { held: this.sessions, waiting: this.waiting.length, limit: this.sessionLimit };
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    // With a callback: pg.Pool's own query() taking a connection for one statement.
    if (callback) return super.connect(callback as never);
    return this.openSession();
  }

  private async openSession(): Promise<pg.PoolClient> {
    if (this.sessions >= this.sessionLimit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.sessions += 1;
    let client: pg.PoolClient;
    try {
      client = await super.connect();
    } catch (error) {
      this.endSession();
      throw error;
    }
    const release = client.release.bind(client);
    let released = false;
    client.release = (error?: Error | boolean) => {
      if (!released) {
        released = true;
        this.endSession();
      }
      return release(error);
    };
    return client;
  }

  /** A session's connection went back: the next in line takes its place (the count stays). */
  private endSession(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.sessions -= 1;
  }
}
