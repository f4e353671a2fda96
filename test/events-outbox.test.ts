import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import type { PrismaClient } from '../src/db/index.js';
import { EventFeed } from '../src/events/feed.js';
import { type LiveEvent, ResumePointError, appendToOutbox, checkResumePoint, eventsAfter, outboxPosition } from '../src/events/outbox.js';
import { RELAY_BATCH, Relay } from '../src/events/relay.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { createLogger } from '../src/logger.js';
import { type RosterChange, shiftChange } from '../src/roster/events.js';
import { futureSlot, makeShift, rosterWorld, type RosterWorld } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * The outbox, the relay and the feed as functions, against a real database, with the clock set by
 * the test. (The same pieces behind a running server: test/events-resume.test.ts and
 * test/events-outage.test.ts.)
 */

const silent = createLogger('silent');

/** Collects every batch published on the bus's outbox topic, flattened. */
function collect(bus: AppBus) {
  const received: LiveEvent[] = [];
  const iterator = bus.pubsub.subscribe('rosterOutbox')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      received.push(...next.value);
    }
  })();
  return { received, stop: () => iterator.return?.() };
}

describe.each(DATABASE_KINDS)('outbox, relay and feed on %s', (kind) => {
  const clock = manualClock('2026-12-01T08:00:00.000Z');
  let t: TestServer;
  let prisma: PrismaClient;
  let world: RosterWorld;
  let shiftId: number;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    prisma = t.db.prisma;
    world = await rosterWorld(prisma, randomBytes(3).toString('hex'));
    shiftId = (await makeShift(prisma, { projectId: world.projectId, postId: world.postId, ...futureSlot(5) })).id;
  });
  afterAll(() => t?.close());

  const changes = (n: number): RosterChange[] =>
    Array.from({ length: n }, () => shiftChange('SHIFT_UPDATED', shiftId, clock.now()));
  /** Appends in a transaction of its own, then reads the rows back as committed: numbered at COMMIT. */
  const append = async (n: number, markSent: boolean): Promise<LiveEvent[]> => {
    const { latest } = await outboxPosition(prisma);
    const pending = await prisma.$transaction((tx) => appendToOutbox(tx, changes(n), clock.now(), { markSent }));
    const committed = await eventsAfter(prisma, latest, n + 1);
    expect(committed).toHaveLength(pending.length);
    return committed;
  };
  const markAllSent = () => prisma.outboxEvent.updateMany({ where: { sentAt: null }, data: { sentAt: clock.now() } });

  it('hands out gapless sequences and carries what subscribers filter on, read in the transaction', async () => {
    const { latest } = await outboxPosition(prisma);
    const events = await append(3, true);
    expect(events.map((e) => e.sequence)).toEqual([latest + 1, latest + 2, latest + 3]);
    expect(events[0]).toMatchObject({
      kind: 'SHIFT_UPDATED',
      shiftId,
      sitePath: world.sites.stationA.path,
      postId: world.postId,
      projectId: world.projectId,
      organizerId: world.teamId,
      occurredAt: clock.now().toISOString(),
    });
    expect((await outboxPosition(prisma)).latest).toBe(latest + 3);
  });

  // Only PostgreSQL runs two transactions at once (PGlite has one connection).
  if (kind === 'postgres') it('numbers events at COMMIT, in commit order, holding nothing while a writer is still open', async () => {
    const { latest } = await outboxPosition(prisma);
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    let appended!: () => void;
    const first = new Promise<void>((resolve) => (appended = resolve));
    // A writes first and stays open; B writes after it and commits while A is still open.
    const a = prisma.$transaction(async (tx) => {
      await appendToOutbox(tx, changes(2), clock.now(), { markSent: true });
      appended();
      await held;
    });
    await first;
    // Other transactions see none of A's rows, numbered or pending.
    expect(await prisma.outboxEvent.count({ where: { OR: [{ sequence: { gt: BigInt(latest) } }, { sequence: { lt: 0n } }] } })).toBe(0);
    const b = await append(1, true);
    expect(b.map((e) => e.sequence)).toEqual([latest + 1]);
    finish();
    await a;
    const all = await eventsAfter(prisma, latest, 10);
    expect(all.map((e) => e.sequence)).toEqual([latest + 1, latest + 2, latest + 3]);
    expect((await outboxPosition(prisma)).latest).toBe(latest + 3);
    expect(await prisma.outboxEvent.count({ where: { sequence: { lt: 0n } } })).toBe(0);
  });

  it('a rolled-back transaction takes its rows and its sequences with it', async () => {
    const { latest } = await outboxPosition(prisma);
    await expect(
      prisma.$transaction(async (tx) => {
        await appendToOutbox(tx, changes(2), clock.now(), { markSent: true });
        throw new Error('the rule failed after all');
      }),
    ).rejects.toThrow('the rule failed after all');
    expect(await prisma.outboxEvent.count({ where: { sequence: { gt: BigInt(latest) } } })).toBe(0);
    expect((await append(1, true))[0]!.sequence).toBe(latest + 1);
  });

  it('refuses a change that names no shift, writing nothing', async () => {
    const { latest } = await outboxPosition(prisma);
    await expect(
      prisma.$transaction((tx) =>
        appendToOutbox(tx, [shiftChange('SHIFT_CREATED', 987_654, clock.now())], clock.now(), { markSent: true }),
      ),
    ).rejects.toThrow(/name no existing shift/);
    expect((await outboxPosition(prisma)).latest).toBe(latest);
  });

  it('prunes by the injected clock, as a prefix, never past an unsent row; older resume points are refused', async () => {
    await markAllSent();
    clock.set('2026-12-01T08:00:00.000Z');
    const [old] = await append(1, true);
    const [unsent] = await append(1, false);
    clock.set('2026-12-03T09:00:00.000Z'); // 49 hours later
    const [recent] = await append(1, true);

    // `unsent` is old enough but still waits for the relay: the prune stops before it. (The
    // server's prune first lets the notification worker catch up; pruning never passes its cursor.)
    await t.server.services.events.prune();
    const kept = (await prisma.outboxEvent.findMany({ select: { sequence: true } })).map((r) => Number(r.sequence));
    expect(kept).not.toContain(old!.sequence);
    expect(kept).toEqual(expect.arrayContaining([unsent!.sequence, recent!.sequence]));
    expect((await outboxPosition(prisma)).prunedThrough).toBe(old!.sequence);

    await expect(checkResumePoint(prisma, old!.sequence - 1)).rejects.toBeInstanceOf(ResumePointError);
    await expect(checkResumePoint(prisma, old!.sequence)).resolves.toBeUndefined();
    await expect(checkResumePoint(prisma, recent!.sequence + 1)).rejects.toThrow(/ahead of the event log/);

    // Once relayed, the old row goes too; the recent one stays for its 48 hours.
    await markAllSent();
    expect(await t.server.services.events.prune()).toBe(1);
    expect(await prisma.outboxEvent.findUnique({ where: { sequence: BigInt(unsent!.sequence) } })).toBeNull();
    expect(await prisma.outboxEvent.findUnique({ where: { sequence: BigInt(recent!.sequence) } })).not.toBeNull();
    await expect(checkResumePoint(prisma, old!.sequence)).rejects.toThrow(/no longer kept/);
  });

  it('the relay publishes unsent rows in order, in batches, and marks them sent at the clock’s time', async () => {
    await markAllSent();
    const bus = createEventBus({ logger: silent });
    const relay = new Relay(prisma, bus, clock, silent);
    const sink = collect(bus);
    const events = await append(RELAY_BATCH * 2 + 7, false);
    clock.set('2026-12-04T10:00:00.000Z');
    expect(await relay.flush()).toBe(events.length);
    expect(sink.received.map((e) => e.sequence)).toEqual(events.map((e) => e.sequence));
    const rows = await prisma.outboxEvent.findMany({ where: { sequence: { gte: BigInt(events[0]!.sequence) } } });
    expect(new Set(rows.map((r) => r.sentAt?.toISOString()))).toEqual(new Set(['2026-12-04T10:00:00.000Z']));
    expect(await relay.flush()).toBe(0);
    sink.stop();
  });

  it('the relay marks nothing when the bus is down or does not confirm, and relays on a later pass', async () => {
    await markAllSent();
    const bus = createEventBus({ logger: silent });
    const down: AppBus = { ...bus, healthy: () => false };
    const refusing: AppBus = { ...bus, publishConfirmed: () => Promise.reject(new Error('Redis did not confirm')) };
    const [event] = await append(1, false);
    expect(await new Relay(prisma, down, clock, silent).pass()).toBe(-1);
    expect(await new Relay(prisma, refusing, clock, silent).pass()).toBe(-1);
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { sequence: BigInt(event!.sequence) } })).sentAt).toBeNull();
    const sink = collect(bus);
    expect(await new Relay(prisma, bus, clock, silent).flush()).toBe(1);
    expect(sink.received.map((e) => e.sequence)).toEqual([event!.sequence]);
    sink.stop();
  });

  // Only PostgreSQL has concurrent connections to contend for the relay's lock (PGlite has one).
  if (kind === 'postgres') it('two relays at once publish each row once, in order (one holds the lock)', async () => {
    await markAllSent();
    const bus = createEventBus({ logger: silent });
    const sink = collect(bus);
    const events = await append(RELAY_BATCH * 3, false);
    const relays = [new Relay(prisma, bus, clock, silent), new Relay(prisma, bus, clock, silent)];
    // Both keep trying until nothing is left unsent.
    while ((await prisma.outboxEvent.count({ where: { sentAt: null } })) > 0) {
      await Promise.all(relays.map((r) => r.flush()));
    }
    expect(sink.received.map((e) => e.sequence)).toEqual(events.map((e) => e.sequence));
    sink.stop();
  });

  it('the feed delivers in sequence order, fills gaps from the outbox, drops repeats and catches up', async () => {
    await markAllSent();
    const feed = new EventFeed(prisma, silent);
    await feed.start();
    const listener = feed.listen();
    const [e1, e2, e3] = await append(3, true);
    // e3 first: e1 and e2 must be committed (sequences follow commit order), so they are read first.
    await feed.offer([e3!]);
    await feed.offer([e2!, e1!, e3!]);
    const [e4] = await append(1, true);
    await feed.catchUp();
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await listener.next()).value!.sequence);
    expect(got).toEqual([e1, e2, e3, e4].map((e) => e!.sequence));
    expect(feed.position).toBe(e4!.sequence);
    await feed.close();
    expect((await listener.next()).done).toBe(true);
  });

  it('a shared (group) listener is paced: a burst reaches it over turns of the event loop, all of it and in order', async () => {
    await markAllSent();
    const feed = new EventFeed(prisma, silent);
    await feed.start();
    const shared = [feed.listen({ shared: true }), feed.listen({ shared: true })];
    const plain = feed.listen();
    const burst = await append(600, true);
    await feed.offer(burst);
    // Each consumer reads its queued events back to back; a turn of the event loop (setImmediate)
    // counts how many the shared ones had read by then. Unpaced, a consumer reads its whole queue
    // in one run of microtasks, before any turn.
    let turns = 0;
    const readAtTurn: number[] = [];
    const counts = [0, 0];
    const ticker = () => {
      turns += 1;
      readAtTurn.push(counts[0]! + counts[1]!);
      if (counts[0]! + counts[1]! < 2 * burst.length) setImmediate(ticker);
    };
    setImmediate(ticker);
    const read = await Promise.all([
      ...shared.map(async (listener, i) => {
        const got: number[] = [];
        for (let n = 0; n < burst.length; n++) {
          got.push((await listener.next()).value!.sequence);
          counts[i] += 1;
        }
        return got;
      }),
      (async () => {
        const got: number[] = [];
        for (let n = 0; n < burst.length; n++) got.push((await plain.next()).value!.sequence);
        return { got, turnsSeen: turns };
      })(),
    ]);
    const sequences = burst.map((e) => e.sequence);
    expect(read[0]).toEqual(sequences);
    expect(read[1]).toEqual(sequences);
    expect((read[2] as { got: number[] }).got).toEqual(sequences);
    // The unshared listener read all 600 before the first turn; the shared ones took many turns.
    expect((read[2] as { turnsSeen: number }).turnsSeen).toBe(0);
    expect(turns).toBeGreaterThan(4);
    expect(readAtTurn[0]).toBeLessThan(2 * burst.length);
    for (const listener of [...shared, plain]) await listener.return();
    await feed.close();
  });

  it('the feed ends its listeners with EVENTS_UNAVAILABLE when the outbox cannot be read', async () => {
    const feed = new EventFeed(prisma, silent);
    await feed.start();
    const listener = feed.listen();
    const [, second] = await append(2, true);
    // Stands in for a database that went away: the gap before `second` cannot be filled.
    const broken = new EventFeed(
      { ...prisma, outboxCounter: prisma.outboxCounter, outboxEvent: { findMany: () => Promise.reject(new Error('connection lost')) } } as never,
      silent,
    );
    await broken.start().catch(() => {});
    (broken as unknown as { delivered: number }).delivered = second!.sequence - 2;
    const stranded = broken.listen();
    await broken.offer([second!]);
    await expect(stranded.next()).rejects.toMatchObject({ extensions: { code: 'EVENTS_UNAVAILABLE' } });
    await listener.return();
    await feed.close();
    await broken.close();
  });
});
