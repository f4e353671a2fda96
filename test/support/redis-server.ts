import { createServer } from 'node:net';
import { ChildRun } from './process.js';

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A Redis server of the test's own, on a free port, without persistence — so a test can kill it
 * (an outage) and start it again on the same port, never touching the shared Redis.
 */
export class OwnRedis {
  private run: ChildRun | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.run?.running) throw new Error('redis-server is already running');
    this.run = new ChildRun('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await this.run.waitForLine(/Ready to accept connections/);
  }

  /** Kills the server at once (SIGKILL, as a crash or a network cut would look to clients). */
  async kill(): Promise<void> {
    const run = this.run;
    if (!run?.running) return;
    run.child.kill('SIGKILL');
    await run.exited;
  }
}
