import { getNamedType, getNullableType, isInputObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema.js';
import { ANONYMOUS, bearer } from './support/accounts.js';
import { gid } from './support/fixtures.js';
import { makeVolunteers, rosterWorld } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * The bad-input suite, continued for reads (test/bad-input.test.ts covers every mutation): NUL
 * characters in every `search`, LIKE wildcards, malformed global IDs and cursors on every root
 * field that takes them, dates outside 0001–9999, and `node`/`nodes` with IDs of no record.
 * Each refusal is BAD_USER_INPUT naming the argument, never INTERNAL_SERVER_ERROR. Queries here
 * act as an admin (explicit header) unless they say otherwise, so refusals come from the input.
 */

const b64 = (s: string) => Buffer.from(s).toString('base64');
const queryType = schema.getQueryType()!;
const rootFields = Object.values(queryType.getFields());

/** Root fields with a `filter` argument that has a `search` field. */
const searchFields = rootFields.filter((f) => {
  const filter = f.args.find((a) => a.name === 'filter');
  const type = filter && getNullableType(filter.type);
  return type && isInputObjectType(type) && 'search' in type.getFields();
});
/** Root connections (they take `after`). */
const connectionFields = rootFields.filter((f) => f.args.some((a) => a.name === 'after'));
/** Root fields taking a required `id: ID!`. */
const byIdFields = rootFields.filter((f) => f.args.some((a) => a.name === 'id' && getNamedType(a.type).name === 'ID'));

interface Reply {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

describe.each(DATABASE_KINDS)('bad input to queries on %s', (kind) => {
  let t: TestServer;
  let asAdmin: Record<string, string>;
  let siteId: string;

  async function query(source: string, variables: Record<string, unknown> = {}, headers = asAdmin): Promise<Reply> {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query: source, variables }),
    });
    return (await response.json()) as Reply;
  }

  /** One BAD_USER_INPUT error whose message starts with the argument's path. */
  function expectBadInput(reply: Reply, argument: string, pattern: RegExp) {
    const text = JSON.stringify(reply).slice(0, 400);
    expect(text).not.toMatch(/INTERNAL_SERVER_ERROR/);
    expect(reply.errors?.length, text).toBeGreaterThan(0);
    const [error] = reply.errors!;
    expect(error!.extensions?.code, text).toBe('BAD_USER_INPUT');
    expect(error!.message, text).toMatch(new RegExp(`^(Variable "\\$\\w+" got invalid value .*)?${argument.replace('.', '\\.')}`));
    expect(error!.message, text).toMatch(pattern);
  }

  beforeAll(async () => {
    t = await startTestServer(kind);
    asAdmin = bearer(t.adminToken);
    const world = await rosterWorld(t.db.prisma, '（坏查询）');
    siteId = gid('Site', world.sites.center.id);
    // Names with the characters LIKE treats specially, and names without them.
    await makeVolunteers(t.db.prisma, world.sites.stationA.id, 1, '百分之百%');
    await makeVolunteers(t.db.prisma, world.sites.stationA.id, 1, '下划线_');
    await makeVolunteers(t.db.prisma, world.sites.stationA.id, 1, '反斜杠\\');
    await makeVolunteers(t.db.prisma, world.sites.stationA.id, 3, '普通志愿者');
  });
  afterAll(() => t?.close());

  it('finds the fields to try', () => {
    expect(searchFields.map((f) => f.name).sort()).toEqual(expect.arrayContaining(['sites', 'volunteers', 'teams', 'projects']));
    expect(connectionFields.length).toBeGreaterThanOrEqual(6);
    expect(byIdFields.map((f) => f.name)).toEqual(expect.arrayContaining(['node', 'site', 'volunteer']));
  });

  it('refuses a NUL character or a lone surrogate in every search, naming filter.search', async () => {
    for (const field of searchFields) {
      const filterType = getNamedType(field.args.find((a) => a.name === 'filter')!.type).name;
      for (const bad of ['城关\u0000', '\u0000', '城关\uD800', '\uDFFF']) {
        const reply = await query(`query($f: ${filterType}) { ${field.name}(filter: $f) { totalCount } }`, { f: { search: bad } });
        expectBadInput(reply, 'filter.search', /NUL character|lone UTF-16 surrogate/);
      }
    }
  });

  it('searches for %, _ and \\ literally, in every search', async () => {
    const names = async (search: string) => {
      const reply = await query('query($s: String) { volunteers(filter: { search: $s }, first: 100) { totalCount edges { node { name } } } }', { s: search });
      expect(reply.errors).toBeUndefined();
      return reply.data!.volunteers.edges.map((e: { node: { name: string } }) => e.node.name);
    };
    expect(await names('%')).toEqual(['百分之百%1']);
    expect(await names('_')).toEqual(['下划线_1']);
    expect(await names('\\')).toEqual(['反斜杠\\1']);
    expect(await names('百%')).toEqual(['百分之百%1'].filter((n) => n.includes('百%')));
    expect(await names('普通志愿者')).toHaveLength(3);
    // Every other search: a lone wildcard matches nothing (no names here contain one).
    for (const field of searchFields.filter((f) => f.name !== 'volunteers')) {
      const filterType = getNamedType(field.args.find((a) => a.name === 'filter')!.type).name;
      for (const wildcard of ['%', '_', '\\']) {
        const reply = await query(`query($f: ${filterType}) { ${field.name}(filter: $f) { totalCount } }`, { f: { search: wildcard } });
        expect(reply.errors, `${field.name} ${wildcard}`).toBeUndefined();
        expect(reply.data![field.name].totalCount, `${field.name} ${wildcard}`).toBe(0);
      }
    }
  });

  it('refuses IDs whose key is not a positive int4, on node and every field by id', async () => {
    for (const field of byIdFields) {
      // The type the field returns (certificate → ServiceCertificate); `node` takes any, here a Site.
      const typename = field.name === 'node' ? 'Site' : getNamedType(field.type).name;
      for (const key of ['abc', '9007199254740993', '2147483648', '0', '-5', '1.5']) {
        const reply = await query(`query($id: ID!) { ${field.name}(id: $id) { id } }`, { id: b64(`${typename}:${key}`) });
        expectBadInput(reply, 'id', /is not a valid \w+ ID/);
        expect(reply.data?.[field.name] ?? null).toBeNull();
      }
      expectBadInput(await query(`query($id: ID!) { ${field.name}(id: $id) { id } }`, { id: 'not base64 at all!' }), 'id', /Invalid global ID/);
    }
    // Inside a filter, too.
    expectBadInput(await query('query($f: SiteFilter) { sites(filter: $f) { totalCount } }', { f: { parentId: b64('Site:abc') } }), 'filter.parentId', /is not a valid Site ID/);
  });

  it('answers node(id:) for a well-formed ID of no record with null and no error (anonymous too)', async () => {
    for (const headers of [asAdmin, ANONYMOUS]) {
      const reply = await query('query($id: ID!) { node(id: $id) { id } }', { id: gid('Site', 2_000_000_000) }, headers);
      expect(reply).toEqual({ data: { node: null } });
    }
    const volunteer = await query('query($id: ID!) { node(id: $id) { id } }', { id: gid('Volunteer', 1_999_999_999) });
    expect(volunteer).toEqual({ data: { node: null } });
  });

  it('answers each ID of nodes(ids:) on its own: null for no record, an error at its index for a bad one', async () => {
    const ids = [siteId, gid('Site', 2_000_000_000), b64('Site:abc'), 'garbage', b64('NoSuchType:1'), siteId];
    const reply = await query('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids });
    expect(reply.data?.nodes).toEqual([{ __typename: 'Site', id: siteId }, null, null, null, null, { __typename: 'Site', id: siteId }]);
    expect(reply.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['nodes', 2], 'BAD_USER_INPUT'],
      [['nodes', 3], 'BAD_USER_INPUT'],
      [['nodes', 4], 'BAD_USER_INPUT'],
    ]);
    expect(reply.errors!.every((e) => e.message.startsWith('ids: '))).toBe(true);
  });

  it('refuses malformed cursors on every root connection, naming after/before', async () => {
    const cursors = ['garbage', '', b64('GPC:N:abc'), b64('GPC:S:1'), b64('GPC:N:9007199254740993'), b64('GPC:J:{"a":1}'), b64('OffsetConnection:5'), '\u0000'];
    for (const field of connectionFields) {
      const required = field.args.filter((a) => a.type.toString().endsWith('!'));
      if (required.length) continue; // none of the root connections needs more than paging
      for (const cursor of cursors) {
        for (const direction of ['after', 'before']) {
          const reply = await query(`query($c: String) { ${field.name}(${direction}: $c) { totalCount } }`, { c: cursor });
          expectBadInput(reply, direction, cursor === '\u0000' ? /NUL/ : /is not a cursor/);
        }
      }
    }
    // A real cursor still pages.
    const page = await query('{ sites(first: 2) { pageInfo { endCursor } } }');
    const next = await query('query($c: String) { sites(first: 2, after: $c) { edges { node { id } } } }', { c: page.data!.sites.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data!.sites.edges.length).toBeGreaterThan(0);
  });

  it('refuses dates in year 0, before 1000 and beyond 9999, in variables and literals', async () => {
    for (const [type, value] of [
      ['Date', '0000-01-01'],
      ['Date', '0000-12-31'],
      ['Date', '0001-01-01'],
      ['Date', '0999-12-31'],
      ['DateTime', '0000-06-01T00:00:00Z'],
      ['DateTime', '9999-12-31T23:00:00-05:00'],
    ] as const) {
      const arg = type === 'Date' ? 'date' : 'from';
      const reply = await query(`query($d: ${type}) { roster(filter: { ${arg}: $d }) { totalCount } }`, { d: value });
      expect(JSON.stringify(reply)).not.toMatch(/INTERNAL_SERVER_ERROR/);
      expect(reply.errors?.[0]?.extensions?.code, JSON.stringify(reply)).toBe('BAD_USER_INPUT');
      expect(reply.errors?.[0]?.message).toMatch(/^Variable "\$d" got invalid value .*between the years 1000 and 9999/);
    }
    const literal = await query('{ roster(filter: { date: "0000-01-01" }) { totalCount } }');
    expect(literal.errors?.[0]?.message).toMatch(/between the years 1000 and 9999/);
    const fine = await query('{ roster(filter: { date: "1000-01-01" }) { totalCount } }');
    expect(fine).toEqual({ data: { roster: { totalCount: 0 } } });
  });
});
