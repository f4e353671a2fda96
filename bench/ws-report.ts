/** The live scenarios' figures (written to bench/results.json as `live`) and their printed table. */
import type { PhaseTally } from './ws-protocol.js';

export interface LivePhase
  extends Pick<PhaseTally, 'name' | 'expected' | 'received' | 'lost' | 'duplicated' | 'unexpected' | 'subscribersMissing'> {
  mutations: number;
  mutationErrors: number;
  mutationP50Ms: number;
  mutationP99Ms: number;
  events: number;
  eventsPerSecond: number;
  /** Commit (outbox recordedAt) → arrival at the client, ms. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  measured: number;
  /** From the last mutation's response until every due delivery arrived (or nothing more for 15 s), ms. */
  drainMs: number;
  /** The drain hit its limit (BENCH_WS_DRAIN_MS) while events were still arriving: "lost" includes late ones. */
  drainTimedOut?: boolean;
  /** SQL beyond the mutations' own, per event and per delivery (steady phase only: the burst shares the API with the query). */
  sqlPerEvent?: number;
  sqlPerDelivery?: number;
}

export interface LiveResults {
  subscribers: number;
  boards: number;
  pools: number;
  classes: number;
  /** Classes per role kind (anonymous, admin, manager, board). */
  classRoles: Record<string, number>;
  /** Shifts the driver writes to (far in the future, removed afterwards). */
  benchShifts: number;
  seconds: number;
  /** os.loadavg() when the live scenarios started and ended (the machine is shared). */
  loadAverage: { before: number[]; after?: number[] };
  openFilesLimit?: number;
  /** SQL of one assignVolunteer (and what it triggers within 1 s), background excluded. */
  sqlPerMutation?: number;
  /** The API's SQL per second with nothing happening (the notification worker's polling). */
  backgroundSqlPerSecond?: number;
  memory?: { rssBeforeKb: number; rssConnectedKb: number; rssAfterKb: number; perSubscriberKb: number; heapPerSubscriberKb: number; connectMs: number; readyMs: number };
  query?: { name: string; rate: number; runs: { label: string; responses: number; p50: number; p95: number; p99: number; errors: number }[] };
  phases?: LivePhase[];
  clientResults?: { partial: number; empty: number; closedSockets: number; failed: number; completed: number; errors: string[] };
  dutyBoard?: {
    subscribers: number;
    failed: number;
    changes: number;
    sqlPerChange: number;
    sqlPerChangeMax: number;
    p50: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
    worstPerChange: number[];
    missing: number;
    partialResults: number;
    errors: string[];
  };
  notes: string[];
}

const ms = (n: number | null | undefined) => (n == null ? '-' : String(Math.round(n))).padStart(6);

export function printLive(r: LiveResults) {
  console.log(`\nLive (WebSocket): graphql-ws clients in ${r.pools} processes; latency = outbox recordedAt (commit) → arrival at the client, ms`);
  if (r.sqlPerMutation != null) {
    console.log(`  one assignVolunteer with nobody listening costs ${r.sqlPerMutation} SQL statements within 1 s (pg wire, incl. BEGIN/COMMIT and its reminder jobs);`);
    console.log(`  the API's background SQL is ${r.backgroundSqlPerSecond}/s (notification polling); both are subtracted from the SQL figures below`);
  }
  if (r.phases) {
    const roles = Object.entries(r.classRoles).map(([kind, n]) => `${n} ${kind}`).join(', ');
    console.log(`\n${r.subscribers} rosterChanged subscribers in ${r.classes} classes (filter × selection set × role: ${roles}); writes spread over ${r.benchShifts} shifts`);
    console.log('phase        mutations  commits/s deliveries  received   lost  dup  unexp    p50    p95    p99    max  drain ms  SQL/event  SQL/delivery');
    for (const p of r.phases) {
      console.log(
        `${p.name.padEnd(12)} ${String(p.mutations).padStart(9)}  ${p.eventsPerSecond.toFixed(1).padStart(8)}  ${String(p.expected).padStart(10)}  ${String(p.received).padStart(8)}  ${String(p.lost).padStart(5)}  ${String(p.duplicated).padStart(3)}  ${String(p.unexpected).padStart(5)} ${ms(p.p50)} ${ms(p.p95)} ${ms(p.p99)} ${ms(p.max)}  ${String(p.drainMs).padStart(8)}  ${String(p.sqlPerEvent ?? '-').padStart(9)}  ${String(p.sqlPerDelivery ?? '-').padStart(12)}`,
      );
      if (p.drainTimedOut) console.log(`  still arriving when the drain limit was reached: "lost" counts late events too`);
      if (p.mutationErrors) console.log(`  ${p.mutationErrors} of ${p.mutations} mutations failed`);
    }
    if (r.clientResults) {
      console.log(`  results with GraphQL errors (partial data): ${r.clientResults.partial}; without a sequence: ${r.clientResults.empty}; sockets closed: ${r.clientResults.closedSockets}; subscriptions failed: ${r.clientResults.failed}, completed by the server: ${r.clientResults.completed}`);
      for (const error of r.clientResults.errors) console.log(`    e.g. ${error}`);
    }
  }
  if (r.memory) {
    const m = r.memory;
    console.log(
      `\nMemory per idle subscriber${r.subscribers < 2_000 ? ' (RSS moves by tens of MB between GCs: at this N only the heap figure means much)' : ''}: API VmRSS ${Math.round(m.rssBeforeKb / 1024)} MB → ${Math.round(m.rssConnectedKb / 1024)} MB connected → ${Math.round(m.rssAfterKb / 1024)} MB with ${r.subscribers} subscribed (after a full GC each time): ${m.perSubscriberKb} KB each (V8 heap: ${m.heapPerSubscriberKb} KB each) (connected in ${m.connectMs} ms, all receiving after ${m.readyMs} ms)`,
    );
  }
  if (r.query) {
    console.log(`\n${r.query.name} at ${r.query.rate}/s, ms:`);
    const idle = r.query.runs[1] ?? r.query.runs[0];
    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-').padStart(6);
    for (const q of r.query.runs) {
      const ratio = idle && q !== idle && q !== r.query.runs[0] && Number.isFinite(q.p99) ? `  (${(q.p99 / idle.p99).toFixed(2)}× the idle p99)` : '';
      const none = q.responses === 0 ? `  — no response within the ${r.seconds} s run (all slower than that)` : '';
      console.log(`  ${q.label.padEnd(40)} ${String(q.responses).padStart(4)} responses  p50 ${f(q.p50)}  p95 ${f(q.p95)}  p99 ${f(q.p99)}  errors ${q.errors}${ratio}${none}`);
    }
  }
  if (r.dutyBoard) {
    const b = r.dutyBoard;
    console.log(
      `\n${b.subscribers} dutyBoard(center) subscribers, ${b.changes} changes: ${b.sqlPerChange} SQL per change (median; max ${b.sqlPerChangeMax}); change → snapshot p50 ${ms(b.p50).trim()}, p95 ${ms(b.p95).trim()}, p99 ${ms(b.p99).trim()}, max ${ms(b.max).trim()} ms; missing ${b.missing}`,
    );
    if (b.partialResults) console.log(`  snapshots with GraphQL errors (partial data): ${b.partialResults}`);
    for (const error of b.errors) console.log(`    e.g. ${error}`);
  }
  console.log(`  load average: ${r.loadAverage.before.join(' ')} at the start, ${r.loadAverage.after?.join(' ') ?? '-'} at the end`);
  for (const note of r.notes) console.log(`  note: ${note}`);
}
