/**
 * Load for the benchmark: servers in child processes (so the load generator never shares their
 * event loop) and autocannon at a fixed rate or flat out, with per-response latencies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
 * open an IPC channel.
 */
export async function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  nodeArgs: string[] = [],
  options: { preload?: string[]; ipc?: boolean } = {},
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
  child.stdout!.resume();
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
  /** Requests per second over all connections; flat out when omitted. */
  rate?: number;
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
  /** autocannon's own percentiles, corrected for coordinated omission at a fixed rate. */
  corrected: { p50: number; p90: number; p97_5: number; p99: number };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;

export async function load(options: LoadOptions): Promise<LoadResult> {
  const body = JSON.stringify(options.body);
  const headers = { 'content-type': 'application/json', ...options.headers };
  const probe = await fetch(options.url, { method: 'POST', headers, body });
  const json = await probe.json();
  if (!probe.ok || json.errors) throw new Error(`${options.url}: ${probe.status} ${JSON.stringify(json).slice(0, 400)}`);
  options.check?.(json);

  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers,
        body,
        connections: options.connections,
        duration: options.seconds,
        ...(options.rate ? { overallRate: options.rate } : {}),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  times.sort((a, b) => a - b);
  return {
    rate: options.rate ?? null,
    requests: result.requests.total,
    perSecond: round(result.requests.total / options.seconds),
    errors: result.errors + result.non2xx + result.timeouts,
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
    corrected: { p50: result.latency.p50, p90: result.latency.p90, p97_5: result.latency.p97_5, p99: result.latency.p99 },
  };
}
