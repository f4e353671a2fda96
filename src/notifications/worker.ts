import type { Clock } from '../common/clock.js';
import type { PrismaClient } from '../db/index.js';
import type { ListenerHooks } from '../events/feed.js';
import type { Logger } from '../logger.js';
import { fanOutBroadcasts } from './broadcast.js';
import { RESCHEDULING_KINDS, deriveFromEvent, outboxRowsAfter } from './derive.js';
import { NotificationHub } from './hub.js';
import { runDueReminders, syncShiftReminders } from './reminders.js';
import { type NotificationDraft, storeNotifications } from './store.js';

/** pg_advisory_xact_lock key of the notification worker: one pass at a time across instances ('notify'). */
export const NOTIFY_LOCK_KEY = 0x6e6f74696679n;
/** The worker's row in notification_cursor. */
export const ROSTER_CONSUMER = 'roster';
/** Outbox rows per pass. */
const EVENT_BATCH = 200;

export interface NotificationOptions {
  /** How often the worker looks for due reminders, broadcasts and other instances' events, and live subscribers for new rows (ms); 0: only when told (tests tick by hand). Default 1000. */
  pollMs?: number;
  /** Runs at the end of each pass, before its commit (a test throws here to crash a pass half done). */
  beforeCommit?: () => void;
}

/**
 * The notification worker of one instance. Each pass is one transaction holding the worker's
 * advisory lock (so two instances take turns) and the consumer's cursor row FOR UPDATE: it reads
 * the committed outbox rows after the cursor, makes their notifications, brings the shifts'
 * reminder jobs in line, moves the cursor, fires the reminder jobs due by the injected clock and
 * fans out new broadcasts — all or nothing. A crash before the commit leaves everything to the next
 * pass; after it, nothing is redone. Unique keys on the notifications guard the same again.
 */
export class NotificationWorker {
  private running: Promise<number> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The earliest due time of a pending reminder job, as of the last pass (null: none; undefined: not known yet). */
  private nextDueAt: Date | null | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly hub: NotificationHub,
    private readonly beforeCommit?: () => void,
  ) {}

  /**
   * Works until nothing is left (events read, due jobs fired, broadcasts fanned out); resolves with
   * how many notifications it made. A call while a tick runs makes it go round once more, so what
   * was committed before the call is handled when it resolves.
   */
  tick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      let total = 0;
      do {
        this.again = false;
        while (!this.stopped) {
          const { made, more } = await this.pass();
          total += made.length;
          if (made.length > 0) void this.hub.pump();
          if (!more) break;
        }
      } while (this.again);
      return total;
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Ticks in the background (after a commit), logging a failure; the next tick retries. */
  kick(): void {
    this.tick().catch((error: Error) => this.logger.warn({ error: error.message }, 'notifications: worker pass failed; will retry'));
  }

  /**
   * Looks every `pollMs`: with other instances (`remote`), always (their commits and broadcasts);
   * alone, only once the clock reaches the next reminder due, so an idle instance sends no queries.
   */
  startPolling(pollMs: number, remote: boolean): void {
    if (pollMs <= 0) return;
    this.timer = setInterval(() => {
      const due = this.nextDueAt;
      if (remote || due === undefined || (due !== null && this.clock.now() >= due)) this.kick();
    }, pollMs);
    this.timer.unref();
  }

  /** Stops: no pass starts after this; the one running (if any) finishes. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<{ made: number[]; more: boolean }> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NOTIFY_LOCK_KEY}::bigint)`;
        const now = this.clock.now();
        await tx.$executeRaw`
          INSERT INTO "notification_cursor" ("name", "position")
          SELECT ${ROSTER_CONSUMER}, COALESCE((SELECT "last" FROM "outbox_counter" WHERE "id" = 1), 0)
          ON CONFLICT ("name") DO NOTHING`;
        const [cursor] = await tx.$queryRaw<{ position: bigint }[]>`
          SELECT "position" FROM "notification_cursor" WHERE "name" = ${ROSTER_CONSUMER} FOR UPDATE`;
        const position = Number(cursor!.position);
        const events = await outboxRowsAfter(tx, position, EVENT_BATCH);
        if (events[0] && events[0].sequence > position + 1) {
          this.logger.warn({ from: position + 1, to: events[0].sequence - 1 }, 'notifications: outbox rows were pruned before the worker read them');
        }
        const drafts: NotificationDraft[] = [];
        const resync = new Map<number, Date>();
        for (const event of events) {
          drafts.push(...(await deriveFromEvent(tx, event)));
          if (event.stream === 'roster' && event.shiftId != null && RESCHEDULING_KINDS.has(event.kind) && !resync.has(event.shiftId)) {
            resync.set(event.shiftId, event.occurredAt);
          }
        }
        const made = await storeNotifications(tx, drafts, now);
        for (const [shiftId, since] of resync) await syncShiftReminders(tx, shiftId, since, now);
        if (events.length > 0) {
          await tx.notificationCursor.update({
            where: { name: ROSTER_CONSUMER },
            data: { position: BigInt(events[events.length - 1]!.sequence) },
          });
        }
        const reminders = await runDueReminders(tx, now);
        const broadcasts = await fanOutBroadcasts(tx, now);
        this.beforeCommit?.();
        const next = await tx.reminderJob.aggregate({ _min: { dueAt: true }, where: { status: 'PENDING' } });
        this.nextDueAt = next._min.dueAt;
        return { made: [...made, ...reminders, ...broadcasts], more: events.length === EVENT_BATCH || reminders.length > 0 || broadcasts.length > 0 };
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
  }
}

/** An instance's notifications: the worker and the live hub. */
export interface Notifications {
  worker: NotificationWorker;
  hub: NotificationHub;
  /** Runs the worker now (tests: after moving the clock); resolves with how many notifications it made. */
  tick(): Promise<number>;
  /** Runs the worker in the background (after a commit). */
  kick(): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createNotifications(
  deps: { prisma: PrismaClient; clock: Clock; logger: Logger; hooks?: ListenerHooks; /** Other instances share the database (Redis fan-out). */ remote: boolean },
  options: NotificationOptions = {},
): Notifications {
  const pollMs = options.pollMs ?? 1_000;
  const hub = new NotificationHub(deps.prisma, deps.logger, { pollMs, hooks: deps.hooks });
  const worker = new NotificationWorker(deps.prisma, deps.clock, deps.logger, hub, options.beforeCommit);
  return {
    worker,
    hub,
    tick: async () => {
      const made = await worker.tick();
      await hub.pump();
      return made;
    },
    kick: () => worker.kick(),
    async start() {
      await hub.start();
      worker.startPolling(pollMs, deps.remote);
      // What was committed while no worker ran (a restart) is handled at once.
      worker.kick();
    },
    async close() {
      await worker.close();
      await hub.close();
    },
  };
}
