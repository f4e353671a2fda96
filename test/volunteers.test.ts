import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RegisterVolunteerDocument,
  UpdateVolunteerDocument,
  VolunteerDocument,
  VolunteersDocument,
} from './generated/graphql.js';
import { expectType, gql, request } from './support/client.js';
import { gid, siteTree, uniquePhone } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

describe.each(DATABASE_KINDS)('volunteers on %s', (kind) => {
  let t: TestServer;
  let sites: Awaited<ReturnType<typeof siteTree>>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    sites = await siteTree(t.db.prisma);
  });
  afterAll(() => t?.close());

  const register = async (input: Record<string, unknown>) =>
    (await gql(t.url, RegisterVolunteerDocument, { input: input as never }, t.admin)).registerVolunteer;

  it('registers a volunteer and normalises the phone to E.164', async () => {
    const result = expectType(
      await register({
        name: '王建国',
        phone: '+86 138 0013 8000',
        gender: 'MALE',
        birthDate: '1975-03-08',
        skills: ['急救', '交通引导'],
        homeSiteId: gid('Site', sites.stationA.id),
      }),
      'RegisterVolunteerPayload',
    );
    expect(result.volunteer).toMatchObject({
      name: '王建国',
      phone: '+8613800138000',
      gender: 'MALE',
      birthDate: '1975-03-08',
      skills: ['急救', '交通引导'],
      status: 'ACTIVE',
      serviceMinutes: 0,
      starLevel: 0,
      homeSite: { id: gid('Site', sites.stationA.id) },
    });
    expect(result.volunteer.registeredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const fetched = await gql(t.url, VolunteerDocument, { id: result.volunteer.id }, t.admin);
    expect(fetched.volunteer?.phone).toBe('+8613800138000');
  });

  it.each([
    ['13800138001', '+8613800138001'],
    ['0086-138-0013-8002', '+8613800138002'],
    ['(+86) 138 0013 8003', '+8613800138003'],
    ['8613800138004', '+8613800138004'],
  ])('accepts the phone %s as %s', async (typed, e164) => {
    const result = expectType(
      await register({ name: '测试', phone: typed, homeSiteId: gid('Site', sites.stationA.id) }),
      'RegisterVolunteerPayload',
    );
    expect(result.volunteer.phone).toBe(e164);
  });

  it('refuses a duplicate phone however it is typed, and writes nothing', async () => {
    const before = await t.db.prisma.volunteer.count();
    const dup = expectType(
      await register({ name: '李四', phone: '138-0013-8000', homeSiteId: gid('Site', sites.stationA.id) }),
      'DuplicatePhoneError',
    );
    expect(dup.phone).toBe('+8613800138000');
    expect(dup.message).toContain('+8613800138000');
    expect(await t.db.prisma.volunteer.count()).toBe(before);
  });

  it('reports every invalid field at once', async () => {
    const before = await t.db.prisma.volunteer.count();
    const invalid = expectType(
      await register({
        name: '',
        phone: '12345',
        birthDate: '2999-01-01',
        skills: ['x'.repeat(31)],
        homeSiteId: gid('Site', sites.stationA.id),
      }),
      'ValidationError',
    );
    expect(invalid.fields.map((f) => f.path).sort()).toEqual(['input.birthDate', 'input.name', 'input.phone', 'input.skills.0']);
    expect(invalid.fields.find((f) => f.path === 'input.phone')?.message).toMatch(/mainland mobile number/);
    expect(await t.db.prisma.volunteer.count()).toBe(before);
  });

  it('refuses ids of the wrong type, malformed ids and unknown sites', async () => {
    const wrongType = expectType(
      await register({ name: '张三', phone: uniquePhone(), homeSiteId: gid('Volunteer', 1) }),
      'ValidationError',
    );
    expect(wrongType.message).toMatch(/is not of type: Site/);
    const malformed = expectType(await register({ name: '张三', phone: uniquePhone(), homeSiteId: '!!!' }), 'ValidationError');
    expect(malformed.message).toMatch(/Invalid global ID/);
    const notNumeric = expectType(await register({ name: '张三', phone: uniquePhone(), homeSiteId: gid('Site', 'abc' as never) }), 'ValidationError');
    expect(notNumeric.fields[0]).toMatchObject({ path: 'input.homeSiteId' });
    const unknown = expectType(await register({ name: '张三', phone: uniquePhone(), homeSiteId: gid('Site', 987654) }), 'NotFoundError');
    expect(unknown).toMatchObject({ typename: 'Site', id: gid('Site', 987654) });
    // A missing required field is a GraphQL validation error before any resolver runs.
    const missing = await request(t.url, RegisterVolunteerDocument, { input: { name: '张三' } as never }, t.admin);
    expect(missing.data).toBeUndefined();
    expect(missing.errors?.map((e) => e.message).join(" ")).toMatch(/Field "phone" of required type "String!" was not provided/);
  });

  it('updates a volunteer, including suspension, and guards the phone', async () => {
    const a = expectType(await register({ name: '赵六', phone: uniquePhone(), homeSiteId: gid('Site', sites.stationA.id) }), 'RegisterVolunteerPayload').volunteer;
    const b = expectType(await register({ name: '钱七', phone: uniquePhone(), homeSiteId: gid('Site', sites.stationA.id) }), 'RegisterVolunteerPayload').volunteer;
    const updated = expectType(
      (await gql(t.url, UpdateVolunteerDocument, {
        input: { id: a.id, name: '赵六六', status: 'SUSPENDED', homeSiteId: gid('Site', sites.stationB.id), skills: ['手语'] },
      }, t.admin)).updateVolunteer,
      'UpdateVolunteerPayload',
    );
    expect(updated.volunteer).toMatchObject({ name: '赵六六', status: 'SUSPENDED', skills: ['手语'], homeSite: { id: gid('Site', sites.stationB.id) } });
    const clash = expectType((await gql(t.url, UpdateVolunteerDocument, { input: { id: a.id, phone: b.phone } }, t.admin)).updateVolunteer, 'DuplicatePhoneError');
    expect(clash.phone).toBe(b.phone);
    // Keeping one's own number is not a clash.
    expectType((await gql(t.url, UpdateVolunteerDocument, { input: { id: a.id, phone: a.phone } }, t.admin)).updateVolunteer, 'UpdateVolunteerPayload');
    const missing = (await gql(t.url, UpdateVolunteerDocument, { input: { id: gid('Volunteer', 999999), name: 'x' } }, t.admin)).updateVolunteer;
    expect(missing.__typename).toBe('NotFoundError');
  });

  it('filters by search, home site subtree, skill, status and star level, and sorts', async () => {
    const home = gid('Site', sites.stationB.id);
    for (const [name, skills] of [['孙悟空', ['急救']], ['孙小美', ['摄影']], ['周星星', ['急救', '摄影']]] as const) {
      expectType(await register({ name, phone: uniquePhone(), homeSiteId: home, skills: [...skills] }), 'RegisterVolunteerPayload');
    }
    const bySearch = await gql(t.url, VolunteersDocument, { filter: { search: '孙' } }, t.admin);
    expect(bySearch.volunteers!.edges.map((e) => e.node.name).sort()).toEqual(['孙小美', '孙悟空']);
    expect(bySearch.volunteers!.totalCount).toBe(2);
    // The institute above station B sees station B's volunteers.
    const bySubtree = await gql(t.url, VolunteersDocument, { filter: { homeSiteId: gid('Site', sites.instituteB.id) }, first: 100 }, t.admin);
    expect(bySubtree.volunteers!.edges.map((e) => e.node.name)).toEqual(expect.arrayContaining(['孙悟空', '孙小美', '周星星']));
    const bySkill = await gql(t.url, VolunteersDocument, { filter: { skill: '急救', homeSiteId: home } }, t.admin);
    expect(bySkill.volunteers!.edges.map((e) => e.node.name).sort()).toEqual(['周星星', '孙悟空']);
    const suspended = await gql(t.url, VolunteersDocument, { filter: { status: 'SUSPENDED' } }, t.admin);
    expect(suspended.volunteers!.edges.map((e) => e.node.name)).toEqual(['赵六六']);

    // Eligible star levels follow service minutes (set directly here; the roster earns them for real);
    // the granted starLevel stays 0 until applied for, reviewed and noticed (test/certificates.test.ts).
    const [star1] = await t.db.prisma.volunteer.findMany({ where: { name: '孙悟空' } });
    await t.db.prisma.volunteer.update({ where: { id: star1!.id }, data: { serviceMinutes: 100 * 60 } });
    const stars = await gql(t.url, VolunteersDocument, { filter: { minStarLevel: 1 } }, t.admin);
    expect(stars.volunteers!.edges.map((e) => [e.node.name, e.node.eligibleStarLevel, e.node.starLevel])).toEqual([['孙悟空', 1, 0]]);

    const sorted = await gql(t.url, VolunteersDocument, {
      filter: { homeSiteId: home },
      orderBy: { field: 'SERVICE_MINUTES', direction: 'DESC' },
    }, t.admin);
    expect(sorted.volunteers!.edges[0]?.node.name).toBe('孙悟空');
  });

  it('pages through volunteers without gaps or repeats', async () => {
    const all = await gql(t.url, VolunteersDocument, { first: 100, orderBy: { field: 'NAME', direction: 'ASC' } }, t.admin);
    const ids: string[] = [];
    let after: string | null | undefined;
    do {
      const page = await gql(t.url, VolunteersDocument, { first: 3, after, orderBy: { field: 'NAME', direction: 'ASC' } }, t.admin);
      ids.push(...page.volunteers!.edges.map((e) => e.node.id));
      after = page.volunteers!.pageInfo.hasNextPage ? page.volunteers!.pageInfo.endCursor : null;
    } while (after);
    expect(ids).toEqual(all.volunteers!.edges.map((e) => e.node.id));
    expect(new Set(ids).size).toBe(all.volunteers!.totalCount);
  });
});
