import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { pruneOutbox } from '../src/events/outbox.js';
import { OrdersDispatchDocument, OrdersPlaceDocument, ReportsChangeStatusDocument, ReportsSubmitDocument } from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid, uniquePhone } from './support/fixtures.js';
import { inbox } from './support/notify-fixtures.js';
import { orderWorld, type OrderWorld } from './support/order-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Notifications from the other outbox streams, and the webhook channel of a notification the worker
 * made (issue 13): the volunteer who placed a service order hears of each later step (ORDER_UPDATE),
 * the rider who filed a street report hears of its handling (REPORT_UPDATE), nobody else does, and
 * a registered endpoint receives the notification, its WEBHOOK delivery row following the attempts.
 */

describe.each(DATABASE_KINDS)('notifications from orders and reports on %s', (kind) => {
  let t: TestServer;
  let w: OrderWorld;
  const clock = manualClock('2026-12-01T02:00:00Z');
  let receiver: Server;
  let receiverUrl: string;
  const received: { kind: string; body: string }[] = [];
  let failNext = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(503).end();
          return;
        }
        const parsed = JSON.parse(body) as { notification: { kind: string; body: string } };
        received.push(parsed.notification);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startTestServer(kind, { clock, server: { notifications: { pollMs: 0 } } });
    w = await orderWorld(t, `（通知${kind}）`);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const tick = () => t.server.services.notifications.tick();

  it('the VOLUNTEER who placed an order is told when it is dispatched; the SITE_MANAGER who dispatched it and others are not', async () => {
    const placed = expectType(
      (
        await gql(
          t.url,
          OrdersPlaceDocument,
          { input: { siteId: gid('Site', w.sites.stationA.id), category: 'ERRANDS', description: '代购降压药', address: '东门街 12 号', requesterName: '居民', requesterPhone: uniquePhone() } },
          w.as.resident,
        )
      ).placeServiceOrder,
      'PlaceServiceOrderPayload',
    );
    await tick();
    // Placing is the requester's own act: nobody is told.
    expect((await inbox(t, w.as.resident)).items.filter((n) => n.kind === 'ORDER_UPDATE')).toEqual([]);

    const dispatched = (
      await gql(t.url, OrdersDispatchDocument, { input: { id: placed.serviceOrder!.id, teamId: gid('Team', w.teams.teamA.id) } }, w.as.managerA)
    ).dispatchServiceOrder;
    expect(dispatched.__typename).toBe('DispatchServiceOrderPayload');
    await tick();

    const mine = (await inbox(t, w.as.resident)).items.filter((n) => n.kind === 'ORDER_UPDATE');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ title: '服务工单进展', targetIds: [placed.serviceOrder!.id] });
    expect(mine[0]!.body).toContain('已派单');
    expect((await inbox(t, w.as.stranger)).items.filter((n) => n.kind === 'ORDER_UPDATE')).toEqual([]);
    expect((await inbox(t, w.as.leaderA)).items.filter((n) => n.kind === 'ORDER_UPDATE')).toEqual([]);

    // Ticking again makes nothing twice.
    await tick();
    expect((await inbox(t, w.as.resident)).items.filter((n) => n.kind === 'ORDER_UPDATE')).toHaveLength(1);
  });

  it('the VOLUNTEER who filed a street report is told of each step; a registered webhook receives it and its WEBHOOK delivery follows the attempts', async () => {
    const endpoint = await t.db.prisma.webhookEndpoint.create({
      data: { url: receiverUrl, secret: 'whsec-test', kinds: ['REPORT_UPDATE'], createdAt: clock.now(), updatedAt: clock.now() },
    });
    try {
      const filed = expectType(
        (
          await gql(
            t.url,
            ReportsSubmitDocument,
            { input: { siteId: gid('Site', w.sites.stationA.id), category: 'WATER_LEAK', description: '路口水管漏水', location: { lat: 28.68, lng: 115.86 } } },
            w.as.stranger,
          )
        ).submitCommunityReport,
        'SubmitCommunityReportPayload',
      );
      const changed = (await gql(t.url, ReportsChangeStatusDocument, { input: { id: filed.report.id, status: 'ACKNOWLEDGED', note: '已派人' } }, w.as.managerA))
        .changeCommunityReportStatus;
      expect(changed.__typename).toBe('ChangeCommunityReportStatusPayload');
      await tick();

      const told = (await inbox(t, w.as.stranger)).items.filter((n) => n.kind === 'REPORT_UPDATE');
      expect(told).toHaveLength(1);
      expect(told[0]!.body).toContain('已受理');
      expect(told[0]!.targetIds).toEqual([filed.report.id]);
      expect(told[0]!.deliveries).toEqual(
        expect.arrayContaining([
          { channel: 'IN_APP', status: 'DELIVERED' },
          { channel: 'WEBHOOK', status: 'PENDING' },
        ]),
      );
      expect((await inbox(t, w.as.resident)).items.filter((n) => n.kind === 'REPORT_UPDATE')).toEqual([]);

      // The endpoint refuses the first attempt; the retry (30 s later) arrives.
      failNext = 1;
      await t.server.webhooks.tick();
      await t.server.webhooks.idle();
      expect(received).toEqual([]);
      expect((await inbox(t, w.as.stranger)).items.find((n) => n.id === told[0]!.id)!.deliveries).toContainEqual({ channel: 'WEBHOOK', status: 'PENDING' });
      clock.advance(31_000);
      await t.server.webhooks.tick();
      await t.server.webhooks.idle();
      expect(received).toEqual([expect.objectContaining({ kind: 'REPORT_UPDATE', body: told[0]!.body })]);
      expect((await inbox(t, w.as.stranger)).items.find((n) => n.id === told[0]!.id)!.deliveries).toContainEqual({ channel: 'WEBHOOK', status: 'DELIVERED' });
      const row = await t.db.prisma.notificationDelivery.findFirstOrThrow({ where: { channel: 'WEBHOOK', notification: { kind: 'REPORT_UPDATE' } } });
      expect(row.attempts).toBe(2);
    } finally {
      await t.db.prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
    }
  });

  it('pruning keeps what the notification worker has yet to read, however old', async () => {
    const prisma = t.db.prisma;
    const cursor = await prisma.notificationCursor.findFirstOrThrow();
    const last = (await prisma.outboxEvent.aggregate({ _max: { sequence: true } }))._max.sequence!;
    const behind = last - 2n;
    await prisma.notificationCursor.update({ where: { name: cursor.name }, data: { position: behind } });
    try {
      // Everything is older than a cutoff a year ahead, and the relay has nothing unsent (no Redis).
      await pruneOutbox(prisma, new Date(clock.now().getTime() + 365 * 24 * 3600_000));
      const kept = await prisma.outboxEvent.findMany({ select: { sequence: true }, orderBy: { sequence: 'asc' } });
      expect(kept.map((r) => r.sequence)).toEqual([behind + 1n, behind + 2n]);
      expect((await prisma.outboxCounter.findFirstOrThrow()).prunedThrough).toBe(behind);
    } finally {
      await prisma.notificationCursor.update({ where: { name: cursor.name }, data: { position: cursor.position } });
    }
  });
});
