import { Repeater } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { LiveEvents } from '../events/live-events.js';
import { outboxPosition } from '../events/outbox.js';
import { type DutyBoardSnapshot, dutyBoard } from './board.js';
import type { RosterEvent } from './events.js';

/** The shortest gap between two duty-board snapshots of one site (and so to one subscriber). */
export const DUTY_BOARD_MIN_INTERVAL_MS = 250;

/** A duty board and the last roster event it reflects. */
export type SequencedBoard = DutyBoardSnapshot & { sequence: number };

/**
 * The board and the outbox position read from one REPEATABLE READ snapshot, so the board reflects
 * exactly the events up to `sequence`: `rosterChanged(after: sequence)` continues it.
 */
export function boardSnapshot(ctx: Pick<Context, 'prisma' | 'clock'>, site: { id: number; path: string }): Promise<SequencedBoard> {
  return ctx.prisma.$transaction(
    async (tx) => {
      const { latest } = await outboxPosition(tx);
      return { ...(await dutyBoard(tx, site, ctx.clock.now())), sequence: latest };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

/**
 * Duty-board subscriptions share their snapshots: one per site per DUTY_BOARD_MIN_INTERVAL_MS
 * window, whatever the number of subscribers (the same object goes to each; fields that read more,
 * like `understaffedShifts`, are memoised on it with `sharedField`).
 *
 * - A relevant change schedules one snapshot of the site, no sooner than the window after the last;
 *   changes arriving meanwhile join it. It goes to every subscriber of the site.
 * - A new subscriber gets the last snapshot when it is current (nothing relevant since, taken within
 *   the window), else joins the snapshot being taken, else takes one (shared with whoever joins
 *   while it runs). "Now" figures such as `expectedNow` move with time alone, so an older snapshot
 *   is never handed to a new subscriber.
 * - A subscriber that has not taken its last snapshot yet has it replaced by the newer one
 *   (coalesced), never queued without bound.
 * Each subscriber still listens to the feed itself (cheap, no SQL), so a feed that ends or fails
 * ends its streams as before. Over WebSocket, identical subscriptions of one visibility class are
 * one subscriber here: their group's (src/events/subscription-groups.ts), which executes each
 * snapshot once for all its members.
 */
interface Subscriber {
  /** The newest snapshot handed to it (by `n`), to skip an older one arriving late. */
  seen: number;
  offer(board: NumberedBoard): void;
  fail(error: unknown): void;
}

/** A snapshot as the hub hands it out: `n` grows with every snapshot taken, on every site. */
export type NumberedBoard = SequencedBoard & { n: number };

interface SiteBoard {
  site: { id: number; path: string };
  subscribers: Set<Subscriber>;
  latest?: NumberedBoard;
  /** A relevant change arrived after `latest` was started. */
  dirty: boolean;
  inflight?: Promise<NumberedBoard>;
  lastTaken: number;
  timer?: NodeJS.Timeout;
}

class BoardHub {
  private readonly boards = new Map<number, SiteBoard>();
  private counter = 0;

  constructor(private readonly services: Pick<Context, 'prisma' | 'clock'>) {}

  private take(board: SiteBoard): Promise<NumberedBoard> {
    board.dirty = false;
    board.lastTaken = Date.now();
    const taking = boardSnapshot(this.services, board.site).then((snapshot) => {
      const numbered = Object.assign(snapshot, { n: ++this.counter });
      if (!board.latest || board.latest.n < numbered.n) board.latest = numbered;
      return numbered;
    });
    board.inflight = taking;
    const clear = () => {
      if (board.inflight === taking) board.inflight = undefined;
    };
    taking.then(clear, clear);
    return taking;
  }

  /** A relevant change at the site: one snapshot for all, no sooner than the window allows. */
  changed(siteId: number): void {
    const board = this.boards.get(siteId);
    if (!board) return;
    board.dirty = true;
    board.timer ??= setTimeout(() => {
      board.timer = undefined;
      if (board.subscribers.size === 0) return;
      this.take(board).then(
        (snapshot) => {
          for (const s of board.subscribers) s.offer(snapshot);
        },
        (error) => {
          for (const s of [...board.subscribers]) s.fail(error);
        },
      );
    }, Math.max(0, board.lastTaken + DUTY_BOARD_MIN_INTERVAL_MS - Date.now()));
  }

  join(site: { id: number; path: string }, subscriber: Subscriber): () => void {
    let board = this.boards.get(site.id);
    if (!board) {
      board = { site, subscribers: new Set(), dirty: true, lastTaken: 0 };
      this.boards.set(site.id, board);
    }
    board.subscribers.add(subscriber);
    // The last snapshot serves only while it is current: nothing relevant since, and taken within
    // the window (by the wall clock and by the rules' clock, which a test may have moved).
    const current =
      !board.dirty &&
      board.latest &&
      Date.now() - board.lastTaken < DUTY_BOARD_MIN_INTERVAL_MS &&
      Math.abs(this.services.clock.now().getTime() - board.latest.generatedAt.getTime()) < DUTY_BOARD_MIN_INTERVAL_MS;
    const first = current ? Promise.resolve(board.latest!) : (board.inflight ?? this.take(board));
    first.then(
      (snapshot) => subscriber.offer(snapshot),
      (error) => subscriber.fail(error),
    );
    const joined = board;
    return () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size === 0 && this.boards.get(site.id) === joined) {
        clearTimeout(joined.timer);
        this.boards.delete(site.id);
      }
    };
  }
}

const hubs = new WeakMap<LiveEvents, BoardHub>();

/** The instance's hub (one per LiveEvents, i.e. per server). */
function hubOf(ctx: Context): BoardHub {
  let hub = hubs.get(ctx.events);
  if (!hub) {
    hub = new BoardHub({ prisma: ctx.prisma, clock: ctx.clock });
    hubs.set(ctx.events, hub);
  }
  return hub;
}

/** The stream behind the `dutyBoard` subscription: shared snapshots of the site, as above. */
export function sharedBoard(
  ctx: Context,
  site: { id: number; path: string },
  relevant: (event: RosterEvent) => boolean,
): AsyncIterable<NumberedBoard> {
  const hub = hubOf(ctx);
  return new Repeater<NumberedBoard>(async (push, stop) => {
    // A subscription group's stream (src/events/subscription-groups.ts) counts its members itself.
    const changes = ctx.events.feed.listen({ shared: ctx.liveGroup });
    let pending: NumberedBoard | undefined;
    let pushing = false;
    const subscriber: Subscriber = {
      seen: 0,
      offer(snapshot) {
        if (snapshot.n <= subscriber.seen) return;
        subscriber.seen = snapshot.n;
        pending = snapshot;
        if (pushing) return;
        pushing = true;
        void (async () => {
          try {
            while (pending) {
              const next = pending;
              pending = undefined;
              await push(next);
            }
          } catch (error) {
            stop(error);
          } finally {
            pushing = false;
          }
        })();
      },
      fail: (error) => stop(error),
    };
    const leave = hub.join(site, subscriber);
    // When the feed ends (shutdown) or fails, so does the board stream, with the feed's error.
    const listening = (async () => {
      for (;;) {
        const next = await changes.next();
        if (next.done) return stop();
        if (next.value.stream === 'roster' && relevant(next.value)) hub.changed(site.id);
      }
    })().catch((error) => stop(error));
    await stop;
    leave();
    await changes.return?.();
    await listening.catch(() => {});
  });
}
