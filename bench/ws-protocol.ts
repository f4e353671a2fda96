/** Messages between bench/ws-clients.ts (the parent) and its client-pool children (bench/ws-pool.ts). */

export interface SubscriberSpec {
  /** The subscriber's class: its filter, selection set and role (what it should receive). */
  cls: number;
  query: string;
  variables: Record<string, unknown>;
  /** "Bearer …" (a login's access token or a board credential); none for anonymous. */
  authorization?: string;
}

/** A range of sequences: after < sequence <= through. */
export interface Phase {
  name: string;
  after: number;
  through: number;
}

export type Histogram = Record<number, number>;

export interface PhaseTally {
  name: string;
  /** Commit → arrival in whole ms, first deliveries of expected events only. */
  latency: Histogram;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  /** Received, but outside what the subscriber's filter and role should see. */
  unexpected: number;
  /** Subscribers that missed at least one expected event. */
  subscribersMissing: number;
}

export type PoolRequest =
  | { type: 'connect'; url: string; subscribers: SubscriberSpec[]; concurrency: number }
  | { type: 'status'; atLeast: number }
  | { type: 'events'; phases: Phase[]; expected: Record<number, number[]>; recordedAt: Record<number, number> }
  | { type: 'snapshots'; changes: { sequence: number; recordedAt: number }[] }
  | { type: 'close' };

export type PoolReply =
  | { type: 'ready' }
  | { type: 'connected'; connected: number; failed: number; errors: string[] }
  | { type: 'status'; reached: number; received: number; failed: number; closed: number; completed: number; partial: number; empty: number; errors: string[] }
  | { type: 'events'; phases: PhaseTally[] }
  | { type: 'snapshots'; latency: Histogram; worst: number[]; missing: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };
