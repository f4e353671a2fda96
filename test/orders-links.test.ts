import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { OrdersCompleteDocument, OrdersPlaceDocument, OrdersServiceRecordsDocument } from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid, uniquePhone } from './support/fixtures.js';
import { orderIn, orderWorld, type OrderWorld } from './support/order-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * A completed order's service records point at it (ServiceRecord.serviceOrder, and back through
 * ServiceOrder.serviceRecords), and logged-in placements are limited per account and per address
 * in 24 hours. Every request names its role: teamA's leader completes, station A's manager reads,
 * volunteers place as themselves.
 */

const LIMIT = 10;

describe.each(DATABASE_KINDS)('service records and placement limits on %s', (kind) => {
  const clock = manualClock('2026-12-02T02:00:00.000Z');
  let t: TestServer;
  let w: OrderWorld;
  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    w = await orderWorld(t, `（关联${kind}）`);
  });
  afterAll(() => t?.close());

  it('completion links each credited record to its order, both ways', async () => {
    const order = await orderIn(t, w, 'IN_SERVICE', clock.now());
    const other = await orderIn(t, w, 'IN_SERVICE', clock.now());
    const complete = (id: string, volunteers: number[]) =>
      gql(t.url, OrdersCompleteDocument, { input: { id, volunteerIds: volunteers.map((v) => gid('Volunteer', v)), minutes: 45, summary: '上门理发' } }, w.as.leaderA);
    expectType((await complete(order.id, [w.people.memberA1.id, w.people.memberA2.id])).completeServiceOrder, 'CompleteServiceOrderPayload');
    expectType((await complete(other.id, [w.people.memberA1.id])).completeServiceOrder, 'CompleteServiceOrderPayload');

    const read = await gql(t.url, OrdersServiceRecordsDocument, { id: order.id }, w.as.managerA);
    const node = read.node as { serviceRecords: { totalCount: number; edges: { node: { minutes: number; status: string; volunteer: { id: string }; serviceOrder: { id: string; status: string } | null } }[] } };
    expect(node.serviceRecords.totalCount).toBe(2);
    expect(node.serviceRecords.edges.map((e) => e.node.volunteer.id).sort()).toEqual(
      [gid('Volunteer', w.people.memberA1.id), gid('Volunteer', w.people.memberA2.id)].sort(),
    );
    for (const { node: record } of node.serviceRecords.edges) {
      expect(record).toMatchObject({ minutes: 45, status: 'PENDING', serviceOrder: { id: order.id, status: 'COMPLETED' } });
    }
    // In the database too: the foreign key, not the description text.
    const rows = await t.db.prisma.serviceRecord.findMany({ where: { volunteerId: w.people.memberA1.id }, select: { serviceOrderId: true } });
    expect(rows.map((r) => r.serviceOrderId).sort()).toEqual([order.dbId, other.dbId].sort());
  });

  it('limits logged-in placements per account and per address, with a typed error, until 24 hours pass', async () => {
    const place = (headers: Record<string, string>, address: string) =>
      gql(
        t.url,
        OrdersPlaceDocument,
        { input: { siteId: gid('Site', w.sites.stationA.id), category: 'ERRANDS', description: '代购药品', address, requesterName: '居民', requesterPhone: uniquePhone() } },
        headers,
      ).then((r) => r.placeServiceOrder);
    const count = () => t.db.prisma.serviceOrder.count();

    // Per account: the stranger's 10 orders to 10 addresses go through, the 11th does not.
    for (let i = 0; i < LIMIT; i++) expect((await place(w.as.stranger, `西门社区${i}号`)).__typename).toBe('PlaceServiceOrderPayload');
    const before = await count();
    const refused = await place(w.as.stranger, '西门社区99号');
    expect(refused).toMatchObject({ __typename: 'ServiceOrderRateLimitError', limitedBy: 'ACCOUNT', limit: LIMIT });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBe(24 * 3600);
    expect(await count()).toBe(before);
    // Another account is not affected.
    expect((await place(w.as.resident, '西门社区99号')).__typename).toBe('PlaceServiceOrderPayload');

    // Per address: 10 logged-in orders to one address from several accounts, then any account is refused there.
    clock.advance(60_000);
    const address = '南门社区1号';
    const placers = [w.as.resident, w.as.leaderA, w.as.leaderA2, w.as.leaderB, w.as.managerA];
    for (let i = 0; i < LIMIT; i++) expect((await place(placers[i % placers.length]!, address)).__typename).toBe('PlaceServiceOrderPayload');
    expect(await place(w.as.managerB, ` 南门 社区1号 `)).toMatchObject({ __typename: 'ServiceOrderRateLimitError', limitedBy: 'ADDRESS', limit: LIMIT });
    expect((await place(w.as.managerB, '南门社区2号')).__typename).toBe('PlaceServiceOrderPayload');

    // A day after the first of them, the stranger may order again.
    clock.advance(24 * 3_600_000);
    expect((await place(w.as.stranger, '西门社区99号')).__typename).toBe('PlaceServiceOrderPayload');
    expect((await place(w.as.managerB, address)).__typename).toBe('PlaceServiceOrderPayload');
  });
});
