/**
 * SQL statements per operation (deterministic: flat as pages grow means no N+1) and sequential
 * latency, against an in-process server whose Prisma client counts every statement it sends.
 */
import type { Database } from '../src/db/index.js';
import type { AppBus } from '../src/events/topics.js';
import type { LiveProbe } from '../test/support/live-probe.js';
import type { RunningServer } from '../src/server.js';
import { LiveRosterDocument } from '../test/generated/graphql.js';
import { wsClient } from '../test/support/live-clients.js';

export interface StatementRow {
  operation: string;
  statements: number;
  medianMs: number;
  p95Ms: number;
}

export interface Bench {
  db: Database;
  server: RunningServer;
  bus: AppBus;
  /** Counts this instance's live subscribers (wait until one listens). */
  probe: LiveProbe;
  statements: string[];
  accessToken: string;
  runs: number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

export function poster(bench: Bench) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${bench.accessToken}` };
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(bench.server.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`${body.errors[0]!.message}\n${query}`);
    return body.data as Record<string, any>;
  };
}

/** Counts the statements of one run (after a warm-up), then times `runs` more. */
export async function measure(bench: Bench, rows: StatementRow[], operation: string, run: () => Promise<unknown>) {
  await run();
  bench.statements.length = 0;
  await run();
  const count = bench.statements.length;
  const times: number[] = [];
  for (let i = 0; i < bench.runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  rows.push({
    operation,
    statements: count,
    medianMs: round(times[Math.floor(times.length / 2)]!),
    p95Ms: round(times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!),
  });
}

export const rosterQuery = (first: number, date: string) => `{
  roster(filter: { date: "${date}" }, first: ${first}) {
    totalCount
    edges { node { id role startsAt assignedCount openSlots staffing
      post { name site { name } } project { title }
      assignments(first: 20) { totalCount edges { node { status volunteer { name phone } } } } } }
  }
}`;

/** The operations of the statement table (the same as before the load benchmark existed). */
export async function statementTable(bench: Bench, date: string): Promise<StatementRow[]> {
  const { db, server } = bench;
  const post = poster(bench);
  const rows: StatementRow[] = [];
  await measure(bench, rows, 'sites: institutes with 10 stations each', () =>
    post(`{ sites(filter: { level: INSTITUTE }, first: 20) { totalCount edges { node { name children(first: 10) { totalCount edges { node { name services } } } } } } }`),
  );
  for (const first of [10, 100]) {
    await measure(bench, rows, `volunteers: page of ${first} with home site and teams`, () =>
      post(`{ volunteers(first: ${first}) { totalCount edges { node { name phone starLevel homeSite { name } teams(first: 3) { edges { node { role team { name } } } } } } } }`),
    );
  }
  await measure(bench, rows, 'volunteers: search 王 + minStarLevel 1', () =>
    post(`{ volunteers(filter: { search: "王", minStarLevel: 1 }, first: 20) { totalCount edges { node { name starLevel } } } }`),
  );
  for (const first of [5, 50]) {
    await measure(bench, rows, `roster today: ${first} shifts with assignments and volunteers`, () => post(rosterQuery(first, date)));
  }
  await measure(bench, rows, 'projects: 20 with brand, organizer and shift count', () =>
    post(`{ projects(first: 20) { totalCount edges { node { title status brand { name } organizer { name leader { name } } shifts(first: 1) { totalCount } } } } }`),
  );
  const center = (await db.prisma.site.findFirstOrThrow({ where: { level: 'CENTER' } })).id;
  await measure(bench, rows, 'dutyBoard: the whole city', () =>
    post(`query($id: ID!) { dutyBoard(siteId: $id) { onDutyNow expectedNow understaffedCount openSlotsToday serviceMinutesToday understaffedShifts(first: 10) { role post { name } } } }`, { id: gid('Site', center) }),
  );

  // A write, repeated on a fresh shift far in the future so each run does the same work; removed after.
  const project = await db.prisma.project.findFirstOrThrow({ where: { status: 'ACTIVE' } });
  const post0 = await db.prisma.dutyPost.findFirstOrThrow();
  const volunteers = await db.prisma.volunteer.findMany({ where: { status: 'ACTIVE' }, take: bench.runs + 2, orderBy: { id: 'desc' } });
  const start = Date.now() + 400 * 86_400_000;
  const benchShift = await db.prisma.shift.create({
    data: { projectId: project.id, postId: post0.id, startsAt: new Date(start), endsAt: new Date(start + 3 * 3600_000), capacity: 500, minimum: 1, role: '基准测试' },
  });
  try {
    let next = 0;
    await measure(bench, rows, 'assignVolunteer (row locks, counters, event)', () => {
      const v = volunteers[next++]!;
      return post(
        `mutation($s: ID!, $v: ID!) { assignVolunteer(input: { shiftId: $s, volunteerId: $v }) { __typename ... on AssignVolunteerPayload { assignment { status shift { assignedCount openSlots staffing } } } } }`,
        { s: gid('Shift', benchShift.id), v: gid('Volunteer', v.id) },
      );
    });

    // One roster event delivered to a graphql-ws subscriber: the SQL it costs to resolve.
    const client = wsClient(server.wsUrl, { authorization: `Bearer ${bench.accessToken}` });
    const started = bench.probe.subscriptionsStarted();
    const sub = client.subscribe(LiveRosterDocument, { filter: { shiftId: gid('Shift', benchShift.id) } });
    await bench.probe.waitForSubscriptionsStarted(started + 1);
    const [bare, viaCommand] = await db.prisma.volunteer.findMany({
      where: { status: 'ACTIVE', id: { notIn: volunteers.map((v) => v.id) } },
      take: 2,
      orderBy: { id: 'asc' },
    });
    const { assignVolunteer } = await import('../src/roster/service.js');
    const { command } = await import('../src/common/command.js');
    // The outbox's cost per mutation: the same rule in a bare transaction (no event recorded) and
    // through the command runner, which writes its events to the outbox in the transaction.
    bench.statements.length = 0;
    await db.prisma.$transaction((tx) => assignVolunteer(tx, { shiftId: benchShift.id, volunteerId: bare!.id }));
    rows.push({ operation: 'assignVolunteer rule, bare transaction (no outbox)', statements: bench.statements.length, medianMs: NaN, p95Ms: NaN });
    bench.statements.length = 0;
    await command(server.services, (tx) => assignVolunteer(tx, { shiftId: benchShift.id, volunteerId: viaCommand!.id }));
    rows.push({ operation: 'assignVolunteer rule via command (+ outbox row)', statements: bench.statements.length, medianMs: NaN, p95Ms: NaN });
    // Delivered from this instance's feed: no statement to publish; these are the subscriber's.
    bench.statements.length = 0;
    await sub.results.next();
    rows.push({ operation: 'rosterChanged: resolve one event for one subscriber', statements: bench.statements.length, medianMs: NaN, p95Ms: NaN });
    sub.stop();
    await client.dispose();
  } finally {
    await db.prisma.shiftAssignment.deleteMany({ where: { shiftId: benchShift.id } });
    await db.prisma.shift.delete({ where: { id: benchShift.id } });
  }
  return rows;
}

export function printStatements(rows: StatementRow[]) {
  const width = Math.max(...rows.map((r) => r.operation.length));
  console.log(`${'operation'.padEnd(width)}  SQL  median ms  p95 ms`);
  for (const r of rows) {
    const ms = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1));
    console.log(`${r.operation.padEnd(width)}  ${String(r.statements).padStart(3)}  ${ms(r.medianMs).padStart(9)}  ${ms(r.p95Ms).padStart(6)}`);
  }
}
