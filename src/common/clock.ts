/**
 * The time source of a server instance. Every rule that depends on "now" takes it from here
 * (`ctx.clock.now()`), so tests can set the time — 23:30 or 00:10 in Shanghai — instead of
 * depending on the wall clock.
 */
export interface Clock {
  now(): Date;
}

/** The real time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock a test sets and moves by hand; it does not move by itself. */
export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function manualClock(start: Date | string): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at).getTime();
    },
    advance(ms) {
      current += ms;
    },
  };
}
