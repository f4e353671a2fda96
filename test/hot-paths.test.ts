import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { seed } from '../src/seed/index.js';
import {
  HotDutyBoardDocument,
  HotRosterPageDocument,
  HotVolunteerAssignmentsDocument,
  HotVolunteerSearchDocument,
  type VolunteerFilter,
} from './generated/graphql.js';
import { gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/**
 * The hot read paths use indexes: every SQL statement the roster page, the duty board, volunteer
 * search and a volunteer's assignments send is EXPLAINed on the demo city (2,000 volunteers,
 * ~750 shifts, thousands of assignments), with sequential scans disabled so that the planner takes
 * an index wherever one exists. A Seq Scan of Volunteer, Shift or ShiftAssignment left in a plan —
 * or an index of theirs walked end to end without a condition, which is what the planner falls
 * back to with sequential scans off — means no index serves that statement: at the city's size
 * (332,000 volunteers, 600,000 assignments) it would read the whole table on every request.
 */

const NOW = new Date('2026-11-28T04:00:00Z'); // noon in Shanghai, during the demo roster's live day
const TODAY = '2026-11-28';
const BIG_TABLES = new Set(['Volunteer', 'Shift', 'ShiftAssignment']);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
interface Statement {
  query: string;
  params: unknown[];
}

/** Plan nodes that pass rows on as they come, so that a Limit above them stops the scans below. */
const STREAMING = new Set(['Limit', 'Result', 'Nested Loop', 'Append', 'Merge Append', 'Subquery Scan', 'Unique', 'Memoize', 'Gather', 'Gather Merge']);

/**
 * The big tables a plan reads whole: by Seq Scan, or by walking an index end to end without a
 * condition (what the planner does when sequential scans are off and no index fits), unless a
 * Limit above stops the walk early through nodes that stream (a page in index order).
 */
function seqScans(plan: PlanNode, found: string[] = [], limited = false): string[] {
  const type = plan['Node Type'];
  const table = plan['Relation Name'] ?? plan['Index Name']?.split('_')[0];
  if (table && BIG_TABLES.has(table)) {
    if (type === 'Seq Scan') found.push(table);
    else if (/Index/.test(type) && !plan['Index Cond'] && !limited) found.push(`${table} (whole index ${plan['Index Name']})`);
  }
  const belowLimit = type === 'Limit' || (limited && STREAMING.has(type));
  for (const child of plan.Plans ?? []) seqScans(child, found, belowLimit);
  return found;
}

describe.each(DATABASE_KINDS)('hot query plans on %s', (kind) => {
  let server: TestServer;
  let captured: Statement[] = [];
  let centerId: string;
  let instituteId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: manualClock(NOW) });
    await seed(server.db.prisma, NOW);
    await server.db.sql.withSession((s) => s.exec('ANALYZE'));
    server.db.prisma.$on('query' as never, (event: { query: string; params: string }) => {
      captured.push({ query: event.query, params: JSON.parse(event.params) as unknown[] });
    });
    const sites = await server.db.prisma.site.findMany({ where: { level: { in: ['CENTER', 'INSTITUTE'] } }, orderBy: { id: 'asc' } });
    centerId = gid('Site', sites.find((s) => s.level === 'CENTER')!.id);
    instituteId = gid('Site', sites.find((s) => s.level === 'INSTITUTE')!.id);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  /** Runs the operation, then EXPLAINs each SELECT it sent and returns the big tables read by Seq Scan. */
  async function scansOf(run: () => Promise<unknown>): Promise<{ statements: number; scans: string[] }> {
    captured = [];
    await run();
    const selects = captured.filter((s) => /^\s*SELECT/i.test(s.query));
    const scans: string[] = [];
    for (const statement of selects) {
      const plan = await explain(statement);
      for (const table of seqScans(plan)) scans.push(`${table} in: ${statement.query.slice(0, 2000)}`);
    }
    return { statements: selects.length, scans };
  }

  async function explain(statement: Statement): Promise<PlanNode> {
    return server.db.sql.withSession(async (s) => {
      await s.exec('BEGIN; SET LOCAL enable_seqscan = off');
      try {
        const rows = await s.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statement.query}`, statement.params);
        const json = rows[0]!['QUERY PLAN'];
        const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
        return parsed[0]!.Plan;
      } finally {
        await s.exec('ROLLBACK');
      }
    });
  }

  it('detects a sequential scan where no index can help (the check itself works)', async () => {
    const plan = await explain({ query: `SELECT "id" FROM "Volunteer" WHERE "gender" = $1::"Gender"`, params: ['MALE'] });
    expect(seqScans(plan)).toEqual(['Volunteer']);
  });

  it('the roster page of an institute for one day', async () => {
    const result = await scansOf(async () => {
      const data = await gql(server.url, HotRosterPageDocument, { date: TODAY, siteId: instituteId }, server.admin);
      expect(data.roster?.edges.length).toBeGreaterThan(0);
    });
    expect(result.statements).toBeGreaterThan(3);
    expect(result.scans).toEqual([]);
  });

  it('the roster page of the whole city', async () => {
    const result = await scansOf(() => gql(server.url, HotRosterPageDocument, { date: TODAY }, server.admin));
    expect(result.scans).toEqual([]);
  });

  it('the duty board aggregates of the center', async () => {
    const result = await scansOf(async () => {
      const data = await gql(server.url, HotDutyBoardDocument, { siteId: centerId }, server.admin);
      expect(data.dutyBoard).not.toBeNull();
    });
    // The aggregates, and the understaffed shifts with their posts joined in (relation joins).
    expect(result.statements).toBeGreaterThanOrEqual(4);
    expect(result.scans).toEqual([]);
  });

  const searches: [string, VolunteerFilter][] = [
    ['a surname (1 character)', { search: '王' }],
    ['a given name (2 characters)', { search: '建国' }],
    ['pinyin', { search: 'wang' }],
    ['pinyin initials', { search: 'wxm' }],
    ['a surname prefix', { namePrefix: '李' }],
    ['a search with other filters', { search: '李', status: 'ACTIVE', minStarLevel: 1 }],
  ];
  it.each(searches)('volunteer search: %s', async (_label, filter) => {
    const result = await scansOf(() => gql(server.url, HotVolunteerSearchDocument, { filter, first: 100 }, server.admin));
    expect(result.scans).toEqual([]);
  });

  it('the first page of all volunteers in name order', async () => {
    const result = await scansOf(() => gql(server.url, HotVolunteerSearchDocument, { first: 100 }, server.admin));
    // The page walks the (name, id) index under its LIMIT. An exact count of every volunteer has
    // to read a whole index (the smallest one, never the table): that one is expected.
    const countAll = /^Volunteer \(whole index \w+\) in: SELECT COUNT\(\*\) .* WHERE 1=1 /;
    expect(result.scans.filter((scan) => !countAll.test(scan))).toEqual([]);
    expect(result.scans.filter((scan) => scan.startsWith('Volunteer in:'))).toEqual([]);
  });

  it('assignVolunteer: locks, checks and writes in six statements, and answers its payload without reading again', async () => {
    const project = await server.db.prisma.project.findFirstOrThrow({ where: { status: 'ACTIVE' } });
    const post = await server.db.prisma.dutyPost.findFirstOrThrow();
    const volunteer = await server.db.prisma.volunteer.findFirstOrThrow({ where: { status: 'ACTIVE' }, orderBy: { id: 'desc' } });
    const start = NOW.getTime() + 30 * 86_400_000;
    const shift = await server.db.prisma.shift.create({
      data: { projectId: project.id, postId: post.id, startsAt: new Date(start), endsAt: new Date(start + 3 * 3_600_000), capacity: 5, minimum: 1, role: '语句计数' },
    });
    captured = [];
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...server.admin },
      body: JSON.stringify({
        query: `mutation($s: ID!, $v: ID!) { assignVolunteer(input: { shiftId: $s, volunteerId: $v }) { __typename ... on AssignVolunteerPayload { assignment { status shift { assignedCount openSlots staffing } } } } }`,
        variables: { s: gid('Shift', shift.id), v: gid('Volunteer', volunteer.id) },
      }),
    });
    const body = (await response.json()) as { data: { assignVolunteer: unknown } };
    expect(body.data.assignVolunteer).toEqual({
      __typename: 'AssignVolunteerPayload',
      assignment: { status: 'ASSIGNED', shift: { assignedCount: 1, openSlots: 4, staffing: 'STAFFED' } },
    });
    // The request's statements, up to its commit (the notification worker runs its own pass after):
    // the session lookup (no session cache here), then the transaction — shift lock with the
    // project's status, volunteer lock with their record on the shift, overlap check, insert,
    // counter, outbox — and the commit. The payload's shift is the row the counter update returned.
    // With the feed's read-back below: 7 + BEGIN + COMMIT + 1 = 10 statements, outbox included.
    const commit = captured.findIndex((s) => /COMMIT/.test(s.query));
    const request = captured.slice(0, commit + 1).map((s) => s.query.replace(/\s+/g, ' ').trim());
    expect(request.filter((q) => !/^(BEGIN|COMMIT|-- Implicit "COMMIT")/.test(q))).toHaveLength(7);
    expect(request.filter((q) => /^SELECT s\."accountId"/.test(q))).toHaveLength(1);
    // Nothing after the commit reads the shift's counts or the assignment back for the payload.
    const after = captured.slice(commit + 1).filter((s) => /^\s*SELECT/i.test(s.query));
    expect(after.filter((s) => /"Shift"\."assignedCount"|FROM "public"\."ShiftAssignment" WHERE \("public"\."ShiftAssignment"\."id" = /.test(s.query))).toEqual([]);
    // Its event is numbered at COMMIT (the outbox's deferred trigger), so this instance's feed
    // reads it back once it is committed: the outbox's one statement outside the transaction.
    const sequence = (await server.db.prisma.outboxCounter.findUniqueOrThrow({ where: { id: 1 } })).last;
    await vi.waitFor(() => expect(server.server.services.events.feed.position).toBe(Number(sequence)));
    const feedReads = captured.slice(commit + 1).filter((s) => /FROM "public"\."outbox"/.test(s.query) && /"sitePath"/.test(s.query));
    expect(feedReads).toHaveLength(1);
    await server.db.prisma.shiftAssignment.deleteMany({ where: { shiftId: shift.id } });
    await server.db.prisma.shift.delete({ where: { id: shift.id } });
  });

  it("a volunteer's assignments, all and in a time window", async () => {
    const busy = await server.db.prisma.shiftAssignment.groupBy({
      by: ['volunteerId'],
      _count: { _all: true },
      orderBy: { _count: { volunteerId: 'desc' } },
      take: 1,
    });
    const id = gid('Volunteer', busy[0]!.volunteerId);
    const all = await scansOf(async () => {
      const data = await gql(server.url, HotVolunteerAssignmentsDocument, { id }, server.admin);
      expect(data.volunteer?.assignments.totalCount).toBeGreaterThan(1);
    });
    expect(all.scans).toEqual([]);
    const window = await scansOf(() =>
      gql(server.url, HotVolunteerAssignmentsDocument, {
        id,
        filter: { from: '2026-07-01T00:00:00Z', to: '2026-09-01T00:00:00Z', status: ['COMPLETED'] },
      }, server.admin),
    );
    expect(window.scans).toEqual([]);
  });
});
