import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json lives). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface LineWaiter {
  pattern: RegExp;
  resolve: (match: RegExpMatchArray) => void;
  reject: (error: Error) => void;
}

/**
 * A child process whose stdout and stderr are collected line by line, so a test can wait for a
 * line to be printed (a real signal) instead of sleeping.
 */
export class ChildRun {
  readonly child: ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  /** Resolves once the process has exited and its stdio streams are closed. */
  readonly closed: Promise<ExitStatus>;
  /**
   * Resolves as soon as the process itself has exited, even if a grandchild it left behind still
   * holds stdout open (so `closed` would never resolve).
   */
  readonly exited: Promise<ExitStatus>;
  private waiters: LineWaiter[] = [];
  private done = false;

  constructor(command: string, args: string[], options: SpawnOptions = {}) {
    this.child = spawn(command, args, { ...options, detached: false, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.stdout.push(line);
      for (const waiter of [...this.waiters]) {
        const match = line.match(waiter.pattern);
        if (match) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(match);
        }
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', () => resolve({ code: null, signal: null }));
    });
    this.closed = new Promise<ExitStatus>((resolve) => {
      const finish = (status: ExitStatus) => {
        if (this.done) return;
        this.done = true;
        for (const waiter of this.waiters) {
          waiter.reject(
            new Error(`process ended (${JSON.stringify(status)}) before printing ${waiter.pattern}\n${this.output()}`),
          );
        }
        this.waiters = [];
        resolve(status);
      };
      this.child.once('close', (code, signal) => finish({ code, signal }));
      this.child.once('error', (error) => {
        this.stderr.push(`spawn error: ${error.message}`);
        finish({ code: null, signal: null });
      });
    });
  }

  /** Resolves with the first stdout line (already printed or still to come) matching pattern. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    for (const line of this.stdout) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    if (this.done) return Promise.reject(new Error(`process ended without printing ${pattern}\n${this.output()}`));
    return new Promise((resolve, reject) => this.waiters.push({ pattern, resolve, reject }));
  }

  /** The stdout lines that are JSON objects (the structured log). */
  jsonLines(): Record<string, unknown>[] {
    return this.stdout.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return `--- stdout ---\n${this.stdout.join('\n')}\n--- stderr ---\n${this.stderr.join('\n')}`;
  }
}

/** Runs a command to completion. */
export async function runToExit(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<ExitStatus & { run: ChildRun }> {
  const run = new ChildRun(command, args, options);
  return { ...(await run.closed), run };
}

/** Every process below pid (children, grandchildren, …), found with ps. */
export function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  const children = out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** True if a process with this id exists and is not a zombie (exited, waiting to be reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** Sends signal to each pid that is still alive (processes this test started, by id). */
export function killAll(pids: number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
