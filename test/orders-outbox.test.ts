import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { createLogger } from '../src/logger.js';
import { OrdersCompleteDocument, OrdersLiveDocument } from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { type LiveClient, sseClient, wsClient } from './support/live-clients.js';
import { orderIn, orderWorld, placeAnonymously, type OrderWorld } from './support/order-fixtures.js';
import { OwnRedis } from './support/redis-server.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Service-order events go through the transactional outbox like roster events: one committed while
 * Redis is down still reaches a subscriber on another instance (from the outbox, and is relayed
 * once Redis is back, without a repeat), and a step that rolls back announces nothing. Two
 * instances share a PostgreSQL database and a Redis this file starts itself. Each request names
 * its role: the dispatcher is station A's SITE_MANAGER, residents are anonymous, the completing
 * step is teamA's leader.
 */

const silent = createLogger('silent');

function bus(redis: OwnRedis, prefix: string, name: string): AppBus {
  return createEventBus({ redisUrl: redis.url, channelPrefix: prefix, connectionName: `${prefix}${name}`, logger: silent });
}

/** Resolves when every Redis connection of these buses has gone down or come back. */
function connections(buses: AppBus[], event: 'close' | 'ready'): Promise<unknown> {
  const clients = buses.flatMap((b) => [b.redis!.publish, b.redis!.subscribe]);
  return Promise.all(clients.map((client) => new Promise((resolve) => client.once(event, resolve))));
}

describe('service-order events across two instances and a Redis outage', () => {
  let redis: OwnRedis;
  let busA: AppBus;
  let busB: AppBus;
  let a: TestServer;
  let b: TestServer;
  let w: OrderWorld;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    const prefix = `orders-outbox-${process.pid}-${randomBytes(3).toString('hex')}:`;
    busA = bus(redis, prefix, 'a');
    busB = bus(redis, prefix, 'b');
    a = await startTestServer('postgres', { pubsub: busA });
    b = await startTestServer('postgres', { pubsub: busB, databaseUrl: a.databaseUrl });
    await Promise.all([busA.ready, busB.ready]);
    w = await orderWorld(a, `（外发箱${randomBytes(2).toString('hex')}）`);
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await b?.close();
    await a?.close();
    await busA?.close();
    await busB?.close();
    await redis?.kill();
  });

  /** A dispatcher (station A's manager) following station A on instance B, over both transports. */
  async function dispatcherOnB(filter: Record<string, string>) {
    const started = b.live.subscriptionsStarted();
    const ws = wsClient(b.wsUrl, w.as.managerA);
    const sse = sseClient(b.url, w.as.managerA);
    clients.push(ws, sse);
    const subs = { 'B/graphql-ws': ws.subscribe(OrdersLiveDocument, { filter }), 'B/SSE': sse.subscribe(OrdersLiveDocument, { filter }) };
    await b.live.waitForSubscriptionsStarted(started + 2);
    return subs;
  }

  it('an order placed on A while Redis is down reaches the dispatcher on B, once, and is relayed when Redis is back', async () => {
    const subs = await dispatcherOnB({ siteId: gid('Site', w.sites.stationA.id) });

    const down = connections([busA, busB], 'close');
    await redis.kill();
    await down;
    const placed = await placeAnonymously(a, w);
    const rows = await a.db.prisma.outboxEvent.findMany({ where: { stream: 'serviceOrder', orderId: placed.dbId } });
    expect(rows).toMatchObject([{ kind: 'PLACED', previousKind: null, siteId: w.sites.stationA.id, sentAt: null }]);

    // B hears of it from the outbox, with Redis still down.
    for (const [name, sub] of Object.entries(subs)) {
      expect((await sub.results.next(20_000)).serviceOrderUpdated, name).toMatchObject({
        status: 'PLACED',
        previousStatus: null,
        serviceOrder: { id: placed.id },
      });
    }

    const up = connections([busA, busB], 'ready');
    await redis.restart();
    await up;
    await Promise.all([busA.roundTrip(), busB.roundTrip()]);
    await a.server.services.events.relay!.flush();
    expect(await a.db.prisma.outboxEvent.count({ where: { orderId: placed.dbId, sentAt: null } })).toBe(0);

    // The relayed copy is not heard again: the next thing B's dispatcher hears is a new order.
    const next = await placeAnonymously(a, w);
    for (const [name, sub] of Object.entries(subs)) {
      expect((await sub.results.next(20_000)).serviceOrderUpdated.serviceOrder?.id, name).toBe(next.id);
      expect(sub.results.unread, name).toBe(0);
      sub.stop();
    }
  });

  it('a step that rolls back publishes nothing; the committed retry is heard once', async () => {
    const order = await orderIn(a, w, 'IN_SERVICE', new Date());
    const subs = await dispatcherOnB({ orderId: order.id });
    const latestBefore = (await a.db.prisma.outboxCounter.findUniqueOrThrow({ where: { id: 1 } })).last;

    // The stranger is not in teamA: the order moved to COMPLETED inside the transaction, then the
    // service record was refused, and everything rolled back — the outbox row included.
    const refused = (
      await gql(
        a.url,
        OrdersCompleteDocument,
        { input: { id: order.id, volunteerIds: [gid('Volunteer', w.people.memberA1.id), gid('Volunteer', w.people.stranger.id)], minutes: 30, summary: '理发' } },
        w.as.leaderA,
      )
    ).completeServiceOrder;
    expect(refused.__typename).toBe('ConflictError');
    expect((await a.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: order.dbId } })).status).toBe('IN_SERVICE');
    expect(await a.db.prisma.outboxEvent.count({ where: { orderId: order.dbId } })).toBe(0);
    expect((await a.db.prisma.outboxCounter.findUniqueOrThrow({ where: { id: 1 } })).last).toBe(latestBefore);

    const done = expectType(
      (
        await gql(
          a.url,
          OrdersCompleteDocument,
          { input: { id: order.id, volunteerIds: [gid('Volunteer', w.people.memberA1.id)], minutes: 30, summary: '理发' } },
          w.as.leaderA,
        )
      ).completeServiceOrder,
      'CompleteServiceOrderPayload',
    );
    expect(done.serviceOrder.status).toBe('COMPLETED');
    for (const [name, sub] of Object.entries(subs)) {
      expect((await sub.results.next(20_000)).serviceOrderUpdated, name).toMatchObject({ status: 'COMPLETED', previousStatus: 'IN_SERVICE' });
    }
    expect(await a.db.prisma.outboxEvent.findMany({ where: { orderId: order.dbId }, select: { kind: true } })).toEqual([{ kind: 'COMPLETED' }]);
    // Nothing else is queued for this order: the refused attempt was never announced.
    for (const [name, sub] of Object.entries(subs)) {
      expect(sub.results.unread, name).toBe(0);
      sub.stop();
    }
  });
});
