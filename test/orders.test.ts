import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import type { ServiceOrderStatus } from '../src/generated/prisma/client.js';
import {
  OrdersCancelDocument,
  OrdersClaimDocument,
  OrdersCompleteDocument,
  OrdersDispatchDocument,
  OrdersOpenForClaimDocument,
  OrdersOrderDocument,
  OrdersRateDocument,
  OrdersRejectDocument,
  OrdersStartDocument,
  RosterReviewServiceRecordDocument,
} from './generated/graphql.js';
import { codesOf } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { orderIn, orderWorld, placeAnonymously, type OrderWorld } from './support/order-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * The service-order workflow through HTTP: every transition from every status, allowed and
 * refused; the full loop with each role; the claim race; service minutes credited exactly once.
 * Each request names the role it acts as (`w.as.*`).
 */

const T0 = '2026-12-01T02:00:00Z'; // 10:00 in Shanghai

describe.each(DATABASE_KINDS)('service orders on %s', (kind) => {
  let t: TestServer;
  let w: OrderWorld;
  const clock = manualClock(T0);
  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    w = await orderWorld(t, `（${kind}）`);
  });
  afterAll(() => t?.close());

  type Action = 'dispatch' | 'open' | 'reject' | 'claim' | 'start' | 'complete' | 'rate' | 'cancel';
  const TARGET: Record<Action, ServiceOrderStatus> = {
    dispatch: 'DISPATCHED',
    open: 'OPEN_FOR_CLAIM',
    reject: 'REJECTED',
    claim: 'ACCEPTED',
    start: 'IN_SERVICE',
    complete: 'COMPLETED',
    rate: 'RATED',
    cancel: 'CANCELLED',
  };
  /** Runs an action on an order as the role entitled to it; returns the result union. */
  const act = async (action: Action, id: string, headers = w.as.managerA): Promise<{ __typename?: string; [k: string]: unknown }> => {
    const teamA = gid('Team', w.teams.teamA.id);
    switch (action) {
      case 'dispatch':
        return (await gql(t.url, OrdersDispatchDocument, { input: { id, teamId: teamA, note: '请尽快上门' } }, headers)).dispatchServiceOrder;
      case 'open':
        return (await gql(t.url, OrdersOpenForClaimDocument, { input: { id } }, headers)).openServiceOrderForClaim;
      case 'reject':
        return (await gql(t.url, OrdersRejectDocument, { input: { id, reason: '不在服务范围' } }, headers)).rejectServiceOrder;
      case 'claim':
        return (await gql(t.url, OrdersClaimDocument, { input: { id, teamId: teamA } }, w.as.leaderA)).claimServiceOrder;
      case 'start':
        return (await gql(t.url, OrdersStartDocument, { input: { id } }, headers)).startServiceOrder;
      case 'complete':
        return (
          await gql(t.url, OrdersCompleteDocument, { input: { id, volunteerIds: [gid('Volunteer', w.people.memberA1.id)], minutes: 60, summary: '上门理发' } }, headers)
        ).completeServiceOrder;
      case 'rate':
        return (await gql(t.url, OrdersRateDocument, { input: { id, stars: 5 } }, w.as.resident)).rateServiceOrder;
      case 'cancel':
        return (await gql(t.url, OrdersCancelDocument, { input: { id, reason: '不需要了' } }, w.as.resident)).cancelServiceOrder;
    }
  };

  // The workflow, written out (not derived from the code under test).
  const ALLOWED: Record<ServiceOrderStatus, Action[]> = {
    PLACED: ['dispatch', 'open', 'reject', 'cancel'],
    DISPATCHED: ['open', 'reject', 'claim', 'cancel'],
    OPEN_FOR_CLAIM: ['dispatch', 'reject', 'claim', 'cancel'],
    ACCEPTED: ['start', 'cancel'],
    IN_SERVICE: ['complete'],
    COMPLETED: ['rate'],
    RATED: [],
    REJECTED: [],
    CANCELLED: [],
  };
  const ACTIONS = Object.keys(TARGET) as Action[];

  it.each(Object.keys(ALLOWED) as ServiceOrderStatus[])('from %s: every step is allowed or refused with the allowed ones named', async (from) => {
    for (const action of ACTIONS) {
      const order = await orderIn(t, w, from, clock.now());
      const result = await act(action, order.id);
      const allowedTargets = ALLOWED[from].map((a) => TARGET[a]).sort();
      if (ALLOWED[from].includes(action)) {
        expect(result.__typename, `${from} → ${action}: ${JSON.stringify(result)}`).toMatch(/Payload$/);
        const row = await t.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: order.dbId }, include: { events: { orderBy: { id: 'asc' } } } });
        expect(row.status).toBe(TARGET[action]);
        expect(row.events.at(-1)).toMatchObject({ fromStatus: from, toStatus: TARGET[action] });
      } else {
        const refused = expectType(result as { __typename?: 'ServiceOrderStatusTransitionError'; from: string; to: string; allowed: string[] }, 'ServiceOrderStatusTransitionError');
        expect({ from: refused.from, to: refused.to, allowed: [...refused.allowed].sort() }).toEqual({ from, to: TARGET[action], allowed: allowedTargets });
        expect((await t.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: order.dbId } })).status).toBe(from);
      }
    }
  });

  it('the whole loop: anonymous 点单, 派单 by the station, 接单 and service by the team, 评单 by tracking code', async () => {
    const { id, dbId, trackingCode, placed } = await placeAnonymously(t, w);
    expect(trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(placed.serviceOrder).toBeNull();
    expect(placed.tracking).toMatchObject({ status: 'PLACED', category: 'PERSONAL_CARE', menuItemName: w.haircut.name, teamName: null, overdue: false });
    // The anonymous placer cannot read the full order, nor can a manager of another station.
    for (const headers of [w.as.anonymous, w.as.managerB, w.as.stranger]) {
      const read = await request(t.url, OrdersOrderDocument, { id }, headers);
      expect(read.data?.serviceOrder ?? null).toBeNull();
      expect(new Set(codesOf(read.errors))).toEqual(new Set(['FORBIDDEN']));
    }
    // Leaders cannot dispatch; a team outside the station's branch cannot be dispatched to.
    expect(codesOf((await request(t.url, OrdersDispatchDocument, { input: { id, teamId: gid('Team', w.teams.teamA.id) } }, w.as.leaderA)).errors)).toEqual(['FORBIDDEN']);
    const outside = await gql(t.url, OrdersDispatchDocument, { input: { id, teamId: gid('Team', w.teams.teamB.id) } }, w.as.managerInstA);
    expect(expectType(outside.dispatchServiceOrder, 'ConflictError').message).toMatch(/site or a site below it/);
    // A manager above the station dispatches it.
    expect(await act('dispatch', id, w.as.managerInstA)).toMatchObject({
      __typename: 'DispatchServiceOrderPayload',
      serviceOrder: { status: 'DISPATCHED', team: { id: gid('Team', w.teams.teamA.id) } },
    });

    // Another team of the station cannot take an order dispatched to teamA; teamA's leader accepts it.
    const wrongTeam = await gql(t.url, OrdersClaimDocument, { input: { id, teamId: gid('Team', w.teams.teamA2.id) } }, w.as.leaderA2);
    expect(expectType(wrongTeam.claimServiceOrder, 'ConflictError').message).toMatch(/dispatched to another team/);
    expect(codesOf((await request(t.url, OrdersClaimDocument, { input: { id, teamId: gid('Team', w.teams.teamA.id) } }, w.as.leaderA2)).errors)).toEqual(['FORBIDDEN']);
    expect((await act('claim', id)).__typename).toBe('ClaimServiceOrderPayload');
    // Leaders of other teams cannot start it; its own leader can.
    expect(codesOf((await request(t.url, OrdersStartDocument, { input: { id } }, w.as.leaderA2)).errors)).toEqual(['FORBIDDEN']);
    expect((await act('start', id, w.as.leaderA)).__typename).toBe('StartServiceOrderPayload');
    // Nobody but the requester cancels, and not once service started.
    expect(codesOf((await request(t.url, OrdersCancelDocument, { input: { id } }, w.as.stranger)).errors)).toEqual(['FORBIDDEN']);
    const late = await gql(t.url, OrdersCancelDocument, { input: { trackingCode } }, w.as.anonymous);
    expect(expectType(late.cancelServiceOrder, 'ServiceOrderStatusTransitionError')).toMatchObject({ from: 'IN_SERVICE', to: 'CANCELLED' });

    // Completion: a non-member is refused and nothing is written; then both members are credited.
    const records = () => t.db.prisma.serviceRecord.findMany({ where: { description: { startsWith: `服务工单 #${dbId}：` } }, orderBy: { volunteerId: 'asc' } });
    const notMember = await gql(
      t.url,
      OrdersCompleteDocument,
      { input: { id, volunteerIds: [gid('Volunteer', w.people.memberA1.id), gid('Volunteer', w.people.stranger.id)], minutes: 90, summary: '理发两位老人' } },
      w.as.leaderA,
    );
    expect(expectType(notMember.completeServiceOrder, 'ConflictError').message).toMatch(/^input\.volunteerIds\.1: The volunteer is not a member/);
    expect(await records()).toEqual([]);
    expect((await t.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: dbId } })).status).toBe('IN_SERVICE');
    const completed = await gql(
      t.url,
      OrdersCompleteDocument,
      { input: { id, volunteerIds: [gid('Volunteer', w.people.memberA1.id), gid('Volunteer', w.people.memberA2.id)], minutes: 90, summary: '理发两位老人' } },
      w.as.leaderA,
    );
    expect(expectType(completed.completeServiceOrder, 'CompleteServiceOrderPayload').serviceOrder).toMatchObject({ status: 'COMPLETED', serviceMinutes: 90, summary: '理发两位老人' });
    expect((await records()).map((r) => ({ volunteerId: r.volunteerId, teamId: r.teamId, minutes: r.minutes, status: r.status }))).toEqual(
      [w.people.memberA1.id, w.people.memberA2.id].map((volunteerId) => ({ volunteerId, teamId: w.teams.teamA.id, minutes: 90, status: 'PENDING' })),
    );

    // Rating: not by a stranger, not with a wrong code; once with the right one.
    expect(codesOf((await request(t.url, OrdersRateDocument, { input: { id, stars: 1 } }, w.as.stranger)).errors)).toEqual(['FORBIDDEN']);
    expect(codesOf((await request(t.url, OrdersRateDocument, { input: { trackingCode: 'AAAA-BBBB-CCCC', stars: 1 } }, w.as.anonymous)).errors)).toEqual(['FORBIDDEN']);
    const badStars = await gql(t.url, OrdersRateDocument, { input: { trackingCode, stars: 6 } }, w.as.anonymous);
    expect(expectType(badStars.rateServiceOrder, 'ValidationError').fields).toEqual([{ path: 'input.stars', message: 'stars must be 1–5' }]);
    const rated = expectType((await gql(t.url, OrdersRateDocument, { input: { trackingCode: trackingCode.toLowerCase(), stars: 5, comment: '师傅手艺好' } }, w.as.anonymous)).rateServiceOrder, 'RateServiceOrderPayload');
    expect(rated.serviceOrder).toBeNull();
    expect(rated.tracking).toMatchObject({ status: 'RATED', rating: { stars: 5, comment: '师傅手艺好' }, teamName: w.teams.teamA.name });
    const again = await gql(t.url, OrdersRateDocument, { input: { trackingCode, stars: 1 } }, w.as.anonymous);
    expect(expectType(again.rateServiceOrder, 'ServiceOrderStatusTransitionError')).toMatchObject({ from: 'RATED', allowed: [] });

    // The history names who did what, in order.
    const row = await t.db.prisma.serviceOrderEvent.findMany({ where: { orderId: dbId }, orderBy: { id: 'asc' } });
    expect(row.map((e) => [e.fromStatus, e.toStatus, e.actorKind, e.note])).toEqual([
      [null, 'PLACED', 'REQUESTER', null],
      ['PLACED', 'DISPATCHED', 'STAFF', '请尽快上门'],
      ['DISPATCHED', 'ACCEPTED', 'TEAM', null],
      ['ACCEPTED', 'IN_SERVICE', 'TEAM', null],
      ['IN_SERVICE', 'COMPLETED', 'TEAM', '理发两位老人'],
      ['COMPLETED', 'RATED', 'REQUESTER', '师傅手艺好'],
    ]);
    expect(row[0]!.actorAccountId).toBeNull();

    // The minutes count once their records are approved, through the roster's own review.
    const before = await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: w.people.memberA1.id } });
    const [record] = await records();
    const review = await gql(t.url, RosterReviewServiceRecordDocument, { input: { id: gid('ServiceRecord', record!.id), decision: 'APPROVED' } }, w.as.managerA);
    expect(review.reviewServiceRecord.__typename).toBe('ReviewServiceRecordPayload');
    expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: w.people.memberA1.id } })).serviceMinutes).toBe(before.serviceMinutes + 90);
  });

  it('the claim race: two teams claim an open order at once, exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const order = await orderIn(t, w, 'OPEN_FOR_CLAIM', clock.now());
      const claim = (teamId: number, headers: Record<string, string>) =>
        gql(t.url, OrdersClaimDocument, { input: { id: order.id, teamId: gid('Team', teamId) } }, headers).then((r) => r.claimServiceOrder);
      const results = await Promise.all([claim(w.teams.teamA.id, w.as.leaderA), claim(w.teams.teamA2.id, w.as.leaderA2)]);
      expect(results.map((r) => r.__typename).sort()).toEqual(['ClaimServiceOrderPayload', 'ServiceOrderStatusTransitionError']);
      const loser = results.find((r) => r.__typename === 'ServiceOrderStatusTransitionError');
      expect(loser).toMatchObject({ from: 'ACCEPTED', to: 'ACCEPTED' });
      const winner = results.findIndex((r) => r.__typename === 'ClaimServiceOrderPayload');
      const row = await t.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: order.dbId }, include: { events: true } });
      expect(row.teamId).toBe([w.teams.teamA.id, w.teams.teamA2.id][winner]);
      expect(row.events.filter((e) => e.toStatus === 'ACCEPTED')).toHaveLength(1);
    }
  });

  it('service minutes are credited exactly once, even when completion is sent twice at once', async () => {
    const order = await orderIn(t, w, 'IN_SERVICE', clock.now());
    const complete = () =>
      gql(
        t.url,
        OrdersCompleteDocument,
        { input: { id: order.id, volunteerIds: [gid('Volunteer', w.people.memberA1.id), gid('Volunteer', w.people.leaderA.id)], minutes: 45, summary: '代购药品送到家' } },
        w.as.leaderA,
      ).then((r) => r.completeServiceOrder);
    const results = await Promise.all([complete(), complete()]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['CompleteServiceOrderPayload', 'ServiceOrderStatusTransitionError']);
    const again = await complete();
    expect(again.__typename).toBe('ServiceOrderStatusTransitionError');
    const records = await t.db.prisma.serviceRecord.findMany({ where: { description: { startsWith: `服务工单 #${order.dbId}：` } } });
    expect(records.map((r) => [r.volunteerId, r.minutes]).sort()).toEqual([[w.people.leaderA.id, 45], [w.people.memberA1.id, 45]].sort());
  });

  it('validates input and writes nothing on refusal', async () => {
    const order = await orderIn(t, w, 'IN_SERVICE', clock.now());
    const before = await t.db.prisma.serviceRecord.count();
    const bad = await gql(t.url, OrdersCompleteDocument, { input: { id: order.id, volunteerIds: [], minutes: 0, summary: ' ' } }, w.as.leaderA);
    expect(expectType(bad.completeServiceOrder, 'ValidationError').fields.map((f) => f.path).sort()).toEqual(['input.minutes', 'input.summary', 'input.volunteerIds']);
    const reject = await gql(t.url, OrdersRejectDocument, { input: { id: (await orderIn(t, w, 'PLACED', clock.now())).id, reason: '' } }, w.as.managerA);
    expect(expectType(reject.rejectServiceOrder, 'ValidationError').fields[0]?.path).toBe('input.reason');
    expect(await t.db.prisma.serviceRecord.count()).toBe(before);
    expect((await t.db.prisma.serviceOrder.findUniqueOrThrow({ where: { id: order.dbId } })).status).toBe('IN_SERVICE');
  });
});
