import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RosterCreateDutyPostDocument,
  RosterCreateShiftsDocument,
  RosterDutyPostDocument,
  RosterDutyPostsDocument,
  RosterListDocument,
  RosterProjectShiftsDocument,
  RosterSiteDutyPostsDocument,
  RosterUpdateDutyPostDocument,
  RosterWithVolunteersDocument,
  type CreateShiftsInput,
  type RosterFilter,
} from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid, siteTree } from './support/fixtures.js';
import {
  dbIdOf,
  makePost,
  makeProject,
  makeVolunteers,
  rosterApi,
  rosterWorld,
  type RosterWorld,
  shanghai,
} from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * Bulk campaigns, Asia/Shanghai day boundaries, site subtrees and the roster query's statement
 * count. Everything here uses fixed dates (summer 2026) and does not depend on the clock.
 */
describe.each(DATABASE_KINDS)('roster campaigns and queries on %s', (kind) => {
  let t: TestServer;
  let w: RosterWorld;
  /** ACTIVE, 2026-07-01 to 2026-08-31. */
  let summerId: number;
  beforeAll(async () => {
    t = await startTestServer(kind);
    w = await rosterWorld(t.db.prisma);
    summerId = (
      await makeProject(t.db.prisma, {
        organizerId: w.teamId,
        siteId: w.sites.center.id,
        startsOn: '2026-07-01',
        endsOn: '2026-08-31',
        title: '暑期文明旅游志愿服务',
      })
    ).id;
  });
  afterAll(() => t?.close());

  const createShifts = async (input: Omit<CreateShiftsInput, 'projectId'> & { projectId?: string }) =>
    (await gql(t.url, RosterCreateShiftsDocument, { input: { projectId: gid('Project', summerId), ...input } }, t.admin)).createShifts;
  const roster = async (filter: RosterFilter, first = 100) => (await gql(t.url, RosterListDocument, { filter, first }, t.admin)).roster;
  const posts = async (count: number, label: string) => {
    const made = [];
    for (let i = 1; i <= count; i++) made.push(await makePost(t.db.prisma, w.sites.stationA.id, `${label}${i}号岗`));
    return made;
  };

  describe('a 30-day campaign', () => {
    let postIds: number[];
    beforeAll(async () => {
      postIds = (await posts(12, '暑期')).map((p) => p.id);
    });

    it('creates every post × day × window in one go, with Shanghai wall-clock times', async () => {
      const before = await t.db.prisma.shift.count();
      const result = expectType(
        await createShifts({
          postIds: postIds.map((id) => gid('DutyPost', id)),
          startDate: '2026-07-07',
          days: 30,
          windows: [
            { start: '08:00', end: '12:00' },
            { start: '14:00', end: '18:00' },
          ],
          capacity: 8,
          role: '文明引导',
          notes: '穿红马甲，戴志愿者证',
        }),
        'CreateShiftsPayload',
      );
      // 12 posts × 30 days × 2 windows.
      expect(result.count).toBe(720);
      // 08:00 on 7 July in Shanghai is midnight UTC; the last shift ends 18:00 on 5 August.
      expect(result.firstStartsAt).toBe('2026-07-07T00:00:00.000Z');
      expect(result.lastEndsAt).toBe('2026-08-05T10:00:00.000Z');
      expect(await t.db.prisma.shift.count()).toBe(before + 720);
      // What it made comes back as a connection: all 720 counted, the earliest first.
      expect(result.shifts.totalCount).toBe(720);
      expect(result.shifts.pageInfo.hasNextPage).toBe(true);
      expect(result.shifts.edges.map((e) => e.node.startsAt)).toEqual(Array(3).fill('2026-07-07T00:00:00.000Z'));

      const rows = await t.db.prisma.shift.findMany({ where: { postId: { in: postIds } }, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] });
      expect(rows).toHaveLength(720);
      expect(rows.every((r) => r.capacity === 8 && r.minimum === 8 && r.assignedCount === 0 && r.status === 'OPEN')).toBe(true);
      expect(rows[0].startsAt).toEqual(shanghai('2026-07-07', '08:00'));
      expect(rows[0].endsAt).toEqual(shanghai('2026-07-07', '12:00'));
      expect(rows.at(-1)!.startsAt).toEqual(shanghai('2026-08-05', '14:00'));
      expect(rows.at(-1)!.endsAt).toEqual(shanghai('2026-08-05', '18:00'));
      expect(new Set(rows.map((r) => r.startsAt.getTime())).size).toBe(60);

      const project = await gql(t.url, RosterProjectShiftsDocument, { id: gid('Project', summerId), first: 2 }, t.admin);
      expect(project.project?.shifts.totalCount).toBe(720);
      expect(project.project?.shifts.edges.map((e) => e.node.startsAt)).toEqual(['2026-07-07T00:00:00.000Z', '2026-07-07T00:00:00.000Z']);
    });

    it('shows exactly the two shifts of one day at one post', async () => {
      const day = await roster({ date: '2026-07-20', postId: gid('DutyPost', postIds[3]) });
      expect(day.totalCount).toBe(2);
      expect(day.edges.map((e) => [e.node.startsAt, e.node.endsAt])).toEqual([
        ['2026-07-20T00:00:00.000Z', '2026-07-20T04:00:00.000Z'],
        ['2026-07-20T06:00:00.000Z', '2026-07-20T10:00:00.000Z'],
      ]);
      expect(day.edges.every((e) => e.node.post.id === gid('DutyPost', postIds[3]))).toBe(true);

      const projectDay = await roster({ date: '2026-07-20', projectId: gid('Project', summerId) });
      expect(projectDay.totalCount).toBe(24);
      expect((await roster({ date: '2026-07-06', projectId: gid('Project', summerId) })).totalCount).toBe(0);
      expect((await roster({ date: '2026-08-05', projectId: gid('Project', summerId) })).totalCount).toBe(24);
      expect((await roster({ date: '2026-08-06', projectId: gid('Project', summerId) })).totalCount).toBe(0);
      // Every new shift needs its full complement: all UNDERSTAFFED.
      expect((await roster({ date: '2026-07-20', projectId: gid('Project', summerId), staffing: ['UNDERSTAFFED'] })).totalCount).toBe(24);
      expect((await roster({ date: '2026-07-20', projectId: gid('Project', summerId), staffing: ['FULL'] })).totalCount).toBe(0);
    });

    it('creates nothing when any part of the campaign is invalid', async () => {
      const before = await t.db.prisma.shift.count();
      const base = {
        startDate: '2026-07-07',
        days: 30,
        windows: [
          { start: '08:00', end: '12:00' },
          { start: '14:00', end: '18:00' },
        ],
        capacity: 8,
        role: '文明引导',
      };
      // One unknown post among twelve good ones.
      const unknownPost = expectType(
        await createShifts({ ...base, postIds: [...postIds.map((id) => gid('DutyPost', id)), gid('DutyPost', 999999)] }),
        'NotFoundError',
      );
      expect(unknownPost).toMatchObject({ typename: 'DutyPost', id: gid('DutyPost', 999999) });
      expect(await t.db.prisma.shift.count()).toBe(before);

      // Running past the project's last day (31 August).
      const pastEnd = expectType(
        await createShifts({ ...base, postIds: postIds.map((id) => gid('DutyPost', id)), days: 60 }),
        'ValidationError',
      );
      expect(pastEnd.fields[0]).toMatchObject({ path: 'input.startDate' });
      expect(pastEnd.fields[0].message).toMatch(/2026-07-01 to 2026-08-31/);

      // More than 5000 shifts in one call.
      const tooMany = expectType(
        await createShifts({
          ...base,
          postIds: postIds.map((id) => gid('DutyPost', id)),
          startDate: '2026-07-01',
          days: 60,
          windows: Array.from({ length: 8 }, (_, i) => ({ start: `${String(6 + i * 2).padStart(2, '0')}:00`, end: `${String(7 + i * 2).padStart(2, '0')}:00` })),
        }),
        'ValidationError',
      );
      expect(tooMany.fields[0]).toMatchObject({ path: 'input' });
      expect(tooMany.fields[0].message).toMatch(/5760 shifts/);
      expect(await t.db.prisma.shift.count()).toBe(before);
    });
  });

  describe('times are UTC instants shown in ISO 8601, days are Asia/Shanghai days', () => {
    let postId: string;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      postId = gid('DutyPost', (await makePost(t.db.prisma, w.sites.stationB.id, '夜间巡逻岗')).id);
      const one = async (label: string, date: string, start: string, end: string) => {
        const result = expectType(
          await createShifts({ postIds: [postId], dates: [date], windows: [{ start, end }], capacity: 2, role: '夜间巡逻' }),
          'CreateShiftsPayload',
        );
        expect(result.count).toBe(1);
        const found = await roster({ postId, from: result.firstStartsAt, to: new Date(new Date(result.firstStartsAt).getTime() + 1).toISOString() });
        ids[label] = found.edges.find((e) => e.node.startsAt === result.firstStartsAt)!.node.id;
        return result;
      };
      // Across midnight: 23:30 on 7 July to 01:00 on 8 July.
      const across = await one('across', '2026-07-07', '23:30', '01:00');
      expect([across.firstStartsAt, across.lastEndsAt]).toEqual(['2026-07-07T15:30:00.000Z', '2026-07-07T17:00:00.000Z']);
      // 07:30 on 8 July in Shanghai is 23:30 on 7 July in UTC.
      const early = await one('early', '2026-07-08', '07:30', '09:00');
      expect([early.firstStartsAt, early.lastEndsAt]).toEqual(['2026-07-07T23:30:00.000Z', '2026-07-08T01:00:00.000Z']);
      // Ends exactly at midnight, and starts exactly at midnight.
      const toMidnight = await one('toMidnight', '2026-07-07', '22:00', '24:00');
      expect(toMidnight.lastEndsAt).toBe('2026-07-07T16:00:00.000Z');
      const fromMidnight = await one('fromMidnight', '2026-07-09', '00:00', '02:00');
      expect(fromMidnight.firstStartsAt).toBe('2026-07-08T16:00:00.000Z');
    });

    it('roster(date) covers midnight to midnight in Shanghai, including shifts across midnight', async () => {
      const onDay = async (date: string) => (await roster({ postId, date })).edges.map((e) => e.node.id);
      expect(await onDay('2026-07-07')).toEqual([ids.toMidnight, ids.across]);
      expect(await onDay('2026-07-08')).toEqual([ids.across, ids.early]);
      expect(await onDay('2026-07-09')).toEqual([ids.fromMidnight]);
      expect(await onDay('2026-07-06')).toEqual([]);
    });

    it('accepts instants with an offset and answers in UTC', async () => {
      const window = await roster({ postId, from: '2026-07-08T00:30:00+08:00', to: '2026-07-08T08:00:00+08:00' });
      expect(window.edges.map((e) => e.node.id)).toEqual([ids.across, ids.early]);
      for (const e of window.edges) {
        expect(e.node.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      // date and from/to combine: the later start and the earlier end win.
      const narrowed = await roster({ postId, date: '2026-07-08', from: '2026-07-08T05:00:00+08:00' });
      expect(narrowed.edges.map((e) => e.node.id)).toEqual([ids.early]);

      const api = rosterApi(t.url, t.admin);
      const moved = expectType(
        await api.updateShift(dbIdOf(ids.early), { startsAt: '2026-07-08T08:00:00+08:00', endsAt: '2026-07-08T10:15:00+08:00' }),
        'UpdateShiftPayload',
      ).shift;
      expect(moved).toMatchObject({
        startsAt: '2026-07-08T00:00:00.000Z',
        endsAt: '2026-07-08T02:15:00.000Z',
        checkInOpensAt: '2026-07-07T23:30:00.000Z',
      });
      const row = await t.db.prisma.shift.findUniqueOrThrow({ where: { id: dbIdOf(ids.early) } });
      expect(row.startsAt.toISOString()).toBe('2026-07-08T00:00:00.000Z');
      // Moved out of the first hour of the day, it still belongs to 8 July.
      expect((await roster({ postId, date: '2026-07-08' })).edges.map((e) => e.node.id)).toEqual([ids.across, ids.early]);
    });
  });

  describe('a site includes every site below it', () => {
    let tree: Awaited<ReturnType<typeof siteTree>>;
    const postOf: Record<string, string> = {};
    beforeAll(async () => {
      tree = await siteTree(t.db.prisma, '·树');
      for (const [key, site] of Object.entries(tree)) {
        const made = expectType(
          (
            await gql(t.url, RosterCreateDutyPostDocument, {
              input: { name: `${key}岗`, kind: 'COMMUNITY', siteId: gid('Site', site.id), address: `${site.name}门口` },
            }, t.admin)
          ).createDutyPost,
          'CreateDutyPostPayload',
        );
        postOf[key] = made.dutyPost.id;
      }
      expectType(
        await createShifts({ postIds: Object.values(postOf), dates: ['2026-07-15'], windows: [{ start: '09:00', end: '11:00' }], capacity: 3, role: '社区服务' }),
        'CreateShiftsPayload',
      );
    });

    it('dutyPosts(siteId) lists the posts of the site and of every site below it', async () => {
      const under = async (key: keyof typeof tree) =>
        (await gql(t.url, RosterDutyPostsDocument, { filter: { siteId: gid('Site', tree[key].id) }, first: 100 }, t.admin)).dutyPosts.edges
          .map((e) => e.node.id)
          .sort();
      expect(await under('instituteA')).toEqual([postOf.instituteA, postOf.stationA].sort());
      expect(await under('instituteB')).toEqual([postOf.instituteB, postOf.stationB].sort());
      expect(await under('stationA')).toEqual([postOf.stationA]);
      expect(await under('center')).toEqual(Object.values(postOf).sort());
      const byKind = await gql(t.url, RosterDutyPostsDocument, { filter: { siteId: gid('Site', tree.center.id), kind: ['COMMUNITY'], search: 'station' } }, t.admin);
      expect(byKind.dutyPosts.totalCount).toBe(2);
      // Site.dutyPosts is only the site's own posts.
      const own = await gql(t.url, RosterSiteDutyPostsDocument, { id: gid('Site', tree.instituteA.id) }, t.admin);
      expect(own.site?.dutyPosts.edges.map((e) => e.node.id)).toEqual([postOf.instituteA]);
    });

    it('roster(siteId) shows the shifts at posts of the site and of every site below it', async () => {
      const under = async (key: keyof typeof tree) =>
        (await roster({ siteId: gid('Site', tree[key].id), date: '2026-07-15' })).edges.map((e) => e.node.post.id).sort();
      expect(await under('instituteA')).toEqual([postOf.instituteA, postOf.stationA].sort());
      expect(await under('stationB')).toEqual([postOf.stationB]);
      expect(await under('center')).toEqual(Object.values(postOf).sort());
      expect((await roster({ siteId: gid('Site', tree.instituteA.id), date: '2026-07-16' })).totalCount).toBe(0);
      // An unknown site matches nothing rather than everything.
      expect((await roster({ siteId: gid('Site', 999999), date: '2026-07-15' })).totalCount).toBe(0);
    });

    it('creates and updates duty posts', async () => {
      const created = expectType(
        (
          await gql(t.url, RosterCreateDutyPostDocument, {
            input: {
              name: ' 古城东门文明引导岗 ',
              kind: 'SCENIC_SPOT',
              siteId: gid('Site', tree.stationA.id),
              address: '古城东门',
              location: { lat: 30.25, lng: 120.16 },
              instructions: '引导游客有序排队',
            },
          }, t.admin)
        ).createDutyPost,
        'CreateDutyPostPayload',
      ).dutyPost;
      expect(created).toMatchObject({
        name: '古城东门文明引导岗',
        kind: 'SCENIC_SPOT',
        location: { lat: 30.25, lng: 120.16 },
        instructions: '引导游客有序排队',
        site: { id: gid('Site', tree.stationA.id) },
      });
      const updated = expectType(
        (
          await gql(t.url, RosterUpdateDutyPostDocument, {
            input: { id: created.id, siteId: gid('Site', tree.stationB.id), location: null, instructions: '' },
          }, t.admin)
        ).updateDutyPost,
        'UpdateDutyPostPayload',
      ).dutyPost;
      expect(updated).toMatchObject({ name: '古城东门文明引导岗', location: null, instructions: null, site: { id: gid('Site', tree.stationB.id) } });
      const fetched = await gql(t.url, RosterDutyPostDocument, { id: created.id }, t.admin);
      expect(fetched.dutyPost).toMatchObject({ id: created.id, site: { id: gid('Site', tree.stationB.id) } });
      expect(fetched.dutyPost?.shifts.totalCount).toBe(0);
    });
  });

  describe('the roster query does not grow with the number of shifts', () => {
    it('loads a page of shifts with their volunteers in a small, constant number of statements', async () => {
      const post = await makePost(t.db.prisma, w.sites.stationA.id, '语句计数岗');
      const vs = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 3, '计数');
      // 20 shifts on 20 July and 5 on 21 July, each with three volunteers (one waitlisted).
      const shiftRows = await t.db.prisma.shift.createManyAndReturn({
        data: [
          ...Array.from({ length: 20 }, (_, i) => ({ startsAt: shanghai('2026-07-20', `${String(i).padStart(2, '0')}:00`), hours: 1 })),
          ...Array.from({ length: 5 }, (_, i) => ({ startsAt: shanghai('2026-07-21', `${String(i).padStart(2, '0')}:00`), hours: 1 })),
        ].map(({ startsAt, hours }) => ({
          projectId: summerId,
          postId: post.id,
          startsAt,
          endsAt: new Date(startsAt.getTime() + hours * 3_600_000),
          capacity: 2,
          minimum: 1,
          role: '文明引导',
          assignedCount: 2,
        })),
      });
      await t.db.prisma.shiftAssignment.createMany({
        data: shiftRows.flatMap((s) =>
          vs.map((v, i) => ({ shiftId: s.id, volunteerId: v.id, status: i < 2 ? ('ASSIGNED' as const) : ('WAITLISTED' as const) })),
        ),
      });

      const measure = async (filter: RosterFilter, first: number) => {
        t.queries.length = 0;
        const page = await gql(t.url, RosterWithVolunteersDocument, { filter, first }, t.admin);
        return { page: page.roster, statements: t.queries.length };
      };
      const big = await measure({ postId: gid('DutyPost', post.id), date: '2026-07-20' }, 20);
      expect(big.page.edges).toHaveLength(20);
      expect(big.page.edges.every((e) => e.node.assignments!.edges.length === 3)).toBe(true);
      expect(big.page.edges[0].node.assignments!.edges.map((e) => e.node.volunteer.name)).toEqual(['计数1', '计数2', '计数3']);
      expect(big.page.edges[0].node).toMatchObject({ openSlots: 0, staffing: 'FULL', post: { name: '语句计数岗' } });

      const small = await measure({ postId: gid('DutyPost', post.id), date: '2026-07-21' }, 20);
      expect(small.page.edges).toHaveLength(5);
      // With a site filter the subtree lookup adds at most one statement.
      const bySite = await measure({ siteId: gid('Site', w.sites.instituteA.id), date: '2026-07-20', postId: gid('DutyPost', post.id) }, 20);
      expect(bySite.page.edges).toHaveLength(20);

      expect(big.statements).toBeLessThanOrEqual(6);
      expect(big.statements).toBe(small.statements);
      expect(bySite.statements).toBeLessThanOrEqual(big.statements + 1);
    });
  });
});
