/**
 * The few raw-SQL operations the migrator, health checks and tests need, over either driver.
 * A session is one connection: session-level advisory locks and transactions stay on it.
 */
export interface SqlSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script (no parameters). */
  exec(script: string): Promise<void>;
}

export interface SqlDriver {
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

/** A PostgreSQL identifier (table, column, constraint) quoted for SQL text. */
export const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
