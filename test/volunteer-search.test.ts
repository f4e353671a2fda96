import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillNameSearch, nameSearchColumns, SEARCH_COUNT_LIMIT } from '../src/volunteers/search.js';
import {
  RegisterVolunteerDocument,
  UpdateVolunteerDocument,
  VolunteerSearchPageDocument,
  VolunteersDocument,
  type VolunteerFilter,
} from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid, siteTree, uniquePhone } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/** Volunteer search by Chinese substring, pinyin, pinyin initials and surname prefix. */

describe('pinyin columns', () => {
  it('are toneless pinyin and initials, with surname readings for the first character', () => {
    expect(nameSearchColumns('王小明')).toEqual({ namePinyin: 'wangxiaoming', nameInitials: 'wxm' });
    expect(nameSearchColumns('欧阳建国')).toEqual({ namePinyin: 'ouyangjianguo', nameInitials: 'oyjg' });
    expect(nameSearchColumns('曾志伟')).toEqual({ namePinyin: 'zengzhiwei', nameInitials: 'zzw' });
    expect(nameSearchColumns('单丽')).toEqual({ namePinyin: 'shanli', nameInitials: 'sl' });
    expect(nameSearchColumns('吕雪')).toEqual({ namePinyin: 'lvxue', nameInitials: 'lx' });
  });
});

describe.each(DATABASE_KINDS)('volunteer search on %s', (kind) => {
  let t: TestServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(kind);
    const { stationA } = await siteTree(t.db.prisma);
    for (const name of ['王小明', '李小明', '王晓', '欧阳建国', '张建国', 'Anna Li', '小王']) {
      const result = await gql(t.url, RegisterVolunteerDocument, {
        input: { name, phone: uniquePhone(), homeSiteId: gid('Site', stationA.id) },
      }, t.admin);
      ids[name] = expectType(result.registerVolunteer, 'RegisterVolunteerPayload').volunteer.id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function names(filter: VolunteerFilter): Promise<string[]> {
    const data = await gql(t.url, VolunteersDocument, { filter, first: 100 }, t.admin);
    expect(data.volunteers!.totalCount).toBe(data.volunteers!.edges.length);
    return data.volunteers!.edges.map((e) => e.node.name).sort();
  }

  it('stores the name’s characters after the first in a generated column', async () => {
    const row = await t.db.prisma.volunteer.findFirstOrThrow({ where: { name: 'Anna Li' } });
    expect(row.nameChars).toEqual(['n', 'n', 'a', ' ', 'l', 'i']);
    expect(row.namePinyin).toBe('annali');
  });

  it('finds Chinese substrings anywhere in the name, in order', async () => {
    expect(await names({ search: '小明' })).toEqual(['李小明', '王小明'].sort());
    expect(await names({ search: '王' })).toEqual(['小王', '王小明', '王晓'].sort());
    expect(await names({ search: '建国' })).toEqual(['张建国', '欧阳建国'].sort());
    expect(await names({ search: '明小' })).toEqual([]);
    expect(await names({ search: '王明' })).toEqual([]);
  });

  it('finds names by the start of their pinyin or of their initials, in any case', async () => {
    expect(await names({ search: 'wang' })).toEqual(['王小明', '王晓'].sort());
    expect(await names({ search: 'wangxiaom' })).toEqual(['王小明']);
    expect(await names({ search: 'wxm' })).toEqual(['王小明']);
    expect(await names({ search: 'WXM' })).toEqual(['王小明']);
    expect(await names({ search: 'wang xiao' })).toEqual(['王小明', '王晓'].sort());
    expect(await names({ search: 'oyjg' })).toEqual(['欧阳建国']);
    expect(await names({ search: 'xm' })).toEqual([]); // initials match from their start only (李小明 is lxm)
    expect(await names({ search: 'xiaow' })).toEqual(['小王']);
  });

  it('pages a search in name order, forwards, backwards and descending, like any list', async () => {
    const page = (variables: Record<string, unknown>) => gql(t.url, VolunteerSearchPageDocument, { filter: { search: '王' }, ...variables }, t.admin);
    const all = ['小王', '王小明', '王晓']; // code-point order: 小 U+5C0F < 王 U+738B; 小 < 晓
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 3; i++) {
      const data = await page({ first: 1, after });
      seen.push(...data.volunteers!.edges.map((e) => e.node.name));
      expect(data.volunteers!.pageInfo.hasNextPage).toBe(i < 2);
      after = data.volunteers!.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    const last = await page({ last: 2, before: after });
    expect(last.volunteers!.edges.map((e) => e.node.name)).toEqual(all.slice(0, 2));
    expect(last.volunteers!.pageInfo.hasPreviousPage).toBe(false);
    const desc = await page({ first: 2, orderBy: { field: 'NAME', direction: 'DESC' } });
    expect(desc.volunteers!.edges.map((e) => e.node.name)).toEqual([...all].reverse().slice(0, 2));
    const next = await page({ first: 2, after: desc.volunteers!.pageInfo.endCursor, orderBy: { field: 'NAME', direction: 'DESC' } });
    expect(next.volunteers!.edges.map((e) => e.node.name)).toEqual([all[0]]);
  });

  it('matches Latin names as substrings, case-insensitively', async () => {
    expect(await names({ search: 'ANNA' })).toEqual(['Anna Li']);
    expect(await names({ search: 'anna' })).toEqual(['Anna Li']);
    expect(await names({ search: 'Li' })).toEqual(['Anna Li', '李小明'].sort()); // li: also the pinyin of 李
    expect(await names({ search: 'a l' })).toEqual(['Anna Li']);
  });

  it('keeps the pinyin columns current when the name changes', async () => {
    const result = await gql(t.url, UpdateVolunteerDocument, { input: { id: ids['王小明']!, name: '周小明' } }, t.admin);
    expectType(result.updateVolunteer, 'UpdateVolunteerPayload');
    expect(await names({ search: 'wxm' })).toEqual([]);
    expect(await names({ search: 'zxm' })).toEqual(['周小明']);
    expect(await names({ search: 'zhou' })).toEqual(['周小明']);
    await gql(t.url, UpdateVolunteerDocument, { input: { id: ids['王小明']!, name: '王小明' } }, t.admin);
    expect(await names({ search: 'wxm' })).toEqual(['王小明']);
  });

  it('fills missing pinyin columns at start-up (rows written before they existed), leaving updatedAt alone', async () => {
    const before = await t.db.prisma.volunteer.findFirstOrThrow({ where: { name: '欧阳建国' } });
    await t.db.prisma.$executeRawUnsafe(`UPDATE "Volunteer" SET "namePinyin" = NULL, "nameInitials" = NULL WHERE "id" = $1`, before.id);
    expect(await names({ search: 'oyjg' })).toEqual([]);
    expect(await backfillNameSearch(t.db.prisma, 1)).toBe(1);
    expect(await backfillNameSearch(t.db.prisma)).toBe(0);
    const after = await t.db.prisma.volunteer.findFirstOrThrow({ where: { id: before.id } });
    expect(after).toEqual(before);
    expect(await names({ search: 'oyjg' })).toEqual(['欧阳建国']);
  });

  it('filters by name prefix (a surname)', async () => {
    expect(await names({ namePrefix: '王' })).toEqual(['王小明', '王晓'].sort());
    expect(await names({ namePrefix: '欧阳' })).toEqual(['欧阳建国']);
    expect(await names({ namePrefix: '王', search: '明' })).toEqual(['王小明']);
  });

  it(`counts at most ${SEARCH_COUNT_LIMIT} matches of a search, and exactly otherwise`, async () => {
    const site = await t.db.prisma.site.findFirstOrThrow({ where: { level: 'STATION' } });
    const many = Array.from({ length: SEARCH_COUNT_LIMIT + 5 }, (_, i) => {
      const name = `钱${String.fromCharCode(0x4e00 + i)}`;
      return { name, ...nameSearchColumns(name), phone: `+86188${String(i).padStart(8, '0')}`, gender: 'MALE' as const, homeSiteId: site.id };
    });
    await t.db.prisma.volunteer.createMany({ data: many });
    const search = await gql(t.url, VolunteersDocument, { filter: { search: '钱' }, first: 5 }, t.admin);
    expect(search.volunteers!.totalCount).toBe(SEARCH_COUNT_LIMIT);
    expect(search.volunteers!.edges).toHaveLength(5);
    const prefix = await gql(t.url, VolunteersDocument, { filter: { namePrefix: '钱' }, first: 5 }, t.admin);
    expect(prefix.volunteers!.totalCount).toBe(SEARCH_COUNT_LIMIT + 5);
    // The merged search pages agree with the plain query's pages.
    expect(search.volunteers!.edges.map((e) => e.node.id)).toEqual(prefix.volunteers!.edges.map((e) => e.node.id));
    const after = search.volunteers!.pageInfo.endCursor;
    const [more, morePrefix] = await Promise.all([
      gql(t.url, VolunteersDocument, { filter: { search: '钱' }, first: 50, after }, t.admin),
      gql(t.url, VolunteersDocument, { filter: { namePrefix: '钱' }, first: 50, after }, t.admin),
    ]);
    expect(more.volunteers!.edges.map((e) => e.node.id)).toEqual(morePrefix.volunteers!.edges.map((e) => e.node.id));
  });
});
