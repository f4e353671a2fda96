/** The summer campaign of the demo roster: 旅游旺季文明引导行动, 30 days × 2 windows × 12 posts (src/seed/roster/index.ts). */
import { addDays, shanghaiWallClock } from '../../roster/time.js';
import type { DemoCity } from '../city/index.js';
import { Random } from '../random.js';
import type { AssignmentRow, DutyPostRow, ShiftRow } from './rows.js';
import { between, day, lookup, maxDate } from '../draw.js';
import { assignmentRow, cancelShift, openShift, at, complete, count, plusMinutes, settle, type Ids, type Person, type SignUp } from './common.js';

const CAMPAIGN = {
  project: 'tourism-peak',
  posts: [
    'visitor-center',
    'old-town-south',
    'old-town-north',
    'old-street',
    'lake-east',
    'boardwalk',
    'east-gate-parking',
    'transfer-center',
    'ferry',
    'railway',
    'bus-station-tourism',
    'longquan-crossing',
  ],
  firstDay: '2026-07-07',
  days: 30,
  /** Daily windows in Shanghai minutes after midnight. */
  windows: [
    [8 * 60, 12 * 60],
    [14 * 60, 18 * 60],
  ] as const,
  capacity: 8,
  minimum: 6,
  role: '文明引导',
  notes: '着红马甲、戴志愿者证上岗；高温时段注意防暑，岗位饮水由游客中心统一配送。',
  /** When the campaign's shifts were entered (one createShifts call), Shanghai date and minute. */
  createdOn: '2026-06-20',
  createdAt: 10 * 60 + 17,
  /** One afternoon a thunderstorm warning closed the scenic area: those shifts were cancelled. */
  storm: { day: '2026-07-22', window: 1, noticeAt: 11 * 60 + 40, reason: '雷电黄色预警，景区下午暂停开放，本班次取消' },
};

/** The campaign's most active volunteers (scenic-team members) and how often they come. */
const CORE_TURNOUT = [0.8, 0.72, 0.64, 0.58, 0.52, 0.45, 0.38, 0.32, 0.26, 0.2];

export const CANCEL_REASONS = [
  '临时有事，无法到岗',
  '身体不适',
  '家中老人住院需要陪护',
  '单位临时加班',
  '孩子生病需要照顾',
  '与单位组织的活动时间冲突',
  '外出探亲，不在县内',
];

/**
 * The summer campaign, all in the past: shifts closed after they ended, volunteers checked out
 * (COMPLETED) or absent (NO_SHOW), some withdrawals (CANCELLED), one stormy afternoon cancelled.
 * Returns the ids of the core volunteers (most active first).
 */
export function buildCampaign(
  city: DemoCity,
  postByKey: Record<string, DutyPostRow>,
  everyone: Person[],
  ids: Ids,
  shifts: ShiftRow[],
  assignments: AssignmentRow[],
): number[] {
  const rng = Random.stream('roster');
  const project = lookup(city.projectByKey, CAMPAIGN.project, 'project');
  const team = (key: string) => lookup(city.teamByKey, key, 'team').id;
  const scenicTeam = team('scenic-team');
  const youth = team('youth');
  const longquanTeam = team('longquan-team');
  const longquan = lookup(city.siteByKey, 'longquan', 'site');
  const siteById = new Map(city.sites.map((s) => [s.id, s]));
  const posts = CAMPAIGN.posts.map((key) => lookup(postByKey, key, 'post'));
  const createdAt = at(shanghaiWallClock(day(CAMPAIGN.createdOn), CAMPAIGN.createdAt).getTime() + 23_000);

  // Who serves: active volunteers registered before the campaign was announced.
  const announced = day('2026-06-01');
  const eligible = everyone.filter((p) => p.row.status === 'ACTIVE' && p.row.registeredAt < announced);
  const scenicLeader = city.teams.find((t) => t.id === scenicTeam)!.leaderId;
  const scenicMembers = eligible.filter((p) => p.teams.has(scenicTeam));
  const leader = scenicMembers.filter((p) => p.row.id === scenicLeader);
  const coreMembers = [
    ...leader,
    ...rng.sample(
      scenicMembers.filter((p) => p.row.id !== scenicLeader),
      CORE_TURNOUT.length - leader.length,
    ),
  ];
  const core = coreMembers.map((p, i) => ({ id: p.row.id, turnout: CORE_TURNOUT[i], favourite: rng.int(0, posts.length - 1) }));
  const coreIds = new Set(core.map((c) => c.id));
  const pool = eligible
    .filter((p) => !coreIds.has(p.row.id))
    .map((p) => {
      const where = siteById.get(p.row.homeSiteId)!.path;
      const near = where === longquan.path || where.startsWith(`${longquan.path}.`) ? 1.5 : 1;
      const teamWeight = p.teams.has(scenicTeam) ? 3 : p.teams.has(youth) || p.teams.has(longquanTeam) ? 2 : 1;
      const keenness = rng.weighted([0.3, 1, 1.6], (_, i) => [6, 3, 1][i]);
      return { id: p.row.id, weight: near * teamWeight * keenness };
    });

  const first = day(CAMPAIGN.firstDay);
  const storm = CAMPAIGN.storm;
  for (let d = 0; d < CAMPAIGN.days; d++) {
    const date = addDays(first, d);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    CAMPAIGN.windows.forEach(([from, to], w) => {
      const startsAt = shanghaiWallClock(date, from);
      const endsAt = shanghaiWallClock(date, to);
      const stormy = date.getTime() === day(storm.day).getTime() && w === storm.window;
      const stormAt = at(shanghaiWallClock(date, storm.noticeAt).getTime() + 12_000);
      // Sign-ups close two hours before the start; withdrawals up to 30 minutes before.
      const signUpBy = stormy ? plusMinutes(stormAt, -30) : plusMinutes(startsAt, -120);
      const withdrawBy = stormy ? plusMinutes(stormAt, -5) : plusMinutes(startsAt, -30);

      // Places held on the day (COMPLETED or NO_SHOW) and withdrawals, per post.
      const held = posts.map(() =>
        weekend ? rng.weighted([5, 6, 7, 8], (_, i) => [1, 2, 3, 3][i]) : rng.weighted([4, 5, 6, 7, 8], (_, i) => [2, 3, 3, 2, 1][i]),
      );
      const withdrawals = posts.map(() => rng.weighted([0, 1, 2], (_, i) => [7, 2.5, 0.5][i]));

      // The core volunteers who come stand at their favourite post when it has room.
      const onPost: number[][] = posts.map(() => []);
      for (const c of core) {
        if (!rng.chance(c.turnout)) continue;
        let p = c.favourite;
        if (onPost[p].length >= held[p]) {
          const room = held.map((h, i) => h - onPost[i].length);
          p = room.indexOf(Math.max(...room));
          if (room[p] <= 0) continue;
        }
        onPost[p].push(c.id);
      }
      const busy = new Set(onPost.flat());
      const needed = held.reduce((sum, h, i) => sum + h - onPost[i].length, 0);
      const others = rng.shuffle(rng.weightedSample(pool, needed, (v) => v.weight));
      for (const v of others) busy.add(v.id);
      let next = 0;
      onPost.forEach((list, i) => {
        while (list.length < held[i]) list.push(others[next++].id);
      });
      const leaving = rng.shuffle(
        rng.weightedSample(
          pool.filter((v) => !busy.has(v.id)),
          withdrawals.reduce((a, b) => a + b, 0),
          (v) => v.weight,
        ),
      );
      let nextLeaving = 0;

      posts.forEach((post, i) => {
        const shift = openShift({
          id: ids.shift++,
          projectId: project.id,
          postId: post.id,
          startsAt,
          endsAt,
          capacity: CAMPAIGN.capacity,
          minimum: CAMPAIGN.minimum,
          role: CAMPAIGN.role,
          notes: CAMPAIGN.notes,
          createdAt,
        });
        const signUps: SignUp[] = onPost[i].map((volunteerId) => ({
          volunteerId,
          assignedAt: between(rng, createdAt, signUpBy, coreIds.has(volunteerId) ? 1.5 : 0.6),
        }));
        for (let k = 0; k < withdrawals[i]; k++) {
          const assignedAt = between(rng, createdAt, plusMinutes(signUpBy, -60), 0.6);
          signUps.push({
            volunteerId: leaving[nextLeaving++].id,
            assignedAt,
            cancelledAt: between(rng, plusMinutes(assignedAt, 10), withdrawBy),
            cancelReason: rng.pick(CANCEL_REASONS),
          });
        }
        const rows = settle(shift.capacity, signUps).map((s) => assignmentRow(ids.assignment++, shift.id, s));

        if (stormy) {
          cancelShift(shift, rows, stormAt, storm.reason);
          shift.updatedAt = stormAt;
        } else {
          let lastOut = endsAt;
          const closing: AssignmentRow[] = [];
          for (const a of rows) {
            if (a.status !== 'ASSIGNED') continue;
            if (rng.chance(coreIds.has(a.volunteerId) ? 0.02 : 0.07)) {
              a.status = 'NO_SHOW'; // set when the shift was closed
              closing.push(a);
              continue;
            }
            const checkedInAt = at(startsAt.getTime() + rng.int(-25 * 60, 10 * 60) * 1000);
            const r = rng.float();
            if (r < 0.1) {
              // Forgot to check out: closing the shift checked them out at its end.
              complete(a, shift, checkedInAt, endsAt);
              closing.push(a);
            } else {
              const out =
                r < 0.15
                  ? at(startsAt.getTime() + rng.int(100 * 60, 200 * 60) * 1000)
                  : at(endsAt.getTime() + rng.int(-12 * 60, 20 * 60) * 1000);
              complete(a, shift, checkedInAt, out);
              lastOut = maxDate(lastOut, out);
            }
          }
          const closedAt = maxDate(
            at(endsAt.getTime() + rng.int(15 * 60, 90 * 60) * 1000),
            at(lastOut.getTime() + rng.int(60, 600) * 1000),
          );
          for (const a of closing) a.updatedAt = closedAt;
          shift.closedAt = closedAt;
          shift.updatedAt = closedAt;
        }
        count(shift, rows);
        shifts.push(shift);
        assignments.push(...rows);
      });
    });
  }
  return core.map((c) => c.id);
}
