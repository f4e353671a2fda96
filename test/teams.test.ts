import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddTeamMemberDocument,
  BrandDocument,
  BrandsDocument,
  CreateBrandDocument,
  CreateTeamDocument,
  RemoveTeamMemberDocument,
  TeamDocument,
  TeamsDocument,
  UpdateTeamDocument,
  VolunteerDocument,
} from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid, siteTree, uniquePhone } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';
import { registerVolunteer } from '../src/volunteers/service.js';

describe.each(DATABASE_KINDS)('teams and brands on %s', (kind) => {
  let t: TestServer;
  let sites: Awaited<ReturnType<typeof siteTree>>;
  let people: { id: number; gid: string }[];
  beforeAll(async () => {
    t = await startTestServer(kind);
    sites = await siteTree(t.db.prisma);
    people = [];
    for (const name of ['队长甲', '队员乙', '队员丙', '队员丁', '队员戊']) {
      const v = await registerVolunteer(t.db.prisma, { name, phone: uniquePhone(), homeSiteId: sites.stationA.id });
      people.push({ id: v.id, gid: gid('Volunteer', v.id) });
    }
  });
  afterAll(() => t?.close());

  const createTeam = async (input: Record<string, unknown>) =>
    (await gql(t.url, CreateTeamDocument, { input: input as never }, t.admin)).createTeam;

  it('forms a team whose leader is also a member, and manages members', async () => {
    const team = expectType(
      await createTeam({ name: '东门及时雨志愿服务队', siteId: gid('Site', sites.stationA.id), leaderId: people[0]!.gid, description: '邻里互助' }),
      'CreateTeamPayload',
    ).team;
    expect(team.leader?.id).toBe(people[0]!.gid);

    for (const p of people.slice(1, 4)) {
      const added = expectType((await gql(t.url, AddTeamMemberDocument, { input: { teamId: team.id, volunteerId: p.gid } }, t.admin)).addTeamMember, 'AddTeamMemberPayload');
      expect(added.member.role).toBe('MEMBER');
    }
    const again = (await gql(t.url, AddTeamMemberDocument, { input: { teamId: team.id, volunteerId: people[1]!.gid } }, t.admin)).addTeamMember;
    expect(again).toMatchObject({ __typename: 'AlreadyTeamMemberError', message: 'The volunteer is already a member of this team.' });

    const page1 = await gql(t.url, TeamDocument, { id: team.id, first: 2 }, t.admin);
    expect(page1.team?.members?.totalCount).toBe(4);
    expect(page1.team?.members?.edges.map((e) => [e.node.volunteer.name, e.node.role])).toEqual([
      ['队长甲', 'LEADER'],
      ['队员乙', 'MEMBER'],
    ]);
    const page2 = await gql(t.url, TeamDocument, { id: team.id, first: 2, after: page1.team?.members?.pageInfo.endCursor }, t.admin);
    expect(page2.team?.members?.edges.map((e) => e.node.volunteer.name)).toEqual(['队员丙', '队员丁']);
    expect(page2.team?.members?.pageInfo.hasNextPage).toBe(false);

    // Joining as LEADER hands over the lead.
    const newLeader = expectType(
      (await gql(t.url, AddTeamMemberDocument, { input: { teamId: team.id, volunteerId: people[4]!.gid, role: 'LEADER' } }, t.admin)).addTeamMember,
      'AddTeamMemberPayload',
    );
    expect(newLeader.member).toMatchObject({ role: 'LEADER', team: { leader: { id: people[4]!.gid } } });

    const volunteer = await gql(t.url, VolunteerDocument, { id: people[0]!.gid }, t.admin);
    expect(volunteer.volunteer?.teams.edges.map((e) => [e.node.team.name, e.node.role])).toEqual([['东门及时雨志愿服务队', 'MEMBER']]);

    // Removing the leader leaves the team without one.
    const removed = expectType(
      (await gql(t.url, RemoveTeamMemberDocument, { input: { teamId: team.id, volunteerId: people[4]!.gid } }, t.admin)).removeTeamMember,
      'RemoveTeamMemberPayload',
    );
    expect(removed.team).toMatchObject({ leader: null, members: { totalCount: 4 } });
    const notMember = (await gql(t.url, RemoveTeamMemberDocument, { input: { teamId: team.id, volunteerId: people[4]!.gid } }, t.admin)).removeTeamMember;
    expect(notMember.__typename).toBe('ConflictError');

    const renamed = expectType(
      (await gql(t.url, UpdateTeamDocument, { input: { id: team.id, name: '东门红马甲志愿服务队', leaderId: people[2]!.gid, description: '' } }, t.admin)).updateTeam,
      'UpdateTeamPayload',
    );
    expect(renamed.team).toMatchObject({ name: '东门红马甲志愿服务队', description: null, leader: { id: people[2]!.gid } });
  });

  it('refuses duplicate names at a site, unknown sites and leaders', async () => {
    const site = gid('Site', sites.stationB.id);
    expectType(await createTeam({ name: '青山巾帼志愿服务队', siteId: site }), 'CreateTeamPayload');
    const dup = await createTeam({ name: '青山巾帼志愿服务队', siteId: site });
    expect(dup).toMatchObject({ __typename: 'DuplicateNameError', message: 'A team named "青山巾帼志愿服务队" already exists at this site.' });
    // The same name at another site is fine.
    expectType(await createTeam({ name: '青山巾帼志愿服务队', siteId: gid('Site', sites.stationA.id) }), 'CreateTeamPayload');
    expect((await createTeam({ name: '无站队', siteId: gid('Site', 424242) })).__typename).toBe('NotFoundError');
    expect((await createTeam({ name: '无队长队', siteId: site, leaderId: gid('Volunteer', 424242) })).__typename).toBe('NotFoundError');
    const before = await t.db.prisma.team.count();
    const bad = expectType(await createTeam({ name: '', siteId: site }), 'ValidationError');
    expect(bad.fields).toEqual([{ path: 'input.name', message: 'name must not be empty' }]);
    expect(await t.db.prisma.team.count()).toBe(before);
  });

  it('lists teams under a site subtree', async () => {
    const underA = await gql(t.url, TeamsDocument, { filter: { siteId: gid('Site', sites.instituteA.id) } }, t.admin);
    expect(underA.teams.edges.map((e) => e.node.name).sort()).toEqual(['东门红马甲志愿服务队', '青山巾帼志愿服务队']);
    const search = await gql(t.url, TeamsDocument, { filter: { search: '巾帼' } }, t.admin);
    expect(search.teams.totalCount).toBe(2);
    const byDate = await gql(t.url, TeamsDocument, { orderBy: { field: 'CREATED_AT', direction: 'DESC' }, first: 1 }, t.admin);
    expect(byDate.teams.edges).toHaveLength(1);
  });

  it('creates brands owned by exactly one team or site', async () => {
    const team = expectType(await createTeam({ name: '未爱启航志愿服务队', siteId: gid('Site', sites.instituteB.id) }), 'CreateTeamPayload').team;
    const byTeam = expectType(
      (await gql(t.url, CreateBrandDocument, { input: { name: '未爱启航', teamId: team.id, description: '关爱未成年人' } }, t.admin)).createBrand,
      'CreateBrandPayload',
    );
    expect(byTeam.brand).toMatchObject({ name: '未爱启航', ownerTeam: { id: team.id }, ownerSite: null });
    const bySite = expectType(
      (await gql(t.url, CreateBrandDocument, { input: { name: '及时雨', siteId: gid('Site', sites.center.id) } }, t.admin)).createBrand,
      'CreateBrandPayload',
    );
    expect(bySite.brand.ownerSite?.id).toBe(gid('Site', sites.center.id));
    const dup = (await gql(t.url, CreateBrandDocument, { input: { name: '及时雨', teamId: team.id } }, t.admin)).createBrand;
    expect(dup.__typename).toBe('DuplicateNameError');
    const both = expectType(
      (await gql(t.url, CreateBrandDocument, { input: { name: '双主', teamId: team.id, siteId: gid('Site', sites.center.id) } }, t.admin)).createBrand,
      'ValidationError',
    );
    expect(both.fields.map((f) => f.path)).toEqual(['input.teamId', 'input.siteId']);
    const none = (await gql(t.url, CreateBrandDocument, { input: { name: '无主' } }, t.admin)).createBrand;
    expect(none.__typename).toBe('ValidationError');

    expect((await gql(t.url, BrandDocument, { id: byTeam.brand.id }, t.admin)).brand?.name).toBe('未爱启航');
    const list = await gql(t.url, BrandsDocument, {}, t.admin);
    expect(list.brands.edges.map((e) => e.node.name)).toEqual(['及时雨', '未爱启航'].sort((a, b) => (a < b ? -1 : 1)));
    expect((await gql(t.url, BrandsDocument, { filter: { search: '启航' } }, t.admin)).brands.totalCount).toBe(1);
  });
});
