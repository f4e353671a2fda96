import { Repeater } from 'graphql-yoga';
import type { PrismaClient } from '../db/index.js';
import type { ListenerHooks } from '../events/feed.js';
import type { Notification } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';

/** Rows read per pass when the hub catches up. */
const PUMP_BATCH = 500;

/**
 * An instance's live delivery of new notifications to the `myNotifications` subscribers it
 * serves. The Notification table is the log: ids are handed out under the worker's lock, so they
 * follow commit order, and the hub reads every row after the last id it has read, in order, and
 * hands each to the subscribers of its recipient only — when the app delivered it (IN_APP
 * DELIVERED). It reads after this instance's worker made notifications, and every `pollMs` while
 * someone listens (for notifications another instance made).
 */
export class NotificationHub {
  private cursor = 0;
  private readonly listeners = new Map<number, Set<(n: Notification) => void>>();
  private readonly stops = new Set<() => void>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly options: { pollMs: number; hooks?: ListenerHooks },
  ) {}

  async start(): Promise<void> {
    this.cursor = (await this.prisma.notification.aggregate({ _max: { id: true } }))._max.id ?? 0;
    if (this.options.pollMs > 0) {
      this.timer = setInterval(() => {
        if (this.listeners.size > 0) void this.pump();
      }, this.options.pollMs);
      this.timer.unref();
    }
  }

  /** Delivers the notifications stored since the last read. */
  pump(): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        for (;;) {
          const rows = await this.prisma.notification.findMany({
            where: { id: { gt: this.cursor } },
            orderBy: { id: 'asc' },
            take: PUMP_BATCH,
            include: { deliveries: { where: { channel: 'IN_APP' }, select: { status: true } } },
          });
          for (const { deliveries, ...row } of rows) {
            this.cursor = row.id;
            if (deliveries[0]?.status !== 'DELIVERED') continue;
            for (const push of this.listeners.get(row.recipientId) ?? []) push(row);
          }
          if (rows.length < PUMP_BATCH) return;
        }
      } catch (error) {
        this.logger.warn({ error: (error as Error).message }, 'notifications: live read failed; retrying on the next pass');
      }
    });
    return this.chain;
  }

  /** The recipient's new notifications, from now on, until the stream is returned or the hub closes. */
  listen(recipientId: number): AsyncIterable<Notification> {
    return new Repeater<Notification>(async (push, stop) => {
      if (this.closed) return stop();
      const deliver = (n: Notification) => void push(n);
      const set = this.listeners.get(recipientId) ?? new Set();
      set.add(deliver);
      this.listeners.set(recipientId, set);
      this.stops.add(stop);
      this.options.hooks?.started();
      await stop;
      this.stops.delete(stop);
      set.delete(deliver);
      if (set.size === 0) this.listeners.delete(recipientId);
      this.options.hooks?.stopped();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const stop of [...this.stops]) stop();
    await this.chain;
  }
}
