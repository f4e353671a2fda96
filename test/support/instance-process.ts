/**
 * One server instance as a process of its own, on an existing, migrated PostgreSQL database and a
 * Redis — for tests that crash a whole process. Prints `listening <url>` when it serves.
 *
 *   DATABASE_URL=… REDIS_URL=… REDIS_CHANNEL_PREFIX=… TEST_JWT_SECRET=<base64> [CRASH_AFTER_COMMIT=1] node --import tsx test/support/instance-process.ts
 *
 * TEST_JWT_SECRET is the test process's token secret, so the tokens its sessions hold work here too.
 *
 * With CRASH_AFTER_COMMIT=1 the process exits (code 70) right after the first command with events
 * commits — after the transaction, before anything is delivered or relayed.
 */
import { openDatabase } from '../../src/db/index.js';
import { createEventBus } from '../../src/events/topics.js';
import { createLogger } from '../../src/logger.js';
import { developmentTokens, startServer } from '../../src/server.js';

const CRASH_EXIT_CODE = 70;

// SIGTERM stops the instance cleanly (exit 0) whenever it arrives, even while it is still starting:
// the handler is in place before anything else runs.
let stopping: Promise<never> | undefined;
let running: { close(): Promise<void> } | undefined;
process.on('SIGTERM', () => {
  stopping ??= (async () => {
    try {
      await running?.close();
      process.exit(0);
    } catch (error) {
      console.error('instance-process: closing failed:', error);
      process.exit(1);
    }
  })();
});

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
const bus = createEventBus({
  redisUrl: process.env.REDIS_URL,
  channelPrefix: process.env.REDIS_CHANNEL_PREFIX,
  connectionName: `${process.env.REDIS_CHANNEL_PREFIX}child`,
  logger,
});
const crash = process.env.CRASH_AFTER_COMMIT === '1';
const server = await startServer(
  {
    db,
    logger,
    env: 'test',
    pubsub: bus,
    tokens: { ...developmentTokens(), secret: new Uint8Array(Buffer.from(process.env.TEST_JWT_SECRET ?? '', 'base64')) },
    events: { afterCommit: crash ? () => process.exit(CRASH_EXIT_CODE) : undefined },
  },
  { port: 0, host: '127.0.0.1' },
);
running = {
  async close() {
    await server.close(1_000);
    await bus.close();
    await db.close();
  },
};
await bus.ready;
console.log(`listening ${server.url}`);
