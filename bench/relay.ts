import { openDatabase } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';
import { createEventBus } from '../src/events/topics.js';
import { createLogger } from '../src/logger.js';
import { createScratchDatabase } from '../test/support/postgres.js';

const logger = createLogger('silent');

/* The relay's throughput on PostgreSQL (issue 9): run by bench/index.ts after the load scenarios. */

/**
 * The relay's throughput on PostgreSQL: N unsent outbox rows published (through Redis when it
 * answers, else the in-memory bus) in batches and marked sent. Uses BENCH_DATABASE_URL when it is
 * PostgreSQL, else a scratch database on the local server (dropped afterwards).
 */
export async function relayThroughput(events: number): Promise<void> {
  const N = Number(process.env.BENCH_RELAY_EVENTS ?? events);
  const { rosterWorld, makeShift, futureSlot } = await import('../test/support/roster-fixtures.js');
  const { appendToOutbox } = await import('../src/events/outbox.js');
  const { Relay } = await import('../src/events/relay.js');
  const { shiftChange } = await import('../src/roster/events.js');
  const { systemClock } = await import('../src/common/clock.js');
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  try {
    scratch = process.env.BENCH_DATABASE_URL ? undefined : await createScratchDatabase('bench');
  } catch (error) {
    console.log(`\nrelay throughput: skipped (no PostgreSQL: ${(error as Error).message})`);
    return;
  }
  const pg = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL ?? scratch!.url });
  try {
    await migrate(pg.sql);
    const world = await rosterWorld(pg.prisma, `bench-${process.pid}`);
    const shift = await makeShift(pg.prisma, { projectId: world.projectId, postId: world.postId, ...futureSlot(300) });
    const appendStarted = performance.now();
    for (let done = 0; done < N; done += 1000) {
      const changes = Array.from({ length: Math.min(1000, N - done) }, () => shiftChange('SHIFT_UPDATED', shift.id, new Date()));
      await pg.prisma.$transaction((tx) => appendToOutbox(tx, changes, new Date(), { markSent: false }));
    }
    const appendSeconds = (performance.now() - appendStarted) / 1000;

    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    let relayBus = createEventBus({ redisUrl, channelPrefix: `bench-${process.pid}:`, logger });
    const reachable = await Promise.race([relayBus.ready.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
    if (!reachable) {
      await relayBus.close();
      relayBus = createEventBus({ logger });
    }
    let received = 0;
    const listener = relayBus.pubsub.subscribe('rosterOutbox')[Symbol.asyncIterator]();
    const counting = (async () => {
      while (received < N) {
        const next = await listener.next();
        if (next.done) return;
        received += next.value.length;
      }
    })();
    const relay = new Relay(pg.prisma, relayBus, systemClock, logger);
    const started = performance.now();
    const sent = await relay.flush();
    await counting;
    const seconds = (performance.now() - started) / 1000;
    await listener.return?.();
    await relayBus.close();
    console.log(`\nOutbox on PostgreSQL, ${N} events:`);
    console.log(`  written in 1000-event transactions: ${Math.round(N / appendSeconds)} events/s`);
    console.log(
      `  relayed (${relayBus.transport === 'redis' ? 'through Redis' : 'in-memory bus'}, batches of ${500}, marked sent): ${sent} sent, ${received} received, ${Math.round(N / seconds)} events/s`,
    );
  } finally {
    await pg.close();
    await scratch?.drop();
  }
}
