/** The demo roster's service records, hours served outside the roster (src/seed/roster/index.ts). */
import type { ServiceRecordStatus } from '../../generated/prisma/client.js';
import { addDays, shanghaiDateOf, shanghaiMidnight } from '../../roster/time.js';
import type { DemoCity } from '../city/index.js';
import { Random } from '../random.js';
import type { ServiceRecordRow } from './rows.js';
import { day, instantOn, lookup, minDate } from '../draw.js';
import { MINUTE_MS, at, plusMinutes, type Person } from './common.js';

interface RecordDef {
  team: string;
  description: string;
  servedOn: string;
  minutes: number;
  status: ServiceRecordStatus;
  reviewNote?: string;
  /** The campaign's core volunteer with this index instead of a random member. */
  core?: number;
  /** The same volunteer as the record at this index (a duplicate entry). */
  sameAs?: number;
}

const RECORDS: RecordDef[] = [
  {
    team: 'scenic-team',
    description: '国庆黄金周云溪湖景区游客中心咨询引导（补录）',
    servedOn: '2026-10-03',
    minutes: 480,
    status: 'APPROVED',
    reviewNote: '经游客中心核实，情况属实。',
    core: 6,
  },
  {
    team: 'scenic-team',
    description: '国庆假期云溪古镇南门文明劝导',
    servedOn: '2026-10-05',
    minutes: 360,
    status: 'APPROVED',
    reviewNote: '同意。',
    core: 7,
  },
  { team: 'scenic-team', description: '周末环湖栈道垃圾捡拾', servedOn: '2026-11-22', minutes: 150, status: 'PENDING' },
  {
    team: 'traffic',
    description: '交通安全知识进校园宣讲',
    servedOn: '2026-11-25',
    minutes: 120,
    status: 'PENDING',
  },
  {
    team: 'traffic',
    description: '县实验小学门口护学岗',
    servedOn: '2026-11-16',
    minutes: 90,
    status: 'APPROVED',
    reviewNote: '同意。',
  },
  {
    team: 'veterans',
    description: '参加县退役军人事务局座谈会',
    servedOn: '2026-11-08',
    minutes: 240,
    status: 'REJECTED',
    reviewNote: '座谈会属于会议活动，不计入志愿服务时长。',
  },
  {
    team: 'dongmen-team',
    description: '结对探访独居老人，帮助购买生活用品',
    servedOn: '2026-11-19',
    minutes: 90,
    status: 'APPROVED',
    reviewNote: '同意。',
  },
  {
    team: 'women',
    description: '为困难妇女家庭上门送冬衣',
    servedOn: '2026-11-21',
    minutes: 180,
    status: 'APPROVED',
    reviewNote: '同意，请补充活动照片。',
  },
  { team: 'jishiyu', description: '雨天在县实验小学门口护送学生过街', servedOn: '2026-11-26', minutes: 60, status: 'PENDING' },
  {
    team: 'liuhe-river-team',
    description: '柳河村段河道巡查，清理岸边垃圾',
    servedOn: '2026-11-07',
    minutes: 120,
    status: 'APPROVED',
    reviewNote: '同意。',
  },
  {
    team: 'liuhe-river-team',
    description: '柳河村段河道巡查',
    servedOn: '2026-11-07',
    minutes: 120,
    status: 'REJECTED',
    reviewNote: '与同日已登记的巡河记录重复。',
    sameAs: 9,
  },
  { team: 'jiefanglu-team', description: '楼栋消防安全隐患排查', servedOn: '2026-11-27', minutes: 150, status: 'PENDING' },
];

/**
 * A few hours served outside the roster, entered for members of the entering team. They belong to
 * the demo's own "now" (DEMO_AS_OF), not the clock: nothing here is later than that.
 */
export function buildServiceRecords(city: DemoCity, everyone: Person[], core: number[]): ServiceRecordRow[] {
  const rng = Random.stream('roster-records');
  const byId = new Map(everyone.map((p) => [p.row.id, p]));
  const used = new Set<string>();
  const records: ServiceRecordRow[] = [];
  RECORDS.forEach((def, i) => {
    const team = lookup(city.teamByKey, def.team, 'team');
    const servedOn = day(def.servedOn);
    if (servedOn > shanghaiDateOf(city.asOf)) throw new Error(`seed data: record ${i} served after the demo date`);
    let volunteerId: number;
    if (def.sameAs !== undefined) {
      volunteerId = records[def.sameAs].volunteerId;
    } else if (def.core !== undefined) {
      volunteerId = core[def.core];
      if (!byId.get(volunteerId)?.teams.has(team.id)) throw new Error(`seed data: record ${i} not for a team member`);
    } else {
      const members = city.memberships
        .filter((m) => m.teamId === team.id && m.joinedAt < shanghaiMidnight(servedOn))
        .filter((m) => byId.get(m.volunteerId)!.row.status === 'ACTIVE' && !used.has(`${def.team}:${m.volunteerId}`));
      if (members.length === 0) throw new Error(`seed data: no member of ${def.team} for record ${i}`);
      volunteerId = rng.pick(members).volunteerId;
    }
    used.add(`${def.team}:${volunteerId}`);
    // Entered within days of the service, reviewed a day or two later; nothing after DEMO_AS_OF.
    const latest = plusMinutes(city.asOf, -30);
    const entered = instantOn(rng, addDays(servedOn, rng.int(1, 3)), 9, 21);
    // A duplicate is entered after the record it repeats.
    const createdAt = minDate(
      def.sameAs !== undefined ? plusMinutes(records[def.sameAs].createdAt, rng.int(30, 600)) : entered,
      latest,
    );
    const reviewedAt =
      def.status === 'PENDING' ? null : minDate(at(createdAt.getTime() + rng.int(4 * 60, 48 * 60) * MINUTE_MS), city.asOf);
    records.push({
      id: i + 1,
      volunteerId,
      teamId: team.id,
      description: def.description,
      servedOn,
      minutes: def.minutes,
      status: def.status,
      reviewNote: def.reviewNote ?? null,
      reviewedAt,
      createdAt,
    });
  });
  return records;
}
