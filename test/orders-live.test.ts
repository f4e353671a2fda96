import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { OrdersClaimDocument, OrdersDispatchDocument, OrdersLiveDocument, OrdersLiveTrackingDocument, OrdersPlaceDocument } from './generated/graphql.js';
import { gql } from './support/client.js';
import { gid, uniquePhone } from './support/fixtures.js';
import { sseClient, wsClient } from './support/live-clients.js';
import { orderWorld, placeAnonymously, type OrderWorld } from './support/order-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * serviceOrderUpdated over graphql-ws and SSE: a station's dispatcher hears of new orders there
 * and of nothing elsewhere; a resident with a tracking code follows their own order; volunteers
 * hear only of their own orders; anonymous clients need a tracking code. Each client names the
 * role it connects as.
 */

describe.each(DATABASE_KINDS)('serviceOrderUpdated on %s', (kind) => {
  let t: TestServer;
  let bus: AppBus;
  let w: OrderWorld;
  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer(kind, { pubsub: bus });
    w = await orderWorld(t, `（实时${kind}）`);
  });
  afterAll(() => t?.close());

  it('reaches the right dispatcher and nobody else; a tracking code follows its own order', async () => {
    const dispatcherA = wsClient(t.wsUrl, w.as.managerA);
    const dispatcherB = sseClient(t.url, w.as.managerB);
    const volunteer = wsClient(t.wsUrl, w.as.stranger);
    const started = t.live.subscriptionsStarted();
    const a = dispatcherA.subscribe(OrdersLiveDocument, { filter: { siteId: gid('Site', w.sites.stationA.id) } });
    const b = dispatcherB.subscribe(OrdersLiveDocument, {});
    const v = volunteer.subscribe(OrdersLiveDocument, {});
    await t.live.waitForSubscriptionsStarted(started + 3);
    try {
      // Station B first: if it leaked to A's dispatcher it would be the first thing A hears.
      const atB = await placeAnonymously(t, w, { siteId: gid('Site', w.sites.stationB.id), menuItemId: null, category: 'ERRANDS', description: '代购药品' });
      const atA = await placeAnonymously(t, w);
      const first = (await a.results.next()).serviceOrderUpdated;
      expect(first).toMatchObject({ status: 'PLACED', previousStatus: null, serviceOrder: { id: atA.id, site: { id: gid('Site', w.sites.stationA.id) } } });
      expect((await b.results.next()).serviceOrderUpdated.serviceOrder?.id).toBe(atB.id);

      // A resident follows the station-A order by its code, over SSE and over WebSocket, anonymously.
      const anonymousSse = sseClient(t.url, w.as.anonymous);
      const anonymousWs = wsClient(t.wsUrl, w.as.anonymous);
      const before = t.live.subscriptionsStarted();
      const tracked = anonymousSse.subscribe(OrdersLiveTrackingDocument, { filter: { trackingCode: atA.trackingCode } });
      const trackedWs = anonymousWs.subscribe(OrdersLiveTrackingDocument, { filter: { trackingCode: atA.trackingCode } });
      // Without a code an anonymous client is refused.
      const refused = anonymousWs.subscribe(OrdersLiveTrackingDocument, {});
      await t.live.waitForSubscriptionsStarted(before + 2);

      await gql(t.url, OrdersDispatchDocument, { input: { id: atB.id, teamId: gid('Team', w.teams.teamB.id) } }, w.as.managerB);
      await gql(t.url, OrdersDispatchDocument, { input: { id: atA.id, teamId: gid('Team', w.teams.teamA.id) } }, w.as.managerA);
      await gql(t.url, OrdersClaimDocument, { input: { id: atA.id, teamId: gid('Team', w.teams.teamA.id) } }, w.as.leaderA);
      for (const queue of [tracked.results, trackedWs.results]) {
        expect((await queue.next()).serviceOrderUpdated).toEqual({ status: 'DISPATCHED', previousStatus: 'PLACED', tracking: { status: 'DISPATCHED' } });
        expect((await queue.next()).serviceOrderUpdated).toMatchObject({ status: 'ACCEPTED', tracking: { status: 'ACCEPTED' } });
      }
      const denial = await refused.results.nextResult();
      expect(denial.errors?.[0]?.message).toMatch(/tracking code/);

      // A's dispatcher: the two station-A steps, nothing of station B's dispatch.
      expect((await a.results.next()).serviceOrderUpdated).toMatchObject({ status: 'DISPATCHED', serviceOrder: { id: atA.id } });
      expect((await a.results.next()).serviceOrderUpdated).toMatchObject({ status: 'ACCEPTED', serviceOrder: { id: atA.id } });
      // B's manager: B's dispatch, then nothing of station A — the next thing is another B order.
      expect((await b.results.next()).serviceOrderUpdated).toMatchObject({ status: 'DISPATCHED', serviceOrder: { id: atB.id } });
      const againB = await placeAnonymously(t, w, { siteId: gid('Site', w.sites.stationB.id), menuItemId: null, category: 'OTHER', description: '修水管' });
      expect((await b.results.next()).serviceOrderUpdated.serviceOrder?.id).toBe(againB.id);

      // The volunteer heard none of it; their own order is the first thing they hear.
      const own = await gql(
        t.url,
        OrdersPlaceDocument,
        { input: { siteId: gid('Site', w.sites.stationA.id), category: 'COMPANIONSHIP', description: '陪老人聊天', address: '东门社区2号', requesterPhone: uniquePhone() } },
        w.as.stranger,
      );
      const ownId = (own.placeServiceOrder as { serviceOrder?: { id: string } | null }).serviceOrder?.id;
      expect(ownId).toBeDefined();
      expect((await v.results.next()).serviceOrderUpdated.serviceOrder?.id).toBe(ownId);
      expect(v.results.unread).toBe(0);
      await anonymousSse.dispose();
      await anonymousWs.dispose();
    } finally {
      await dispatcherA.dispose();
      await dispatcherB.dispose();
      await volunteer.dispose();
    }
  });
});
