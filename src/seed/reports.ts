import type { CommunityReportCategory, CommunityReportStatus, Prisma } from '../generated/prisma/client.js';
import { type DemoCity, resetIdSequences } from './city/index.js';
import { insertRows } from './insert.js';
import { Random } from './random.js';

/*
 * Demo street reports: the riders' station (骑手之家) with 30 reports from members of its riders'
 * team, six in each status, with their histories; two of the rejected ones are duplicates of a
 * nearby earlier report. Filed in the two weeks before `now`. Deterministic: its own random stream.
 */

const SEEN: { category: CommunityReportCategory; text: string }[] = [
  { category: 'SEWAGE_OVERFLOW', text: '建设路与人民路口下水井冒污水，路面积水发臭。' },
  { category: 'WATER_LEAK', text: '小区门口消防栓漏水，已经流了半天。' },
  { category: 'ILLEGAL_ADS', text: '公交站台贴满小广告，遮住了线路图。' },
  { category: 'SANITATION_BLIND_SPOT', text: '菜市场后巷垃圾堆积，没人清运。' },
  { category: 'ROAD_HAZARD', text: '人行道井盖缺失，晚上很危险。' },
  { category: 'OTHER', text: '路灯白天一直亮着，浪费电。' },
];

const STATUSES: CommunityReportStatus[] = ['SUBMITTED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'];
const ORDER: CommunityReportStatus[] = ['SUBMITTED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED'];
const MINUTE = 60_000;
/** Near 建设路66号, the riders' station. */
const BASE = { latitude: 28.6952, longitude: 115.8921 };

export function buildReports(city: DemoCity, now: Date, rng: Random = Random.stream('reports')) {
  const station = city.siteByKey.riders!;
  const team = city.teamByKey['riders-team']!;
  const riders = city.memberships.filter((m) => m.teamId === team.id).map((m) => m.volunteerId);
  const reports: Prisma.CommunityReportCreateManyInput[] = [];
  const events: Prisma.CommunityReportEventCreateManyInput[] = [];
  for (let i = 0; i < 30; i++) {
    const id = i + 1;
    const status = STATUSES[i % STATUSES.length]!;
    const seen = SEEN[i % SEEN.length]!;
    const submittedAt = new Date(now.getTime() - rng.int(60, 14 * 24 * 60) * MINUTE);
    // The last two rejected reports repeat report 2's problem a few metres away.
    const duplicateOfId = status === 'REJECTED' && i >= 20 ? 2 : null;
    const source = duplicateOfId ? reports[duplicateOfId - 1]! : null;
    const latitude = (source?.latitude ?? BASE.latitude + (rng.float() - 0.5) * 0.02) + (source ? 0.0001 : 0);
    const longitude = source?.longitude ?? BASE.longitude + (rng.float() - 0.5) * 0.02;
    reports.push({
      id,
      category: source?.category ?? seen.category,
      description: source ? `${source.description}（又看到了）` : seen.text,
      siteId: station.id,
      latitude,
      longitude,
      photoUrls: rng.chance(0.7) ? [`https://img.yunxi.example.cn/reports/${id}-1.jpg`] : [],
      reporterId: rng.pick(riders),
      status,
      duplicateOfId,
      submittedAt,
      updatedAt: submittedAt,
    });
    const path = status === 'REJECTED' ? ['SUBMITTED', 'REJECTED'] as CommunityReportStatus[] : ORDER.slice(0, ORDER.indexOf(status) + 1);
    const span = now.getTime() - submittedAt.getTime();
    path.forEach((to, step) => {
      events.push({
        reportId: id,
        fromStatus: step === 0 ? null : path[step - 1]!,
        toStatus: to,
        actorAccountId: null,
        duplicateOfId: to === 'REJECTED' ? duplicateOfId : null,
        note: to === 'RESOLVED' ? '已通知社区和市政处理完毕。' : to === 'REJECTED' ? (duplicateOfId ? '与此前上报为同一问题。' : '经核实不属于本站处理范围。') : null,
        occurredAt: new Date(submittedAt.getTime() + Math.floor((span * step) / (path.length + 1))),
      });
    });
  }
  return { reports, events };
}

export async function seedReports(tx: Prisma.TransactionClient, city: DemoCity, now: Date): Promise<Record<string, number>> {
  const { reports, events } = buildReports(city, now);
  const counts = {
    communityReports: await insertRows(tx, 'CommunityReport', reports),
    communityReportEvents: await insertRows(tx, 'CommunityReportEvent', events),
  };
  await resetIdSequences(tx, ['CommunityReport']);
  return counts;
}
