/**
 * npm run bench — SQL statements and latency per operation, on the seeded demo city.
 *
 * Statement counts are deterministic: they show whether a query's cost grows with its page
 * (N+1) or stays flat. Latencies are medians of repeated runs on this machine, for comparison
 * between versions, not absolute truth.
 *
 *   npm run bench                                   # embedded PGlite, in memory
 *   BENCH_DATABASE_URL=postgresql://… npm run bench # a PostgreSQL database (it is migrated and seeded)
 */
import { createAccount, login } from '../src/auth/service.js';
import { openDatabase } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { createEventBus } from '../src/events/topics.js';
import { seedIfEmpty } from '../src/seed/index.js';
import { developmentTokens, startServer } from '../src/server.js';
import { wsClient } from '../test/support/live-clients.js';
import { liveProbe } from '../test/support/live-probe.js';
import { LiveRosterDocument } from '../test/generated/graphql.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const statements: string[] = [];
const db = await openDatabase({
  databaseUrl: process.env.BENCH_DATABASE_URL,
  dataDir: 'memory',
  onQuery: (sql) => statements.push(sql),
});
await migrate(db.sql);
const seeded = await seedIfEmpty(db.prisma);
const logger = createLogger('silent');
const bus = createEventBus({ logger });
const probe = liveProbe();
const server = await startServer(
  { db, logger, pubsub: bus, env: 'production', events: { listeners: probe.hooks } },
  { port: 0, host: '127.0.0.1' },
);

const phone = '+8619900009999';
if (!(await db.prisma.account.findUnique({ where: { phone } }))) {
  await createAccount(db.prisma, { phone, password: 'bench-password', roles: [{ role: 'ADMIN' }] });
}
const { accessToken } = await login(db.prisma, developmentTokens(), { phone, password: 'bench-password', ip: 'bench' });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`${body.errors[0]!.message}\n${query}`);
  return body.data as Record<string, any>;
}

interface Row {
  operation: string;
  statements: number;
  medianMs: number;
  p95Ms: number;
}
const rows: Row[] = [];

async function measure(operation: string, run: () => Promise<unknown>) {
  await run(); // warm-up (plans, caches)
  statements.length = 0;
  await run();
  const count = statements.length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
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
const round = (ms: number) => Math.round(ms * 10) / 10;

const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const rosterQuery = (first: number) => `{
  roster(filter: { date: "${today}" }, first: ${first}) {
    totalCount
    edges { node { id role startsAt assignedCount openSlots staffing
      post { name site { name } } project { title }
      assignments(first: 20) { totalCount edges { node { status volunteer { name phone } } } } } }
  }
}`;

await measure('sites: institutes with 10 stations each', () =>
  post(`{ sites(filter: { level: INSTITUTE }, first: 20) { totalCount edges { node { name children(first: 10) { totalCount edges { node { name services } } } } } } }`),
);
for (const first of [10, 100]) {
  await measure(`volunteers: page of ${first} with home site and teams`, () =>
    post(`{ volunteers(first: ${first}) { totalCount edges { node { name phone starLevel homeSite { name } teams(first: 3) { edges { node { role team { name } } } } } } } }`),
  );
}
await measure('volunteers: search 王 + minStarLevel 1', () =>
  post(`{ volunteers(filter: { search: "王", minStarLevel: 1 }, first: 20) { totalCount edges { node { name starLevel } } } }`),
);
for (const first of [5, 50]) {
  await measure(`roster today: ${first} shifts with assignments and volunteers`, () => post(rosterQuery(first)));
}
await measure('projects: 20 with brand, organizer and shift count', () =>
  post(`{ projects(first: 20) { totalCount edges { node { title status brand { name } organizer { name leader { name } } shifts(first: 1) { totalCount } } } } }`),
);
const site = (await db.prisma.site.findFirstOrThrow({ where: { level: 'CENTER' } })).id;
const siteId = Buffer.from(`Site:${site}`).toString('base64');
await measure('dutyBoard: the whole city', () =>
  post(`query($id: ID!) { dutyBoard(siteId: $id) { onDutyNow expectedNow understaffedCount openSlotsToday serviceMinutesToday understaffedShifts(first: 10) { role post { name } } } }`, { id: siteId }),
);

// The city's record of good (src/care, src/stats): SQL aggregates on the demo city.
await measure('cityStats: 2026', () =>
  post(`{ cityStats(from: "2026-01-01", to: "2026-12-31") { volunteers { registered activeInPeriod byStarLevel { level count } } teams serviceMinutes projectsByStatus { key count } shifts { total staffed fillRate } beneficiariesReached careVisits honorsByLevel { key count } civilisedFamiliesByLevel { key count } } }`),
);
await measure('Site.stats + Site.coverage: the center, 2026', () =>
  post(`query($id: ID!) { site(id: $id) { stats(from: "2026-01-01", to: "2026-12-31") { serviceMinutes careVisits shifts { fillRate } } coverage(from: "2026-01-01", to: "2026-12-31") { sites covered share } } }`, { id: siteId }),
);
await measure('beneficiaries: 20 not visited for 30 days, with PII (logged) and caring team', () =>
  post(`{ beneficiaries(filter: { notVisitedSince: "2026-10-29" }, first: 20) { totalCount edges { node { kind name phone careTeam { name } lastVisitedOn } } } }`),
);
await measure('brand impact: 浓情年味·暖冬 over all winters', () => post(`{ brands(first: 20) { edges { node { name impact { beneficiariesReached visits minutes } } } } }`));

// A write, repeated on fresh shifts so each run does the same work.
const project = await db.prisma.project.findFirstOrThrow({ where: { status: 'ACTIVE' } });
const post0 = await db.prisma.dutyPost.findFirstOrThrow();
const volunteers = await db.prisma.volunteer.findMany({ where: { status: 'ACTIVE' }, take: 3 * (RUNS + 2), orderBy: { id: 'desc' } });
const benchShift = await db.prisma.shift.create({
  data: {
    projectId: project.id,
    postId: post0.id,
    startsAt: new Date(Date.now() + 400 * 86_400_000),
    endsAt: new Date(Date.now() + 400 * 86_400_000 + 3 * 3600_000),
    capacity: 500,
    minimum: 1,
    role: '基准测试',
  },
});
let next = 0;
await measure('assignVolunteer (row locks, counters, event)', () => {
  const v = volunteers[next++]!;
  return post(
    `mutation($s: ID!, $v: ID!) { assignVolunteer(input: { shiftId: $s, volunteerId: $v }) { __typename ... on AssignVolunteerPayload { assignment { status shift { assignedCount openSlots staffing } } } } }`,
    { s: Buffer.from(`Shift:${benchShift.id}`).toString('base64'), v: Buffer.from(`Volunteer:${v.id}`).toString('base64') },
  );
});

// The outbox's cost per mutation: the same rule in a bare transaction (no event recorded — before
// the outbox, publishing then cost one more query after commit) and through the command runner,
// which writes its events to the outbox in the transaction (one statement) and hands them on.
const { assignVolunteer } = await import('../src/roster/service.js');
const { command } = await import('../src/common/command.js');
const assignRule = (tx: Parameters<typeof assignVolunteer>[0]) =>
  assignVolunteer(tx, { shiftId: benchShift.id, volunteerId: volunteers[next++]!.id });
await measure('assignVolunteer rule, bare transaction (no outbox)', () => db.prisma.$transaction(assignRule));
await measure('assignVolunteer rule via command (+ outbox row)', () => command(server.services, assignRule));

// One roster event delivered to a graphql-ws subscriber: the SQL it costs to resolve.
const client = wsClient(server.wsUrl, { authorization: `Bearer ${accessToken}` });
const started = probe.subscriptionsStarted();
const sub = client.subscribe(LiveRosterDocument, { filter: { shiftId: Buffer.from(`Shift:${benchShift.id}`).toString('base64') } });
await probe.waitForSubscriptionsStarted(started + 1);
const extra = await db.prisma.volunteer.findFirstOrThrow({ where: { status: 'ACTIVE', id: { notIn: volunteers.map((v) => v.id) } } });
await command(server.services, (tx) => assignVolunteer(tx, { shiftId: benchShift.id, volunteerId: extra.id }));
// Delivered from this instance's feed: no statement to publish; these are the subscriber's.
statements.length = 0;
await sub.results.next();
rows.push({ operation: 'rosterChanged: resolve one event for one subscriber', statements: statements.length, medianMs: NaN, p95Ms: NaN });
sub.stop();
await client.dispose();

console.log(`\nDatabase: ${db.kind}${seeded ? ' (seeded now)' : ''}; ${RUNS} timed runs per operation\n`);
const width = Math.max(...rows.map((r) => r.operation.length));
console.log(`${'operation'.padEnd(width)}  SQL  median ms  p95 ms`);
for (const r of rows) {
  const ms = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1));
  console.log(`${r.operation.padEnd(width)}  ${String(r.statements).padStart(3)}  ${ms(r.medianMs).padStart(9)}  ${ms(r.p95Ms).padStart(6)}`);
}

await server.close();
await bus.close();
await db.close();

await relayThroughput();


/**
 * The relay's throughput on PostgreSQL: N unsent outbox rows published (through Redis when it
 * answers, else the in-memory bus) in batches and marked sent. Uses BENCH_DATABASE_URL when it is
 * PostgreSQL, else a scratch database on the local server (dropped afterwards).
 */
async function relayThroughput() {
  const N = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
  const { createScratchDatabase } = await import('../test/support/postgres.js');
  const { rosterWorld, makeShift, futureSlot } = await import('../test/support/roster-fixtures.js');
  const { appendToOutbox } = await import('../src/events/outbox.js');
  const { Relay } = await import('../src/events/relay.js');
  const { shiftChange } = await import('../src/roster/events.js');
  const { systemClock } = await import('../src/common/clock.js');
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  try {
    scratch = process.env.BENCH_DATABASE_URL ? undefined : await createScratchDatabase('bench');
  } catch (error) {
    console.log(`\nrelay throughput: skipped (no PostgreSQL: ${(error as Error).message})`);
    return;
  }
  const pg = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL ?? scratch!.url });
  try {
    await migrate(pg.sql);
    const world = await rosterWorld(pg.prisma, `bench-${process.pid}`);
    const shift = await makeShift(pg.prisma, { projectId: world.projectId, postId: world.postId, ...futureSlot(300) });
    const appendStarted = performance.now();
    for (let done = 0; done < N; done += 1000) {
      const changes = Array.from({ length: Math.min(1000, N - done) }, () => shiftChange('SHIFT_UPDATED', shift.id, new Date()));
      await pg.prisma.$transaction((tx) => appendToOutbox(tx, changes, new Date(), { markSent: false }));
    }
    const appendSeconds = (performance.now() - appendStarted) / 1000;

    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    let relayBus = createEventBus({ redisUrl, channelPrefix: `bench-${process.pid}:`, logger });
    const reachable = await Promise.race([relayBus.ready.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
    if (!reachable) {
      await relayBus.close();
      relayBus = createEventBus({ logger });
    }
    let received = 0;
    const listener = relayBus.pubsub.subscribe('rosterOutbox')[Symbol.asyncIterator]();
    const counting = (async () => {
      while (received < N) {
        const next = await listener.next();
        if (next.done) return;
        received += next.value.length;
      }
    })();
    const relay = new Relay(pg.prisma, relayBus, systemClock, logger);
    const started = performance.now();
    const sent = await relay.flush();
    await counting;
    const seconds = (performance.now() - started) / 1000;
    await listener.return?.();
    await relayBus.close();
    console.log(`\nOutbox on PostgreSQL, ${N} events:`);
    console.log(`  written in 1000-event transactions: ${Math.round(N / appendSeconds)} events/s`);
    console.log(
      `  relayed (${relayBus.transport === 'redis' ? 'through Redis' : 'in-memory bus'}, batches of ${500}, marked sent): ${sent} sent, ${received} received, ${Math.round(N / seconds)} events/s`,
    );
  } finally {
    await pg.close();
    await scratch?.drop();
  }
}
