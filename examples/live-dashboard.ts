/**
 * A live-dashboard client: prints duty-roster events as they happen, over GraphQL-over-WebSocket,
 * and keeps going for days.
 *
 *   npm run example:dashboard                      # every change in the city (public view)
 *   npm run example:dashboard -- --site <siteId>   # one site and everything below it
 *   npm run example:dashboard -- --site <siteId> --board   # plus the coalesced duty board
 *
 * Credentials (environment):
 *   API_TOKEN=vbc_…          a board credential (createBoardCredential): read-only, long-lived,
 *                            scoped to one site subtree; nothing to renew.
 *   API_REFRESH_TOKEN=…      a login's refresh token: the dashboard gets access tokens with it and
 *                            renews its open connection in-band (renewConnection) before each one
 *                            expires, so its subscriptions never stop.
 *   API_TOKEN=<accessToken>  a bare access token: works until it expires (15 minutes).
 *   API_URL=ws://host:4000/graphql
 *
 * If the connection drops (network, server restart) it reconnects with a fresh token and resumes
 * from the last event it printed (`rosterChanged(after:)`), so it misses nothing and repeats
 * nothing; the duty board sends a fresh snapshot at once.
 */
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  DashboardRefreshDocument,
  DashboardRenewConnectionDocument,
  LiveDutyBoardDocument,
  LiveRosterDocument,
  type TypedDocumentString,
} from '../test/generated/graphql.js';

const { values } = parseArgs({
  options: { site: { type: 'string' }, board: { type: 'boolean', default: false } },
});
const url = process.env.API_URL ?? 'ws://localhost:4000/graphql';
const httpUrl = url.replace(/^ws/, 'http');

/** The session's tokens, when running on a login's refresh token. */
const session = process.env.API_REFRESH_TOKEN
  ? { refreshToken: process.env.API_REFRESH_TOKEN, accessToken: '', expiresAt: 0 }
  : null;

async function http<R, V>(document: TypedDocumentString<R, V>, variables: V, token?: string): Promise<R> {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: R; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`);
  return body.data;
}

/** Exchanges the refresh token (rotating it) for a new access token. */
async function refresh(): Promise<void> {
  const { refreshToken: result } = await http(DashboardRefreshDocument, { refreshToken: session!.refreshToken });
  if (result.__typename !== 'RefreshTokenPayload') throw new Error(`refresh refused: ${'message' in result ? result.message : 'unknown'}`);
  session!.refreshToken = result.tokens.refreshToken;
  session!.accessToken = result.tokens.accessToken;
  session!.expiresAt = new Date(result.tokens.accessTokenExpiresAt).getTime();
}

/** The Authorization for a (re)connection: a fresh access token when the last one is near its end. */
async function authorization(): Promise<string | undefined> {
  if (session) {
    if (session.expiresAt - Date.now() < 60_000) await refresh();
    return `Bearer ${session.accessToken}`;
  }
  return process.env.API_TOKEN ? `Bearer ${process.env.API_TOKEN}` : undefined;
}

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: async () => {
    const value = await authorization();
    return value ? { authorization: value } : {};
  },
  retryAttempts: Number.POSITIVE_INFINITY,
  shouldRetry: () => true,
  on: {
    connected: (_socket, _payload, wasRetry) => {
      console.log(`connected to ${url}`);
      scheduleRenewal();
      if (wasRetry) followRoster();
    },
    closed: (event) => {
      clearTimeout(renewal);
      // graphql-ws would re-send the subscription as it was first sent; resume it ourselves instead.
      stopRoster?.();
      stopRoster = undefined;
      console.log(`connection closed (${(event as { code?: number }).code ?? '?'}); reconnecting…`);
    },
  },
});

let renewal: NodeJS.Timeout | undefined;

/** Renews the open connection's token in-band when about 80% of its lifetime has passed. */
function scheduleRenewal() {
  clearTimeout(renewal);
  if (!session) return;
  const delay = Math.max(5_000, (session.expiresAt - Date.now()) * 0.8);
  renewal = setTimeout(() => {
    void (async () => {
      try {
        await refresh();
        const result = await once(DashboardRenewConnectionDocument, { accessToken: session.accessToken });
        if (result.renewConnection.__typename !== 'RenewConnectionPayload') throw new Error(JSON.stringify(result.renewConnection));
        console.log(`session renewed in-band until ${time(result.renewConnection.expiresAt!)}`);
      } catch (error) {
        console.error('renewal failed (the connection will reconnect):', error instanceof Error ? error.message : error);
      }
      scheduleRenewal();
    })();
  }, delay);
}

/** Runs one operation on the open connection and resolves with its data. */
function once<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  return new Promise((resolve, reject) => {
    client.subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      { next: ({ data, errors }) => (data ? resolve(data) : reject(new Error(JSON.stringify(errors)))), error: reject, complete: () => {} },
    );
  });
}

const time = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** Subscribes with a typed document; returns the function that unsubscribes. */
function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  onData: (data: TResult) => void,
): () => void {
  return client.subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: ({ data, errors }) => {
        if (errors?.length) console.error('error:', errors.map((e) => e.message).join('; '));
        if (data) onData(data);
      },
      error: (error) => console.error('subscription failed:', error instanceof Error ? error.message : error),
      complete: () => console.log('subscription ended'),
    },
  );
}

/** The sequence of the last event printed: where to resume after a reconnect. */
let lastSequence: number | undefined;
let stopRoster: (() => void) | undefined;

function followRoster() {
  if (stopRoster) return;
  const after = lastSequence === undefined ? undefined : String(lastSequence);
  stopRoster = subscribe(LiveRosterDocument, { filter: values.site ? { siteId: values.site } : undefined, after }, (data) => {
    const event = data.rosterChanged;
    lastSequence = event.sequence;
    const { shift } = event;
    if (!shift) return console.log(`${time(event.occurredAt)}  ${event.kind} (a shift you may not see)`);
    console.log(
      `${time(event.occurredAt)}  ${event.kind.padEnd(16)} ${shift.post.name} ${time(shift.startsAt)}–${time(shift.endsAt)} ${shift.role}` +
        `${event.volunteer ? `  ${event.volunteer.name}` : ''}  [${shift.assignedCount} assigned, ${shift.openSlots} open, ${shift.staffing}]`,
    );
  });
}
followRoster();

const stopBoard =
  values.board && values.site
    ? subscribe(LiveDutyBoardDocument, { siteId: values.site }, (data) => {
        const b = data.dutyBoard;
        console.log(
          `${time(b.generatedAt)}  BOARD ${b.site.name}: ${b.onDutyNow} on duty, ${b.expectedNow} expected, ` +
            `${b.understaffedCount} understaffed, ${b.openSlotsToday} open slots today, ${b.serviceMinutesToday} min served today`,
        );
      })
    : () => {};

process.on('SIGINT', () => {
  clearTimeout(renewal);
  stopRoster?.();
  stopBoard();
  void client.dispose();
  process.exit(0);
});
