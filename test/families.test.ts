import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import {
  FamiliesAnnounceDocument,
  FamiliesBatchNominationsDocument,
  FamiliesCreateCycleDocument,
  FamiliesCreateFamilyDocument,
  FamiliesListDocument,
  FamiliesNominateDocument,
  FamiliesRecordOutreachDocument,
  FamiliesReviewDocument,
  HonoursAwardDocument,
  HonoursListDocument,
  HonoursOfRecipientsDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type AuthWorld, type Session, accountSession, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * Civilised families and honours: the selection workflow (nominate → review → announce, which
 * creates the honours) and each of its refusals, honours for volunteers, teams and families as a
 * union, the filters, and talks counted by `outreach.totalCount`. The clock is set by hand to
 * move in and out of the nomination window. Every request names the role it acts as.
 */

describe.each(DATABASE_KINDS)('families and honours on %s', (kind) => {
  const clock = manualClock('2026-03-01T09:00:00+08:00');
  let t: TestServer;
  let w: AuthWorld;
  let as: Awaited<ReturnType<typeof roleSessions>> & { otherManager: Session };
  const families: string[] = [];
  let batches: string[] = [];
  let cycleId: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    w = await authWorld(t.db.prisma, '（家庭）');
    as = {
      ...(await roleSessions(t.url, t.db.prisma, w)),
      otherManager: await accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteB.id }] }),
    };
  });
  afterAll(() => t?.close());

  const nominate = async (family: string, batch: string, headers: Record<string, string>) =>
    (await gql(t.url, FamiliesNominateDocument, { input: { familyId: family, batchId: batch, statement: '孝老爱亲，热心公益' } }, headers)).nominateFamily;

  it('registers families (members linked to volunteers) and opens a cycle with numbered batches', async () => {
    const create = async (input: Record<string, unknown>, headers: Record<string, string>) =>
      (await gql(t.url, FamiliesCreateFamilyDocument, { input: input as never }, headers)).createFamily;
    const stationA = gid('Site', w.sites.stationA.id);
    expect(expectType(await create({ name: '王家', siteId: stationA, members: [] }, as.manager.headers), 'ValidationError').fields[0]?.path).toBe('input.members');
    expect(codesOf((await request(t.url, FamiliesCreateFamilyDocument, { input: { name: '王家', siteId: stationA, members: [{ name: '王建国' }] } }, as.otherManager.headers)).errors)).toEqual(['FORBIDDEN']);
    const wang = expectType(
      await create({ name: '王家', siteId: stationA, story: '三代人坚持宣讲22年', members: [{ name: w.people.homeA.name, relation: '父亲', volunteerId: gid('Volunteer', w.people.homeA.id) }, { name: '王小红', relation: '长女' }] }, as.manager.headers),
      'CreateFamilyPayload',
    ).family;
    expect(wang.members).toEqual([
      { name: w.people.homeA.name, relation: '父亲', volunteer: { id: gid('Volunteer', w.people.homeA.id) } },
      { name: '王小红', relation: '长女', volunteer: null },
    ]);
    families.push(wang.id);
    for (const [name, site] of [['李家', w.sites.stationA.id], ['赵家', w.sites.stationB.id]] as const) {
      families.push(expectType(await create({ name, siteId: gid('Site', site), members: [{ name: `${name}主` }] }, as.admin.headers), 'CreateFamilyPayload').family.id);
    }

    const cycleInput = { name: '2026—2028年度文明家庭评选', startYear: 2026, batchCount: 2, nominationOpensAt: '2026-03-10T00:00:00+08:00', nominationClosesAt: '2026-06-01T00:00:00+08:00' };
    expect(codesOf((await request(t.url, FamiliesCreateCycleDocument, { input: cycleInput }, as.manager.headers)).errors)).toEqual(['FORBIDDEN']);
    const backwards = (await gql(t.url, FamiliesCreateCycleDocument, { input: { ...cycleInput, nominationClosesAt: '2026-03-01T00:00:00+08:00' } }, as.admin.headers)).createFamilySelectionCycle;
    expect(expectType(backwards, 'ValidationError').fields[0]?.path).toBe('input.nominationClosesAt');
    const cycle = expectType((await gql(t.url, FamiliesCreateCycleDocument, { input: cycleInput }, as.admin.headers)).createFamilySelectionCycle, 'CreateFamilySelectionCyclePayload').cycle;
    expect(cycle).toMatchObject({ startYear: 2026, endYear: 2028, nominationOpen: false, batches: [{ number: 1, level: null, announcedAt: null }, { number: 2, level: null, announcedAt: null }] });
    cycleId = cycle.id;
    batches = cycle.batches.map((b) => b.id);
  });

  it('nominations: only inside the window, once per cycle, by a manager of the family’s site', async () => {
    const before = await t.db.prisma.familyNomination.count();
    // Before the window opens.
    const early = expectType(await nominate(families[0]!, batches[0]!, as.manager.headers), 'NominationWindowClosedError');
    expect(early.opensAt).toBe('2026-03-09T16:00:00.000Z');
    clock.set('2026-03-10T00:00:00+08:00');
    expect(codesOf((await request(t.url, FamiliesNominateDocument, { input: { familyId: families[0]!, batchId: batches[0]!, statement: '事迹' } }, as.otherManager.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(codesOf((await request(t.url, FamiliesNominateDocument, { input: { familyId: families[0]!, batchId: batches[0]!, statement: '事迹' } }, as.leader.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.familyNomination.count()).toBe(before);

    // Two concurrent nominations of the same family: one wins, one is AlreadyNominatedError.
    const raced = await Promise.all([nominate(families[0]!, batches[0]!, as.manager.headers), nominate(families[0]!, batches[0]!, as.admin.headers)]);
    expect(raced.map((r) => r.__typename).sort()).toEqual(['AlreadyNominatedError', 'NominateFamilyPayload']);
    expect(await t.db.prisma.familyNomination.count()).toBe(before + 1);
    expectType(await nominate(families[1]!, batches[0]!, as.manager.headers), 'NominateFamilyPayload');
    expectType(await nominate(families[2]!, batches[0]!, as.otherManager.headers), 'NominateFamilyPayload');
    const again = expectType(await nominate(families[1]!, batches[1]!, as.admin.headers), 'AlreadyNominatedError');
    expect(again.nominationId).toMatch(/\S/);
    // The last instant of the window is closed (the window is [opens, closes)).
    clock.set('2026-06-01T00:00:00+08:00');
    expect((await nominate(families[1]!, batches[1]!, as.admin.headers)).__typename).toBe('NominationWindowClosedError');
  });

  it('review then announce: pending nominations block the announcement; approved families get honours; announced is final', async () => {
    const list = (await gql(t.url, FamiliesBatchNominationsDocument, { id: batches[0]! }, as.admin.headers)).node;
    const nominations = list && 'nominations' in list ? list.nominations!.edges.map((e) => e.node.id) : [];
    expect(nominations).toHaveLength(3);
    const review = async (id: string, decision: 'APPROVED' | 'REJECTED', headers: Record<string, string>, reason?: string) =>
      (await gql(t.url, FamiliesReviewDocument, { input: { id, decision, reason } }, headers)).reviewNomination;
    const announce = async (headers: Record<string, string>) =>
      (await gql(t.url, FamiliesAnnounceDocument, { input: { batchId: batches[0]!, level: 'CITY', awardedBy: '市文明委' } }, headers)).announceBatch;

    expect(codesOf((await request(t.url, FamiliesReviewDocument, { input: { id: nominations[0]!, decision: 'APPROVED' } }, as.manager.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(expectType(await review(nominations[2]!, 'REJECTED', as.admin.headers), 'ValidationError').fields[0]?.path).toBe('input.reason');
    expectType(await review(nominations[0]!, 'APPROVED', as.admin.headers), 'ReviewNominationPayload');
    const rejected = expectType(await review(nominations[2]!, 'REJECTED', as.admin.headers, '材料不全'), 'ReviewNominationPayload').nomination;
    expect(rejected).toMatchObject({ status: 'REJECTED', reviewNote: '材料不全' });
    expect(expectType(await review(nominations[2]!, 'APPROVED', as.admin.headers), 'NominationStatusTransitionError')).toMatchObject({ from: 'REJECTED', to: 'APPROVED' });

    const honoursBefore = await t.db.prisma.honor.count();
    expect(await announce(as.admin.headers)).toMatchObject({ __typename: 'ConflictError', message: '1 nomination(s) of this batch are still under review.' });
    expectType(await review(nominations[1]!, 'APPROVED', as.admin.headers), 'ReviewNominationPayload');
    expect(codesOf((await request(t.url, FamiliesAnnounceDocument, { input: { batchId: batches[0]!, level: 'CITY', awardedBy: '市文明委' } }, as.manager.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.honor.count()).toBe(honoursBefore);

    clock.set('2026-09-01T10:00:00+08:00');
    const announced = expectType(await announce(as.admin.headers), 'AnnounceBatchPayload');
    expect(announced.batch).toMatchObject({ level: 'CITY', announcedAt: '2026-09-01T02:00:00.000Z' });
    expect(announced.honors.map((h) => h.recipient)).toEqual([
      { __typename: 'Family', id: families[0], name: '王家' },
      { __typename: 'Family', id: families[1], name: '李家' },
    ]);
    expect(announced.honors.every((h) => h.level === 'CITY' && h.year === 2026 && h.title === '市级文明家庭' && h.citation === '2026—2028年度文明家庭评选第1批')).toBe(true);
    expect(expectType(await announce(as.admin.headers), 'BatchAnnouncedError').announcedAt).toBe('2026-09-01T02:00:00.000Z');
    expect((await review(nominations[2]!, 'APPROVED', as.admin.headers)).__typename).toBe('BatchAnnouncedError');
    expect(await t.db.prisma.honor.count()).toBe(honoursBefore + 2);
  });

  it('honours for volunteers, teams and families; filters by level, year, recipient kind and site; Volunteer/Team/Family.honors', async () => {
    const award = async (input: Record<string, unknown>, headers: Record<string, string>) =>
      (await gql(t.url, HonoursAwardDocument, { input: { awardedBy: '中央文明办', year: 2025, ...input } as never }, headers)).awardHonor;
    expect(codesOf((await request(t.url, HonoursAwardDocument, { input: { recipientId: gid('Volunteer', w.people.member.id), title: '中国好人', level: 'NATIONAL', year: 2025, awardedBy: '中央文明办' } }, as.manager.headers)).errors)).toEqual(['FORBIDDEN']);
    expect((await award({ recipientId: gid('Site', w.sites.center.id), title: '错', level: 'CITY' }, as.admin.headers)).__typename).toBe('ValidationError');
    expect((await award({ recipientId: gid('Volunteer', 999999), title: '错', level: 'CITY' }, as.admin.headers)).__typename).toBe('NotFoundError');
    const good = expectType(await award({ recipientId: gid('Volunteer', w.people.member.id), title: '中国好人', level: 'NATIONAL' }, as.admin.headers), 'AwardHonorPayload').honor;
    expect(good).toMatchObject({ recipientKind: 'VOLUNTEER', recipient: { __typename: 'Volunteer', id: gid('Volunteer', w.people.member.id) }, nominationOnly: false });
    expectType(await award({ recipientId: gid('Volunteer', w.people.member.id), title: '省道德模范', level: 'PROVINCIAL', nominationOnly: true, year: 2024, awardedBy: '省文明委' }, as.admin.headers), 'AwardHonorPayload');
    expectType(await award({ recipientId: gid('Team', w.otherTeam.id), title: '最佳志愿服务组织', level: 'CITY', awardedBy: '市文明委' }, as.admin.headers), 'AwardHonorPayload');

    const list = async (filter: Record<string, unknown>, headers = as.volunteer.headers) =>
      (await gql(t.url, HonoursListDocument, { filter: filter as never }, headers)).honors;
    expect((await list({})).totalCount).toBe(5);
    expect((await list({ level: ['NATIONAL', 'PROVINCIAL'] })).totalCount).toBe(2);
    expect((await list({ year: 2026 })).edges.map((e) => e.node.recipientKind)).toEqual(['FAMILY', 'FAMILY']);
    expect((await list({ recipientKind: 'TEAM' })).edges.map((e) => e.node.recipient)).toEqual([{ __typename: 'Team', id: gid('Team', w.otherTeam.id) }]);
    // The member's home is station B; the team is at station B; 王家 and 李家 are at station A.
    expect((await list({ siteId: gid('Site', w.sites.instituteB.id) })).totalCount).toBe(3);
    expect((await list({ siteId: gid('Site', w.sites.instituteA.id) })).totalCount).toBe(2);
    // Honours are public; a volunteer recipient needs a login.
    const anonymous = await request(t.url, HonoursListDocument, { filter: { recipientKind: 'VOLUNTEER' } }, ANONYMOUS);
    expect(anonymous.data?.honors.edges.map((e) => e.node.recipient)).toEqual([null, null]);
    expect(codesOf(anonymous.errors)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

    const of = (await gql(t.url, HonoursOfRecipientsDocument, { volunteer: gid('Volunteer', w.people.member.id), team: gid('Team', w.otherTeam.id) }, as.volunteer.headers));
    expect([of.volunteer?.honors.totalCount, of.team?.honors.totalCount]).toEqual([2, 1]);
    const byLevel = await gql(t.url, FamiliesListDocument, { filter: { level: ['CITY'] } }, ANONYMOUS);
    expect(byLevel.families.edges.map((e) => e.node.name)).toEqual(['王家', '李家']);
    expect(byLevel.families.edges[0]?.node.honors.edges).toEqual([{ node: { level: 'CITY', title: '市级文明家庭' } }]);
    expect((await gql(t.url, FamiliesListDocument, { filter: { cycleId } }, ANONYMOUS)).families.totalCount).toBe(3);
    expect((await gql(t.url, FamiliesListDocument, { filter: { siteId: gid('Site', w.sites.instituteB.id) } }, ANONYMOUS)).families.edges.map((e) => e.node.name)).toEqual(['赵家']);
  });

  it('talks: recorded by a manager of the family’s site, not in the future, counted by outreach.totalCount', async () => {
    const talk = async (input: Record<string, unknown>, headers: Record<string, string>) =>
      (await gql(t.url, FamiliesRecordOutreachDocument, { input: { familyId: families[0]!, venueKind: 'SCHOOL', audienceSize: 120, topic: '好家风代代传', heldOn: '2026-08-20', ...input } as never }, headers)).recordFamilyOutreach;
    expect(codesOf((await request(t.url, FamiliesRecordOutreachDocument, { input: { familyId: families[0]!, venueKind: 'SCHOOL', audienceSize: 1, topic: 'x', heldOn: '2026-08-20' } }, as.otherManager.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(expectType(await talk({ heldOn: '2026-09-02' }, as.manager.headers), 'ValidationError').fields[0]?.path).toBe('input.heldOn');
    expect(expectType(await talk({ audienceSize: 0 }, as.manager.headers), 'ValidationError').fields[0]?.path).toBe('input.audienceSize');
    const venues = ['SCHOOL', 'COMMUNITY', 'COMPANY', 'GOVERNMENT_OFFICE', 'SCHOOL'];
    let last = 0;
    for (const [i, venueKind] of venues.entries()) {
      const result = expectType(await talk({ venueKind, heldOn: `2026-08-${String(10 + i).padStart(2, '0')}` }, as.manager.headers), 'RecordFamilyOutreachPayload');
      last = result.family.outreach.totalCount;
    }
    expect(last).toBe(venues.length);
    const wang = (await gql(t.url, FamiliesListDocument, { filter: { level: ['CITY'] } }, ANONYMOUS)).families.edges[0]!.node;
    expect(wang.outreach.totalCount).toBe(await t.db.prisma.familyOutreach.count({ where: { family: { name: '王家' } } }));
    expect(wang.outreach.edges.map((e) => e.node.heldOn)).toEqual(['2026-08-14', '2026-08-13']);
  });
});
