import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import type { CommunityReportStatus } from '../src/generated/prisma/client.js';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import {
  ReportsChangeStatusDocument,
  ReportsCountsDocument,
  ReportsListDocument,
  ReportsLiveDocument,
  ReportsMarkDuplicateDocument,
  ReportsOneDocument,
  ReportsSubmitDocument,
  type SubmitCommunityReportInput,
} from './generated/graphql.js';
import { ANONYMOUS, accountSession, bearer, codesOf } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid, siteTree } from './support/fixtures.js';
import { wsClient } from './support/live-clients.js';
import { HOUR, makeVolunteers } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * Street reports through HTTP and WebSocket: filing with validated location and photos, every
 * status step allowed and refused, likely-duplicate detection (same category, 50 m, 24 h) and
 * duplicate marking, who sees which reports, the counts on a volunteer's record, and the
 * reporter's live stream. Each request names the role it acts as.
 */

const T0 = '2026-12-01T01:00:00Z';
const HERE = { lat: 28.68, lng: 115.86 };
/** A point `meters` north of HERE. */
const north = (meters: number) => ({ lat: HERE.lat + meters / 111_195, lng: HERE.lng });

describe.each(DATABASE_KINDS)('street reports on %s', (kind) => {
  let t: TestServer;
  let bus: AppBus;
  const clock = manualClock(T0);
  let sites: Awaited<ReturnType<typeof siteTree>>;
  let as: Record<'admin' | 'managerA' | 'managerB' | 'rider' | 'otherRider' | 'staffOnly' | 'anonymous', Record<string, string>>;
  let rider: { id: number };
  let otherRider: { id: number };

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer(kind, { clock, pubsub: bus });
    sites = await siteTree(t.db.prisma, `（报${kind}）`);
    [rider, otherRider] = (await makeVolunteers(t.db.prisma, sites.stationA.id, 2, '骑手')) as unknown as [{ id: number }, { id: number }];
    const riders = await t.db.prisma.volunteer.findMany({ where: { id: { in: [rider.id, otherRider.id] } }, orderBy: { id: 'asc' } });
    const session = (input: Parameters<typeof accountSession>[2]) => accountSession(t.url, t.db.prisma, input);
    const [managerA, managerB, riderS, otherS, staffOnly] = await Promise.all([
      session({ roles: [{ role: 'SITE_MANAGER', siteId: sites.stationA.id }] }),
      session({ roles: [{ role: 'SITE_MANAGER', siteId: sites.stationB.id }] }),
      session({ phone: riders[0]!.phone, volunteerId: riders[0]!.id }),
      session({ phone: riders[1]!.phone, volunteerId: riders[1]!.id }),
      session({ roles: [{ role: 'SITE_MANAGER', siteId: sites.center.id }] }),
    ]);
    as = {
      admin: bearer(t.adminToken),
      managerA: managerA.headers,
      managerB: managerB.headers,
      rider: riderS.headers,
      otherRider: otherS.headers,
      staffOnly: staffOnly.headers,
      anonymous: ANONYMOUS,
    };
  });
  afterAll(() => t?.close());

  const submit = async (input: Partial<SubmitCommunityReportInput>, headers = as.rider) =>
    (
      await gql(
        t.url,
        ReportsSubmitDocument,
        { input: { siteId: gid('Site', sites.stationA.id), category: 'WATER_LEAK', description: '路口消防栓漏水', location: HERE, ...input } },
        headers,
      )
    ).submitCommunityReport;
  const change = async (id: string, status: CommunityReportStatus, headers = as.managerA) =>
    (await gql(t.url, ReportsChangeStatusDocument, { input: { id, status, note: `→${status}` } }, headers)).changeCommunityReportStatus;

  it('files a report with location and photos; validates them and writes nothing on refusal', async () => {
    clock.set(T0);
    const filed = expectType(await submit({ category: 'SEWAGE_OVERFLOW', description: '下水道冒水', photoUrls: ['https://img.example.cn/a.jpg', 'http://img.example.cn/b.png'] }), 'SubmitCommunityReportPayload');
    expect(filed.report).toMatchObject({
      category: 'SEWAGE_OVERFLOW',
      status: 'SUBMITTED',
      nextStatuses: ['ACKNOWLEDGED', 'REJECTED'],
      location: HERE,
      reporter: { id: gid('Volunteer', rider.id) },
      history: [{ fromStatus: null, toStatus: 'SUBMITTED', actor: { id: gid('Volunteer', rider.id) } }],
    });
    expect(filed.likelyDuplicates).toEqual([]);

    const before = await t.db.prisma.communityReport.count();
    const photos = expectType(await submit({ photoUrls: Array.from({ length: 7 }, (_, i) => `https://img.example.cn/${i}.jpg`) }), 'ValidationError');
    expect(photos.fields).toEqual([{ path: 'input.photoUrls', message: 'at most 6 photos' }]);
    const scheme = expectType(await submit({ photoUrls: ['https://ok.example.cn/x.jpg', 'javascript:alert(1)', 'ftp://x.cn/a'] }), 'ValidationError');
    expect(scheme.fields.map((f) => f.path)).toEqual(['input.photoUrls.1', 'input.photoUrls.2']);
    const place = expectType(await submit({ location: { lat: 91, lng: 200 } }), 'ValidationError');
    expect(place.fields.map((f) => f.path).sort()).toEqual(['input.location.lat', 'input.location.lng']);
    expect(expectType(await submit({ description: '  ' }), 'ValidationError').fields[0]?.path).toBe('input.description');
    expect((await submit({ siteId: gid('Site', 999_999) })).__typename).toBe('NotFoundError');
    // Filing needs a volunteer profile: not anonymous, not a staff-only account.
    for (const headers of [as.anonymous, as.staffOnly]) {
      const refused = await request(t.url, ReportsSubmitDocument, { input: { siteId: gid('Site', sites.stationA.id), category: 'OTHER', description: 'x' } }, headers);
      expect(codesOf(refused.errors)).toEqual(['FORBIDDEN']);
    }
    // A suspended rider cannot file: while suspended, their sessions are refused outright.
    await t.db.prisma.volunteer.update({ where: { id: rider.id }, data: { status: 'SUSPENDED' } });
    const suspended = await request(t.url, ReportsSubmitDocument, { input: { siteId: gid('Site', sites.stationA.id), category: 'OTHER', description: 'x' } }, as.rider);
    expect(codesOf(suspended.errors)).toEqual(['UNAUTHENTICATED']);
    await t.db.prisma.volunteer.update({ where: { id: rider.id }, data: { status: 'ACTIVE' } });
    expect(await t.db.prisma.communityReport.count()).toBe(before);
  });

  const ALLOWED: Record<CommunityReportStatus, CommunityReportStatus[]> = {
    SUBMITTED: ['ACKNOWLEDGED', 'REJECTED'],
    ACKNOWLEDGED: ['IN_PROGRESS', 'REJECTED'],
    IN_PROGRESS: ['RESOLVED', 'REJECTED'],
    RESOLVED: [],
    REJECTED: [],
  };
  const STATUSES = Object.keys(ALLOWED) as CommunityReportStatus[];

  it.each(STATUSES)('from %s: every status step allowed or refused, by managers of the site only', async (from) => {
    for (const to of STATUSES) {
      const report = expectType(await submit({ category: 'ILLEGAL_ADS', location: null }), 'SubmitCommunityReportPayload').report;
      await t.db.prisma.communityReport.update({ where: { id: Number(Buffer.from(report.id, 'base64').toString().split(':')[1]) }, data: { status: from } });
      for (const headers of [as.managerB, as.rider]) {
        expect(codesOf((await request(t.url, ReportsChangeStatusDocument, { input: { id: report.id, status: to } }, headers)).errors)).toEqual(['FORBIDDEN']);
      }
      const result = await change(report.id, to);
      if (ALLOWED[from].includes(to)) {
        const moved = expectType(result, 'ChangeCommunityReportStatusPayload').report;
        expect(moved.status).toBe(to);
        expect(moved.history.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, note: `→${to}` });
      } else {
        expect(expectType(result, 'CommunityReportStatusTransitionError')).toMatchObject({ from, to, allowed: ALLOWED[from] });
      }
    }
  });

  it('offers likely duplicates: same category, within 50 m and 24 h; marks duplicates', async () => {
    clock.set('2026-12-02T01:00:00Z');
    const first = expectType(await submit({ category: 'ROAD_HAZARD', description: '井盖缺失', location: HERE }), 'SubmitCommunityReportPayload').report;
    clock.advance(HOUR);
    const near = expectType(await submit({ category: 'ROAD_HAZARD', description: '这里井盖没了', location: north(30) }, as.otherRider), 'SubmitCommunityReportPayload');
    expect(near.likelyDuplicates).toHaveLength(1);
    expect(near.likelyDuplicates[0]).toMatchObject({ id: first.id, category: 'ROAD_HAZARD', status: 'SUBMITTED' });
    expect(near.likelyDuplicates[0]!.distanceMeters).toBeCloseTo(30, 0);
    // Another category, 80 m away, or a day later: not offered.
    expect(expectType(await submit({ category: 'WATER_LEAK', location: north(10) }), 'SubmitCommunityReportPayload').likelyDuplicates).toEqual([]);
    expect(expectType(await submit({ category: 'ROAD_HAZARD', location: north(80) }), 'SubmitCommunityReportPayload').likelyDuplicates).toEqual([]);
    clock.advance(24 * HOUR);
    const dayLater = expectType(await submit({ category: 'ROAD_HAZARD', location: north(5) }), 'SubmitCommunityReportPayload');
    expect(dayLater.likelyDuplicates.map((d) => d.id)).not.toContain(first.id);

    const marked = await gql(t.url, ReportsMarkDuplicateDocument, { input: { id: near.report.id, duplicateOfId: first.id, note: '同一井盖' } }, as.managerA);
    expect(expectType(marked.markCommunityReportDuplicate, 'MarkCommunityReportDuplicatePayload').report).toMatchObject({ status: 'REJECTED', duplicateOf: { id: first.id } });
    // A third report marked as a duplicate of the duplicate points at the original.
    const third = expectType(await submit({ category: 'ROAD_HAZARD', location: HERE }), 'SubmitCommunityReportPayload').report;
    const chained = await gql(t.url, ReportsMarkDuplicateDocument, { input: { id: third.id, duplicateOfId: near.report.id } }, as.managerA);
    expect(expectType(chained.markCommunityReportDuplicate, 'MarkCommunityReportDuplicatePayload').report.duplicateOf?.id).toBe(first.id);
    const self = await gql(t.url, ReportsMarkDuplicateDocument, { input: { id: first.id, duplicateOfId: near.report.id } }, as.managerA);
    expect(self.markCommunityReportDuplicate.__typename).toBe('ConflictError');
    expect(codesOf((await request(t.url, ReportsMarkDuplicateDocument, { input: { id: first.id, duplicateOfId: third.id } }, as.managerB)).errors)).toEqual(['FORBIDDEN']);
    // Reports closed as duplicates are not offered again: only the day-later one is.
    expect(expectType(await submit({ category: 'ROAD_HAZARD', location: HERE }), 'SubmitCommunityReportPayload').likelyDuplicates.map((d) => d.id)).toEqual([dayLater.report.id]);
  });

  it('who sees which reports, and the counts on a volunteer’s record', async () => {
    const list = async (headers: Record<string, string>, filter = {}) => (await gql(t.url, ReportsListDocument, { filter }, headers)).communityReports;
    const all = await t.db.prisma.communityReport.count();
    const riders = await t.db.prisma.communityReport.count({ where: { reporterId: rider.id } });
    expect((await list(as.managerA)).totalCount).toBe(all);
    expect((await list(as.managerB)).totalCount).toBe(0);
    expect((await list(as.rider)).totalCount).toBe(riders);
    expect((await list(as.admin, { reporterId: gid('Volunteer', otherRider.id) })).totalCount).toBe(all - riders);
    expect((await list(as.managerA, { status: ['RESOLVED'], category: ['ILLEGAL_ADS'] })).totalCount).toBe(
      await t.db.prisma.communityReport.count({ where: { status: 'RESOLVED', category: 'ILLEGAL_ADS' } }),
    );
    expect((await list(as.managerA, { siteId: gid('Site', sites.stationB.id) })).totalCount).toBe(0);
    expect(codesOf((await request(t.url, ReportsListDocument, {}, as.anonymous)).errors)).toEqual(['FORBIDDEN']);
    const others = await t.db.prisma.communityReport.findFirstOrThrow({ where: { reporterId: otherRider.id } });
    const peek = await request(t.url, ReportsOneDocument, { id: gid('CommunityReport', others.id) }, as.rider);
    expect(peek.data?.communityReport ?? null).toBeNull();
    expect(new Set(codesOf(peek.errors))).toEqual(new Set(['FORBIDDEN']));

    const resolved = await t.db.prisma.communityReport.count({ where: { reporterId: rider.id, status: 'RESOLVED' } });
    expect(resolved).toBeGreaterThan(0);
    const counts = await gql(t.url, ReportsCountsDocument, { id: gid('Volunteer', rider.id) }, as.rider);
    expect(counts.volunteer).toEqual({ reportsFiled: riders, reportsResolved: resolved });
    // Reports do not count toward service hours.
    expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: rider.id } })).serviceMinutes).toBe(0);
  });

  it('the reporter sees their own reports move live; nobody else’s', async () => {
    const client = wsClient(t.wsUrl, as.rider);
    const started = t.live.subscriptionsStarted();
    const sub = client.subscribe(ReportsLiveDocument, {});
    await t.live.waitForSubscriptionsStarted(started + 1);
    try {
      const others = expectType(await submit({ category: 'OTHER', location: null }, as.otherRider), 'SubmitCommunityReportPayload').report;
      await change(others.id, 'ACKNOWLEDGED');
      const mine = expectType(await submit({ category: 'SANITATION_BLIND_SPOT', location: null }), 'SubmitCommunityReportPayload').report;
      await change(mine.id, 'ACKNOWLEDGED');
      expect((await sub.results.next()).communityReportUpdated).toMatchObject({ status: 'SUBMITTED', previousStatus: null, report: { id: mine.id } });
      expect((await sub.results.next()).communityReportUpdated).toMatchObject({ status: 'ACKNOWLEDGED', previousStatus: 'SUBMITTED', report: { id: mine.id } });
      expect(sub.results.unread).toBe(0);
    } finally {
      await client.dispose();
    }
  });
});
