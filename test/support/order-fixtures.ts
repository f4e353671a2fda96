import type { ServiceOrderStatus } from '../../src/generated/prisma/client.js';
import { createMenuItem, placeOrder } from '../../src/orders/service.js';
import { OrdersPlaceDocument } from '../generated/graphql.js';
import { ANONYMOUS, accountSession, bearer } from './accounts.js';
import { expectType, gql } from './client.js';
import { gid, siteTree, uniquePhone } from './fixtures.js';
import { makeVolunteers } from './roster-fixtures.js';
import type { TestServer } from './server.js';

/*
 * The people and places of the service-order tests:
 *
 * - sites: center → institute A → station A, center → institute B → station B
 * - teamA at station A, led by `leaderA`, members `memberA1`, `memberA2`; teamA2 at station A led by
 *   `leaderA2`; teamB at station B led by `leaderB` (outside station A's branch)
 * - a menu item 理发 offered by institute A (so station A sees it), with teamA
 * - sessions: admin, managerA (SITE_MANAGER of station A), managerInstA (of institute A), managerB
 *   (of station B), the three leaders, `resident` (a VOLUNTEER account) and `stranger` (another)
 */
export async function orderWorld(t: TestServer, label: string) {
  const prisma = t.db.prisma;
  const sites = await siteTree(prisma, label);
  const [leaderA, memberA1, memberA2, leaderA2, leaderB, resident, stranger] = await makeVolunteers(prisma, sites.stationA.id, 7, `工单${label}-`);
  const team = async (name: string, siteId: number, leaderId: number, members: number[]) => {
    const row = await prisma.team.create({ data: { name: `${name}${label}`, siteId, leaderId } });
    await prisma.teamMembership.createMany({ data: [leaderId, ...members].map((volunteerId) => ({ teamId: row.id, volunteerId })) });
    return row;
  };
  const teamA = await team('东门便民服务队', sites.stationA.id, leaderA!.id, [memberA1!.id, memberA2!.id]);
  const teamA2 = await team('东门巾帼志愿队', sites.stationA.id, leaderA2!.id, []);
  const teamB = await team('青山志愿服务队', sites.stationB.id, leaderB!.id, []);
  const haircut = await createMenuItem(prisma, { siteId: sites.instituteA.id, name: `理发${label}`, category: 'PERSONAL_CARE', teamId: teamA.id });
  const session = (input: Parameters<typeof accountSession>[2]) => accountSession(t.url, prisma, input);
  const [managerA, managerInstA, managerB, leadA, leadA2, leadB, residentSession, strangerSession] = await Promise.all([
    session({ roles: [{ role: 'SITE_MANAGER', siteId: sites.stationA.id }] }),
    session({ roles: [{ role: 'SITE_MANAGER', siteId: sites.instituteA.id }] }),
    session({ roles: [{ role: 'SITE_MANAGER', siteId: sites.stationB.id }] }),
    session({ phone: leaderA!.phone, volunteerId: leaderA!.id }),
    session({ phone: leaderA2!.phone, volunteerId: leaderA2!.id }),
    session({ phone: leaderB!.phone, volunteerId: leaderB!.id }),
    session({ phone: resident!.phone, volunteerId: resident!.id }),
    session({ phone: stranger!.phone, volunteerId: stranger!.id }),
  ]);
  return {
    sites,
    people: { leaderA: leaderA!, memberA1: memberA1!, memberA2: memberA2!, leaderA2: leaderA2!, leaderB: leaderB!, resident: resident!, stranger: stranger! },
    teams: { teamA, teamA2, teamB },
    haircut,
    as: {
      admin: bearer(t.adminToken),
      managerA: managerA.headers,
      managerInstA: managerInstA.headers,
      managerB: managerB.headers,
      leaderA: leadA.headers,
      leaderA2: leadA2.headers,
      leaderB: leadB.headers,
      resident: residentSession.headers,
      stranger: strangerSession.headers,
      anonymous: ANONYMOUS,
    },
  };
}

export type OrderWorld = Awaited<ReturnType<typeof orderWorld>>;

/** Places an order at station A over HTTP as an anonymous resident; returns its global ID (read from the DB) and tracking code. */
export async function placeAnonymously(t: TestServer, w: OrderWorld, overrides: Record<string, unknown> = {}) {
  const result = (
    await gql(
      t.url,
      OrdersPlaceDocument,
      {
        input: {
          siteId: gid('Site', w.sites.stationA.id),
          menuItemId: gid('ServiceMenuItem', w.haircut.id),
          address: `东门社区${uniquePhone()}号`,
          requesterName: '王奶奶',
          requesterPhone: uniquePhone(),
          ...overrides,
        } as never,
      },
      ANONYMOUS,
    )
  ).placeServiceOrder;
  const placed = expectType(result, 'PlaceServiceOrderPayload');
  const row = await t.db.prisma.serviceOrder.findFirstOrThrow({ orderBy: { id: 'desc' } });
  return { id: gid('ServiceOrder', row.id), dbId: row.id, trackingCode: placed.trackingCode, placed };
}

/**
 * An order at station A brought to a status directly (setup only: the transitions themselves are
 * tested through HTTP). DISPATCHED and later belong to teamA.
 */
export async function orderIn(t: TestServer, w: OrderWorld, status: ServiceOrderStatus, now: Date) {
  const { order, trackingCode } = await placeOrder(
    t.db.prisma,
    { siteId: w.sites.stationA.id, menuItemId: w.haircut.id, address: '东门社区8号', requesterName: '李大爷', requesterPhone: uniquePhone() },
    { accountId: (await t.db.prisma.account.findFirstOrThrow({ where: { volunteerId: w.people.resident.id } })).id, phone: w.people.resident.phone, name: null },
    now,
    // Setup, not a placement under test: no rate limits.
    { perPhone: null, perAddress: null, perAccount: null, accountPerAddress: null },
  );
  const withTeam = !['PLACED', 'OPEN_FOR_CLAIM'].includes(status) && !(status === 'REJECTED' || status === 'CANCELLED');
  await t.db.prisma.serviceOrder.update({
    where: { id: order.id },
    data: { status, teamId: withTeam ? w.teams.teamA.id : null, ...(status === 'COMPLETED' && { completedAt: now, serviceMinutes: 60 }) },
  });
  return { id: gid('ServiceOrder', order.id), dbId: order.id, trackingCode };
}
