/**
 * The live (WebSocket) scenarios of issue #10, against the API in a child process (src/main.ts as
 * `npm start` runs it, with WebSocket limits raised for the bench and bench/ws-sql-counter.ts
 * preloaded to count its SQL), with graphql-ws clients in separate processes (bench/ws-pool.ts):
 *
 *   1. N rosterChanged subscribers in 100 classes (filters × selection sets × roles) while the
 *      driver commits assignments at 10/s and then at 50/s: commit → client latency, lost,
 *      duplicated and unexpected events per subscriber, SQL per event.
 *   2. Memory per idle subscriber: the API's VmRSS before and after connecting them, ÷ N.
 *   3. A normal query's p99 (roster of an institute, 20/s) with no subscribers, with N idle, and
 *      while the N receive the 50/s burst.
 *   4. M dutyBoard(center) subscribers: SQL per change and change → snapshot at every subscriber.
 *
 * Commit time is the outbox row's `recordedAt`: the API's wall clock just before the transaction's
 * last statement (the outbox insert), which COMMIT follows, so latencies include those two round
 * trips. Arrival is the client process's wall clock when graphql-ws hands over the result; one
 * machine, one clock.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { TokenSettings } from '../src/auth/tokens.js';
import type { Database } from '../src/db/index.js';
import { type Child, load } from './load.js';
import { trace } from './trace.js';
import { countOf, type Pool, percentileOf } from './ws-clients.js';
import { createDriver, latestSequence, outboxRows } from './ws-driver.js';
import type { PhaseTally, SubscriberSpec } from './ws-protocol.js';
import { BOARD_SELECTIONS, buildWorld, gid } from './ws-world.js';
import { printLive, type LiveResults } from './ws-report.js';

export interface LiveOptions {
  db: Database;
  tokens: TokenSettings;
  /** The API in its child process, started with `liveApi` below (the caller stops it). */
  api: Child;
  /** BENCH_LIVE_SPLIT only: the second instance, which takes the subscribers' sockets (see liveSplit). */
  socketsApi?: Child;
  /** The client pools, started with `liveSizes`' process counts (the caller closes them). */
  pools: { roster: Pool; board: Pool };
  sizes: LiveSizes;
  quick: boolean;
  seconds: number;
  /** The "normal query" of scenario 3 (and its name). */
  query: { name: string; body: { query: string; variables: Record<string, unknown> } };
  /** Which of the two to run (names contain "ws"). */
  only?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STEADY_RATE = 10;
const BURST_RATE = 50;
const QUERY_RATE = 20;

/** Events committed per second over the phase (by their recordedAt). */
function commitRate(rows: { recordedAt: number }[]): number {
  if (rows.length < 2) return rows.length;
  const span = (rows[rows.length - 1]!.recordedAt - rows[0]!.recordedAt) / 1000;
  return Math.round(((rows.length - 1) / span) * 10) / 10;
}

function openFilesLimit(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s{2,}/)[1] ?? NaN);
}

export interface LiveSizes {
  subscribers: number;
  boards: number;
  /** Duty-board changes measured. */
  changes: number;
  /** Client processes for the rosterChanged subscribers and for the dutyBoard ones. */
  rosterPools: number;
  boardPools: number;
}

export function liveSizes(quick: boolean): LiveSizes {
  const subscribers = Number(process.env.BENCH_WS_SUBSCRIBERS ?? (quick ? 500 : 10_000));
  const boards = Number(process.env.BENCH_WS_BOARDS ?? (quick ? 100 : 1_000));
  const rosterPools = Math.max(1, Math.min(Number(process.env.BENCH_WS_POOLS ?? 4), Math.ceil(subscribers / 250)));
  return { subscribers, boards, changes: Number(process.env.BENCH_WS_BOARD_CHANGES ?? (quick ? 2 : 10)), rosterPools, boardPools: Math.max(1, Math.min(rosterPools, Math.ceil(boards / 250))) };
}

/**
 * A diagnostic of the burst (BENCHMARKS.md, "This round (2026-12-04): where the burst's query time goes"):
 * BENCH_LIVE_SPLIT=1 starts a second live API instance that takes the subscribers' sockets, while
 * the driver's writes and the normal query go to the first, as if the fan-out had a process of its
 * own; BENCH_NICE_WS_API=<n> and BENCH_NICE_POOLS=<n> then lower the CPU priority (nice) of that
 * instance and of the client pools. Memory is read from the sockets' instance; SQL is summed over
 * both.
 */
export const liveSplit = {
  split: process.env.BENCH_LIVE_SPLIT === '1',
  niceWsApi: process.env.BENCH_NICE_WS_API === undefined ? undefined : Number(process.env.BENCH_NICE_WS_API),
  nicePools: process.env.BENCH_NICE_POOLS === undefined ? undefined : Number(process.env.BENCH_NICE_POOLS),
};

/**
 * How the API child of the live scenarios runs: src/main.ts with bench/ws-sql-counter.ts preloaded
 * and an IPC channel to ask it, --expose-gc (the counter collects garbage on request, so RSS is
 * read after a full GC), and the WebSocket caps lifted for the subscribers, who all connect from
 * 127.0.0.1 (bench only). BENCH_API_NODE_ARGS (e.g. "--trace-gc", "--cpu-prof") and BENCH_API_LOG
 * (a file for its output) help diagnose it.
 */
export function liveApi(sizes: LiveSizes): { env: Record<string, string>; nodeArgs: string[]; options: { preload: string[]; ipc: true; logTo?: string } } {
  return {
    env: {
      WS_MAX_CONNECTIONS_PER_IP: '100000',
      WS_MAX_CONNECTIONS: String(Math.max(sizes.subscribers, sizes.boards) + 1_000),
      // Two instances share their events as in production: through the outbox and Redis.
      ...(liveSplit.split && { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' }),
    },
    nodeArgs: ['--expose-gc', ...(process.env.BENCH_API_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [])],
    options: { preload: ['./bench/ws-sql-counter.ts'], ipc: true, ...(process.env.BENCH_API_LOG && { logTo: process.env.BENCH_API_LOG }) },
  };
}

export async function runLive(options: LiveOptions): Promise<LiveResults> {
  const { db, tokens, quick, seconds, api } = options;
  // How long after an assignment its SQL is counted: it must cover a duty-board snapshot (250 ms
  // window + work; 600 ms is enough on the demo city).
  const changeWindowMs = quick ? 600 : 1_000;
  const wanted = (name: string) => !options.only || name.includes(options.only);
  const runRoster = wanted('ws: rosterChanged');
  const runBoard = wanted('ws: dutyBoard');
  let { subscribers } = options.sizes;
  const { boards, changes, rosterPools: poolSize } = options.sizes;
  const shifts = 20;
  trace('live: building the world');
  // One round before calibrating, up to 10 rounds to make sure every subscriber listens, the rest.
  const planned = (s: number) => 12 * s + 10 + (STEADY_RATE + BURST_RATE) * seconds + changes;
  const world = await buildWorld(db, tokens, { shifts, mutations: planned });
  const mutationsPlanned = planned(world.shifts.length);
  const roleKinds: Record<string, number> = {};
  for (const c of world.classes) roleKinds[c.role.kind] = (roleKinds[c.role.kind] ?? 0) + 1;
  const results: LiveResults = { subscribers, boards, pools: poolSize, classes: world.classes.length, classRoles: roleKinds, benchShifts: world.shifts.length, seconds, loadAverage: { before: loadavg().map((n) => Math.round(n * 100) / 100) }, notes: [] };

  // The instance the subscribers connect to: the API, or the second one of BENCH_LIVE_SPLIT.
  const sockets = options.socketsApi ?? api;
  if (options.socketsApi) results.notes.push(`BENCH_LIVE_SPLIT: subscribers on a second API instance (pid ${sockets.pid}), writes and the normal query on the first; nice: instance ${liveSplit.niceWsApi ?? 0}, client pools ${liveSplit.nicePools ?? 0}`);
  const wsUrl = sockets.url.replace(/^http/, 'ws');
  const afterGc = async () => (await sockets.ask({ type: 'gc' })) as { rssKb: number; heapKb: number };
  const instances = options.socketsApi ? [api, options.socketsApi] : [api];
  const sql = async () => {
    const counts = await Promise.all(instances.map((i) => i.ask({ type: 'sql' }) as Promise<{ total: number }>));
    return counts.reduce((sum, c) => sum + c.total, 0);
  };
  const fdLimit = openFilesLimit(sockets.pid);
  results.openFilesLimit = fdLimit;
  if (subscribers + 500 > fdLimit) {
    results.notes.push(`open-files limit ${fdLimit} (ulimit -n, hard): subscribers capped from ${subscribers} to ${fdLimit - 500}`);
    subscribers = results.subscribers = fdLimit - 500;
  }
  const driver = createDriver(api.url, world);
  if (driver.capacity < mutationsPlanned) results.notes.push(`only ${world.volunteerIds.length} active volunteers for ${world.shifts.length} shifts: the driver may run out of pairs`);
  // The API's own background SQL (the notification worker polls every second), per second.
  let background = 0;
  /** Waits until the API sends no more SQL than its background for a second (at most a minute). */
  const quiet = async () => {
    const step = quick ? 500 : 1_000;
    for (let waited = 0; waited < 60_000; waited += step) {
      const before = await sql();
      await sleep(step);
      if ((await sql()) - before <= (background * step) / 1_000 + 2) return;
    }
  };
  const query = (label: string) =>
    load({ url: api.url, body: options.query.body, headers: { authorization: world.admin.authorization! }, rate: QUERY_RATE, connections: 10, seconds }).then((r) => ({ label, responses: r.requests, p50: r.p50, p95: r.p95, p99: r.p99, errors: r.errors }));

  try {
    // What one assignment costs the API with nobody listening, over the same window as a duty-board
    // change below (its asynchronous consequences, e.g. reminder jobs, included): the median of 5 (3 when quick).
    trace('live: SQL of one assignment, background SQL');
    await driver.round();
    const costs: number[] = [];
    const costRounds = quick ? 3 : 5;
    for (let i = 0; i < costRounds; i++) {
      const before = await sql();
      const started = performance.now();
      await driver.assign();
      await sleep(changeWindowMs - (performance.now() - started));
      costs.push((await sql()) - before);
    }
    const idle0 = await sql();
    const idleSeconds = quick ? 1 : 3;
    await sleep(idleSeconds * 1_000);
    background = results.backgroundSqlPerSecond = Math.round(((await sql()) - idle0) / idleSeconds);
    results.sqlPerMutation = costs.sort((a, b) => a - b)[Math.floor(costRounds / 2)]! - background * (changeWindowMs / 1000);
    // Warm the query up (JIT, plans, caches) before its first measured run.
    await load({ url: api.url, body: options.query.body, headers: { authorization: world.admin.authorization! }, rate: QUERY_RATE, connections: 10, seconds: 1 });

    if (runRoster) {
      results.query = { name: options.query.name, rate: QUERY_RATE, runs: [await query('no subscribers')] };
      // 2. memory per idle subscriber
      const pool = options.pools.roster;
      const specs: SubscriberSpec[] = Array.from({ length: subscribers }, (_, i) => {
        const cls = world.classes[i % world.classes.length]!;
        return { cls: i % world.classes.length, query: cls.query, variables: cls.variables, ...(cls.role.authorization && { authorization: cls.role.authorization }) };
      });
      const before = await afterGc();
      trace(`live: connecting ${subscribers} rosterChanged subscribers`);
      const connectStarted = performance.now();
      const connected = await pool.connect(wsUrl, specs);
      const connectMs = Math.round(performance.now() - connectStarted);
      const rssConnected = (await afterGc()).rssKb;
      if (connected.failed) results.notes.push(`${connected.failed} sockets failed to connect: ${connected.errors.join(' | ')}`);
      // Ready when every subscriber has received an event (a round of one assignment per bench shift).
      trace('live: readiness rounds');
      const readyStarted = performance.now();
      const mark = await latestSequence(db);
      let reached = 0;
      for (let round = 0; round < 10 && reached < connected.connected; round++) {
        await driver.round();
        reached = (await pool.waitFor(mark + 1, connected.connected, 10_000)).reached;
      }
      if (reached < connected.connected) results.notes.push(`${connected.connected - reached} subscribers never received an event before the run`);
      // Idle means idle: let the API finish delivering the readiness rounds first.
      const drainLimit = Number(process.env.BENCH_WS_DRAIN_MS ?? (quick ? 60_000 : 300_000));
      trace('live: drain, quiet');
      await pool.drain(quick ? 500 : 1_500, drainLimit);
      await quiet();
      const after = await afterGc();
      const per = (kb: number) => Math.round((kb / subscribers) * 10) / 10;
      results.memory = {
        rssBeforeKb: before.rssKb,
        rssConnectedKb: rssConnected,
        rssAfterKb: after.rssKb,
        perSubscriberKb: per(after.rssKb - before.rssKb),
        heapPerSubscriberKb: per(after.heapKb - before.heapKb),
        connectMs,
        readyMs: Math.round(performance.now() - readyStarted),
      };
      trace('live: query with idle subscribers');
      results.query.runs.push(await query(`${subscribers} idle subscribers`));
      trace('live: steady');

      // 1. steady, then burst (with the query at its rate alongside)
      const s0 = await latestSequence(db);
      // What the filters and roles call for from a range of the outbox, over all subscribers.
      const perClass = world.classes.map((_, i) => specs.filter((s) => s.cls === i).length);
      const due = async (after: number, through: number) => {
        const rows = await outboxRows(db, after, through);
        return world.classes.reduce((n, c, i) => n + perClass[i]! * rows.filter((e) => c.receives(e)).length, 0);
      };
      const received0 = (await pool.status(Number.MAX_SAFE_INTEGER)).received;
      const sqlSteady0 = await sql();
      const steadyStarted = performance.now();
      const steady = await driver.atRate(STEADY_RATE, seconds);
      const s1 = await latestSequence(db);
      const steadyDue = await due(s0, s1);
      const steadyDrain = await pool.drain(15_000, drainLimit, received0 + steadyDue);
      const steadySql = (await sql()) - sqlSteady0 - steady.mutations * results.sqlPerMutation - (background * (performance.now() - steadyStarted)) / 1000;
      trace('live: burst');
      const [burst, during] = await Promise.all([driver.atRate(BURST_RATE, seconds), query(`${subscribers} subscribers, ${BURST_RATE}/s burst`)]);
      const s2 = await latestSequence(db);
      const burstDrain = await pool.drain(15_000, drainLimit, received0 + steadyDue + (await due(s1, s2)));
      results.query.runs.push(during);

      trace('live: tallies');
      const rows = await outboxRows(db, s0, s2);
      const expected: Record<number, number[]> = {};
      world.classes.forEach((c, i) => (expected[i] = rows.filter((e) => c.receives(e)).map((e) => e.sequence)));
      const recordedAt = Object.fromEntries(rows.map((e) => [e.sequence, e.recordedAt]));
      const tallies = await pool.events([{ name: 'steady', after: s0, through: s1 }, { name: 'burst', after: s1, through: s2 }], expected, recordedAt);
      const status = await pool.status(0);
      const phase = (t: PhaseTally, run: typeof steady, from: number, to: number, drain: { ms: number }, sqlBeyond?: number) => ({
        name: `${t.name} ${run.mutations / seconds}/s`,
        mutations: run.mutations,
        mutationErrors: run.errors,
        mutationP50Ms: run.p50Ms,
        mutationP99Ms: run.p99Ms,
        events: to - from,
        eventsPerSecond: commitRate(rows.filter((e) => e.sequence > from && e.sequence <= to)),
        expected: t.expected,
        received: t.received,
        lost: t.lost,
        duplicated: t.duplicated,
        unexpected: t.unexpected,
        subscribersMissing: t.subscribersMissing,
        p50: percentileOf(t.latency, 50),
        p95: percentileOf(t.latency, 95),
        p99: percentileOf(t.latency, 99),
        max: percentileOf(t.latency, 100),
        measured: countOf(t.latency),
        drainMs: drain.ms,
        ...(drain.ms > drainLimit && { drainTimedOut: true }),
        ...(sqlBeyond != null && { sqlPerEvent: Math.round((sqlBeyond / Math.max(1, to - from)) * 10) / 10, sqlPerDelivery: Math.round((sqlBeyond / Math.max(1, t.received)) * 100) / 100 }),
      });
      results.phases = [phase(tallies[0]!, steady, s0, s1, steadyDrain, steadySql), phase(tallies[1]!, burst, s1, s2, burstDrain)];
      if (steady.firstError ?? burst.firstError) results.notes.push(`mutation error: ${steady.firstError ?? burst.firstError}`);
      results.clientResults = { partial: status.partial, empty: status.empty, closedSockets: status.closed, failed: status.failed, completed: status.completed, errors: status.errors };
      // Its sockets closed, so the API is back to idle for the duty board.
      await pool.close();
    }

    // 4. dutyBoard(center) subscribers, once the API has finished with the previous scenario
    if (runBoard) {
      trace('live: quiet before the duty board');
      await quiet();
      trace(`live: ${boards} dutyBoard subscribers, ${changes} changes`);
      const pool = options.pools.board;
      const specs: SubscriberSpec[] = Array.from({ length: boards }, (_, i) => {
        const role = world.boardRoles[i % world.boardRoles.length]!;
        const query = `subscription Board($id: ID!) { dutyBoard(siteId: $id) { ${BOARD_SELECTIONS[i % BOARD_SELECTIONS.length]} } }`;
        return { cls: 0, query, variables: { id: gid('Site', world.center.id) }, ...(role.authorization && { authorization: role.authorization }) };
      });
      const mark = await latestSequence(db);
      const connected = await pool.connect(wsUrl, specs);
      const first = await pool.waitFor(mark, connected.connected, 60_000);
      if (first.reached < connected.connected) results.notes.push(`${connected.connected - first.reached} dutyBoard subscribers got no first snapshot`);
      await sleep(500);
      const perChange: number[] = [];
      const made: { sequence: number; recordedAt: number }[] = [];
      for (let c = 0; c < changes; c++) {
        if (c === 0 && process.env.BENCH_WS_SQL_LOG) await api.ask({ type: 'recent' });
        const sql0 = await sql();
        const started = performance.now();
        const change = await driver.assign();
        if (change.error) results.notes.push(`dutyBoard change ${c + 1} failed: ${change.error}`);
        const sequence = await latestSequence(db);
        await pool.waitFor(sequence, connected.connected, 10_000);
        await sleep(Math.max(100, changeWindowMs - (performance.now() - started)));
        perChange.push(Math.round((await sql()) - sql0 - results.sqlPerMutation - (background * (performance.now() - started)) / 1000));
        // BENCH_WS_SQL_LOG=1: what the API sent for the first change (the assignment's own statements first).
        if (c === 0 && process.env.BENCH_WS_SQL_LOG) for (const text of ((await api.ask({ type: 'recent' })) as { texts: string[] }).texts) console.log(`    sql: ${text}`);
        const [row] = await outboxRows(db, sequence - 1, sequence);
        made.push({ sequence, recordedAt: row!.recordedAt });
      }
      const snaps = await pool.snapshots(made);
      const status = await pool.status(0);
      perChange.sort((a, b) => a - b);
      results.dutyBoard = {
        subscribers: connected.connected,
        failed: connected.failed,
        changes,
        sqlPerChange: perChange[Math.floor(perChange.length / 2)]!,
        sqlPerChangeMax: perChange[perChange.length - 1]!,
        p50: percentileOf(snaps.latency, 50),
        p95: percentileOf(snaps.latency, 95),
        p99: percentileOf(snaps.latency, 99),
        max: percentileOf(snaps.latency, 100),
        worstPerChange: snaps.worst.map((ms) => Math.round(ms)),
        missing: snaps.missing,
        partialResults: status.partial,
        errors: status.errors,
      };
    }
  } finally {
    trace('live: cleanup');
    await world.cleanup();
  }
  results.loadAverage.after = loadavg().map((n) => Math.round(n * 100) / 100);
  printLive(results);
  return results;
}
