import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import {
  OrdersByTrackingCodeDocument,
  OrdersCreateMenuItemDocument,
  OrdersDeadlineDocument,
  OrdersDispatchDocument,
  OrdersListDocument,
  OrdersMenuDocument,
  OrdersOrderDocument,
  OrdersPageDocument,
  OrdersPlaceDocument,
  OrdersSetDeadlineDocument,
  OrdersTeamAndItemDocument,
} from './generated/graphql.js';
import { codesOf } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid, uniquePhone } from './support/fixtures.js';
import { orderIn, orderWorld, placeAnonymously, type OrderWorld } from './support/order-fixtures.js';
import { HOUR } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * Reading service orders: deadlines and `overdue` with the clock set, the public tracking view
 * (no personal data), who sees which orders and contact details, the menu down the site tree,
 * and the anonymous rate limits. Each request names the role it acts as (`w.as.*`).
 */

const T0 = '2026-12-01T15:30:00Z'; // 23:30 in Shanghai: deadlines run across midnight

describe.each(DATABASE_KINDS)('service-order queries on %s', (kind) => {
  let t: TestServer;
  let w: OrderWorld;
  const clock = manualClock(T0);
  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    w = await orderWorld(t, `（查询${kind}）`);
  });
  afterAll(() => t?.close());

  const station = () => gid('Site', w.sites.stationA.id);
  const overdueAt = async (siteId: string, overdue: boolean) =>
    (await gql(t.url, OrdersListDocument, { filter: { siteId, overdue }, first: 100 }, w.as.managerInstA)).serviceOrders!.edges.map((e) => e.node.id).sort();

  it('deadlines: defaults 24 h / 72 h, a site’s own setting inherited below it; overdue follows the clock', async () => {
    clock.set(T0);
    const defaults = await gql(t.url, OrdersDeadlineDocument, { siteId: station(), category: 'PERSONAL_CARE' }, w.as.anonymous);
    expect(defaults.serviceDeadline).toEqual({ dispatchWithinHours: 24, completeWithinHours: 72, setBy: null });
    const slow = await placeAnonymously(t, w);
    // Only managers of the site or above set deadlines.
    const input = { siteId: gid('Site', w.sites.instituteA.id), category: 'PERSONAL_CARE' as const, dispatchWithinHours: 2, completeWithinHours: 8 };
    expect(codesOf((await request(t.url, OrdersSetDeadlineDocument, { input }, w.as.managerA)).errors)).toEqual(['FORBIDDEN']);
    const invalid = await gql(t.url, OrdersSetDeadlineDocument, { input: { ...input, completeWithinHours: 1 } }, w.as.managerInstA);
    expect(expectType(invalid.setServiceDeadline, 'ValidationError').fields[0]?.path).toBe('input.completeWithinHours');
    const set = expectType((await gql(t.url, OrdersSetDeadlineDocument, { input }, w.as.managerInstA)).setServiceDeadline, 'SetServiceDeadlinePayload');
    expect(set.deadline).toEqual({ category: 'PERSONAL_CARE', dispatchWithinHours: 2, completeWithinHours: 8, setBy: { id: input.siteId } });
    const inherited = await gql(t.url, OrdersDeadlineDocument, { siteId: station(), category: 'PERSONAL_CARE' }, w.as.anonymous);
    expect(inherited.serviceDeadline).toEqual({ dispatchWithinHours: 2, completeWithinHours: 8, setBy: { id: input.siteId } });
    const fast = await placeAnonymously(t, w);
    const fastRow = await t.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: fast.dbId } });
    expect(fastRow.dispatchDueAt.toISOString()).toBe(new Date(Date.parse(T0) + 2 * HOUR).toISOString());

    expect(await overdueAt(station(), true)).toEqual([]);
    clock.set(new Date(Date.parse(T0) + 3 * HOUR));
    expect(await overdueAt(station(), true)).toEqual([fast.id]);
    expect(await overdueAt(station(), false)).toContain(slow.id);
    expect(await overdueAt(gid('Site', w.sites.stationB.id), true)).toEqual([]);
    expect((await gql(t.url, OrdersOrderDocument, { id: fast.id }, w.as.managerA)).serviceOrder?.overdue).toBe(true);
    // Dispatching meets the response deadline; the completion deadline still runs.
    await gql(t.url, OrdersDispatchDocument, { input: { id: fast.id, teamId: gid('Team', w.teams.teamA.id) } }, w.as.managerA);
    expect(await overdueAt(station(), true)).toEqual([]);
    clock.set(new Date(Date.parse(T0) + 9 * HOUR));
    expect(await overdueAt(station(), true)).toEqual([fast.id]);
    clock.set(new Date(Date.parse(T0) + 25 * HOUR));
    expect(await overdueAt(station(), true)).toEqual([slow.id, fast.id].sort());
    // Finished orders are never overdue.
    await t.db.prisma.serviceOrder.update({ where: { id: fast.dbId }, data: { status: 'COMPLETED' } });
    expect(await overdueAt(station(), true)).toEqual([slow.id]);
    const tracked = await gql(t.url, OrdersByTrackingCodeDocument, { code: slow.trackingCode }, w.as.anonymous);
    expect(tracked.serviceOrderByTrackingCode?.overdue).toBe(true);
    clock.set(T0);
  });

  it('the public tracking view shows progress and no personal data', async () => {
    const phone = uniquePhone();
    const { trackingCode } = await placeAnonymously(t, w, { requesterName: '赵阿姨', requesterPhone: phone, address: '东门社区幸福里3栋', description: '腿脚不便，请上门' });
    const response = await request(t.url, OrdersByTrackingCodeDocument, { code: ` ${trackingCode.toLowerCase().replace(/-/g, ' ')} ` }, w.as.anonymous);
    expect(response.errors).toBeUndefined();
    expect(response.data?.serviceOrderByTrackingCode).toMatchObject({ status: 'PLACED', site: { id: station() }, history: [{ status: 'PLACED' }] });
    const text = JSON.stringify(response);
    for (const secret of ['赵阿姨', phone.slice(-8), '幸福里', '腿脚不便']) expect(text).not.toContain(secret);
    expect((await gql(t.url, OrdersByTrackingCodeDocument, { code: 'ZZZZ-ZZZZ-ZZZZ' }, w.as.anonymous)).serviceOrderByTrackingCode).toBeNull();
    expect((await gql(t.url, OrdersByTrackingCodeDocument, { code: 'not a code' }, w.as.anonymous)).serviceOrderByTrackingCode).toBeNull();
    // The tracking code itself is stored only as a hash.
    const stored = JSON.stringify(await t.db.prisma.serviceOrder.findMany());
    expect(stored).not.toContain(trackingCode.replace(/-/g, ''));
  });

  it('who sees which orders, and whose contact details', async () => {
    const placed = await orderIn(t, w, 'PLACED', clock.now());
    const open = await orderIn(t, w, 'OPEN_FOR_CLAIM', clock.now());
    const accepted = await orderIn(t, w, 'ACCEPTED', clock.now());
    const mine = [placed.id, open.id, accepted.id];
    const list = async (headers: Record<string, string>) =>
      (await gql(t.url, OrdersListDocument, { filter: { siteId: station() }, first: 100 }, headers)).serviceOrders!.edges.map((e) => e.node.id);
    expect(await list(w.as.managerA)).toEqual(expect.arrayContaining(mine));
    expect(await list(w.as.resident)).toEqual(expect.arrayContaining(mine));
    expect(await list(w.as.managerB)).toEqual([]);
    expect(await list(w.as.leaderB)).toEqual([]);
    expect(await list(w.as.stranger)).toEqual([]);
    // Another team's leader of the station sees what it may claim, not what teamA holds.
    const a2 = await list(w.as.leaderA2);
    expect(a2).toContain(open.id);
    expect(a2).not.toContain(placed.id);
    expect(a2).not.toContain(accepted.id);
    expect(await list(w.as.leaderA)).toEqual(expect.arrayContaining([open.id, accepted.id]));
    expect(codesOf((await request(t.url, OrdersListDocument, {}, w.as.anonymous)).errors)).toEqual(['FORBIDDEN']);

    // Contact details: the team that serves and the station see them; a leader browsing open orders does not.
    const asA2 = await request(t.url, OrdersOrderDocument, { id: open.id }, w.as.leaderA2);
    expect(asA2.data?.serviceOrder).toMatchObject({ id: open.id, address: null, requester: { name: '李大爷', phone: null } });
    expect(new Set(codesOf(asA2.errors))).toEqual(new Set(['FORBIDDEN']));
    const asTeam = await gql(t.url, OrdersOrderDocument, { id: accepted.id }, w.as.leaderA);
    expect(asTeam.serviceOrder).toMatchObject({ address: '东门社区8号', requester: { name: '李大爷', phone: expect.stringMatching(/^\+861\d{10}$/) } });

    // Team.serviceOrders and ServiceMenuItem.orders list what the viewer may see.
    const nested = await gql(t.url, OrdersTeamAndItemDocument, { teamId: gid('Team', w.teams.teamA.id), itemId: gid('ServiceMenuItem', w.haircut.id) }, w.as.leaderA);
    const teamOrders = (nested.team as { serviceOrders: { edges: { node: { id: string } }[] } }).serviceOrders!.edges.map((e) => e.node.id);
    expect(teamOrders).toContain(accepted.id);
    expect(teamOrders).not.toContain(open.id);
    const itemOrders = (nested.item as { orders: { edges: { node: { id: string } }[] } }).orders.edges.map((e) => e.node.id);
    expect(itemOrders).toEqual(expect.arrayContaining([open.id, accepted.id]));
    expect(itemOrders).not.toContain(placed.id);
    const status = await gql(t.url, OrdersListDocument, { filter: { status: ['OPEN_FOR_CLAIM'], teamId: null, siteId: station() } }, w.as.managerA);
    expect(status.serviceOrders!.edges.every((e) => e.node.status === 'OPEN_FOR_CLAIM')).toBe(true);
  });

  it('the menu: a station sees its institute’s items; managers add items only at their sites', async () => {
    const menu = async (siteId: number) =>
      (await gql(t.url, OrdersMenuDocument, { siteId: gid('Site', siteId) }, w.as.anonymous)).serviceMenu.edges.map((e) => e.node.name);
    expect(await menu(w.sites.stationA.id)).toContain(w.haircut.name);
    expect(await menu(w.sites.stationB.id)).not.toContain(w.haircut.name);
    const input = { siteId: station(), name: '陪诊', category: 'HEALTH_ESCORT' as const, teamId: gid('Team', w.teams.teamA.id) };
    expect(codesOf((await request(t.url, OrdersCreateMenuItemDocument, { input: { ...input, siteId: gid('Site', w.sites.instituteA.id) } }, w.as.managerA)).errors)).toEqual(['FORBIDDEN']);
    const created = expectType((await gql(t.url, OrdersCreateMenuItemDocument, { input }, w.as.managerA)).createServiceMenuItem, 'CreateServiceMenuItemPayload');
    expect(created.menuItem).toMatchObject({ name: '陪诊', category: 'HEALTH_ESCORT', site: { id: station() } });
    expect((await gql(t.url, OrdersCreateMenuItemDocument, { input }, w.as.managerA)).createServiceMenuItem.__typename).toBe('DuplicateNameError');
    const outside = await gql(t.url, OrdersCreateMenuItemDocument, { input: { ...input, name: '家电维修', teamId: gid('Team', w.teams.teamB.id) } }, w.as.managerA);
    expect(expectType(outside.createServiceMenuItem, 'ValidationError').fields[0]?.path).toBe('input.teamId');
    // Station B cannot order station A's item.
    const foreign = await gql(
      t.url,
      OrdersPlaceDocument,
      { input: { siteId: gid('Site', w.sites.stationB.id), menuItemId: created.menuItem.id, address: '青山村1号', requesterName: '钱大爷', requesterPhone: uniquePhone() } },
      w.as.anonymous,
    );
    expect(expectType(foreign.placeServiceOrder, 'ValidationError').fields[0]?.path).toBe('input.menuItemId');
  });

  it('a civilised family’s talk (文明家庭宣讲) is a menu item residents order; the family must be at the site or below', async () => {
    const prisma = t.db.prisma;
    const here = await prisma.family.create({ data: { name: '宣讲周家', story: '', siteId: w.sites.stationA.id } });
    const elsewhere = await prisma.family.create({ data: { name: '宣讲钱家', story: '', siteId: w.sites.stationB.id } });
    const input = { siteId: station(), name: '文明家庭宣讲', category: 'CIVIC_EDUCATION' as const, familyId: gid('Family', here.id) };
    const created = expectType((await gql(t.url, OrdersCreateMenuItemDocument, { input }, w.as.managerA)).createServiceMenuItem, 'CreateServiceMenuItemPayload');
    expect(created.menuItem.family).toEqual({ id: gid('Family', here.id), name: '宣讲周家' });
    const before = await prisma.serviceMenuItem.count();
    const outside = await gql(t.url, OrdersCreateMenuItemDocument, { input: { ...input, name: '家风故事会', familyId: gid('Family', elsewhere.id) } }, w.as.managerA);
    expect(expectType(outside.createServiceMenuItem, 'ValidationError').fields[0]?.path).toBe('input.familyId');
    expect(await prisma.serviceMenuItem.count()).toBe(before);
    // A resident orders the talk like any other item.
    const placed = await gql(
      t.url,
      OrdersPlaceDocument,
      { input: { siteId: station(), menuItemId: created.menuItem.id, address: '东门社区活动室', requesterName: '社区主任', requesterPhone: uniquePhone() } },
      w.as.anonymous,
    );
    expect(placed.placeServiceOrder.__typename).toBe('PlaceServiceOrderPayload');
  });

  it('a page of orders with their histories, teams and contacts costs the same statements for 5 or 25 orders', async () => {
    for (const status of ['DISPATCHED', 'ACCEPTED', 'IN_SERVICE', 'COMPLETED', 'OPEN_FOR_CLAIM'] as const) {
      for (let i = 0; i < 5; i++) await orderIn(t, w, status, clock.now());
    }
    const statements = async (first: number) => {
      t.queries.length = 0;
      const page = await gql(t.url, OrdersPageDocument, { filter: { siteId: station() }, first }, w.as.managerA);
      expect(page.serviceOrders!.edges).toHaveLength(first);
      return t.queries.length;
    };
    const few = await statements(5);
    expect(await statements(25)).toBe(few);
    expect(few).toBeLessThan(20);
  });

  it('anonymous placement is limited per phone and per address; a logged-in resident is not held to those (their own limits are in orders-links)', async () => {
    clock.set('2026-12-03T04:00:00Z');
    const phone = uniquePhone();
    const place = (overrides: Record<string, unknown>, headers = w.as.anonymous) =>
      gql(
        t.url,
        OrdersPlaceDocument,
        { input: { siteId: station(), category: 'ERRANDS', description: '代购降压药', address: '东门社区1号', requesterName: '孙奶奶', requesterPhone: phone, ...overrides } as never },
        headers,
      ).then((r) => r.placeServiceOrder);
    for (let i = 0; i < 3; i++) expect((await place({ address: `东门社区${i + 10}号` })).__typename).toBe('PlaceServiceOrderPayload');
    const byPhone = expectType(await place({ address: '东门社区99号' }), 'ServiceOrderRateLimitError');
    expect(byPhone).toMatchObject({ limitedBy: 'PHONE', limit: 3, retryAfterSeconds: 24 * 3600 });
    const count = await t.db.prisma.serviceOrder.count();
    // Five different phones for one address (spelled with different spaces); the sixth is refused.
    for (let i = 0; i < 5; i++) expect((await place({ requesterPhone: uniquePhone(), address: i % 2 ? '幸福里 5 号' : '幸福里5号' })).__typename).toBe('PlaceServiceOrderPayload');
    expect(expectType(await place({ requesterPhone: uniquePhone(), address: '幸福里5号 ' }), 'ServiceOrderRateLimitError').limitedBy).toBe('ADDRESS');
    expect(await t.db.prisma.serviceOrder.count()).toBe(count + 5);
    // A logged-in resident is not held to the anonymous limits (per account, see orders-links), and places as themselves.
    const own = expectType(await place({ address: '幸福里5号', requesterPhone: null, requesterName: null }, w.as.resident), 'PlaceServiceOrderPayload');
    expect(own.serviceOrder?.requester).toEqual({ name: w.people.resident.name, phone: w.people.resident.phone });
    // A day later the phone may order again.
    clock.advance(24 * HOUR + 1000);
    expect((await place({ address: '东门社区100号' })).__typename).toBe('PlaceServiceOrderPayload');
    // Required fields without a login.
    const missing = expectType(await place({ requesterPhone: null }), 'ValidationError');
    expect(missing.fields).toEqual([{ path: 'input.requesterPhone', message: 'requesterPhone is required' }]);
    const noNeed = expectType(await place({ category: null, description: null }), 'ValidationError');
    expect(noNeed.fields.map((f) => f.path).sort()).toEqual(['input.category', 'input.description']);
    clock.set(T0);
  });
});
