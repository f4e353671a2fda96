/**
 * The city-scale organisation, in set-based SQL: the site tree, teams and their members, brands,
 * projects and duty posts. Ids are explicit and formulaic, and every "random" choice is
 * pg_temp.rnd(key, salt) — a hash, not random() — so the rows are the same on every run.
 */
import type { SqlSession } from '../../db/index.js';
import { BRANDS } from '../projects-data.js';
import type { ScaleSizes } from './sizes.js';

const TOWN_HEADS = ['青', '石', '桃', '云', '白', '龙', '凤', '金', '清', '南', '北', '东', '西', '新', '古', '长', '平', '安', '和', '梅'];
const TOWN_TAILS = ['山', '溪', '桥', '湖', '岭', '坪', '塘', '口', '湾', '源'];
const VILLAGE_HEADS = ['上', '下', '前', '后', '大', '小', '高', '黄', '杨', '柳', '竹', '松', '枫', '杏', '李', '张', '王', '陈', '刘', '马', '牛', '田', '水', '沙', '泉'];
const VILLAGE_TAILS = ['家', '庄', '岗', '坑', '垄', '畈', '塘', '坞', '岙', '埠', '桥', '湾', '洋', '头', '边', '林', '园', '田', '冲', '坝'];
const KINDS = ['SCENIC_SPOT', 'TRAFFIC_INTERSECTION', 'STATION_PORT', 'COMMUNITY', 'PRACTICE_SITE'] as const;
const KIND_LABELS = ['景区服务', '路口文明劝导', '站口引导', '社区值守', '实践站值班'];

const sqlArray = (items: readonly string[]) => `ARRAY[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}]`;

/** Ids: the center is 1, institutes 2…I+1, stations I+2…I+S+1; station k belongs to institute 2 + (k−1) mod I. */
export async function writeTree(session: SqlSession, sizes: ScaleSizes, opened: Date): Promise<void> {
  const I = sizes.institutes;
  await session.query(
    `INSERT INTO "Site" ("id", "name", "level", "parentId", "path", "address", "services", "hostOrganization", "createdAt", "updatedAt")
     VALUES (1, '云溪市新时代文明实践中心', 'CENTER', NULL, '1', '云溪市人民路1号', ARRAY['饮水', '休息', '图书阅览', '政策咨询', '应急药箱'],
             '中共云溪市委宣传部', $1, $1)`,
    [opened],
  );
  await session.query(
    `INSERT INTO "Site" ("id", "name", "level", "parentId", "path", "address", "services", "hostOrganization", "createdAt", "updatedAt")
     SELECT i + 1, town || '新时代文明实践所', 'INSTITUTE', 1, '1.' || (i + 1), '云溪市' || town || '人民路' || (1 + i % 99) || '号',
            ARRAY['饮水', '休息', '政策咨询'], NULL, $1::timestamptz + (30 + i) * interval '1 day', $1::timestamptz + (30 + i) * interval '1 day'
       FROM (SELECT i, (${sqlArray(TOWN_HEADS)})[1 + (i - 1) % ${TOWN_HEADS.length}]
                       || (${sqlArray(TOWN_TAILS)})[1 + ((i - 1) / ${TOWN_HEADS.length}) % ${TOWN_TAILS.length}]
                       || CASE WHEN i % 3 = 0 THEN '乡' ELSE '镇' END AS town
               FROM generate_series(1, $2::int) AS i) AS towns`,
    [opened, I],
  );
  await session.query(
    `INSERT INTO "Site" ("id", "name", "level", "parentId", "path", "address", "services", "hostOrganization", "createdAt", "updatedAt")
     SELECT $2::int + 1 + k, village || '村新时代文明实践站', 'STATION', parent.id, parent.path || '.' || ($2::int + 1 + k),
            replace(parent.name, '新时代文明实践所', '') || village || '村村民委员会', ARRAY['饮水', '休息'], NULL,
            parent."createdAt" + (20 + k % 700) * interval '1 day', parent."createdAt" + (20 + k % 700) * interval '1 day'
       FROM (SELECT k, 2 + (k - 1) % $2::int AS parent_id,
                    (${sqlArray(VILLAGE_HEADS)})[1 + (k - 1) % ${VILLAGE_HEADS.length}]
                    || (${sqlArray(VILLAGE_TAILS)})[1 + ((k - 1) / ${VILLAGE_HEADS.length}) % ${VILLAGE_TAILS.length}] AS village
               FROM generate_series(1, $1::int) AS k) AS stations
       JOIN "Site" AS parent ON parent.id = stations.parent_id`,
    [sizes.stations, I],
  );
}

/**
 * Teams (one at each institute, the rest at stations), about one volunteer in ten (of scale_person,
 * see people.ts) a member of a team at their home site, the earliest-joined active member as
 * leader, brands, projects (one tourist-season project per institute, a few city-wide) and duty
 * posts spread over the stations.
 */
export async function writeOrganisation(
  session: SqlSession,
  sizes: ScaleSizes,
  season: { start: Date; firstDay: string; lastDay: string; joinedBefore: Date },
): Promise<void> {
  const { institutes: I, stations: S, teams: T } = sizes;
  await session.query(
    `INSERT INTO "Team" ("id", "name", "description", "siteId", "leaderId", "createdAt", "updatedAt")
     SELECT t, replace(replace(s.name, '新时代文明实践所', ''), '新时代文明实践站', '') || '志愿服务'
               || CASE WHEN k = 1 THEN '队' ELSE k || '队' END,
            '扎根' || replace(replace(s.name, '新时代文明实践所', ''), '新时代文明实践站', '') || '，开展文明劝导、关爱帮扶和旅游旺季值守。',
            s.id, NULL, s."createdAt" + (15 + t % 200) * interval '1 day', s."createdAt" + (15 + t % 200) * interval '1 day'
       FROM (SELECT t, CASE WHEN t <= $1::int THEN t + 1 ELSE $1::int + 2 + (t - $1::int - 1) % $2::int END AS site_id,
                    CASE WHEN t <= $1::int THEN 1 ELSE 1 + (t - $1::int - 1) / $2::int END AS k
               FROM generate_series(1, $3::int) AS t) AS teams
       JOIN "Site" AS s ON s.id = teams.site_id`,
    [I, S, T],
  );
  await session.query(
    `INSERT INTO "TeamMembership" ("id", "teamId", "volunteerId", "joinedAt")
     SELECT row_number() OVER (ORDER BY v.id), team.id, v.id,
            GREATEST(team."createdAt", v.registered)
              + pg_temp.rnd(v.id, 14) * GREATEST(interval '1 hour', $2::timestamptz - GREATEST(team."createdAt", v.registered))
       FROM scale_person AS v
       LEFT JOIN (SELECT "siteId", array_agg("id" ORDER BY "id") AS ids FROM "Team" GROUP BY "siteId") AS local
              ON local."siteId" = v.site
       JOIN "Team" AS team
         ON team.id = COALESCE(local.ids[1 + floor(pg_temp.rnd(v.id, 12) * cardinality(local.ids))::int],
                               1 + floor(pg_temp.rnd(v.id, 13) * $1::int)::int)
      WHERE pg_temp.rnd(v.id, 11) < 0.1`,
    [T, season.joinedBefore],
  );
  await session.query(
    `UPDATE "Team" AS t SET "leaderId" = first."volunteerId", "updatedAt" = GREATEST(t."createdAt", first."joinedAt")
       FROM (SELECT DISTINCT ON (m."teamId") m."teamId", m."volunteerId", m."joinedAt"
               FROM "TeamMembership" AS m JOIN scale_person AS v ON v.id = m."volunteerId" AND NOT v.suspended
              ORDER BY m."teamId", m."joinedAt", m.id) AS first
      WHERE t.id = first."teamId"`,
  );
  await session.query(
    `INSERT INTO "Brand" ("id", "name", "description", "teamId", "siteId", "createdAt")
     SELECT i, name, description, NULL, 1, $3::timestamptz - (400 - i * 10) * interval '1 day'
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS b(name, description, i)`,
    [BRANDS.map((b) => b.name), BRANDS.map((b) => b.description), season.start],
  );
  const cityWide = [
    ['全市文明交通劝导', 'TRAFFIC'],
    ['暖冬行动·关爱困难群众', 'HARDSHIP_RELIEF'],
    ['及时雨应急志愿服务', 'COMMUNITY'],
    ['文明旅游宣传月', 'TOURISM'],
  ];
  await session.query(
    `INSERT INTO "Project" ("id", "title", "description", "category", "status", "brandId", "organizerId", "siteId",
                            "startsOn", "endsOn", "createdAt", "updatedAt")
     SELECT p, title, title || '：旅游旺季三十天连续值守，游客引导、秩序维护与文明劝导。', category::"ProjectCategory", 'ACTIVE',
            1 + (p - 1) % $4::int, organizer, site, $5::date, $6::date,
            $7::timestamptz - interval '40 days', $7::timestamptz - interval '40 days'
       FROM (SELECT s.id - 1 AS p, replace(s.name, '新时代文明实践所', '') || '旅游旺季志愿服务' AS title, 'TOURISM' AS category,
                    s.id - 1 AS organizer, s.id AS site
               FROM "Site" AS s WHERE s.level = 'INSTITUTE'
             UNION ALL
             SELECT $1::int + n, title, category, 1, 1
               FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS c(title, category, n)) AS projects`,
    [I, cityWide.map((c) => c[0]), cityWide.map((c) => c[1]), BRANDS.length, season.firstDay, season.lastDay, season.start],
  );
  await session.query(
    `INSERT INTO "DutyPost" ("id", "name", "kind", "siteId", "address", "latitude", "longitude", "instructions", "createdAt", "updatedAt")
     SELECT d, replace(s.name, '新时代文明实践站', '') || (${sqlArray(KIND_LABELS)})[1 + (d - 1) % 5] || '岗',
            (${sqlArray(KINDS)})[1 + (d - 1) % 5]::"DutyPostKind", s.id, s.address,
            round((29.0 + pg_temp.rnd(d, 41) * 0.6)::numeric, 6), round((119.8 + pg_temp.rnd(d, 42) * 0.7)::numeric, 6),
            '着红马甲、佩戴志愿者证上岗；提前十分钟到岗签到，交接班时向带班队长报告。',
            $3::timestamptz - interval '30 days', $3::timestamptz - interval '30 days'
       FROM generate_series(1, $1::int) AS d
       JOIN "Site" AS s ON s.id = $2::int + 2 + ((d - 1) * $4::int) / $1::int`,
    [sizes.posts, I, season.start, S],
  );
}
