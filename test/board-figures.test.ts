import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { shanghaiDayRange } from '../src/roster/time.js';
import { seed } from '../src/seed/index.js';
import { BoardFiguresDocument } from './generated/graphql.js';
import { gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * The duty board's figures (one statement of aggregates over the stored counters, src/roster/board.ts)
 * against the same figures counted here from the assignments themselves, on the demo city at noon
 * of its live day, for the whole city and for each institute.
 */

const NOW = new Date('2026-11-28T04:00:00Z'); // noon in Shanghai, during the demo roster's live day
const HOLDING = ['ASSIGNED', 'CHECKED_IN', 'COMPLETED'] as const;

describe.each(DATABASE_KINDS)('duty-board figures on %s', (kind) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock(NOW) });
    await seed(t.db.prisma, NOW);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The board of a site subtree, counted from its shifts' assignments. */
  async function counted(path: string) {
    const day = shanghaiDayRange(NOW);
    const atSite = { post: { site: { OR: [{ path }, { path: { startsWith: `${path}.` } }] } } };
    const shifts = await t.db.prisma.shift.findMany({
      where: atSite,
      select: { id: true, status: true, closedAt: true, startsAt: true, endsAt: true, capacity: true, minimum: true, assignments: { select: { status: true, serviceMinutes: true, checkedOutAt: true } } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
    const holding = (s: (typeof shifts)[number]) => s.assignments.filter((a) => (HOLDING as readonly string[]).includes(a.status)).length;
    const today = shifts.filter((s) => s.status === 'OPEN' && s.startsAt < day.end && s.endsAt > day.start);
    return {
      onDutyNow: shifts.flatMap((s) => s.assignments).filter((a) => a.status === 'CHECKED_IN').length,
      expectedNow: shifts
        .filter((s) => s.status === 'OPEN' && !s.closedAt && s.startsAt <= NOW && s.endsAt > NOW)
        .reduce((n, s) => n + holding(s), 0),
      understaffed: today.filter((s) => holding(s) < s.minimum).map((s) => gid('Shift', s.id)),
      openSlotsToday: today.reduce((n, s) => n + s.capacity - holding(s), 0),
      serviceMinutesToday: shifts
        .flatMap((s) => s.assignments)
        .filter((a) => a.status === 'COMPLETED' && a.checkedOutAt && a.checkedOutAt >= day.start && a.checkedOutAt < day.end)
        .reduce((n, a) => n + (a.serviceMinutes ?? 0), 0),
    };
  }

  it('equals what the assignments say, for the city and every institute', async () => {
    const sites = await t.db.prisma.site.findMany({ where: { level: { in: ['CENTER', 'INSTITUTE'] } }, orderBy: { id: 'asc' } });
    for (const site of sites) {
      const board = (await gql(t.url, BoardFiguresDocument, { siteId: gid('Site', site.id) }, t.admin)).dutyBoard!;
      const expected = await counted(site.path);
      expect(
        {
          onDutyNow: board.onDutyNow,
          expectedNow: board.expectedNow,
          understaffed: board.understaffedShifts.map((s) => s.id),
          openSlotsToday: board.openSlotsToday,
          serviceMinutesToday: board.serviceMinutesToday,
        },
        site.name,
      ).toEqual(expected);
      expect(board.understaffedCount, site.name).toBe(expected.understaffed.length);
      if (site.level === 'CENTER') {
        // The live day has people on duty, people due, minutes credited and free places.
        expect(Math.min(expected.onDutyNow, expected.expectedNow, expected.serviceMinutesToday, expected.openSlotsToday)).toBeGreaterThan(0);
      }
    }
  });
});
