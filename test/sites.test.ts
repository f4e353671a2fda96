import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSiteDocument, NodeDocument, NodesDocument, SiteDocument, SitesDocument, UpdateSiteDocument } from './generated/graphql.js';
import { expectType, gql, request } from './support/client.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

describe.each(DATABASE_KINDS)('sites on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const create = async (input: Record<string, unknown>) =>
    (await gql(t.url, CreateSiteDocument, { input: input as never }, t.admin)).createSite;

  it('builds the center → institute → station tree', async () => {
    const center = expectType(await create({ name: '示范县新时代文明实践中心', level: 'CENTER', address: '人民路1号' }), 'CreateSitePayload').site;
    const institute = expectType(
      await create({ name: '城关镇新时代文明实践所', level: 'INSTITUTE', parentId: center.id, address: '城关镇府前街2号', services: ['饮水', '图书阅览', '饮水'] }),
      'CreateSitePayload',
    ).site;
    expect(institute.parent?.id).toBe(center.id);
    expect(institute.services).toEqual(['饮水', '图书阅览']);
    const station = expectType(
      await create({ name: '检察蓝实践站', level: 'STATION', parentId: institute.id, address: '检察院一楼', hostOrganization: '县人民检察院' }),
      'CreateSitePayload',
    ).site;
    expect(station.hostOrganization).toBe('县人民检察院');

    const tree = await gql(t.url, SiteDocument, { id: center.id }, t.admin);
    expect(tree.site?.children.totalCount).toBe(1);
    expect(tree.site?.children.edges[0]?.node.id).toBe(institute.id);

    const byLevel = await gql(t.url, SitesDocument, { filter: { level: 'STATION' } }, t.admin);
    expect(byLevel.sites.edges.map((e) => e.node.name)).toContain('检察蓝实践站');
    const bySearch = await gql(t.url, SitesDocument, { filter: { search: '城关' } }, t.admin);
    expect(bySearch.sites.totalCount).toBe(1);
    const byParent = await gql(t.url, SitesDocument, { filter: { parentId: institute.id } }, t.admin);
    expect(byParent.sites.edges.map((e) => e.node.id)).toEqual([station.id]);

    const node = await gql(t.url, NodeDocument, { id: station.id }, t.admin);
    expect(node.node).toMatchObject({ __typename: 'Site', name: '检察蓝实践站' });
    const nodes = await gql(t.url, NodesDocument, { ids: [center.id, station.id] }, t.admin);
    expect(nodes.nodes.map((n) => n?.id)).toEqual([center.id, station.id]);
  });

  it('refuses a tree that skips a tier, and ids of the wrong type', async () => {
    const center = expectType(await create({ name: '中心乙', level: 'CENTER', address: '某路' }), 'CreateSitePayload').site;
    const skip = expectType(await create({ name: '越级站', level: 'STATION', parentId: center.id, address: '某村' }), 'ValidationError');
    expect(skip.fields).toEqual([{ path: 'input.parentId', message: 'a STATION must sit under a INSTITUTE, not a CENTER' }]);
    const orphan = expectType(await create({ name: '孤儿所', level: 'INSTITUTE', address: '某镇' }), 'ValidationError');
    expect(orphan.fields[0]?.path).toBe('input.parentId');
    const bad = expectType(await create({ name: '坏ID', level: 'INSTITUTE', parentId: 'not-an-id', address: '某镇' }), 'ValidationError');
    expect(bad.message).toMatch(/Invalid global ID/);
    const missing = expectType(
      await create({ name: '无父', level: 'INSTITUTE', parentId: Buffer.from('Site:999999').toString('base64'), address: '某镇' }),
      'NotFoundError',
    );
    expect(missing.typename).toBe('Site');
    const empty = expectType(await create({ name: '  ', level: 'CENTER', address: '' }), 'ValidationError');
    expect(empty.fields.map((f) => f.path).sort()).toEqual(['input.address', 'input.name']);
  });

  it('moves a site with its subtree', async () => {
    const center = expectType(await create({ name: '中心丙', level: 'CENTER', address: 'a' }), 'CreateSitePayload').site;
    const a = expectType(await create({ name: '甲所', level: 'INSTITUTE', parentId: center.id, address: 'a' }), 'CreateSitePayload').site;
    const b = expectType(await create({ name: '乙所', level: 'INSTITUTE', parentId: center.id, address: 'b' }), 'CreateSitePayload').site;
    const s = expectType(await create({ name: '丙站', level: 'STATION', parentId: a.id, address: 's' }), 'CreateSitePayload').site;
    const moved = expectType((await gql(t.url, UpdateSiteDocument, { input: { id: s.id, parentId: b.id, name: '丙站（新）' } }, t.admin)).updateSite, 'UpdateSitePayload');
    expect(moved.site).toMatchObject({ name: '丙站（新）', parent: { id: b.id } });
    const children = await gql(t.url, SitesDocument, { filter: { parentId: b.id } }, t.admin);
    expect(children.sites.edges.map((e) => e.node.id)).toEqual([s.id]);
  });

  it('pages with first/after and refuses first over 100', async () => {
    const all = await gql(t.url, SitesDocument, { first: 100 }, t.admin);
    const total = all.sites.totalCount;
    expect(total).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = await gql(t.url, SitesDocument, { first: 2, after }, t.admin);
      expect(page.sites.totalCount).toBe(total);
      seen.push(...page.sites.edges.map((e) => e.node.id));
      if (!page.sites.pageInfo.hasNextPage) break;
      after = page.sites.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.sites.edges.map((e) => e.node.id));
    const tooMany = await request(t.url, SitesDocument, { first: 101 }, t.admin);
    expect(tooMany.data).toBeNull();
    expect(tooMany.errors?.[0]?.message).toBe('first: first may be at most 100');
  });
});
