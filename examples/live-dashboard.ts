/**
 * A live-dashboard client: prints duty-roster events as they happen, over GraphQL-over-WebSocket.
 *
 *   npm run example:dashboard                      # every change in the city
 *   npm run example:dashboard -- --site <siteId>   # one site and everything below it
 *   API_URL=ws://host:4000/graphql npm run example:dashboard
 *
 *   npm run example:dashboard -- --site <siteId> --board   # plus the coalesced duty board
 *
 * Leave it running, then assign, check in or check out volunteers in GraphiQL. After a dropped
 * connection it resumes from the last event it printed (`rosterChanged(after:)`), so it misses
 * nothing and repeats nothing.
 */
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveDutyBoardDocument, LiveRosterDocument, type TypedDocumentString } from '../test/generated/graphql.js';

const { values } = parseArgs({
  options: { site: { type: 'string' }, board: { type: 'boolean', default: false } },
});
const url = process.env.API_URL ?? 'ws://localhost:4000/graphql';

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: process.env.API_TOKEN ? { authorization: `Bearer ${process.env.API_TOKEN}` } : undefined,
  retryAttempts: Number.POSITIVE_INFINITY,
  shouldRetry: () => true,
  on: {
    connected: (_socket, _payload, wasRetry) => {
      console.log(`connected to ${url}`);
      if (wasRetry) followRoster();
    },
    closed: (event) => {
      // graphql-ws would re-send the subscription as it was first sent; resume it ourselves instead.
      stopRoster?.();
      stopRoster = undefined;
      console.log(`connection closed (${(event as { code?: number }).code ?? '?'}); reconnecting…`);
    },
  },
});

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
  stopRoster?.();
  stopBoard();
  void client.dispose();
  process.exit(0);
});
