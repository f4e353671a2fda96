/**
 * npm run bench — how the API performs on the city's data, written to bench/results.json.
 *
 *   1. SQL statements per operation (deterministic: flat as pages grow means no N+1) and sequential
 *      latency, from an in-process server that counts what Prisma sends.
 *   2. HTTP load from autocannon against the API in a child process (as `npm start` runs it, in
 *      production mode) — at a fixed rate for latency (p50/p95/p99) and flat out for throughput —
 *      next to a hand-written node:http + pg server answering the same roster and search shapes
 *      (bench/raw-server.ts) and a bare Yoga for `{ __typename }`, all in the same run, so that the
 *      ratios are measured on the same machine under the same conditions.
 *   3. The live scenarios (bench/ws-bench.ts), against an API child of their own (a fresh process,
 *      so that its memory per subscriber does not depend on what the HTTP load left behind), with
 *      graphql-ws clients in child processes.
 *
 * Every child process starts at once, while this one migrates, seeds and counts statements; they
 * stay idle until phase 2.
 *
 *   npm run bench                  # the city-scale data on PostgreSQL (BENCH_DATABASE_URL, or the
 *                                  # local volunteer_bench_city database, seeded on first use)
 *   npm run bench -- --quick       # the demo city in a scratch PostgreSQL database, short runs
 *   BENCH_TRACE=1 npm run bench    # … and when each step starts (bench/trace.ts)
 */
import { writeFileSync } from 'node:fs';
import { cpus, setPriority, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAccount, login } from '../src/auth/service.js';
import { openDatabase } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { createEventBus } from '../src/events/topics.js';
import { relayThroughput } from './relay.js';
import { liveProbe } from '../test/support/live-probe.js';
import { seedIfEmpty } from '../src/seed/index.js';
import { seedCityScale } from '../src/seed/scale/index.js';
import { startServer } from '../src/server.js';
import { createScratchDatabase, type ScratchDatabase } from '../test/support/postgres.js';
import { type Child, load, type LoadResult, startChild } from './load.js';
import { type Bench, poster, printStatements, statementTable } from './statements.js';
import { scenarios, type Scenario } from './scenarios.js';
import { cityStatsTimes } from './stats.js';
import { trace } from './trace.js';
import { type Pool, startPool } from './ws-clients.js';
import { liveApi, liveSizes, liveSplit, runLive } from './ws-bench.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = args.quick!;
// Quick: 1-s runs, the fixed-rate baselines left out (the ratios stay), shorter live phases.
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 8));
const CITY_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/volunteer_bench_city';
const JWT_SECRET = 'bench-only-secret-0123456789abcdefghijklmnop';
const tokenSettings = { secret: new TextEncoder().encode(JWT_SECRET), accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 3600 };

// BENCH_ONLY=<text> runs only the load scenarios whose name contains it (and writes no results.json);
// BENCH_ONLY=ws (or "ws: rosterChanged", "ws: dutyBoard") only the live ones (bench/ws-bench.ts).
const only = process.env.BENCH_ONLY;
const httpWanted = !only?.startsWith('ws');
const liveWanted = !only || only.startsWith('ws');

// ------------------------------------------------------------------------ the child processes

interface Processes {
  /** The API as `npm start` runs it (production mode), for the HTTP scenarios. */
  api?: Child;
  /** The hand-written node:http + pg server and the bare Yoga (HTTP scenarios only). */
  raw?: Child;
  yoga?: Child;
  /** The API for the live scenarios (src/main.ts with their preloads; see liveApi) and the graphql-ws client processes. */
  live?: { api: Child; socketsApi?: Child; pools: { roster: Pool; board: Pool } };
}
const sizes = liveSizes(quick);
const env = { JWT_SECRET, NODE_ENV: 'production', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', ACCESS_TOKEN_TTL_SECONDS: '3600' };
const READY = /ready: (http:\/\/\S+\/graphql)/;

/**
 * Starts every server and client process at once (they only start: nothing loads them before the
 * statement table is done). If one fails to start, the others are stopped.
 */
async function startProcesses(databaseUrl: string): Promise<Processes> {
  trace('starting the servers and client pools');
  const childEnv = { ...env, DATABASE_URL: databaseUrl };
  const live = liveApi(sizes);
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the HTTP scenarios' API process (summarise: bench/profile-summary.ts).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const started = await Promise.allSettled([
    httpWanted ? startChild('api', 'src/main.ts', childEnv, READY, profile) : undefined,
    httpWanted ? startChild('raw', 'bench/raw-server.ts', childEnv, /raw server ready: (http:\/\/\S+)/) : undefined,
    httpWanted ? startChild('yoga', 'bench/bare-yoga.ts', childEnv, /bare yoga ready: (http:\/\/\S+)/) : undefined,
    liveWanted ? startChild('api (live)', 'src/main.ts', { ...childEnv, ...live.env }, READY, live.nodeArgs, live.options) : undefined,
    liveWanted && liveSplit.split ? startChild('api (live sockets)', 'src/main.ts', { ...childEnv, ...live.env }, READY, live.nodeArgs, live.options) : undefined,
    liveWanted ? startPool(sizes.rosterPools, liveSplit.nicePools) : undefined,
    liveWanted ? startPool(sizes.boardPools, liveSplit.nicePools) : undefined,
  ]);
  const failed = started.find((r) => r.status === 'rejected');
  const [api, raw, yoga, liveServer, socketsApi, roster, board] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [Child?, Child?, Child?, Child?, Child?, Pool?, Pool?];
  const processes: Processes = { api, raw, yoga, ...(liveServer && roster && board && { live: { api: liveServer, socketsApi, pools: { roster, board } } }) };
  if (failed) {
    await stopProcesses(processes);
    throw (failed as PromiseRejectedResult).reason;
  }
  if (socketsApi && liveSplit.niceWsApi !== undefined) setPriority(socketsApi.pid, liveSplit.niceWsApi);
  trace('servers and client pools ready');
  return processes;
}

/** startProcesses, left to run while this process sets up; awaited later (before then, a failure is only kept). */
function startInBackground(databaseUrl: string): Promise<Processes> {
  const started = startProcesses(databaseUrl);
  started.catch(() => {});
  return started;
}

async function stopProcesses(p: Partial<Processes>): Promise<void> {
  await Promise.all([p.api?.stop(), p.raw?.stop(), p.yoga?.stop(), p.live?.api.stop(), p.live?.socketsApi?.stop(), p.live?.pools.roster.close(), p.live?.pools.board.close()]);
}

// ------------------------------------------------------------------------------------ the data

let scratch: ScratchDatabase | undefined;
let databaseUrl: string;
let starting: Promise<Processes> | undefined;
if (quick) {
  scratch = await createScratchDatabase('bench');
  databaseUrl = scratch.url;
  // The API children migrate and seed the demo city as `npm start` does, alongside this process
  // (the migrator and the seeder each take a lock, so one does the work and the others find it done).
  starting = startInBackground(databaseUrl);
} else {
  databaseUrl = CITY_URL;
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
}

trace('migrating and seeding');
const statements: string[] = [];
const db = await openDatabase({ databaseUrl, onQuery: (sql) => statements.push(sql) });
await migrate(db.sql);
let seeded = '';
if (quick) {
  await seedIfEmpty(db.prisma);
  seeded = 'demo city, seeded now';
} else if ((await db.prisma.site.count()) === 0) {
  console.log('Seeding the city-scale data (once; later runs reuse it) …');
  const started = performance.now();
  await db.sql.withSession((s) => seedCityScale(s));
  seeded = `city scale, seeded now in ${((performance.now() - started) / 1000).toFixed(0)} s`;
} else {
  seeded = 'city scale, seeded earlier';
}
// The city-scale data must exist before the API child starts (it would seed the demo city into an empty database).
starting ??= startInBackground(databaseUrl);
try {
  const [counts] = await db.sql.withSession((s) =>
    s.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM "Volunteer") AS volunteers, (SELECT count(*)::int FROM "Shift") AS shifts,
              (SELECT count(*)::int FROM "ShiftAssignment") AS assignments, (SELECT count(*)::int FROM "Site") AS sites,
              (SELECT setting FROM pg_settings WHERE name = 'server_version') AS postgres`,
    ),
  );

  // ------------------------------------------------------------------- 1. statements per operation

  const logger = createLogger('silent');
  const bus = createEventBus({ logger });
  const probe = liveProbe();
  const server = await startServer(
    { db, logger, pubsub: bus, env: 'production', tokens: tokenSettings, events: { listeners: probe.hooks }, sessionCacheMs: 1000 },
    { port: 0, host: '127.0.0.1' },
  );
  const phone = '+8619900009999';
  if (!(await db.prisma.account.findUnique({ where: { phone } }))) {
    await createAccount(db.prisma, { phone, password: 'bench-password', roles: [{ role: 'ADMIN' }] });
  }
  const { accessToken } = await login(db.prisma, tokenSettings, { phone, password: 'bench-password', ip: 'bench' });
  const bench: Bench = { db, server, bus, probe, statements, accessToken, runs: Number(process.env.BENCH_RUNS ?? (quick ? 2 : 10)) };

  const plan = await scenarios(db);
  if (quick) for (const scenario of plan.list) scenario.runs = scenario.runs.filter((run) => !run.rate || run.server === 'api');
  // The live scenarios' "normal query": the roster of an institute (before BENCH_ONLY filters the list).
  const normalQuery = plan.list.find((s) => s.name.startsWith('roster(institute'))!;
  if (only) plan.list = plan.list.filter((s) => s.name.includes(only));
  console.log(`\nDatabase: PostgreSQL ${counts!.postgres} — ${seeded}: ${counts!.sites} sites, ${counts!.volunteers} volunteers, ${counts!.shifts} shifts, ${counts!.assignments} assignments`);
  console.log(`Roster day: ${plan.date}${plan.note ? ` (${plan.note})` : ''}; ${bench.runs} sequential runs per operation\n`);
  // The child processes stay idle from here on until phase 2, so they do not disturb the timings.
  const processes = await starting;
  trace('statement table');
  // BENCH_ONLY also skips the statement table (for a quick look at one scenario, or a CPU profile).
  const statementRows = only ? [] : await statementTable(bench, plan.date);
  if (statementRows.length) printStatements(statementRows);

  // SQL per operation of each load scenario, counted on the in-process server.
  const post = poster(bench);
  const sqlOf = new Map<string, number>();
  for (const scenario of plan.list) {
    if (!scenario.graphql) continue;
    await post(scenario.graphql.query, scenario.graphql.variables);
    statements.length = 0;
    await post(scenario.graphql.query, scenario.graphql.variables);
    sqlOf.set(scenario.name, statements.length);
  }
  await server.close();
  await bus.close();

  // ------------------------------------------------------------------------------- 2. HTTP load

  trace('HTTP load');
  const children: Record<string, Child | undefined> = { api: processes.api, raw: processes.raw, yoga: processes.yoga };
  interface LoadRow extends LoadResult {
    scenario: string;
    server: string;
    sql: number | null;
    rssMb: number;
    peakMb: number;
  }
  const loadRows: LoadRow[] = [];
  for (const scenario of plan.list) {
    for (const run of scenario.runs) {
      const child = children[run.server]!;
      const target = run.server === 'raw' ? { url: `${child.url}${scenario.raw!.path}`, body: scenario.raw!.body } : { url: child.url, body: scenario.graphql ?? { query: '{ __typename }' } };
      const result = await load({
        ...target,
        headers: run.server === 'yoga' ? {} : { authorization: `Bearer ${accessToken}` },
        rate: run.rate,
        connections: 20,
        seconds: SECONDS,
        check: scenario.check,
      });
      loadRows.push({ scenario: scenario.name, server: run.server, sql: run.server === 'api' ? (sqlOf.get(scenario.name) ?? null) : null, ...result, ...child.memory() });
      const last = loadRows[loadRows.length - 1]!;
      console.error(`  ${scenario.name} · ${run.server} · ${run.rate ? `${run.rate}/s` : 'flat out'}: ${last.perSecond} req/s, p99 ${last.p99} ms`);
    }
  }
  // The HTTP scenarios' servers are done.
  await Promise.all([processes.api?.stop(), processes.raw?.stop(), processes.yoga?.stop()]);

  // ------------------------------------------------------------------------------------- report

  const width = Math.max(0, ...loadRows.map((r) => r.scenario.length));
  if (loadRows.length) console.log(`\nHTTP load: ${SECONDS} s per run, flat out on 20 connections, a fixed rate as evenly spaced arrivals; latency per response in ms`);
  if (loadRows.length) console.log(`${'scenario'.padEnd(width)}  server  rate      req/s    p50    p95    p99  errors  late  SQL  RSS MB`);
  for (const r of loadRows) {
    const f = (n: number) => n.toFixed(1).padStart(6);
    console.log(
      `${r.scenario.padEnd(width)}  ${r.server.padEnd(6)}  ${(r.rate ? `${r.rate}/s` : 'max').padEnd(6)}  ${r.perSecond.toFixed(1).padStart(7)}  ${f(r.p50)} ${f(r.p95)} ${f(r.p99)}  ${String(r.errors).padStart(6)}  ${String(r.late).padStart(4)}  ${String(r.sql ?? '-').padStart(3)}  ${String(r.rssMb).padStart(6)}`,
    );
  }
  const flat = (scenario: string, serverName: string) => loadRows.find((r) => r.scenario === scenario && r.server === serverName && r.rate === null);
  const ratios = plan.list
    .filter((s) => s.ratio)
    .map((s) => {
      const ours = flat(s.name, 'api');
      const base = flat(s.name, s.ratio!);
      return { scenario: s.name, versus: s.ratio!, ratio: ours && base ? Math.round((ours.perSecond / base.perSecond) * 100) / 100 : null };
    });
  if (ratios.length) console.log('\nThroughput, ours ÷ baseline (flat out, same run):');
  for (const r of ratios) console.log(`  ${r.scenario.padEnd(width)}  vs ${r.versus.padEnd(4)}  ${r.ratio?.toFixed(2) ?? '-'}×`);

  // cityStats over the whole city (issue 12: under 200 ms).
  trace('cityStats');
  const cityStats = only ? [] : await cityStatsTimes(db, statements, bench.runs * 2);
  if (cityStats.length) console.log('\ncityStats (whole city)');
  for (const r of cityStats) console.log(`  ${r.period.padEnd(6)} median ${r.medianMs} ms, p90 ${r.p90Ms} ms, ${r.statements} statements`);

  // ------------------------------------------------------------------------ 3. live (WebSocket)

  const live = processes.live
    ? await runLive({ db, tokens: tokenSettings, ...processes.live, sizes, quick, seconds: SECONDS, query: { name: normalQuery.name, body: normalQuery.graphql! }, only })
    : null;

  // A quick run writes next to the city-scale results (bench/results.quick.json, not committed).
  const resultsFile = quick ? 'results.quick.json' : 'results.json';
  if (!only) writeFileSync(
    new URL(`./${resultsFile}`, import.meta.url),
    `${JSON.stringify(
      {
        when: new Date().toISOString(),
        mode: quick ? 'quick' : 'city',
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: counts!.postgres },
        data: { seeded, ...counts, rosterDate: plan.date },
        secondsPerRun: SECONDS,
        statements: statementRows,
        load: loadRows,
        ratios,
        cityStats,
        live,
      },
      null,
      2,
    )}\n`,
  );
  if (!only) console.log(`\nWrote bench/${resultsFile}`);
} finally {
  trace('stopping');
  // (If something failed before the processes were awaited, they are stopped once they have started.)
  await starting.then(stopProcesses, () => {});
  await db.close();
  await scratch?.drop();
}

// The outbox relay's throughput (events/s) on PostgreSQL, through Redis when it answers.
trace('relay throughput');
if (!only) await relayThroughput(quick ? 5_000 : 20_000);
trace('done');
export type { Scenario };
