import { GraphQLError } from 'graphql';
import type { PrismaClient } from '../db/index.js';
import type { Logger } from '../logger.js';
import { type LiveEvent, eventsAfter, outboxPosition } from './outbox.js';

/** Called as subscribers start and stop listening on an instance (the test harness counts them). */
export interface ListenerHooks {
  started(): void;
  stopped(): void;
}

/** The most events one listener may have waiting; a subscriber further behind is ended. */
export const MAX_PENDING_EVENTS = 50_000;
/** Rows read per query when the feed catches up from the outbox. */
const CATCH_UP_BATCH = 1_000;
/** The turn of the event loop a paced listener's steps aim for (see Pacer). */
export const PACED_TURN_MS = 4;
const MAX_STEPS_PER_TURN = 4_096;

/** A live stream of the feed's events, from when it was opened. */
export interface FeedListener extends AsyncIterableIterator<LiveEvent> {
  return(): Promise<IteratorResult<LiveEvent>>;
}

/**
 * An instance's ordered stream of live events (roster, service orders, street reports; each
 * listener picks its stream): every sequence exactly once, in order, to every listener on this
 * instance. Events arrive from the outbox, read at once after each of this instance's commits
 * (whether or not Redis is up), and from other instances through the bus. Because
 * sequences are gapless and follow commit order, a jump (n + 2 after n) proves n + 1 is committed,
 * and the feed reads it from the outbox before going on; a periodic catch-up finds what the bus
 * lost. All input is processed one batch at a time.
 */
export class EventFeed {
  private delivered = 0;
  private readonly listeners = new Set<Listener>();
  private readonly pacer = new Pacer();
  private chain: Promise<void> = Promise.resolve();
  /** A catch-up queued behind the chain and not yet started (see catchUp). */
  private waitingCatchUp?: Promise<void>;
  private closed = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly hooks?: ListenerHooks,
  ) {}

  /** Starts from the latest sequence: earlier events are history (subscribers replay them with `after`). */
  async start(): Promise<void> {
    this.delivered = (await outboxPosition(this.prisma)).latest;
  }

  /** The last sequence delivered to this instance's listeners. */
  get position(): number {
    return this.delivered;
  }

  /** Takes committed events (any order, duplicates allowed) and delivers the new ones in order. */
  offer(events: readonly LiveEvent[]): Promise<void> {
    if (events.length === 0) return this.chain;
    return this.enqueue(async () => {
      for (const event of [...events].sort((a, b) => a.sequence - b.sequence)) {
        if (event.sequence <= this.delivered) continue;
        if (event.sequence > this.delivered + 1) await this.readThrough(event.sequence - 1);
        if (event.sequence > this.delivered) this.deliver(event);
      }
    });
  }

  /**
   * Delivers whatever the outbox holds beyond the last delivered sequence. A catch-up asked for
   * while another waits to start is that one: it reads everything committed by the time it runs.
   */
  catchUp(): Promise<void> {
    if (this.waitingCatchUp) return this.waitingCatchUp;
    const queued = this.enqueue(() => {
      this.waitingCatchUp = undefined;
      return this.readThrough(Number.MAX_SAFE_INTEGER);
    });
    this.waitingCatchUp = queued;
    return queued;
  }

  /**
   * Opens a listener: it receives every event delivered from now on. It counts as a subscriber
   * (ListenerHooks) unless `shared`: a subscription group's one listener, whose members are
   * counted one by one with track(). A shared listener is also paced (see Pacer): a group executes
   * every event it reads, and a hundred groups executing a burst at once would hold the event loop
   * for as long as that takes, in front of every HTTP request.
   */
  listen(options: { shared?: boolean } = {}): FeedListener {
    if (this.closed) throw unavailable('The server is shutting down; reconnect to another instance.');
    const counted = !options.shared;
    const listener = new Listener(() => {
      this.listeners.delete(listener);
      if (counted) this.hooks?.stopped();
    }, options.shared ? this.pacer : undefined);
    this.listeners.add(listener);
    if (counted) this.hooks?.started();
    return listener;
  }

  /**
   * Waits for a paced turn (see Pacer): for a subscription group's work on an event that resumes
   * after a shared load (src/roster/event-schema.ts), which would otherwise resume for every group
   * at once, outside the turns, when the load completes.
   */
  paced(): Promise<void> {
    return this.pacer.step();
  }

  /** Counts a subscriber that hears the feed through a shared listener; call the result when it stops. */
  track(): () => void {
    this.hooks?.started();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.hooks?.stopped();
    };
  }

  /** Ends every listener (their subscriptions complete) and takes no more input. */
  async close(): Promise<void> {
    this.closed = true;
    for (const listener of [...this.listeners]) listener.end();
    await this.chain;
  }

  private async readThrough(through: number): Promise<void> {
    for (;;) {
      const rows = await eventsAfter(this.prisma, this.delivered, CATCH_UP_BATCH);
      for (const row of rows) if (row.sequence <= through) this.deliver(row);
      if (rows.length < CATCH_UP_BATCH || this.delivered >= through) return;
    }
  }

  private deliver(event: LiveEvent): void {
    this.delivered = event.sequence;
    for (const listener of this.listeners) listener.push(event);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (error) {
        // The order cannot be kept without the outbox: end the live streams with a clear error
        // (clients resume with `after`); the next input retries from the last delivered sequence.
        this.logger.error({ error: (error as Error).message }, 'event feed: cannot read the outbox');
        for (const listener of [...this.listeners]) {
          listener.fail(unavailable(`Live events are interrupted; resubscribe with after: ${this.delivered}.`));
        }
      }
    });
    return this.chain;
  }
}

function unavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'EVENTS_UNAVAILABLE' } });
}

/**
 * Spreads the steps of paced listeners over turns of the event loop, so that the work they start
 * (a group's execution of an event and its socket writes) leaves room for I/O: each turn grants a
 * batch of waiting steps, in the order they asked, and the batch adapts to the time a turn takes —
 * halved when a turn took over twice PACED_TURN_MS, doubled when it took under PACED_TURN_MS.
 * Between two turns the event loop polls, so an HTTP request waits behind one turn's share of the
 * fan-out at each of its steps, not behind a whole burst of it. Every step is granted in order:
 * the fan-out falls behind under load, and catches up after; nothing is dropped.
 */
class Pacer {
  private readonly waiting: (() => void)[] = [];
  private head = 0;
  private batch = 64;
  private lastTurn = 0;
  private scheduled = false;

  /** Resolves on a turn of its own. */
  step(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.turn);
      }
    });
  }

  private readonly turn = () => {
    const now = performance.now();
    if (this.lastTurn > 0) {
      const took = now - this.lastTurn;
      if (took > 2 * PACED_TURN_MS) this.batch = Math.max(1, this.batch >> 1);
      else if (took < PACED_TURN_MS) this.batch = Math.min(MAX_STEPS_PER_TURN, this.batch * 2);
    }
    const end = Math.min(this.waiting.length, this.head + this.batch);
    while (this.head < end) this.waiting[this.head++]!();
    if (this.head < this.waiting.length) {
      if (this.head >= 1_024) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.lastTurn = now;
      setImmediate(this.turn);
      return;
    }
    // Idle: the next step starts a fresh measure.
    this.waiting.length = 0;
    this.head = 0;
    this.lastTurn = 0;
    this.scheduled = false;
  };
}

/** One listener's queue of delivered events; with a pacer, each event is handed out on a turn. */
class Listener implements FeedListener {
  private readonly queue: LiveEvent[] = [];
  private waiting?: { resolve: (r: IteratorResult<LiveEvent>) => void; reject: (e: unknown) => void };
  private done = false;
  private error: unknown;
  constructor(
    private readonly detach: () => void,
    private readonly pacer?: Pacer,
  ) {}

  push(event: LiveEvent): void {
    if (this.done) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= MAX_PENDING_EVENTS) {
      this.fail(
        new GraphQLError(
          `The subscriber fell ${MAX_PENDING_EVENTS} events behind; resubscribe with after: ${this.queue[0]!.sequence - 1}.`,
          { extensions: { code: 'EVENTS_OVERFLOW' } },
        ),
      );
      return;
    }
    this.queue.push(event);
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.error = error;
    this.queue.length = 0;
    this.finish();
  }

  end(): void {
    if (!this.done) this.finish();
  }

  private finish(): void {
    this.done = true;
    this.detach();
    if (!this.waiting) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (this.error !== undefined) {
      const error = this.error;
      this.error = undefined;
      waiting.reject(error);
    } else waiting.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    if (!this.pacer) return this.take();
    return this.take().then(async (step) => {
      if (!step.done) await this.pacer!.step();
      return step;
    });
  }

  private take(): Promise<IteratorResult<LiveEvent>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.error !== undefined) {
      const error = this.error;
      this.error = undefined;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<LiveEvent>> {
    this.queue.length = 0;
    this.error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
