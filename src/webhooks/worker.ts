import type { Clock } from '../common/clock.js';
import type { PrismaClient } from '../db/index.js';
import type { Logger } from '../logger.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, settleWebhookChannel, signPayload } from './service.js';

/*
 * The delivery worker: takes due delivery rows, POSTs them, and records each attempt.
 *
 * - Nothing waits on anything else: each `tick()` starts the due deliveries it may and returns at
 *   once; each request has its own timeout; at most `concurrency` requests run, at most
 *   `perEndpoint` of them to one endpoint, and the rows taken are chosen per endpoint first (no
 *   more than `perEndpoint` of one endpoint's backlog per tick), so a slow or dead endpoint holds
 *   a few slots of its own and never the others'.
 * - Several instances may run it: a row is taken with FOR UPDATE SKIP LOCKED and leased until the
 *   request's timeout has passed; a worker that dies mid-request leaves a lease that runs out, and
 *   another sends the row again (the receiver deduplicates on the Idempotency-Key).
 * - Time comes from the injected clock; a failed attempt is retried after 30 s, 1 min, 2 min, …
 *   doubling up to 1 h between attempts, until 24 h after the delivery was queued (then FAILED).
 * - The server calls `tick()` every `pollMs`; tests turn that off (pollMs: 0) and call it themselves.
 */

export interface WebhookWorkerOptions {
  /** Most requests in flight at once (default 16). */
  concurrency?: number;
  /** Most requests in flight to one endpoint (default 2). */
  perEndpoint?: number;
  /** Each request's timeout (default 10 s). */
  timeoutMs?: number;
  /** How often the server ticks the worker; 0 = never by itself (tests tick it). Default 1 s. */
  pollMs?: number;
  /** First retry delay (default 30 s); each further one doubles, up to maxBackoffMs. */
  baseBackoffMs?: number;
  /** Longest wait between attempts (default 1 h). */
  maxBackoffMs?: number;
}

export interface WebhookWorker {
  /** Starts every due delivery it has room for; resolves with their ids once they have started (not finished). */
  tick(): Promise<number[]>;
  /** Resolves when every request started so far has finished and been recorded. */
  idle(): Promise<void>;
  /** Resolves when the given deliveries' requests (those in flight here) have finished and been recorded. */
  whenDone(ids: readonly number[]): Promise<void>;
  /** How many requests are in flight in this instance. */
  inFlight(): number;
  start(): void;
  /** Stops ticking and cuts the requests in flight (they are sent again later, not counted as attempts). */
  stop(): Promise<void>;
}

/** The wait before the next attempt after `attempts` failed ones. */
export function backoffMs(attempts: number, base = 30_000, max = 3_600_000): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

interface Claimed {
  id: number;
  endpointId: number;
  url: string;
  secret: string;
  /** The notification's global ID (its WEBHOOK channel row mirrors this delivery). */
  notificationId: string;
  body: string;
  idempotencyKey: string;
  attempts: number;
  giveUpAt: Date;
}

export function createWebhookWorker(
  deps: { prisma: PrismaClient; clock: Clock; logger: Logger },
  options: WebhookWorkerOptions = {},
): WebhookWorker {
  const { prisma, clock, logger } = deps;
  const concurrency = options.concurrency ?? 16;
  const perEndpoint = options.perEndpoint ?? 2;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 1_000;
  const base = options.baseBackoffMs ?? 30_000;
  const max = options.maxBackoffMs ?? 3_600_000;
  const running = new Map<number, Promise<void>>();
  const perEndpointRunning = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number[]> | undefined;
  let stopped = false;
  // Aborts requests in flight when the worker stops; those rows are given back untouched.
  let shutdown = new AbortController();

  async function claim(limit: number): Promise<Claimed[]> {
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + timeoutMs + 5_000);
    const full = [...perEndpointRunning].filter(([, n]) => n >= perEndpoint).map(([id]) => id);
    // The oldest due rows of each endpoint (at most perEndpoint each), then the oldest of those overall.
    const rows = await prisma.$queryRaw<{ id: number; endpointId: number }[]>`
      UPDATE "WebhookDelivery" SET "leaseUntil" = ${leaseUntil}
      WHERE "id" IN (
        SELECT d."id" FROM "WebhookDelivery" d
        WHERE d."id" IN (
          SELECT "id" FROM (
            SELECT "id", row_number() OVER (PARTITION BY "endpointId" ORDER BY "nextAttemptAt", "id") AS rank
            FROM "WebhookDelivery"
            WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now}
              AND ("leaseUntil" IS NULL OR "leaseUntil" <= ${now})
              AND NOT ("endpointId" = ANY(${full}::int[]))
          ) ranked WHERE rank <= ${perEndpoint}
        )
        ORDER BY d."nextAttemptAt", d."id"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING "id", "endpointId"`;
    if (!rows.length) return [];
    // Trim to what each endpoint still has room for here; give the rest back at once.
    const taken: number[] = [];
    const returned: number[] = [];
    const counts = new Map(perEndpointRunning);
    for (const row of rows.sort((a, b) => a.id - b.id)) {
      const n = counts.get(row.endpointId) ?? 0;
      if (n < perEndpoint) {
        counts.set(row.endpointId, n + 1);
        taken.push(row.id);
      } else returned.push(row.id);
    }
    if (returned.length) await prisma.webhookDelivery.updateMany({ where: { id: { in: returned } }, data: { leaseUntil: null } });
    const deliveries = await prisma.webhookDelivery.findMany({
      where: { id: { in: taken } },
      select: { id: true, endpointId: true, notificationId: true, body: true, idempotencyKey: true, attempts: true, giveUpAt: true, endpoint: { select: { url: true, secret: true } } },
      orderBy: { id: 'asc' },
    });
    return deliveries.map((d) => ({ ...d, url: d.endpoint.url, secret: d.endpoint.secret }));
  }

  async function send(delivery: Claimed): Promise<void> {
    const attemptAt = clock.now();
    const timestamp = Math.floor(attemptAt.getTime() / 1000);
    const attempt = delivery.attempts + 1;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown.signal]),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'volunteer-service-webhooks/1',
          [SIGNATURE_HEADER]: signPayload(delivery.secret, timestamp, delivery.body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [IDEMPOTENCY_HEADER]: delivery.idempotencyKey,
          'x-webhook-attempt': String(attempt),
        },
        body: delivery.body,
      });
      statusCode = response.status;
      if (response.status < 200 || response.status >= 300) {
        const text = (await response.text().catch(() => '')).slice(0, 200);
        error = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
      } else {
        await response.body?.cancel().catch(() => undefined);
      }
    } catch (cause) {
      if (shutdown.signal.aborted) {
        // Not an attempt: the row is due again at once for whichever worker runs next.
        await prisma.webhookDelivery.updateMany({ where: { id: delivery.id }, data: { leaseUntil: null } });
        return;
      }
      const e = cause as Error & { cause?: { code?: string; message?: string } };
      error =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `timed out after ${timeoutMs} ms`
          : `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`.slice(0, 300);
    }
    const now = clock.now();
    if (error == null) {
      await prisma.webhookDelivery.updateMany({
        where: { id: delivery.id },
        data: { status: 'DELIVERED', attempts: attempt, lastStatusCode: statusCode, lastError: null, lastAttemptAt: attemptAt, deliveredAt: now, nextAttemptAt: null, leaseUntil: null },
      });
      await settleWebhookChannel(prisma, delivery.notificationId, now);
      return;
    }
    const next = new Date(now.getTime() + backoffMs(attempt, base, max));
    const givesUp = next.getTime() > delivery.giveUpAt.getTime();
    await prisma.webhookDelivery.updateMany({
      where: { id: delivery.id },
      data: {
        status: givesUp ? 'FAILED' : 'PENDING',
        attempts: attempt,
        lastStatusCode: statusCode,
        lastError: error,
        lastAttemptAt: attemptAt,
        nextAttemptAt: givesUp ? null : next,
        leaseUntil: null,
      },
    });
    await settleWebhookChannel(prisma, delivery.notificationId, now);
    logger.warn({ deliveryId: delivery.id, endpointId: delivery.endpointId, attempt, error, givesUp }, 'webhook delivery failed');
  }

  function launch(delivery: Claimed) {
    perEndpointRunning.set(delivery.endpointId, (perEndpointRunning.get(delivery.endpointId) ?? 0) + 1);
    const job = send(delivery)
      .catch((error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded'))
      .finally(() => {
        running.delete(delivery.id);
        const n = (perEndpointRunning.get(delivery.endpointId) ?? 1) - 1;
        if (n > 0) perEndpointRunning.set(delivery.endpointId, n);
        else perEndpointRunning.delete(delivery.endpointId);
      });
    running.set(delivery.id, job);
  }

  async function runTick(): Promise<number[]> {
    const room = concurrency - running.size;
    if (room <= 0 || stopped) return [];
    const claimed = await claim(room);
    for (const delivery of claimed) launch(delivery);
    return claimed.map((d) => d.id);
  }

  const worker: WebhookWorker = {
    tick() {
      // One claim at a time per instance; a tick during a tick waits for it, then claims again.
      const next = (ticking ?? Promise.resolve([])).catch(() => []).then(runTick);
      ticking = next;
      return next;
    },
    async idle() {
      while (running.size) await Promise.all(running.values());
    },
    async whenDone(ids) {
      await Promise.all(ids.map((id) => running.get(id)));
    },
    inFlight: () => running.size,
    start() {
      stopped = false;
      if (shutdown.signal.aborted) shutdown = new AbortController();
      if (timer || pollMs <= 0) return;
      timer = setInterval(() => {
        worker.tick().catch((error: unknown) => logger.error({ err: error }, 'webhook worker tick failed'));
      }, pollMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking?.catch(() => undefined);
      shutdown.abort();
      await worker.idle();
    },
  };
  return worker;
}
