import type { BeneficiaryKind, CareService, Prisma } from '../generated/prisma/client.js';
import { addDays, calendarDate, shanghaiDateOf, shanghaiWallClock } from '../roster/time.js';
import { type DemoCity, type MembershipRow, type ProjectRow, type TeamRow, resetIdSequences } from './city/index.js';
import { insertRows } from './insert.js';
import { Random } from './random.js';

/*
 * The care seed part (src/care): 17 veteran-care teams (老兵关爱小分队) each caring for two
 * veterans with monthly visits since autumn 2024, and 300 hardship families at the stations
 * visited across seven winters of 浓情年味·暖冬 (2020–2026; the earlier winters' projects are
 * added here). Every visit's volunteers are members of the caring team who had joined by then,
 * and each visit wrote one service record per volunteer — APPROVED, except the last two weeks'
 * (PENDING). Rows are built in memory with explicit ids after the ones already written, then
 * inserted set-based (src/seed/insert.ts).
 */

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段';
const GIVEN = '德福寿康明华国建英秀兰桂芳玉凤志文军海平春生金荣淑珍永长林宝根云福贵义忠';
const NEEDS: Record<BeneficiaryKind, string[]> = {
  VETERAN: ['陪诊', '陪伴', '送餐', '家电维修', '讲述军旅故事'],
  HARDSHIP_FAMILY: ['冬季取暖', '助学', '年货', '就业帮扶', '房屋修缮', '医疗救助'],
  ELDERLY_ALONE: ['送餐', '陪伴', '清洁'],
  LEFT_BEHIND_CHILD: ['课业辅导', '陪伴'],
  DISABLED: ['康复陪护', '出行帮助'],
};
const CLOSE_REASONS = ['随子女迁居外地', '家庭收入改善，已脱困', '已入住养老机构'];

export interface CareSeedOffsets {
  team: number;
  membership: number;
  project: number;
  serviceRecord: number;
}

interface Built {
  teams: TeamRow[];
  memberships: MembershipRow[];
  projects: ProjectRow[];
  beneficiaries: Prisma.BeneficiaryCreateManyInput[];
  assignments: Prisma.CareAssignmentCreateManyInput[];
  visits: Prisma.CareVisitCreateManyInput[];
  present: Prisma.CareVisitVolunteerCreateManyInput[];
  records: Prisma.ServiceRecordCreateManyInput[];
}

const at = (day: Date, hour: number, rng: Random) => shanghaiWallClock(day, hour * 60 + rng.int(0, 59));

/** Builds the care rows for the city; ids continue after `offsets` (the highest ids already written). */
export function buildCare(city: DemoCity, offsets: CareSeedOffsets, rng: Random = Random.stream('care')): Built {
  const out: Built = { teams: [], memberships: [], projects: [], beneficiaries: [], assignments: [], visits: [], present: [], records: [] };
  const asOf = shanghaiDateOf(city.asOf);
  const siteById = new Map(city.sites.map((s) => [s.id, s]));
  const under = (path: string, root: string) => path === root || path.startsWith(`${root}.`);
  const volunteers = city.volunteers.filter((v) => v.status === 'ACTIVE');
  const members = new Map<number, MembershipRow[]>();
  const join = (m: MembershipRow) => members.set(m.teamId, [...(members.get(m.teamId) ?? []), m]);
  city.memberships.forEach(join);

  // 17 veteran-care teams: one at each institute and at nine stations.
  const institutes = city.sites.filter((s) => s.level === 'INSTITUTE');
  const stations = city.sites.filter((s) => s.level === 'STATION');
  const homes = [...institutes, ...rng.sample(stations, 17 - institutes.length)];
  for (const site of homes) {
    const founded = at(calendarDate(2024, 8, 1 + out.teams.length), 10, rng);
    const team: TeamRow = {
      id: offsets.team + out.teams.length + 1,
      name: `${site.name}老兵关爱小分队`,
      description: '关爱抗战老兵和困难退役军人：定期走访、陪诊送餐、记录老兵故事。',
      siteId: site.id,
      leaderId: null,
      createdAt: founded,
      updatedAt: founded,
    };
    const local = volunteers.filter((v) => under(siteById.get(v.homeSiteId)!.path, site.path) && v.registeredAt < founded);
    const crew = rng.weightedSample(local.length >= 6 ? local : volunteers.filter((v) => v.registeredAt < founded), rng.int(6, 12), (v) =>
      v.gender === 'MALE' ? 3 : 1,
    );
    crew.forEach((v, i) => {
      const m = { id: offsets.membership + out.memberships.length + 1, teamId: team.id, volunteerId: v.id, joinedAt: new Date(founded.getTime() + i * 60_000) };
      out.memberships.push(m);
      join(m);
    });
    team.leaderId = crew[0]!.id;
    out.teams.push(team);
  }

  // Earlier winters of 浓情年味·暖冬 (the city part has 2026's).
  const brand = city.brandByKey.nuandong!;
  const women = city.teamByKey.women!;
  const winters: ProjectRow[] = [];
  for (let year = 2020; year <= 2025; year++) {
    const created = at(calendarDate(year - 1, 12, 10), 9, rng);
    winters.push({
      id: offsets.project + out.projects.length + 1,
      title: `${year}年浓情年味·暖冬行动`,
      description: '春节前后走访慰问困难家庭，送年货、写春联、帮修缮，让每个家庭都感受到年味。',
      category: 'HARDSHIP_RELIEF',
      status: 'COMPLETED',
      brandId: brand.id,
      organizerId: women.id,
      siteId: city.siteByKey.center!.id,
      startsOn: calendarDate(year, 1, 10),
      endsOn: calendarDate(year, 2, 28),
      createdAt: created,
      updatedAt: created,
    });
    out.projects.push(winters[winters.length - 1]!);
  }
  winters.push(city.projectByKey['nuandong-2026']!);

  const visit = (beneficiaryId: number, team: TeamRow, on: Date, services: CareService[], projectId: number | null) => {
    const ready = (members.get(team.id) ?? []).filter((m) => m.joinedAt <= shanghaiWallClock(on, 0));
    if (ready.length === 0 || on > asOf || on < shanghaiDateOf(team.createdAt)) return;
    const id = out.visits.length + 1;
    const minutes = rng.int(4, 12) * 15;
    out.visits.push({ id, beneficiaryId, teamId: team.id, projectId, visitedOn: on, services, minutes, createdAt: at(on, 18, rng) });
    const pending = on > addDays(asOf, -14);
    for (const m of rng.sample(ready, rng.int(1, Math.min(3, ready.length))).sort((a, b) => a.volunteerId - b.volunteerId)) {
      const recordId = offsets.serviceRecord + out.records.length + 1;
      out.records.push({
        id: recordId,
        volunteerId: m.volunteerId,
        teamId: team.id,
        description: `关爱走访 #${id}`,
        servedOn: on,
        minutes,
        status: pending ? 'PENDING' : 'APPROVED',
        reviewedAt: pending ? null : at(addDays(on, 2), 10, rng),
        createdAt: at(on, 19, rng),
      });
      out.present.push({ visitId: id, volunteerId: m.volunteerId, serviceRecordId: recordId });
    }
  };

  const person = (kind: BeneficiaryKind, site: { id: number; name: string }, team: TeamRow, since: Date) => {
    const id = out.beneficiaries.length + 1;
    const closed = kind === 'HARDSHIP_FAMILY' && rng.chance(0.05);
    out.beneficiaries.push({
      id,
      kind,
      siteId: site.id,
      name: `${rng.pick([...SURNAMES])}${rng.pick([...GIVEN])}${rng.chance(0.6) ? rng.pick([...GIVEN]) : ''}`,
      phone: rng.chance(0.7) ? `1${rng.pick(['38', '39', '58', '87'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null,
      address: `${site.name}${rng.int(1, 12)}组${rng.int(1, 60)}号`,
      idNumber: kind === 'VETERAN' ? `退役证${String(rng.int(100000, 999999))}` : null,
      needs: rng.sample(NEEDS[kind], rng.int(1, 3)),
      householdSize: kind === 'VETERAN' ? rng.int(1, 2) : rng.int(1, 6),
      status: closed ? 'CLOSED' : 'ACTIVE',
      closedReason: closed ? rng.pick(CLOSE_REASONS) : null,
      closedAt: closed ? at(addDays(asOf, -rng.int(10, 200)), 15, rng) : null,
      careTeamId: closed ? null : team.id,
      createdAt: since,
      updatedAt: since,
    });
    out.assignments.push({ id: out.assignments.length + 1, beneficiaryId: id, teamId: team.id, startedAt: since, endedAt: closed ? out.beneficiaries[id - 1]!.closedAt : null });
    return id;
  };

  // Two veterans per veteran-care team, visited about monthly.
  for (const team of out.teams) {
    const site = siteById.get(team.siteId)!;
    const nearby = city.sites.filter((s) => s.level === 'STATION' && under(s.path, site.path));
    for (let i = 0; i < 2; i++) {
      const id = person('VETERAN', rng.pick(nearby.length ? nearby : [site]), team, team.createdAt);
      for (let on = addDays(shanghaiDateOf(team.createdAt), rng.int(3, 20)); on <= asOf; on = addDays(on, rng.int(24, 36))) {
        visit(id, team, on, rng.sample(['COMPANIONSHIP', 'MEAL_DELIVERY', 'MEDICAL_ESCORT', 'CLEANING'] as CareService[], rng.int(1, 2)), null);
      }
    }
  }

  // 300 hardship families at the stations, cared for by the nearest team, visited in the winters.
  const teamFor = (path: string) =>
    [...city.teams].reverse().find((t) => siteById.get(t.siteId)!.level === 'STATION' && under(path, siteById.get(t.siteId)!.path)) ??
    city.teams.find((t) => siteById.get(t.siteId)!.level === 'INSTITUTE' && under(path, siteById.get(t.siteId)!.path)) ??
    women;
  for (let n = 0; n < 300; n++) {
    const station = stations[n % stations.length]!;
    const team = teamFor(station.path);
    const since = at(calendarDate(2019, 12, 1 + (n % 28)), 9, rng);
    const id = person('HARDSHIP_FAMILY', station, team, since);
    const closedAt = out.beneficiaries[id - 1]!.closedAt as Date | null;
    for (const winter of winters) {
      if (!rng.chance(0.55)) continue;
      const on = addDays(winter.startsOn, rng.int(0, 45));
      if (closedAt && on >= shanghaiDateOf(closedAt)) continue;
      visit(id, team, on, rng.chance(0.5) ? ['WINTER_SUPPLIES'] : ['WINTER_SUPPLIES', rng.pick(['CLEANING', 'REPAIRS', 'COMPANIONSHIP'] as CareService[])], winter.id);
    }
  }
  return out;
}

/** The care seed part: writes the rows, moves the id sequences, and credits the approved minutes. */
export async function seedCare(tx: Prisma.TransactionClient, city: DemoCity): Promise<Record<string, number>> {
  const [max] = await tx.$queryRaw<{ team: number; membership: number; project: number; serviceRecord: number }[]>`
    SELECT (SELECT coalesce(max("id"), 0) FROM "Team")::int AS "team",
           (SELECT coalesce(max("id"), 0) FROM "TeamMembership")::int AS "membership",
           (SELECT coalesce(max("id"), 0) FROM "Project")::int AS "project",
           (SELECT coalesce(max("id"), 0) FROM "ServiceRecord")::int AS "serviceRecord"`;
  const care = buildCare(city, max!);
  const counts = {
    careTeams: await insertRows(tx, 'Team', care.teams),
    careTeamMemberships: await insertRows(tx, 'TeamMembership', care.memberships),
    winterProjects: await insertRows(tx, 'Project', care.projects),
    beneficiaries: await insertRows(tx, 'Beneficiary', care.beneficiaries),
    careAssignments: await insertRows(tx, 'CareAssignment', care.assignments),
    careVisits: await insertRows(tx, 'CareVisit', care.visits),
    careServiceRecords: await insertRows(tx, 'ServiceRecord', care.records),
    careVisitVolunteers: await insertRows(tx, 'CareVisitVolunteer', care.present),
  };
  await resetIdSequences(tx, ['Team', 'TeamMembership', 'Project', 'Beneficiary', 'CareAssignment', 'CareVisit', 'ServiceRecord']);
  await tx.$executeRaw`
    UPDATE "Volunteer" AS v SET "serviceMinutes" = v."serviceMinutes" + earned."minutes"
    FROM (SELECT r."volunteerId", sum(r."minutes")::int AS "minutes"
          FROM "CareVisitVolunteer" cv JOIN "ServiceRecord" r ON r."id" = cv."serviceRecordId"
          WHERE r."status" = 'APPROVED' GROUP BY r."volunteerId") AS earned
    WHERE v."id" = earned."volunteerId"`;
  return counts;
}
