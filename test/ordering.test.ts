import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderedBrandsDocument, OrderedSitesDocument, OrderedTeamMembersDocument, TeamMemberNodeDocument } from './generated/graphql.js';
import { ANONYMOUS, bearer, codesOf } from './support/accounts.js';
import { gql, request } from './support/client.js';
import { gid, siteTree, uniquePhone } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';
import { createSite } from '../src/sites/service.js';
import { registerVolunteer } from '../src/volunteers/service.js';

type Direction = 'ASC' | 'DESC';
interface Row {
  id: number;
  [key: string]: unknown;
}

/** The order the API promises: the field, then the id, both in the direction. */
function expected(rows: Row[], key: string, direction: Direction): number[] {
  const sign = direction === 'ASC' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const x = a[key] as string | number | Date;
      const y = b[key] as string | number | Date;
      const byKey = x < y ? -1 : x > y ? 1 : 0;
      return sign * (byKey || a.id - b.id);
    })
    .map((r) => r.id);
}

/** Every id of a connection, fetched two at a time through its cursors. */
async function pageThrough(
  fetch: (after: string | null) => Promise<{ totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: { node: { id: string } }[] } | null | undefined>,
  typename: string,
): Promise<{ ids: number[]; totalCount: number }> {
  const ids: number[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let guard = 0; guard < 50; guard++) {
    const page = await fetch(after);
    if (!page) throw new Error('the connection was null');
    totalCount = page.totalCount;
    for (const edge of page.edges) {
      const decoded = Buffer.from(edge.node.id, 'base64').toString();
      expect(decoded.startsWith(`${typename}:`)).toBe(true);
      ids.push(Number(decoded.slice(typename.length + 1)));
    }
    if (!page.pageInfo.hasNextPage) return { ids, totalCount };
    after = page.pageInfo.endCursor ?? null;
  }
  throw new Error('too many pages');
}

describe.each(DATABASE_KINDS)('orderBy on sites, brands and Team.members on %s', (kind) => {
  let t: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    admin = bearer(t.adminToken);
  });
  afterAll(() => t?.close());

  it('sorts sites by tree, name and creation time, ties by id, and pages correctly under each (as an admin)', async () => {
    const label = `ord${kind}`;
    const tree = await siteTree(t.db.prisma, label);
    // Two more stations, with a name and a creation time that tie with others.
    const twin = await createSite(t.db.prisma, { name: `东门社区实践站${label}`, level: 'STATION', parentId: tree.instituteB.id, address: '西门' });
    const late = await createSite(t.db.prisma, { name: `北门实践站${label}`, level: 'STATION', parentId: tree.instituteA.id, address: '北门' });
    const same = new Date('2026-03-01T02:00:00Z');
    await t.db.prisma.site.updateMany({ where: { id: { in: [tree.stationA.id, twin.id, late.id] } }, data: { createdAt: same } });
    const rows = await t.db.prisma.site.findMany({ where: { name: { endsWith: label } }, select: { id: true, name: true, path: true, createdAt: true } });
    expect(rows).toHaveLength(7);

    const cases: [string | null, string, Direction][] = [
      [null, 'path', 'ASC'],
      ['TREE', 'path', 'DESC'],
      ['NAME', 'name', 'ASC'],
      ['NAME', 'name', 'DESC'],
      ['CREATED_AT', 'createdAt', 'ASC'],
      ['CREATED_AT', 'createdAt', 'DESC'],
    ];
    for (const [field, key, direction] of cases) {
      const orderBy = field ? { field: field as 'NAME', direction } : undefined;
      const got = await pageThrough(
        async (after) => (await gql(t.url, OrderedSitesDocument, { filter: { search: label }, orderBy, first: 2, after }, admin)).sites,
        'Site',
      );
      // Names: PostgreSQL's collation may not be JavaScript's, so names are compared as the database sorts them.
      const want = key === 'name'
        ? (await t.db.prisma.site.findMany({ where: { name: { endsWith: label } }, orderBy: [{ name: direction === 'ASC' ? 'asc' : 'desc' }, { id: direction === 'ASC' ? 'asc' : 'desc' }], select: { id: true } })).map((r) => r.id)
        : expected(rows, key, direction);
      expect({ field, direction, ids: got.ids }).toEqual({ field, direction, ids: want });
      expect(got.totalCount).toBe(7);
    }
    // The tie on name is broken by id, in the direction asked.
    const byName = (await gql(t.url, OrderedSitesDocument, { filter: { search: `东门社区实践站${label}` }, orderBy: { field: 'NAME', direction: 'DESC' } }, admin)).sites;
    expect(byName.edges.map((e) => e.node.id)).toEqual([gid('Site', twin.id), gid('Site', tree.stationA.id)]);
  });

  it('sorts brands by name and creation time, ties by id, under every page size (anonymous: brands are public)', async () => {
    const label = `brandord${kind}`;
    const same = new Date('2026-04-01T00:00:00Z');
    const made = [];
    for (const [suffix, createdAt] of [['c', same], ['a', new Date('2026-05-01T00:00:00Z')], ['d', same], ['b', same]] as const) {
      made.push(await t.db.prisma.brand.create({ data: { name: `${label}-${suffix}`, createdAt } }));
    }
    const rows = made.map((b) => ({ id: b.id, name: b.name, createdAt: b.createdAt }));
    for (const [field, key] of [['NAME', 'name'], ['CREATED_AT', 'createdAt']] as const) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const got = await pageThrough(
          async (after) => (await gql(t.url, OrderedBrandsDocument, { filter: { search: label }, orderBy: { field, direction }, first: 2, after }, ANONYMOUS)).brands,
          'Brand',
        );
        expect({ field, direction, ids: got.ids }).toEqual({ field, direction, ids: expected(rows, key, direction) });
      }
    }
    // The default is by name, ascending.
    const byDefault = await pageThrough(async (after) => (await gql(t.url, OrderedBrandsDocument, { filter: { search: label }, first: 3, after }, ANONYMOUS)).brands, 'Brand');
    expect(byDefault.ids).toEqual(expected(rows, 'name', 'ASC'));
  });

  it('sorts a team’s members by joining time and name, ties by id; a member is a Node (as an admin; anonymous is refused)', async () => {
    const sites = await siteTree(t.db.prisma, `members${kind}`);
    const team = await t.db.prisma.team.create({ data: { name: `排序队${kind}`, siteId: sites.stationA.id } });
    const same = new Date('2026-06-01T00:00:00Z');
    const plan: [string, Date][] = [
      ['mem-zhao', same],
      ['mem-qian', new Date('2026-05-01T00:00:00Z')],
      ['mem-zhao', new Date('2026-07-01T00:00:00Z')],
      ['mem-sun', same],
      ['mem-li', same],
    ];
    const rows: Row[] = [];
    for (const [name, joinedAt] of plan) {
      const v = await registerVolunteer(t.db.prisma, { name, phone: uniquePhone(), homeSiteId: sites.stationA.id });
      const m = await t.db.prisma.teamMembership.create({ data: { teamId: team.id, volunteerId: v.id, joinedAt } });
      rows.push({ id: m.id, name, joinedAt });
    }
    const teamId = gid('Team', team.id);
    for (const [field, key] of [['JOINED_AT', 'joinedAt'], ['NAME', 'name']] as const) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const got = await pageThrough(
          async (after) => (await gql(t.url, OrderedTeamMembersDocument, { id: teamId, orderBy: { field, direction }, first: 2, after }, admin)).team?.members,
          'TeamMember',
        );
        expect({ field, direction, ids: got.ids }).toEqual({ field, direction, ids: expected(rows, key, direction) });
        expect(got.totalCount).toBe(5);
      }
    }
    const byDefault = await pageThrough(async (after) => (await gql(t.url, OrderedTeamMembersDocument, { id: teamId, first: 4, after }, admin)).team?.members, 'TeamMember');
    expect(byDefault.ids).toEqual(expected(rows, 'joinedAt', 'ASC'));

    // The edge's node is refetchable by its global id.
    const first = rows[1]!;
    const node = (await gql(t.url, TeamMemberNodeDocument, { id: gid('TeamMember', first.id) }, admin)).node;
    expect(node).toMatchObject({ __typename: 'TeamMember', id: gid('TeamMember', first.id), role: 'MEMBER', volunteer: { name: 'mem-qian' }, team: { id: teamId } });
    expect((await gql(t.url, TeamMemberNodeDocument, { id: gid('TeamMember', 2_000_000_000) }, admin)).node).toBeNull();
    // Anonymous callers see the team but not its members, nor a membership by id.
    const anonymous = await request(t.url, OrderedTeamMembersDocument, { id: teamId }, ANONYMOUS);
    expect(anonymous.data?.team).toEqual({ id: teamId, members: null });
    expect(codesOf(anonymous.errors)).toEqual(['FORBIDDEN']);
    const anonymousNode = await request(t.url, TeamMemberNodeDocument, { id: gid('TeamMember', first.id) }, ANONYMOUS);
    expect(anonymousNode.data?.node ?? null).toBeNull();
    expect(codesOf(anonymousNode.errors)).toEqual(['FORBIDDEN']);
  });
});
