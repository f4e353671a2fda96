import type { HonorLevel, OutreachVenueKind, Prisma } from '../generated/prisma/client.js';
import { addDays, calendarDate, shanghaiDateOf, shanghaiWallClock } from '../roster/time.js';
import { type DemoCity, resetIdSequences } from './city/index.js';
import { insertRows } from './insert.js';
import { Random } from './random.js';

/*
 * The honours and civilised-families seed part (src/honours, src/families), shaped like the
 * city's report: 7 national and 37 provincial moral models, 204 city moral models, 47 中国好人 and
 * 135 city Good People among the volunteers; team honours at county level; 163 city civilised
 * families named in the two batches of the 2024—2026 cycle, 13 provincial and 1 national, and one
 * family (王家) with 800+ talks over 22 years. Ids are explicit (these tables are new and empty).
 */

const VOLUNTEER_HONOURS: { title: string; level: HonorLevel; count: number; awardedBy: string; nominationShare?: number }[] = [
  { title: '全国道德模范', level: 'NATIONAL', count: 7, awardedBy: '中央文明委', nominationShare: 0.3 },
  { title: '中国好人', level: 'NATIONAL', count: 47, awardedBy: '中央文明办' },
  { title: '省道德模范', level: 'PROVINCIAL', count: 37, awardedBy: '省文明委', nominationShare: 0.2 },
  { title: '市道德模范', level: 'CITY', count: 204, awardedBy: '市文明委' },
  { title: '市好人', level: 'CITY', count: 135, awardedBy: '市文明办' },
];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段';
const TOPICS = ['好家风代代传', '孝老爱亲的故事', '勤俭持家', '邻里互助', '红色家书', '移风易俗从我家做起'];
const VENUES: OutreachVenueKind[] = ['SCHOOL', 'COMMUNITY', 'COMPANY', 'GOVERNMENT_OFFICE'];

export function buildFamilies(city: DemoCity, rng: Random = Random.stream('families')) {
  const honors: Prisma.HonorCreateManyInput[] = [];
  const families: Prisma.FamilyCreateManyInput[] = [];
  const members: Prisma.FamilyMemberCreateManyInput[] = [];
  const nominations: Prisma.FamilyNominationCreateManyInput[] = [];
  const outreach: Prisma.FamilyOutreachCreateManyInput[] = [];
  const asOf = shanghaiDateOf(city.asOf);
  const at = (day: Date, hour: number) => shanghaiWallClock(day, hour * 60 + rng.int(0, 59));

  // Volunteers' honours: the longest-serving volunteers, each honoured once.
  const honoured = rng.shuffle(city.volunteers.filter((v) => v.status === 'ACTIVE'));
  let next = 0;
  for (const def of VOLUNTEER_HONOURS) {
    for (let i = 0; i < def.count; i++) {
      const v = honoured[next++]!;
      const year = rng.int(2016, 2026);
      honors.push({
        id: honors.length + 1,
        title: def.title,
        level: def.level,
        year,
        nominationOnly: rng.chance(def.nominationShare ?? 0),
        citation: `${v.name}长期投身志愿服务，事迹感人。`,
        awardedBy: def.awardedBy,
        recipientKind: 'VOLUNTEER',
        volunteerId: v.id,
        siteId: v.homeSiteId,
        createdAt: at(calendarDate(year, 9, rng.int(1, 28)), 10),
      });
    }
  }
  for (const team of rng.sample(city.teams, 12)) {
    const year = rng.int(2020, 2026);
    honors.push({
      id: honors.length + 1,
      title: '县优秀志愿服务组织',
      level: 'DISTRICT',
      year,
      awardedBy: '县文明委',
      recipientKind: 'TEAM',
      teamId: team.id,
      siteId: team.siteId,
      createdAt: at(calendarDate(year, 12, 5), 10),
    });
  }

  // 177 families at the stations: 163 city (two batches), 13 provincial, 1 national.
  const stations = city.sites.filter((s) => s.level === 'STATION');
  const cycleId = 1;
  const batches = [
    { id: 1, cycleId, number: 1, level: 'CITY' as const, announcedAt: at(calendarDate(2024, 12, 18), 10) },
    { id: 2, cycleId, number: 2, level: 'CITY' as const, announcedAt: at(calendarDate(2026, 6, 12), 10) },
  ];
  const cycle = {
    id: cycleId,
    name: '2024—2026年度文明家庭评选',
    startYear: 2024,
    endYear: 2026,
    nominationOpensAt: at(calendarDate(2024, 3, 1), 9),
    nominationClosesAt: at(calendarDate(2026, 4, 30), 18),
  };
  const byLevel: [HonorLevel, number][] = [['NATIONAL', 1], ['PROVINCIAL', 13], ['CITY', 163]];
  for (const [level, count] of byLevel) {
    for (let i = 0; i < count; i++) {
      const id = families.length + 1;
      const site = stations[id % stations.length]!;
      const surname = id === 1 ? '王' : rng.pick([...SURNAMES]);
      families.push({
        id,
        name: `${surname}家`,
        story: id === 1 ? '一家三代二十二年坚持宣讲好家风，讲了八百多场。' : '孝老爱亲、邻里和睦、热心公益。',
        siteId: site.id,
        createdAt: at(calendarDate(2023, 10, 1 + (id % 28)), 9),
        updatedAt: at(calendarDate(2023, 10, 1 + (id % 28)), 9),
      });
      for (const relation of ['户主', '配偶', rng.pick(['长子', '长女'])]) {
        members.push({ id: members.length + 1, familyId: id, name: `${surname}${rng.pick(['建国', '秀英', '志强', '丽华', '小明', '小红'])}`, relation });
      }
      let year = level === 'CITY' ? 0 : rng.int(2018, 2023);
      let nominationId: number | null = null;
      if (level === 'CITY') {
        const batch = batches[i < 80 ? 0 : 1]!;
        year = batch.announcedAt.getUTCFullYear();
        nominationId = nominations.length + 1;
        nominations.push({
          id: nominationId,
          cycleId,
          batchId: batch.id,
          familyId: id,
          statement: '家庭和睦、热心公益，群众公认。',
          status: 'APPROVED',
          reviewedAt: addDays(batch.announcedAt, -20),
          nominatedAt: addDays(batch.announcedAt, -60),
        });
      }
      honors.push({
        id: honors.length + 1,
        title: level === 'NATIONAL' ? '全国文明家庭' : level === 'PROVINCIAL' ? '省级文明家庭' : '市级文明家庭',
        level,
        year,
        citation: nominationId ? `${cycle.name}第${i < 80 ? 1 : 2}批` : null,
        awardedBy: level === 'NATIONAL' ? '中央文明委' : level === 'PROVINCIAL' ? '省文明委' : '市文明委',
        recipientKind: 'FAMILY',
        familyId: id,
        siteId: site.id,
        nominationId,
        createdAt: at(calendarDate(year, 12, 20), 10),
      });
    }
  }

  // Talks: 王家 about three a month for 22 years (800+); others a few.
  const talk = (familyId: number, heldOn: Date) =>
    outreach.push({
      id: outreach.length + 1,
      familyId,
      heldOn,
      venueKind: rng.pick(VENUES),
      audienceSize: rng.int(20, 400),
      topic: rng.pick(TOPICS),
      createdAt: at(heldOn, 20),
    });
  for (let day = calendarDate(2004, 12, 1); day <= asOf; day = addDays(day, rng.int(7, 12))) talk(1, day);
  for (const f of families.slice(1)) for (let n = rng.int(0, 4); n > 0; n--) talk(f.id as number, addDays(asOf, -rng.int(1, 900)));
  return { honors, families, members, cycle, batches, nominations, outreach };
}

export async function seedFamilies(tx: Prisma.TransactionClient, city: DemoCity): Promise<Record<string, number>> {
  const built = buildFamilies(city);
  const counts = {
    families: await insertRows(tx, 'Family', built.families),
    familyMembers: await insertRows(tx, 'FamilyMember', built.members),
    familySelectionCycles: await insertRows(tx, 'FamilySelectionCycle', [built.cycle]),
    familySelectionBatches: await insertRows(tx, 'FamilySelectionBatch', built.batches),
    familyNominations: await insertRows(tx, 'FamilyNomination', built.nominations),
    honors: await insertRows(tx, 'Honor', built.honors),
    familyOutreach: await insertRows(tx, 'FamilyOutreach', built.outreach),
  };
  await resetIdSequences(tx, ['Family', 'FamilyMember', 'FamilySelectionCycle', 'FamilySelectionBatch', 'FamilyNomination', 'Honor', 'FamilyOutreach']);
  return counts;
}
