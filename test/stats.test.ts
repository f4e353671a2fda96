import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAssignment } from './support/roster-fixtures.js';
import { StatsCityDocument, StatsSiteDocument } from './generated/graphql.js';
import { type AuthWorld, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';
import { shanghaiDate } from './support/roster-fixtures.js';

/*
 * cityStats, Site.stats and Site.coverage against counts computed here, in JavaScript, from every
 * row of the tables involved (loaded with Prisma) — a second, independent reading of the same
 * definitions. Requests act as an admin and as a site manager; a plain volunteer is refused.
 */

const DAY = 86_400_000;

describe.each(DATABASE_KINDS)('statistics on %s', (kind) => {
  let t: TestServer;
  let w: AuthWorld;
  let as: Awaited<ReturnType<typeof roleSessions>>;
  const from = shanghaiDate(-30);
  const to = shanghaiDate(30);
  const inPeriod = (d: Date) => d >= new Date(`${from}T00:00:00+08:00`) && d < new Date(new Date(`${to}T00:00:00+08:00`).getTime() + DAY);
  const dayIn = (d: Date) => d.toISOString().slice(0, 10) >= from && d.toISOString().slice(0, 10) <= to;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const prisma = t.db.prisma;
    w = await authWorld(prisma, '（统计）');
    as = await roleSessions(t.url, prisma, w);
    const p = w.people;
    // Duty: two completed assignments at station A's post, one at station B's; one sign-up still assigned.
    for (const [shiftId, volunteerId, minutes] of [[w.shiftA.id, p.member.id, 150], [w.shiftA.id, p.homeA.id, 90], [w.shiftB.id, p.elsewhere.id, 60]] as const) {
      const a = await makeAssignment(prisma, { shiftId, volunteerId, status: 'COMPLETED' });
      await prisma.shiftAssignment.update({ where: { id: a.id }, data: { serviceMinutes: minutes } });
    }
    await makeAssignment(prisma, { shiftId: w.shiftB.id, volunteerId: p.spare.id, status: 'ASSIGNED' });
    // Service records: approved in the period, approved before it, pending.
    const record = (teamId: number, volunteerId: number, daysAgo: number, minutes: number, status: 'APPROVED' | 'PENDING') =>
      prisma.serviceRecord.create({ data: { teamId, volunteerId, minutes, status, description: '服务', servedOn: new Date(`${shanghaiDate(-daysAgo)}T00:00:00Z`) } });
    await record(w.ledTeam.id, p.leader.id, 3, 45, 'APPROVED');
    await record(w.ledTeam.id, p.member.id, 60, 500, 'APPROVED');
    await record(w.otherTeam.id, p.plain.id, 2, 30, 'PENDING');
    // Stars: a 2★ and a 1★ volunteer.
    await prisma.volunteer.update({ where: { id: p.elsewhere.id }, data: { serviceMinutes: 310 * 60 } });
    await prisma.volunteer.update({ where: { id: p.plain.id }, data: { serviceMinutes: 120 * 60 } });
    // Care: two beneficiaries at station A (three visits in the period, one before), one at station B.
    const b = async (siteId: number, teamId: number) =>
      prisma.beneficiary.create({ data: { kind: 'HARDSHIP_FAMILY', siteId, name: '户', address: '址', careTeamId: teamId } });
    const [a1, a2, b1] = [await b(w.sites.stationA.id, w.ledTeam.id), await b(w.sites.stationA.id, w.ledTeam.id), await b(w.sites.stationB.id, w.otherTeam.id)];
    for (const [beneficiaryId, teamId, daysAgo] of [[a1.id, w.ledTeam.id, 1], [a1.id, w.ledTeam.id, 5], [a2.id, w.ledTeam.id, 7], [a2.id, w.ledTeam.id, 90], [b1.id, w.otherTeam.id, 2]] as const) {
      await prisma.careVisit.create({ data: { beneficiaryId, teamId, visitedOn: new Date(`${shanghaiDate(-daysAgo)}T00:00:00Z`), services: ['OTHER'], minutes: 30 } });
    }
    // Honours this year and long ago; one family named at CITY level.
    const year = Number(shanghaiDate(0).slice(0, 4));
    const family = await prisma.family.create({ data: { name: '周家', story: '', siteId: w.sites.stationA.id } });
    for (const [level, y, extra] of [
      ['CITY', year, { recipientKind: 'FAMILY', familyId: family.id, siteId: w.sites.stationA.id }],
      ['NATIONAL', year, { recipientKind: 'VOLUNTEER', volunteerId: p.member.id, siteId: w.sites.stationB.id }],
      ['CITY', year, { recipientKind: 'TEAM', teamId: w.ledTeam.id, siteId: w.sites.stationA.id }],
      ['PROVINCIAL', 2001, { recipientKind: 'VOLUNTEER', volunteerId: p.homeA.id, siteId: w.sites.stationA.id }],
    ] as const) {
      await prisma.honor.create({ data: { title: '荣誉', level, year: y, awardedBy: '文明委', ...extra } });
    }
    // Service orders at stations A and B: placed, completed and rated in the period or before it.
    const now = Date.now();
    const hoursAgo = (h: number) => new Date(now - h * 3_600_000);
    let n = 0;
    const order = (siteId: number, status: 'PLACED' | 'COMPLETED' | 'RATED' | 'CANCELLED', placed: number, completed?: number, rated?: [number, number]) =>
      prisma.serviceOrder.create({
        data: {
          siteId, status, category: 'OTHER', description: '需求', address: '地址', addressKey: '地址', requesterName: '居民', requesterPhone: '+8613800000000',
          trackingCodeHash: `stats-${kind}-${(n += 1)}`, placedAt: hoursAgo(placed), dispatchDueAt: hoursAgo(placed - 24), completeDueAt: hoursAgo(placed - 72),
          completedAt: completed == null ? null : hoursAgo(completed), ratedAt: rated ? hoursAgo(rated[0]) : null, ratingStars: rated ? rated[1] : null,
        },
      });
    await order(w.sites.stationA.id, 'PLACED', 5);
    await order(w.sites.stationA.id, 'CANCELLED', 30);
    await order(w.sites.stationA.id, 'COMPLETED', 48, 40);
    await order(w.sites.stationA.id, 'RATED', 100, 90, [80, 4]);
    await order(w.sites.stationB.id, 'RATED', 24 * 45, 24 * 20, [24 * 19, 5]);
    await order(w.sites.stationB.id, 'RATED', 24 * 90, 24 * 80, [24 * 79, 1]);
    // Street reports: filed in the period in several states, and one long ago.
    for (const [siteId, status, h] of [
      [w.sites.stationA.id, 'SUBMITTED', 2], [w.sites.stationA.id, 'RESOLVED', 30], [w.sites.stationA.id, 'IN_PROGRESS', 50],
      [w.sites.stationB.id, 'RESOLVED', 3], [w.sites.stationB.id, 'REJECTED', 4], [w.sites.stationB.id, 'SUBMITTED', 24 * 60],
    ] as const) {
      await prisma.communityReport.create({ data: { siteId, status, category: 'WATER_LEAK', description: '漏水', photoUrls: [], reporterId: p.member.id, submittedAt: hoursAgo(h) } });
    }
  });
  afterAll(() => t?.close());

  /** The expected statistics of the subtree of `rootPath` (every site when null), computed from all rows. */
  async function expected(rootPath: string | null) {
    const prisma = t.db.prisma;
    const sites = await prisma.site.findMany();
    const inArea = new Set(sites.filter((s) => rootPath == null || s.path === rootPath || s.path.startsWith(`${rootPath}.`)).map((s) => s.id));
    const [volunteers, teams, projects, shifts, posts, assignments, records, visits, beneficiaries, honors, orders, reports] = await Promise.all([
      prisma.volunteer.findMany(), prisma.team.findMany(), prisma.project.findMany(), prisma.shift.findMany(), prisma.dutyPost.findMany(),
      prisma.shiftAssignment.findMany(), prisma.serviceRecord.findMany(), prisma.careVisit.findMany(), prisma.beneficiary.findMany(), prisma.honor.findMany(),
      prisma.serviceOrder.findMany(), prisma.communityReport.findMany(),
    ]);
    const postSite = new Map(posts.map((p) => [p.id, p.siteId]));
    const teamSite = new Map(teams.map((tm) => [tm.id, tm.siteId]));
    const shiftById = new Map(shifts.map((s) => [s.id, s]));
    const beneficiarySite = new Map(beneficiaries.map((b) => [b.id, b.siteId]));
    const stars = (m: number) => [100, 300, 600, 1000, 1500].filter((h) => m >= h * 60).length;
    const home = volunteers.filter((v) => inArea.has(v.homeSiteId));
    const duty = assignments.filter((a) => a.status === 'COMPLETED' && inPeriod(shiftById.get(a.shiftId)!.startsAt) && inArea.has(postSite.get(shiftById.get(a.shiftId)!.postId)!));
    const served = records.filter((r) => r.status === 'APPROVED' && dayIn(r.servedOn) && inArea.has(teamSite.get(r.teamId)!));
    const running = projects.filter((p) => inArea.has(p.siteId) && p.startsOn.toISOString().slice(0, 10) <= to && p.endsOn.toISOString().slice(0, 10) >= from);
    const open = shifts.filter((s) => s.status === 'OPEN' && inPeriod(s.startsAt) && inArea.has(postSite.get(s.postId)!));
    const careVisits = visits.filter((v) => dayIn(v.visitedOn) && inArea.has(beneficiarySite.get(v.beneficiaryId)!));
    const years = [Number(from.slice(0, 4)), Number(to.slice(0, 4))];
    const honoured = honors.filter((h) => inArea.has(h.siteId) && h.year >= years[0]! && h.year <= years[1]!);
    const countBy = <T,>(rows: T[], key: (r: T) => string) =>
      [...rows.reduce((m, r) => m.set(key(r), (m.get(key(r)) ?? 0) + 1), new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b)).map(([k, count]) => ({ key: k, count }));
    const areaOrders = orders.filter((o) => inArea.has(o.siteId));
    const placed = areaOrders.filter((o) => inPeriod(o.placedAt));
    const completed = areaOrders.filter((o) => o.completedAt && inPeriod(o.completedAt));
    const rated = areaOrders.filter((o) => o.ratedAt && inPeriod(o.ratedAt));
    const durations = completed.map((o) => (o.completedAt!.getTime() - o.placedAt.getTime()) / 60_000).sort((a, b) => a - b);
    const mid = durations.length / 2;
    const median = durations.length === 0 ? null : durations.length % 2 ? durations[Math.floor(mid)]! : (durations[mid - 1]! + durations[mid]!) / 2;
    const filed = reports.filter((r) => inArea.has(r.siteId) && inPeriod(r.submittedAt));
    const capacity = open.reduce((n, s) => n + s.capacity, 0);
    const assigned = open.reduce((n, s) => n + s.assignedCount, 0);
    return {
      volunteers: {
        registered: home.length,
        registeredInPeriod: home.filter((v) => inPeriod(v.registeredAt)).length,
        activeInPeriod: new Set([...duty, ...served].map((x) => x.volunteerId)).size,
        byStarLevel: [0, 1, 2, 3, 4, 5].map((level) => ({ level, count: home.filter((v) => stars(v.serviceMinutes) === level).length })),
      },
      teams: teams.filter((tm) => inArea.has(tm.siteId)).length,
      serviceMinutes: duty.reduce((n, a) => n + (a.serviceMinutes ?? 0), 0) + served.reduce((n, r) => n + r.minutes, 0),
      projectsByStatus: countBy(running, (p) => p.status),
      projectsByCategory: countBy(running, (p) => p.category),
      shifts: { total: open.length, staffed: open.filter((s) => s.assignedCount >= s.minimum).length, understaffed: open.filter((s) => s.assignedCount < s.minimum).length, assigned, capacity, fillRate: capacity ? assigned / capacity : null },
      beneficiariesReached: new Set(careVisits.map((v) => v.beneficiaryId)).size,
      careVisits: careVisits.length,
      honorsByLevel: countBy(honoured, (h) => h.level),
      civilisedFamiliesByLevel: countBy(honoured.filter((h) => h.recipientKind === 'FAMILY'), (h) => h.level),
      serviceOrders: {
        placed: placed.length,
        byStatus: countBy(placed, (o) => o.status),
        completed: completed.length,
        medianMinutesToComplete: median,
        ratings: rated.length,
        meanRating: rated.length ? rated.reduce((n, o) => n + o.ratingStars!, 0) / rated.length : null,
      },
      communityReports: {
        submitted: filed.length,
        byStatus: countBy(filed, (r) => r.status),
        open: filed.filter((r) => ['SUBMITTED', 'ACKNOWLEDGED', 'IN_PROGRESS'].includes(r.status)).length,
        resolved: filed.filter((r) => r.status === 'RESOLVED').length,
      },
    };
  }

  it('cityStats matches the counts computed from the rows; staff only', async () => {
    const stats = (await gql(t.url, StatsCityDocument, { from, to }, as.admin.headers)).cityStats!;
    const want = await expected(null);
    expect(stats).toEqual(want);
    // The fixture is not empty where it matters, so equality is not between zeros.
    expect([stats.serviceMinutes, stats.careVisits, stats.shifts.total, stats.volunteers.activeInPeriod]).toEqual([150 + 90 + 60 + 45, 4, want.shifts.total, 4]);
    expect(stats.shifts.total).toBeGreaterThan(0);
    // Orders and reports: 4 placed in the period (B's of 45 and 90 days ago are not), 3 completed, 2 rated (4★, 5★).
    expect(stats.serviceOrders).toMatchObject({ placed: 4, completed: 3, ratings: 2, meanRating: 4.5 });
    expect(stats.communityReports).toMatchObject({ submitted: 5, open: 2, resolved: 2 });
    expect(codesOf((await request(t.url, StatsCityDocument, { from, to }, as.volunteer.headers)).errors)).toEqual(['FORBIDDEN']);
    const backwards = await request(t.url, StatsCityDocument, { from: to, to: from }, as.admin.headers);
    expect(backwards.errors?.[0]?.message).toBe('to: to must not be before from');
  });

  it('Site.stats covers the site and everything below it; Site.coverage checks the five conditions', async () => {
    for (const site of [w.sites.instituteA, w.sites.stationB, w.sites.center]) {
      const reply = (await gql(t.url, StatsSiteDocument, { id: gid('Site', site.id), from, to }, as.manager.headers)).site!;
      expect(reply.stats, site.name).toEqual(await expected(site.path));
    }
    const prisma = t.db.prisma;
    const below = (await prisma.site.findMany({ where: { level: { in: ['INSTITUTE', 'STATION'] } } }));
    const coverage = (await gql(t.url, StatsSiteDocument, { id: gid('Site', w.sites.center.id), from, to }, as.admin.headers)).site!.coverage!;
    expect(coverage.sites).toBe(below.length);
    const teams = await prisma.team.findMany();
    expect(coverage.withTeam).toBe(below.filter((s) => teams.some((tm) => tm.siteId === s.id)).length);
    // No institute or station has all five yet: station A has a team, duty and posts, but its team's project is based at institute A.
    const projects = await prisma.project.findMany({ where: { status: { in: ['RECRUITING', 'ACTIVE', 'COMPLETED'] } } });
    expect(coverage.withProject).toBe(below.filter((s) => projects.some((p) => p.siteId === s.id)).length);
    expect(coverage.covered).toBe(0);
    expect(coverage.share).toBe(0);
    // Base the led team's project at station A: station A now meets all five.
    await prisma.project.update({ where: { id: w.ledProject.id }, data: { siteId: w.sites.stationA.id } });
    const after = (await gql(t.url, StatsSiteDocument, { id: gid('Site', w.sites.center.id), from, to }, as.admin.headers)).site!.coverage!;
    expect(after).toMatchObject({ covered: 1, share: 1 / below.length });
    await prisma.project.update({ where: { id: w.ledProject.id }, data: { siteId: w.sites.instituteA.id } });
  });
});
