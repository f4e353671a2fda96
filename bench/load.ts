/**
 * Load for the benchmark: servers in child processes (so the load generator never shares their
 * event loop) and autocannon at a fixed rate or flat out, with per-response latencies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface Child {
  name: string;
  url: string;
  /** Resident memory now and at its peak, in MB (Linux /proc). */
  memory(): { rssMb: number; peakMb: number };
  /** Resident memory now in KB (VmRSS). */
  rssKb(): number;
  pid: number;
  /** Sends a message over the IPC channel (only with `options.ipc`) and resolves with the next reply. */
  ask(message: unknown): Promise<any>;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` and waits for a line matching `ready` (its first group is the
 * URL). `options.preload`: modules imported after tsx (e.g. bench/ws-sql-counter.ts); `options.ipc`:
 * open an IPC channel; `options.logTo`: a file that receives the child's output after it is ready
 * (e.g. with --trace-gc), instead of discarding it.
 */
export async function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  nodeArgs: string[] = [],
  options: { preload?: string[]; ipc?: boolean; logTo?: string } = {},
): Promise<Child> {
  const preload = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...preload, script], {
    env: { ...process.env, ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)));
  });
  if (options.logTo) {
    const log = createWriteStream(options.logTo, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  } else child.stdout!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kb = (field: string) => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? NaN);
  };
  return {
    name,
    url,
    pid: child.pid!,
    memory() {
      return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
    },
    rssKb: () => kb('VmRSS'),
    ask(message) {
      return new Promise((resolve) => {
        child.once('message', resolve);
        child.send!(message as never);
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface LoadOptions {
  url: string;
  body: unknown;
  headers: Record<string, string>;
  /**
   * Requests per second, arriving evenly spaced (see `load`); flat out over `connections` when
   * omitted.
   */
  rate?: number;
  /** Connections for a flat-out run (a fixed rate uses one connection per request per second). */
  connections: number;
  seconds: number;
  /** Checks one response body before the run (e.g. no GraphQL errors). */
  check?: (body: any) => void;
}

export interface LoadResult {
  rate: number | null;
  requests: number;
  perSecond: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  /**
   * At a fixed rate: the responses that came back later than the next request was due on their
   * connection (each connection sends one request a second). A request is then sent late and its
   * latency understates the wait (coordinated omission), so a non-zero count marks an overloaded run.
   */
  late: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;
const MAX_PACED_CONNECTIONS = 200;

/**
 * Runs autocannon against one URL. Flat out: `connections` connections, each sending its next
 * request as soon as the last is answered. At a fixed rate: arrivals spaced evenly, 1000/rate ms
 * apart — one autocannon instance per request per second, each one connection at 1 req/s, started
 * 1000/rate ms after the one before. (autocannon's own `overallRate` lets every connection send its
 * share back to back at the start of each second, so "20 req/s" arrived as bursts of 10
 * simultaneous requests and measured queueing behind the burst, not latency at that rate.)
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const body = JSON.stringify(options.body);
  const headers = { 'content-type': 'application/json', ...options.headers };
  const probe = await fetch(options.url, { method: 'POST', headers, body });
  const json = await probe.json();
  if (!probe.ok || json.errors) throw new Error(`${options.url}: ${probe.status} ${JSON.stringify(json).slice(0, 400)}`);
  options.check?.(json);

  const times: number[] = [];
  let lastResponse = 0;
  /** Requests answered, and those that failed (a transport error, a timeout or a non-2xx status). */
  type Tally = { requests: number; errors: number };
  // A paced instance sends exactly `seconds` requests (one a second) and is done with its last
  // answer: it is counted here and not awaited, because autocannon reports only at the end of
  // its second's tick, up to a second later.
  const run = (connections: number, rate?: number) =>
    new Promise<Tally>((resolve, reject) => {
      const amount = Math.max(1, Math.round(options.seconds * (rate ?? 0)));
      const length = rate ? { amount, overallRate: rate } : { duration: options.seconds };
      const paced = { requests: 0, errors: 0 };
      let answered = 0;
      const settled = () => (answered += 1) === amount && resolve(paced);
      const instance = autocannon(
        { url: options.url, method: 'POST', headers, body, connections, ...length },
        (error, done) => {
          if (error) reject(error);
          else if (!rate) resolve({ requests: done.requests.total, errors: done.errors + done.non2xx + done.timeouts });
        },
      );
      instance.on('response', (_client, status, _bytes, responseTime) => {
        times.push(responseTime);
        lastResponse = performance.now();
        if (!rate) return;
        paced.requests += 1;
        if (status < 200 || status > 299) paced.errors += 1;
        settled();
      });
      if (rate) {
        instance.on('reqError', () => {
          paced.errors += 1;
          settled();
        });
      }
    });
  let results: Tally[];
  const started = performance.now();
  if (!options.rate) {
    results = [await run(options.connections)];
  } else {
    const paced = Math.round(options.rate);
    if (paced < 1 || paced > MAX_PACED_CONNECTIONS) throw new Error(`a fixed rate must be 1 to ${MAX_PACED_CONNECTIONS} req/s, not ${options.rate}`);
    const spacing = 1000 / paced;
    const runs: Promise<Tally>[] = [];
    for (let i = 0; i < paced; i++) {
      runs.push(run(1, 1));
      if (i < paced - 1) await new Promise((resolve) => setTimeout(resolve, spacing));
    }
    results = await Promise.all(runs);
  }
  times.sort((a, b) => a - b);
  const total = results.reduce((n, r) => n + r.requests, 0);
  return {
    rate: options.rate ?? null,
    requests: total,
    // Flat out: over the fixed duration. Paced: from the first request to the last response (not
    // to the instances' end, a second's tick later), so a server that falls behind shows a lower
    // rate than was asked.
    perSecond: round(total / (options.rate ? ((lastResponse || performance.now()) - started) / 1000 : options.seconds)),
    errors: results.reduce((n, r) => n + r.errors, 0),
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
    late: options.rate ? times.filter((t) => t > 1000).length : 0,
  };
}
