import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { type Database, openDatabase } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';
import { serviceMinutesFor } from '../src/roster/service.js';
import { RANDOM_FUNCTION, scaleSizes, seedCityScale } from '../src/seed/scale/index.js';
import { schemaFingerprint } from '../src/seed/scale/load.js';
import { activeVolunteerId, nameParts } from '../src/seed/scale/people.js';
import { nameSearchColumns } from '../src/volunteers/search.js';
import { HotDutyBoardDocument, HotRosterPageDocument, HotVolunteerSearchDocument } from './generated/graphql.js';
import { gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { createMigratedScratchDatabase } from './support/databases.js';
import type { ScratchDatabase } from './support/postgres.js';
import { startTestServer } from './support/server.js';

/**
 * The city-scale seed (`npm run db:seed -- --scale city`) at 1% on PostgreSQL: the shape of the
 * city, rows that follow the roster rules, and counters that agree exactly with the rows.
 */

const FACTOR = 0.01;
const AS_OF = new Date('2026-12-01T02:30:00Z'); // 10:30 in Shanghai: morning shifts are running
const sizes = scaleSizes(FACTOR);

async function open(): Promise<{ scratch: ScratchDatabase; db: Database }> {
  const scratch = await createMigratedScratchDatabase('scale');
  const db = await openDatabase({ databaseUrl: scratch.url });
  await migrate(db.sql);
  return { scratch, db };
}

describe('city-scale names', () => {
  it('have the pinyin of their surname then of their given name, for every name the parts make', () => {
    const { surnames, given } = nameParts();
    const wrong: string[] = [];
    for (const s of surnames) {
      for (const g of given) {
        const whole = nameSearchColumns(s.text + g.text);
        if (whole.namePinyin !== s.pinyin + g.pinyin || whole.nameInitials !== s.initials + g.initials) wrong.push(s.text + g.text);
      }
    }
    expect(surnames.length * given.length).toBeGreaterThan(100_000);
    expect(wrong).toEqual([]);
  });
});

describe('city-scale seed at 1% on postgres', () => {
  let scratch: ScratchDatabase;
  let db: Database;
  let schemaBefore: string[];
  const q = <T = Record<string, unknown>>(text: string, params?: unknown[]) => db.sql.withSession((s) => s.query<T>(text, params));
  const one = async <T,>(text: string, params?: unknown[]) => (await q<Record<string, T>>(text, params))[0]!;

  beforeAll(async () => {
    ({ scratch, db } = await open());
    schemaBefore = await db.sql.withSession((s) => schemaFingerprint(s));
    const result = await db.sql.withSession((s) => seedCityScale(s, { factor: FACTOR, asOf: AS_OF }));
    expect(result.seeded).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('leaves the schema as the migrations made it: every key, index, foreign key and trigger back, tables logged', async () => {
    const after = await db.sql.withSession((s) => schemaFingerprint(s));
    expect(after).toEqual(schemaBefore);
    // The fingerprint sees what a bulk load could break (so this test can fail).
    expect(after).toContainEqual(expect.stringMatching(/^constraint "ShiftAssignment"\.ShiftAssignment_volunteerId_fkey: f FOREIGN KEY .* valid=t /));
    expect(after).toContainEqual(expect.stringMatching(/^constraint "Account"\.Account_volunteerId_fkey: f FOREIGN KEY .* valid=t /));
    expect(after).toContainEqual(expect.stringMatching(/^index Volunteer_nameChars_idx: CREATE INDEX .* USING gin/));
    expect(after).toContainEqual('table Volunteer: persistence=p kind=r');
    expect(after.filter((line) => line.startsWith('trigger on "ShiftAssignment": "RI_FKey_check_ins"'))).toHaveLength(2);
  });

  it('has the tree: one center, the institutes under it, the stations under them', async () => {
    const levels = await q<{ level: string; n: number }>(`SELECT level::text, count(*)::int AS n FROM "Site" GROUP BY 1 ORDER BY 1`);
    expect(levels).toEqual([
      { level: 'CENTER', n: 1 },
      { level: 'INSTITUTE', n: sizes.institutes },
      { level: 'STATION', n: sizes.stations },
    ]);
    const misplaced = await one<number>(
      `SELECT count(*)::int AS n FROM "Site" c JOIN "Site" p ON p.id = c."parentId"
        WHERE c.path <> p.path || '.' || c.id OR (c.level, p.level) NOT IN (('INSTITUTE', 'CENTER'), ('STATION', 'INSTITUTE'))`,
    );
    expect(misplaced.n).toBe(0);
  });

  it('has volunteers with Chinese names and the pinyin columns the API writes', async () => {
    const rows = await q<{ name: string; namePinyin: string; nameInitials: string; nameChars: string[] }>(
      `SELECT name, "namePinyin", "nameInitials", "nameChars" FROM "Volunteer" ORDER BY id`,
    );
    expect(rows).toHaveLength(sizes.volunteers);
    for (const row of rows) {
      expect(row.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      expect({ namePinyin: row.namePinyin, nameInitials: row.nameInitials }).toEqual(nameSearchColumns(row.name));
      expect(row.nameChars).toEqual([...row.name].slice(1));
    }
    expect(new Set(rows.map((r) => r.name)).size).toBeGreaterThan(sizes.volunteers / 3);
  });

  it('numbers the active volunteers so that the roster reaches each of them once, and no one else', async () => {
    const walked = await db.sql.withSession(async (s) => {
      await s.exec(RANDOM_FUNCTION);
      try {
        return await s.query<{ ids: number[] }>(
          `SELECT array_agg(${activeVolunteerId('n')} ORDER BY n) AS ids
             FROM generate_series(0, (SELECT count(*) - 1 FROM "Volunteer" WHERE status = 'ACTIVE')::int) AS n`,
        );
      } finally {
        await s.exec('DROP FUNCTION pg_temp.rnd(bigint, int)');
      }
    });
    const active = await q<{ id: number }>(`SELECT id FROM "Volunteer" WHERE status = 'ACTIVE' ORDER BY id`);
    expect(walked[0]!.ids).toEqual(active.map((v) => v.id));
    const suspended = await one<number>(`SELECT count(*)::int AS n FROM "Volunteer" WHERE status = 'SUSPENDED'`);
    // One in each block of 33 ids (the last, shorter block may have none).
    expect(suspended.n).toBeGreaterThanOrEqual(Math.floor(sizes.volunteers / 33));
    expect(suspended.n).toBeLessThanOrEqual(Math.ceil(sizes.volunteers / 33));
  });

  it('has teams with about one volunteer in ten a member, each team led by an active member', async () => {
    const teams = await one<number>(`SELECT count(*)::int AS n FROM "Team"`);
    expect(teams.n).toBe(sizes.teams);
    const members = await one<number>(`SELECT count(DISTINCT "volunteerId")::int AS n FROM "TeamMembership"`);
    expect(members.n / sizes.volunteers).toBeGreaterThan(0.08);
    expect(members.n / sizes.volunteers).toBeLessThan(0.12);
    const badLeaders = await one<number>(
      `SELECT count(*)::int AS n FROM "Team" t
        WHERE (t."leaderId" IS NULL) <> NOT EXISTS (SELECT 1 FROM "TeamMembership" m JOIN "Volunteer" v ON v.id = m."volunteerId"
                                                    WHERE m."teamId" = t.id AND v.status = 'ACTIVE')
           OR (t."leaderId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."teamId" = t.id AND m."volunteerId" = t."leaderId"))`,
    );
    expect(badLeaders.n).toBe(0);
  });

  it('has the season: its shifts over 30 days at the duty posts, about 30 sign-ups a shift, in every state', async () => {
    const shifts = await one<number | string>(
      `SELECT count(*)::int AS n, count(DISTINCT ("startsAt" AT TIME ZONE 'Asia/Shanghai')::date)::int AS days, count(DISTINCT "postId")::int AS posts FROM "Shift"`,
    );
    expect(shifts).toEqual({ n: sizes.shifts, days: 30, posts: sizes.posts });
    const assignments = await one<number>(`SELECT count(*)::int AS n FROM "ShiftAssignment"`);
    expect(assignments.n / sizes.shifts).toBeGreaterThan(25);
    expect(assignments.n / sizes.shifts).toBeLessThan(35);
    const states = (await q<{ status: string }>(`SELECT DISTINCT status::text FROM "ShiftAssignment" ORDER BY 1`)).map((r) => r.status);
    expect(states).toEqual(['ASSIGNED', 'CANCELLED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW', 'WAITLISTED']);
  });

  it('keeps the stored counters exact: assignedCount, checkedInCount and Volunteer.serviceMinutes', async () => {
    const shifts = await one<number>(
      `SELECT count(*)::int AS n FROM "Shift" s
         LEFT JOIN (SELECT "shiftId", count(*) FILTER (WHERE status IN ('ASSIGNED', 'CHECKED_IN', 'COMPLETED')) AS held,
                           count(*) FILTER (WHERE status = 'CHECKED_IN') AS checked_in
                      FROM "ShiftAssignment" GROUP BY "shiftId") c ON c."shiftId" = s.id
        WHERE s."assignedCount" <> COALESCE(c.held, 0) OR s."checkedInCount" <> COALESCE(c.checked_in, 0) OR s."assignedCount" > s.capacity`,
    );
    expect(shifts.n).toBe(0);
    const volunteers = await one<number>(
      `SELECT count(*)::int AS n FROM "Volunteer" v
        WHERE v."serviceMinutes" <> COALESCE((SELECT sum("serviceMinutes") FROM "ShiftAssignment" a WHERE a."volunteerId" = v.id AND a.status = 'COMPLETED'), 0)
                                  + COALESCE((SELECT sum(minutes) FROM "ServiceRecord" r WHERE r."volunteerId" = v.id AND r.status = 'APPROVED'), 0)`,
    );
    expect(volunteers.n).toBe(0);
    const credited = await one<number>(`SELECT count(*)::int AS n FROM "Volunteer" WHERE "serviceMinutes" > 0`);
    expect(credited.n).toBeGreaterThan(sizes.volunteers / 10);
  });

  it('follows the roster rules: credited minutes, check-in windows, waitlists only on full shifts, no double booking', async () => {
    const completed = await q<{ startsAt: Date; endsAt: Date; checkedInAt: Date; checkedOutAt: Date; serviceMinutes: number }>(
      `SELECT s."startsAt", s."endsAt", a."checkedInAt", a."checkedOutAt", a."serviceMinutes"
         FROM "ShiftAssignment" a JOIN "Shift" s ON s.id = a."shiftId" WHERE a.status = 'COMPLETED'`,
    );
    for (const a of completed) {
      expect(a.serviceMinutes).toBe(serviceMinutesFor(a, a.checkedInAt, a.checkedOutAt));
      expect(a.checkedInAt.getTime()).toBeGreaterThanOrEqual(a.startsAt.getTime() - 30 * 60_000);
      expect(a.checkedOutAt.getTime()).toBeLessThanOrEqual(AS_OF.getTime());
    }
    const broken = await one<number>(
      `SELECT
         (SELECT count(*) FROM "ShiftAssignment" a JOIN "Shift" s ON s.id = a."shiftId"
           WHERE a.status = 'WAITLISTED' AND (s."assignedCount" < s.capacity OR s."endsAt" <= $1))
       + (SELECT count(*) FROM "ShiftAssignment" a JOIN "Shift" s ON s.id = a."shiftId"
           WHERE a.status = 'CHECKED_IN' AND NOT (s."startsAt" - interval '30 minutes' <= $1 AND $1 < s."endsAt"))
       + (SELECT count(*) FROM "ShiftAssignment" a JOIN "Volunteer" v ON v.id = a."volunteerId"
           WHERE a."assignedAt" < v."registeredAt" OR a."assignedAt" > $1 OR v.status <> 'ACTIVE')
       + (SELECT count(*) FROM "ShiftAssignment" a JOIN "ShiftAssignment" b ON b."volunteerId" = a."volunteerId" AND b.id > a.id
            JOIN "Shift" sa ON sa.id = a."shiftId" JOIN "Shift" sb ON sb.id = b."shiftId"
           WHERE a.status <> 'CANCELLED' AND b.status <> 'CANCELLED' AND sa."startsAt" < sb."endsAt" AND sb."startsAt" < sa."endsAt")
       + (SELECT count(*) FROM "ShiftAssignment" a JOIN "Shift" s ON s.id = a."shiftId"
           WHERE s.status = 'CANCELLED' AND a.status <> 'CANCELLED')
       AS n`,
      [AS_OF],
    );
    expect(Number(broken.n)).toBe(0);
  });

  it('has a year of service records from team members', async () => {
    const records = await one<string | number>(
      `SELECT count(*)::int AS n, min("servedOn")::text AS first, max("servedOn")::text AS last,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."teamId" = r."teamId" AND m."volunteerId" = r."volunteerId"))::int AS outsiders
         FROM "ServiceRecord" r`,
    );
    expect(records.n as number).toBeGreaterThan(sizes.volunteers / 10);
    expect(records.outsiders).toBe(0);
    expect(records.last).toBe('2026-11-30');
    expect(records.first! >= '2025-11-30').toBe(true);
  });

  it('is deterministic, and refuses a database that has data', async () => {
    const again = await db.sql.withSession((s) => seedCityScale(s, { factor: FACTOR, asOf: AS_OF }));
    expect(again).toMatchObject({ seeded: false, reason: 'already-seeded' });
    const other = await open();
    try {
      await other.db.sql.withSession((s) => seedCityScale(s, { factor: FACTOR, asOf: AS_OF }));
      const digest = (database: Database) =>
        database.sql.withSession((s) =>
          s.query(
            `SELECT (SELECT md5(string_agg(v::text, '|' ORDER BY id)) FROM "Volunteer" v) AS volunteers,
                    (SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM "Team" t) AS teams,
                    (SELECT md5(string_agg(m::text, '|' ORDER BY id)) FROM "TeamMembership" m) AS memberships,
                    (SELECT md5(string_agg(s::text, '|' ORDER BY id)) FROM "Shift" s) AS shifts,
                    (SELECT md5(string_agg(a::text, '|' ORDER BY id)) FROM "ShiftAssignment" a) AS assignments,
                    (SELECT md5(string_agg(r::text, '|' ORDER BY id)) FROM "ServiceRecord" r) AS records`,
          ),
        );
      expect(await digest(other.db)).toEqual(await digest(db));
      await other.db.sql.withSession((s) => s.query(`DELETE FROM "ServiceRecord" WHERE id = 1`));
      const refused = await other.db.sql.withSession((s) => seedCityScale(s, { factor: 0.02, asOf: AS_OF }));
      expect(refused).toMatchObject({ seeded: false, reason: 'not-empty' });
    } finally {
      await other.db.close();
      await other.scratch.drop();
    }
  }, 120_000);

  it('serves the roster, the duty board and search from it', async () => {
    const server = await startTestServer('postgres', { databaseUrl: scratch.url, clock: manualClock(AS_OF) });
    try {
      const [institute] = await q<{ id: number; today: number }>(
        `SELECT p.id, count(*)::int AS today FROM "Shift" s JOIN "DutyPost" d ON d.id = s."postId" JOIN "Site" st ON st.id = d."siteId"
           JOIN "Site" p ON p.id = st."parentId"
          WHERE (s."startsAt" AT TIME ZONE 'Asia/Shanghai')::date = '2026-12-01' GROUP BY p.id ORDER BY p.id LIMIT 1`,
      );
      const roster = await gql(server.url, HotRosterPageDocument, { date: '2026-12-01', siteId: gid('Site', institute!.id) }, server.admin);
      expect(roster.roster!.totalCount).toBe(institute!.today);
      const board = await gql(server.url, HotDutyBoardDocument, { siteId: gid('Site', 1) }, server.admin);
      const onDuty = await one<number>(`SELECT count(*)::int AS n FROM "ShiftAssignment" WHERE status = 'CHECKED_IN'`);
      expect(board.dutyBoard!.onDutyNow).toBe(onDuty.n);
      expect(board.dutyBoard!.onDutyNow).toBeGreaterThan(0);
      const search = await gql(server.url, HotVolunteerSearchDocument, { filter: { search: 'wang' }, first: 10 }, server.admin);
      expect(search.volunteers!.edges.every((e) => e.node.name.startsWith('王') || e.node.name.startsWith('汪'))).toBe(true);
      expect(search.volunteers!.totalCount).toBeGreaterThan(10);
    } finally {
      await server.close(); // leaves the database alone: this test created it
    }
  });
});
