import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DutyPostsOrderedDocument,
  RosterAssignVolunteerDocument,
  RosterEventNodeDocument,
  RosterOrderedDocument,
  VolunteerAssignmentsOrderedDocument,
} from './generated/graphql.js';
import { accountSession, bearer } from './support/accounts.js';
import { gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { type RosterWorld, dbIdOf, makePost, makeShift, makeVolunteers, rosterWorld, shanghai, shanghaiDate } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * orderBy on `roster`, `dutyPosts` and `Volunteer.assignments`: each order with its tie-break by
 * id, walked page by page with cursors; and RosterEvent as a Node. Every request says who acts:
 * an admin (the harness's admin token, passed explicitly), a site manager of another part of the
 * city, or no one (anonymous, `{}`).
 */

describe.each(DATABASE_KINDS)('roster ordering and RosterEvent nodes on %s', (kind) => {
  let t: TestServer;
  let w: RosterWorld;
  let admin: Record<string, string>;
  let day: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    admin = bearer(t.adminToken);
    w = await rosterWorld(t.db.prisma, '排序');
    day = shanghaiDate(30);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Every page of a connection, `first` at a time, following endCursor. */
  async function walk<N>(page: (after: string | null) => Promise<{ pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: { node: N }[] }>) {
    const nodes: N[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const result = await page(after);
      nodes.push(...result.edges.map((e) => e.node));
      if (!result.pageInfo.hasNextPage) return nodes;
      after = result.pageInfo.endCursor ?? null;
    }
    throw new Error('too many pages');
  }

  it('orders the roster by start or end, either way, ties by id, across pages', async () => {
    const post = await makePost(t.db.prisma, w.sites.stationA.id, '排序岗');
    const at = (hhmm: string) => shanghai(day, hhmm);
    // Two shifts share a start (and two an end), so the tie-break decides.
    const specs = [
      ['09:00', '10:00'],
      ['08:00', '12:00'],
      ['09:00', '11:00'],
      ['07:00', '10:00'],
      ['10:00', '13:00'],
    ] as const;
    const shifts: Awaited<ReturnType<typeof makeShift>>[] = [];
    for (const [s, e] of specs) shifts.push(await makeShift(t.db.prisma, { projectId: w.projectId, postId: post.id, startsAt: at(s), endsAt: at(e) }));
    const filter = { postId: gid('DutyPost', post.id) };
    const ids = async (orderBy?: { field: 'STARTS_AT' | 'ENDS_AT' | 'CREATED_AT'; direction: 'ASC' | 'DESC' }) =>
      (
        await walk(async (after) => (await gql(t.url, RosterOrderedDocument, { filter, orderBy, first: 2, after }, admin)).roster)
      ).map((n) => dbIdOf(n.id));
    const sorted = (key: 'startsAt' | 'endsAt', dir: 1 | -1) =>
      [...shifts].sort((a, b) => dir * (a[key].getTime() - b[key].getTime() || a.id - b.id)).map((s) => s.id);

    expect(await ids()).toEqual(sorted('startsAt', 1));
    expect(await ids({ field: 'STARTS_AT', direction: 'ASC' })).toEqual(sorted('startsAt', 1));
    expect(await ids({ field: 'STARTS_AT', direction: 'DESC' })).toEqual(sorted('startsAt', -1));
    expect(await ids({ field: 'ENDS_AT', direction: 'ASC' })).toEqual(sorted('endsAt', 1));
    expect(await ids({ field: 'ENDS_AT', direction: 'DESC' })).toEqual(sorted('endsAt', -1));
    expect(await ids({ field: 'CREATED_AT', direction: 'DESC' })).toHaveLength(shifts.length);
    // The list filter: one status given as a list.
    const open = await gql(t.url, RosterOrderedDocument, { filter: { ...filter, status: ['OPEN', 'CANCELLED'] }, first: 10 }, admin);
    expect(open.roster.totalCount).toBe(shifts.length);
  });

  it('orders duty posts by name or creation, either way, ties by id, across pages', async () => {
    const names = ['乙岗次序', '甲岗次序', '乙岗次序', '丙岗次序'];
    const posts: Awaited<ReturnType<typeof makePost>>[] = [];
    for (const name of names) posts.push(await makePost(t.db.prisma, w.sites.stationB.id, name));
    const ids = async (orderBy?: { field: 'NAME' | 'CREATED_AT'; direction: 'ASC' | 'DESC' }) =>
      (
        await walk(async (after) =>
          (await gql(t.url, DutyPostsOrderedDocument, { filter: { search: '岗次序' }, orderBy, first: 3, after }, admin)).dutyPosts,
        )
      ).map((n) => dbIdOf(n.id));
    const byName = (dir: 1 | -1) =>
      [...posts].sort((a, b) => dir * (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id)).map((p) => p.id);
    const byCreated = (dir: 1 | -1) => [...posts].sort((a, b) => dir * (a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)).map((p) => p.id);

    expect(await ids()).toEqual(byName(1));
    expect(await ids({ field: 'NAME', direction: 'DESC' })).toEqual(byName(-1));
    expect(await ids({ field: 'CREATED_AT', direction: 'ASC' })).toEqual(byCreated(1));
    expect(await ids({ field: 'CREATED_AT', direction: 'DESC' })).toEqual(byCreated(-1));
  });

  it('orders a volunteer’s assignments by sign-up or shift start, either way, ties by id, across pages', async () => {
    const [v] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '排序志愿者');
    const post = await makePost(t.db.prisma, w.sites.stationA.id, '排序岗二');
    const starts = ['14:00', '08:00', '11:00', '17:00'];
    const made: { id: number; startsAt: Date; assignedAt: Date }[] = [];
    for (const hhmm of starts) {
      const shift = await makeShift(t.db.prisma, {
        projectId: w.projectId,
        postId: post.id,
        startsAt: shanghai(shanghaiDate(31), hhmm),
        endsAt: new Date(shanghai(shanghaiDate(31), hhmm).getTime() + 2 * 3_600_000),
      });
      const result = await gql(
        t.url,
        RosterAssignVolunteerDocument,
        { input: { shiftId: gid('Shift', shift.id), volunteerId: gid('Volunteer', v.id) } },
        admin,
      );
      expect(result.assignVolunteer.__typename).toBe('AssignVolunteerPayload');
      const row = await t.db.prisma.shiftAssignment.findFirstOrThrow({ where: { shiftId: shift.id } });
      made.push({ id: row.id, startsAt: shift.startsAt, assignedAt: row.assignedAt });
    }
    const ids = async (orderBy?: { field: 'ASSIGNED_AT' | 'STARTS_AT'; direction: 'ASC' | 'DESC' }) =>
      (
        await walk(async (after) => {
          const { volunteer } = await gql(t.url, VolunteerAssignmentsOrderedDocument, { id: gid('Volunteer', v.id), orderBy, first: 3, after }, admin);
          return volunteer!.assignments;
        })
      ).map((n) => dbIdOf(n.id));
    const by = (key: 'startsAt' | 'assignedAt', dir: 1 | -1) =>
      [...made].sort((a, b) => dir * (a[key].getTime() - b[key].getTime() || a.id - b.id)).map((a) => a.id);

    expect(await ids()).toEqual(by('assignedAt', -1));
    expect(await ids({ field: 'ASSIGNED_AT', direction: 'ASC' })).toEqual(by('assignedAt', 1));
    expect(await ids({ field: 'STARTS_AT', direction: 'ASC' })).toEqual(by('startsAt', 1));
    expect(await ids({ field: 'STARTS_AT', direction: 'DESC' })).toEqual(by('startsAt', -1));
  });

  it('resolves a RosterEvent by its global ID while the outbox keeps it, within the viewer’s scope', async () => {
    const shift = await makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, ...{ startsAt: shanghai(shanghaiDate(32), '08:00'), endsAt: shanghai(shanghaiDate(32), '12:00') } });
    const [v] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '事件志愿者');
    await gql(t.url, RosterAssignVolunteerDocument, { input: { shiftId: gid('Shift', shift.id), volunteerId: gid('Volunteer', v.id) } }, admin);
    const row = await t.db.prisma.outboxEvent.findFirstOrThrow({ where: { shiftId: shift.id, kind: 'ASSIGNED' } });
    const id = gid('RosterEvent', Number(row.sequence));

    const seen = await gql(t.url, RosterEventNodeDocument, { id }, admin);
    expect(seen.node).toEqual({ __typename: 'RosterEvent', id, sequence: Number(row.sequence), kind: 'ASSIGNED', shift: { id: gid('Shift', shift.id) } });

    // A site manager elsewhere in the city (institute B) does not see events at station A.
    const elsewhere = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteB.id }] });
    expect((await gql(t.url, RosterEventNodeDocument, { id }, elsewhere.headers)).node).toBeNull();
    // One who manages station A's institute does.
    const here = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteA.id }] });
    expect((await gql(t.url, RosterEventNodeDocument, { id }, here.headers)).node).toMatchObject({ sequence: Number(row.sequence) });

    // An event never written, and one no longer retained (deleted as pruning deletes it), are null.
    expect((await gql(t.url, RosterEventNodeDocument, { id: gid('RosterEvent', Number(row.sequence) + 100_000) }, admin)).node).toBeNull();
    await t.db.prisma.outboxEvent.delete({ where: { sequence: row.sequence } });
    const gone = await gql(t.url, RosterEventNodeDocument, { id }, admin);
    expect(gone.node).toBeNull();
  });
});
