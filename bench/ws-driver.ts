/**
 * The live scenarios' writer: assignVolunteer over HTTP as the bench admin, at a fixed rate, each
 * on the next bench shift (round-robin) by the next volunteer (round-robin), never a pair twice;
 * and what the outbox says happened (the sequences and the `recordedAt` each was committed with).
 */
import type { Database } from '../src/db/index.js';
import { gid, type OutboxRow, type World } from './ws-world.js';

const ASSIGN = `mutation Assign($s: ID!, $v: ID!) {
  assignVolunteer(input: { shiftId: $s, volunteerId: $v }) { __typename ... on AssignVolunteerPayload { assignment { id status } } }
}`;

export interface RunStats {
  mutations: number;
  errors: number;
  firstError?: string;
  /** Response times of the mutations, ms. */
  p50Ms: number;
  p99Ms: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function createDriver(url: string, world: World) {
  let next = 0;
  // Sign-up k: shift k mod S and volunteer k mod V, with V coprime to S, so the V·S pairs are all
  // different (Chinese remainder theorem) and consecutive sign-ups are by different volunteers on
  // different shifts, as the city's are. (Until 2026-12-04 a volunteer took the S shifts in a row:
  // at 50/s, 20 sign-ups by one volunteer within 0.4 s queued on that volunteer's row lock, which
  // the double-booking check takes, and the burst measured that queue.)
  const shiftCount = world.shifts.length;
  let volunteerCount = world.volunteerIds.length;
  while (volunteerCount > 1 && gcd(volunteerCount, shiftCount) !== 1) volunteerCount -= 1;
  const capacity = shiftCount * volunteerCount;
  const headers = { 'content-type': 'application/json', authorization: world.admin.authorization! };
  let firstError: string | undefined;

  /** One assignment; resolves with its response time (ms) or an error. */
  async function assign(): Promise<{ ms: number; error?: string }> {
    if (next >= capacity) throw new Error(`live bench: out of (shift, volunteer) pairs after ${next} mutations; raise the volunteer pool`);
    const k = next++;
    const shift = world.shifts[k % shiftCount]!;
    const volunteer = world.volunteerIds[k % volunteerCount]!;
    const started = performance.now();
    try {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: ASSIGN, variables: { s: gid('Shift', shift.id), v: gid('Volunteer', volunteer) } }) });
      const body = (await response.json()) as { data?: { assignVolunteer?: { __typename: string } }; errors?: { message: string }[] };
      const ms = performance.now() - started;
      const typename = body.data?.assignVolunteer?.__typename;
      if (body.errors?.length || typename !== 'AssignVolunteerPayload') {
        const error = body.errors?.[0]?.message ?? typename ?? `HTTP ${response.status}`;
        firstError ??= error;
        return { ms, error };
      }
      return { ms };
    } catch (error) {
      firstError ??= (error as Error).message;
      return { ms: performance.now() - started, error: (error as Error).message };
    }
  }

  return {
    /** How many sign-ups the world's shifts and volunteers allow (each pair once). */
    capacity,
    assign,
    /** One assignment on every bench shift, in parallel (every subscriber class sees at least one). */
    async round(): Promise<void> {
      await Promise.all(world.shifts.map(() => assign()));
    },
    /** `rate` assignments a second for `seconds`, started on schedule whether or not earlier ones have answered. */
    async atRate(rate: number, seconds: number): Promise<RunStats> {
      const n = Math.max(1, Math.round(rate * seconds));
      const started = performance.now();
      const pending: Promise<{ ms: number; error?: string }>[] = [];
      for (let i = 0; i < n; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        pending.push(assign());
      }
      const results = await Promise.all(pending);
      const times = results.map((r) => r.ms).sort((a, b) => a - b);
      const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))]! * 10) / 10;
      return {
        mutations: n,
        errors: results.filter((r) => r.error).length,
        ...(firstError && { firstError }),
        p50Ms: at(50),
        p99Ms: at(99),
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
    },
    get used() {
      return next;
    },
  };
}

export type Driver = ReturnType<typeof createDriver>;

/** The last sequence handed out. */
export async function latestSequence(db: Database): Promise<number> {
  const [row] = await db.sql.withSession((s) => s.query<{ last: number }>(`SELECT "last"::int AS "last" FROM "outbox_counter" WHERE "id" = 1`));
  return row?.last ?? 0;
}

/** The outbox rows after..through, with `recordedAt` as epoch ms (the API's clock, at the transaction's last write). */
export async function outboxRows(db: Database, after: number, through: number): Promise<OutboxRow[]> {
  return db.sql.withSession((s) =>
    s.query<OutboxRow>(
      `SELECT "sequence"::int AS "sequence", "stream", (extract(epoch FROM "recordedAt") * 1000)::float8 AS "recordedAt",
              "shiftId", "sitePath", "postId", "projectId"
         FROM "outbox" WHERE "sequence" > $1 AND "sequence" <= $2 ORDER BY "sequence"`,
      [after, through],
    ),
  );
}
