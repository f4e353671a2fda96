/** The demo roster's live part: shifts around the moment of seeding (src/seed/roster/index.ts). */
import { CHECK_IN_OPENS_MINUTES } from '../../roster/service.js';
import { addDays, shanghaiDateOf, shanghaiWallClock } from '../../roster/time.js';
import type { DemoCity } from '../city/index.js';
import { Random } from '../random.js';
import { CANCEL_REASONS } from './campaign.js';
import type { AssignmentRow, DutyPostRow, ShiftRow } from './rows.js';
import { between, day, instantOn, lookup, maxDate, minDate } from '../draw.js';
import { MINUTE_MS, assignmentRow, cancelShift, openShift, at, complete, count, covers, plusMinutes, settle, type Ids, type Person, type SignUp } from './common.js';

interface LiveSpec {
  post: string;
  /** The first ACTIVE project covering the shift's day; the first one when none does. */
  projects: string[];
  role: string;
  /** Teams whose members mostly staff the shift. */
  teams: string[];
  /** Start: minutes after the anchor (now, rounded down to the half hour), or a wall-clock minute tomorrow. */
  start: { offset: number } | { tomorrow: number };
  minutes: number;
  capacity: number;
  minimum: number;
  notes?: string;
  /** Sign-ups still standing: places held first, the rest waitlisted in order. */
  signUps: number;
  /** Volunteers who signed up and cancelled before the start. */
  withdrew?: number;
  /** Of the places held on a started shift: checked out, still checked in, left early, absent. */
  completed?: number;
  checkedIn?: number;
  leftEarly?: number;
  noShow?: number;
  /** Closed by staff 20 minutes after its end. */
  closed?: boolean;
  /** The whole shift was cancelled this long before now; its assignments are kept as CANCELLED. */
  cancelled?: { reason: string; minutesBeforeNow: number };
}

const TRAFFIC = ['traffic'];
const TRAFFIC_TEAMS = ['traffic', 'red-vest', 'jishiyu'];

const LIVE: LiveSpec[] = [
  {
    // Ended earlier today and closed: checked out, one absent, one withdrew the day before.
    post: 'renmin-jiefang',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: -270 },
    minutes: 180,
    capacity: 6,
    minimum: 4,
    signUps: 6,
    withdrew: 1,
    completed: 5,
    noShow: 1,
    closed: true,
  },
  {
    // Ended an hour ago, not closed yet: the team leader has marked one absence.
    post: 'jiefanglu-community',
    projects: ['neighbours'],
    role: '邻里守望巡查',
    teams: ['jiefanglu-team'],
    start: { offset: -180 },
    minutes: 120,
    capacity: 4,
    minimum: 3,
    signUps: 4,
    completed: 3,
    noShow: 1,
  },
  {
    // In progress: most checked in, one left early, one late, one absent. STAFFED.
    post: 'railway',
    projects: TRAFFIC,
    role: '进出站引导',
    teams: ['bus-station-team', ...TRAFFIC_TEAMS],
    start: { offset: -90 },
    minutes: 240,
    capacity: 8,
    minimum: 6,
    signUps: 8,
    withdrew: 1,
    checkedIn: 5,
    leftEarly: 1,
    noShow: 1,
  },
  {
    // In progress and UNDERSTAFFED.
    post: 'dongguan-jianshe',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: -60 },
    minutes: 150,
    capacity: 6,
    minimum: 4,
    signUps: 3,
    checkedIn: 2,
  },
  {
    // Starts within 30 minutes: FULL with a waitlist, two already checked in.
    post: 'bus-station-hall',
    projects: TRAFFIC,
    role: '旅客引导',
    teams: ['bus-station-team', ...TRAFFIC_TEAMS],
    start: { offset: 30 },
    minutes: 180,
    capacity: 6,
    minimum: 4,
    notes: '周末返程客流高峰，重点帮扶携带大件行李的旅客和学生。',
    signUps: 9,
    withdrew: 1,
    checkedIn: 2,
  },
  {
    // Cancelled this morning: sign-ups kept as CANCELLED.
    post: 'wenhua-xinhua',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: 60 },
    minutes: 120,
    capacity: 6,
    minimum: 4,
    notes: '路口燃气管线抢修，交警临时封闭交通。',
    signUps: 4,
    withdrew: 1,
    cancelled: { reason: '路口燃气管线抢修，交警临时封闭交通，本班次取消', minutesBeforeNow: 150 },
  },
  {
    post: 'ferry',
    projects: TRAFFIC,
    role: '渡口秩序维护',
    teams: ['scenic-team', 'longquan-team', ...TRAFFIC],
    start: { offset: 120 },
    minutes: 180,
    capacity: 6,
    minimum: 4,
    signUps: 5,
    withdrew: 1,
  },
  {
    // Later today: FULL with a waitlist of two.
    post: 'binhe-renmin',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: 180 },
    minutes: 120,
    capacity: 4,
    minimum: 3,
    signUps: 6,
  },
  {
    // Later today: UNDERSTAFFED.
    post: 'xinhua-jiefang',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: 240 },
    minutes: 120,
    capacity: 6,
    minimum: 4,
    signUps: 2,
    withdrew: 1,
  },
  // Tomorrow.
  {
    post: 'renmin-jiefang',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { tomorrow: 7 * 60 },
    minutes: 120,
    capacity: 6,
    minimum: 4,
    notes: '早高峰。',
    signUps: 4,
  },
  {
    post: 'dongmen-community',
    projects: ['elderly', 'neighbours'],
    role: '助老探访',
    teams: ['dongmen-team', 'women'],
    start: { tomorrow: 9 * 60 },
    minutes: 150,
    capacity: 4,
    minimum: 2,
    signUps: 3,
  },
  {
    post: 'ferry',
    projects: TRAFFIC,
    role: '渡口秩序维护',
    teams: ['scenic-team', 'longquan-team', ...TRAFFIC],
    start: { tomorrow: 8 * 60 },
    minutes: 240,
    capacity: 6,
    minimum: 4,
    signUps: 7,
    withdrew: 1,
  },
  {
    post: 'railway',
    projects: TRAFFIC,
    role: '进出站引导',
    teams: ['bus-station-team', ...TRAFFIC_TEAMS],
    start: { tomorrow: 16 * 60 + 30 },
    minutes: 180,
    capacity: 8,
    minimum: 6,
    notes: '周一晚高峰返校学生多。',
    signUps: 2,
  },
];

/**
 * Shifts around `now`: one ended and closed, one ended but open, two in progress, one starting
 * within half an hour (full, with a waitlist), one cancelled, some later today and tomorrow.
 * Volunteers are distinct across these shifts, so nobody is double-booked.
 */
export function buildLive(
  city: DemoCity,
  postByKey: Record<string, DutyPostRow>,
  everyone: Person[],
  now: Date,
  ids: Ids,
  shifts: ShiftRow[],
  assignments: AssignmentRow[],
): void {
  const rng = Random.stream('roster-live');
  const anchor = at(Math.floor(now.getTime() / (30 * MINUTE_MS)) * 30 * MINUTE_MS);
  const today = shanghaiDateOf(now);
  const tomorrow = addDays(today, 1);
  const registeredBy = day('2026-10-01');
  const pool = everyone.filter((p) => p.row.status === 'ACTIVE' && p.row.registeredAt < registeredBy);
  const used = new Set<number>();
  const notAfterNow = (instant: Date, what: string) => {
    if (instant > now) throw new Error(`seed: ${what} after now`);
    return instant;
  };

  for (const spec of LIVE) {
    const post = lookup(postByKey, spec.post, 'post');
    const startsAt =
      'offset' in spec.start ? plusMinutes(anchor, spec.start.offset) : shanghaiWallClock(tomorrow, spec.start.tomorrow);
    const endsAt = plusMinutes(startsAt, spec.minutes);
    const shiftDay = shanghaiDateOf(startsAt);
    const candidates = spec.projects.map((key) => lookup(city.projectByKey, key, 'project'));
    const project = candidates.find((p) => covers(p, shiftDay)) ?? candidates[0];
    const createdAt = instantOn(rng, addDays(today, -rng.int(3, 7)), 9, 18);
    const shift = openShift({
      id: ids.shift++,
      projectId: project.id,
      postId: post.id,
      startsAt,
      endsAt,
      capacity: spec.capacity,
      minimum: spec.minimum,
      role: spec.role,
      notes: spec.notes ?? null,
      createdAt,
    });

    // Who: members of the spec's teams first, never anyone already on another of these shifts.
    const teamIds = spec.teams.map((key) => lookup(city.teamByKey, key, 'team').id);
    const withdrew = spec.withdrew ?? 0;
    const chosen = rng.weightedSample(
      pool.filter((p) => !used.has(p.row.id)),
      spec.signUps + withdrew,
      (p) => (teamIds.some((t) => p.teams.has(t)) ? 20 : 1),
    );
    for (const p of chosen) used.add(p.row.id);

    // When: sign-ups and withdrawals before the start (or before now, or before the cancellation).
    const cancelledAt = spec.cancelled ? at(now.getTime() - spec.cancelled.minutesBeforeNow * MINUTE_MS) : null;
    const cutoff = cancelledAt
      ? plusMinutes(cancelledAt, -10)
      : startsAt <= now
        ? plusMinutes(startsAt, -15)
        : at(Math.floor((now.getTime() - MINUTE_MS) / 1000) * 1000);
    const signUps: SignUp[] = chosen.map((p, i) => {
      const assignedAt = between(rng, createdAt, plusMinutes(cutoff, i < spec.signUps ? 0 : -60), 0.7);
      if (i < spec.signUps) return { volunteerId: p.row.id, assignedAt };
      return {
        volunteerId: p.row.id,
        assignedAt,
        cancelledAt: between(rng, plusMinutes(assignedAt, 5), cutoff),
        cancelReason: rng.pick(CANCEL_REASONS),
      };
    });
    const rows = settle(shift.capacity, signUps).map((s) => assignmentRow(ids.assignment++, shift.id, s));

    if (cancelledAt) {
      cancelShift(shift, rows, cancelledAt, spec.cancelled!.reason);
    } else if (startsAt <= plusMinutes(now, CHECK_IN_OPENS_MINUTES)) {
      // Started, or check-in already open: settle the places held in a random order.
      const holding = rng.shuffle(rows.filter((a) => a.status === 'ASSIGNED'));
      if (startsAt <= now && rows.some((a) => a.status === 'WAITLISTED')) {
        throw new Error(`seed: started live shift ${spec.post} has a waitlist`);
      }
      // Mostly from 25 minutes before to 20 after the start; check-in is open here, so now ≥ startsAt − 30 min.
      const checkIn = () => between(rng, minDate(plusMinutes(startsAt, -25), now), minDate(now, plusMinutes(startsAt, 20)));
      const ended = endsAt <= now;
      const closedAt = spec.closed ? plusMinutes(endsAt, 20) : null;
      let next = 0;
      for (let k = 0; k < (spec.completed ?? 0); k++) {
        const a = holding[next++];
        if (!ended) throw new Error('seed: completed on a shift not ended');
        const inAt = checkIn();
        complete(a, shift, inAt, notAfterNow(at(endsAt.getTime() + rng.int(-10 * 60, 15 * 60) * 1000), 'check-out'));
      }
      for (let k = 0; k < (spec.leftEarly ?? 0); k++) {
        const a = holding[next++];
        const inAt = checkIn();
        complete(a, shift, inAt, between(rng, plusMinutes(inAt, 45), now));
      }
      for (let k = 0; k < (spec.checkedIn ?? 0); k++) {
        const a = holding[next++];
        a.status = 'CHECKED_IN';
        a.checkedInAt = notAfterNow(checkIn(), 'check-in');
        a.updatedAt = a.checkedInAt;
      }
      for (let k = 0; k < (spec.noShow ?? 0); k++) {
        const a = holding[next++];
        a.status = 'NO_SHOW';
        a.updatedAt = closedAt ?? notAfterNow(between(rng, plusMinutes(startsAt, 20), minDate(now, plusMinutes(startsAt, 40))), 'no-show');
      }
      if (closedAt) {
        notAfterNow(closedAt, 'closing');
        if (holding.length > next) throw new Error('seed: closed live shift with volunteers still assigned');
        shift.closedAt = closedAt;
      }
    }
    count(shift, rows);
    shift.updatedAt = [shift.createdAt, shift.closedAt, shift.cancelledAt, ...rows.map((a) => a.updatedAt)]
      .filter((t): t is Date => t !== null)
      .reduce((a, b) => maxDate(a, b));
    for (const a of rows) notAfterNow(a.updatedAt, 'assignment change');
    shifts.push(shift);
    assignments.push(...rows);
  }
}
