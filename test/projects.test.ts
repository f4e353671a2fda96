import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeProjectStatusDocument,
  CreateProjectDocument,
  ProjectDocument,
  ProjectsDocument,
  UpdateProjectDocument,
} from './generated/graphql.js';
import { createBrand } from '../src/brands/service.js';
import { createTeam } from '../src/teams/service.js';
import { expectType, gql } from './support/client.js';
import { gid, siteTree } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

describe.each(DATABASE_KINDS)('projects on %s', (kind) => {
  let t: TestServer;
  let sites: Awaited<ReturnType<typeof siteTree>>;
  let teamId: string;
  let brandId: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    sites = await siteTree(t.db.prisma);
    const team = await createTeam(t.db.prisma, { name: '文明引导志愿服务队', siteId: sites.instituteA.id });
    teamId = gid('Team', team.id);
    brandId = gid('Brand', (await createBrand(t.db.prisma, { name: '红马甲', teamId: team.id })).id);
  });
  afterAll(() => t?.close());

  const create = async (input: Record<string, unknown>) =>
    (await gql(t.url, CreateProjectDocument, {
      input: { organizerId: teamId, siteId: gid('Site', sites.instituteA.id), description: '', ...input } as never,
    }, t.admin)).createProject;
  const change = async (id: string, status: string) =>
    (await gql(t.url, ChangeProjectStatusDocument, { input: { id, status: status as never } }, t.admin)).changeProjectStatus;

  it('creates a DRAFT project under a brand and walks its life cycle', async () => {
    const project = expectType(
      await create({ title: '旅游旺季文明引导行动', category: 'TOURISM', brandId, startsOn: '2026-07-01', endsOn: '2026-08-31' }),
      'CreateProjectPayload',
    ).project;
    expect(project).toMatchObject({ status: 'DRAFT', nextStatuses: ['RECRUITING', 'CANCELLED'], brand: { id: brandId }, organizer: { id: teamId }, startsOn: '2026-07-01', endsOn: '2026-08-31' });

    const illegal = expectType(await change(project.id, 'COMPLETED'), 'ProjectStatusTransitionError');
    expect(illegal).toMatchObject({ from: 'DRAFT', to: 'COMPLETED', allowed: ['RECRUITING', 'CANCELLED'] });
    expect(illegal.message).toBe('A project cannot go from DRAFT to COMPLETED; allowed next: RECRUITING, CANCELLED.');

    for (const [to, next] of [['RECRUITING', ['ACTIVE', 'CANCELLED']], ['ACTIVE', ['COMPLETED', 'CANCELLED']], ['COMPLETED', []]] as const) {
      const moved = expectType(await change(project.id, to), 'ChangeProjectStatusPayload');
      expect(moved.project).toMatchObject({ status: to, nextStatuses: next });
    }
    const final = expectType(await change(project.id, 'CANCELLED'), 'ProjectStatusTransitionError');
    expect(final.allowed).toEqual([]);
    expect((await gql(t.url, ProjectDocument, { id: project.id }, t.admin)).project?.status).toBe('COMPLETED');
  });

  it('concurrent transitions from the same status: exactly one wins', async () => {
    const project = expectType(await create({ title: '浓情年味·暖冬', category: 'HARDSHIP_RELIEF', startsOn: '2026-12-20', endsOn: '2027-02-10' }), 'CreateProjectPayload').project;
    const results = await Promise.all([change(project.id, 'RECRUITING'), change(project.id, 'RECRUITING')]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['ChangeProjectStatusPayload', 'ProjectStatusTransitionError']);
    const loser = results.find((r) => r.__typename === 'ProjectStatusTransitionError');
    expect(loser).toMatchObject({ from: 'RECRUITING', to: 'RECRUITING' });
  });

  it('validates dates in order, lengths and references; writes nothing on error', async () => {
    const before = await t.db.prisma.project.count();
    const reversed = expectType(await create({ title: '倒序', category: 'LEGAL', startsOn: '2026-05-02', endsOn: '2026-05-01' }), 'ValidationError');
    expect(reversed.fields).toEqual([{ path: 'input.endsOn', message: 'endsOn must not be before startsOn' }]);
    const long = expectType(await create({ title: '长'.repeat(101), category: 'LEGAL', startsOn: '2026-05-01', endsOn: '2026-05-01' }), 'ValidationError');
    expect(long.fields[0]).toMatchObject({ path: 'input.title', message: 'title may be at most 100 characters' });
    expect((await create({ title: '无队', category: 'LEGAL', organizerId: gid('Team', 999999), startsOn: '2026-05-01', endsOn: '2026-05-01' })).__typename).toBe('NotFoundError');
    expect((await create({ title: '错类型', category: 'LEGAL', organizerId: gid('Site', 1), startsOn: '2026-05-01', endsOn: '2026-05-01' })).__typename).toBe('ValidationError');
    expect(await t.db.prisma.project.count()).toBe(before);

    const project = expectType(await create({ title: '法律进社区', category: 'LEGAL', startsOn: '2026-05-01', endsOn: '2026-06-01' }), 'CreateProjectPayload').project;
    const bad = expectType((await gql(t.url, UpdateProjectDocument, { input: { id: project.id, endsOn: '2026-04-01' } }, t.admin)).updateProject, 'ValidationError');
    expect(bad.fields[0]?.path).toBe('input.endsOn');
    const ok = expectType(
      (await gql(t.url, UpdateProjectDocument, { input: { id: project.id, title: '法律服务进社区', brandId, endsOn: '2026-06-30' } }, t.admin)).updateProject,
      'UpdateProjectPayload',
    );
    expect(ok.project).toMatchObject({ title: '法律服务进社区', brand: { id: brandId }, endsOn: '2026-06-30' });
    const unbranded = expectType((await gql(t.url, UpdateProjectDocument, { input: { id: project.id, brandId: null } }, t.admin)).updateProject, 'UpdateProjectPayload');
    expect(unbranded.project.brand).toBeNull();
  });

  it('filters by status, category, site subtree, brand, organizer, search and active day', async () => {
    const all = await gql(t.url, ProjectsDocument, { first: 100 }, t.admin);
    expect(all.projects.totalCount).toBe(3);
    // Default order: newest start first.
    expect(all.projects.edges.map((e) => e.node.startsOn)).toEqual(['2026-12-20', '2026-07-01', '2026-05-01']);
    const completed = await gql(t.url, ProjectsDocument, { filter: { status: ['COMPLETED'] } }, t.admin);
    expect(completed.projects.edges.map((e) => e.node.title)).toEqual(['旅游旺季文明引导行动']);
    const tourismOrLegal = await gql(t.url, ProjectsDocument, { filter: { category: ['TOURISM', 'LEGAL'] } }, t.admin);
    expect(tourismOrLegal.projects.totalCount).toBe(2);
    expect((await gql(t.url, ProjectsDocument, { filter: { siteId: gid('Site', sites.center.id) } }, t.admin)).projects.totalCount).toBe(3);
    expect((await gql(t.url, ProjectsDocument, { filter: { siteId: gid('Site', sites.instituteB.id) } }, t.admin)).projects.totalCount).toBe(0);
    expect((await gql(t.url, ProjectsDocument, { filter: { brandId } }, t.admin)).projects.totalCount).toBe(1);
    expect((await gql(t.url, ProjectsDocument, { filter: { organizerId: teamId } }, t.admin)).projects.totalCount).toBe(3);
    expect((await gql(t.url, ProjectsDocument, { filter: { search: '暖冬' } }, t.admin)).projects.edges.map((e) => e.node.title)).toEqual(['浓情年味·暖冬']);
    const onDay = await gql(t.url, ProjectsDocument, { filter: { activeOn: '2026-07-15' } }, t.admin);
    expect(onDay.projects.edges.map((e) => e.node.title)).toEqual(['旅游旺季文明引导行动']);
    const byTitle = await gql(t.url, ProjectsDocument, { orderBy: { field: 'STARTS_ON', direction: 'ASC' }, first: 1 }, t.admin);
    expect(byTitle.projects.edges[0]?.node.startsOn).toBe('2026-05-01');
    expect(byTitle.projects.pageInfo.hasNextPage).toBe(true);
  });
});
