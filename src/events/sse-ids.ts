import { isAsyncIterable } from '@envelop/core';
import { type Plugin, getSSEProcessor, handleStreamOrSingleExecutionResult } from 'graphql-yoga';

/*
 * SSE `id:` lines. A subscription field marks the event it is resolving with `markEventId(ctx,
 * id)` (rosterChanged: its sequence); each result carries the id (a symbol key, never
 * serialised), and over Server-Sent Events the result is written with an `id: <id>` line before
 * it. A browser EventSource then sends that id back as Last-Event-ID when it reconnects, which
 * rosterChanged takes as its resume point. Yoga's own SSE writer does the rest (pings, complete).
 */

const EVENT_ID = Symbol('sse event id');
const SNAPSHOT = Symbol('snapshot number');

interface Tags {
  [EVENT_ID]?: string;
  [SNAPSHOT]?: number;
}

/** Records the id of the event a subscription is resolving; the result built from it carries the id. */
export function markEventId(ctx: object, id: string | number): void {
  (ctx as Tags)[EVENT_ID] = String(id);
}

/** The event id a subscription result was built from (see markEventId), if any. */
export function eventIdOf(result: object): string | undefined {
  return (result as Tags)[EVENT_ID];
}

/**
 * Records the number of the snapshot a subscription is resolving (dutyBoard: the board hub's
 * counter, which grows with every snapshot taken), so shared streams can order snapshots; unlike
 * an event id it is never written to SSE, since it is no resume point.
 */
export function markSnapshotNumber(ctx: object, n: number): void {
  (ctx as Tags)[SNAPSHOT] = n;
}

/** The snapshot number a subscription result was built from (see markSnapshotNumber), if any. */
export function snapshotNumberOf(result: object): number | undefined {
  return (result as Tags)[SNAPSHOT];
}

/** Moves the tags recorded while resolving onto the result they became. */
function tagResult(ctx: object, result: object) {
  const holder = ctx as Tags;
  for (const tag of [EVENT_ID, SNAPSHOT] as const) {
    if (holder[tag] === undefined) continue;
    (result as Record<typeof tag, unknown>)[tag] = holder[tag];
    delete holder[tag];
  }
}

const NEXT_FRAME = 'event: next\n';

/**
 * Yoga's SSE processor with an `id:` line before each result that carries an id. Yoga writes
 * results one at a time, in the order they are pulled from the stream, so the n-th
 * `event: next` message is the n-th result.
 */
function sseWithIds(): ReturnType<typeof getSSEProcessor> {
  const sse = getSSEProcessor();
  return async (result, fetchAPI, mediaType) => {
    if (!isAsyncIterable(result)) return sse(result, fetchAPI, mediaType);
    const ids: (string | undefined)[] = [];
    const tracked = {
      [Symbol.asyncIterator]() {
        const inner = result[Symbol.asyncIterator]();
        return {
          async next() {
            const step = await inner.next();
            if (!step.done && step.value != null) ids.push((step.value as { [EVENT_ID]?: string })[EVENT_ID]);
            return step;
          },
          return: inner.return && ((value?: unknown) => inner.return!(value)),
          throw: inner.throw && ((error?: unknown) => inner.throw!(error)),
        };
      },
    } as typeof result;
    const response = await sse(tracked, fetchAPI, mediaType);
    const decoder = new fetchAPI.TextDecoder();
    const encoder = new fetchAPI.TextEncoder();
    let pending = '';
    const withIds = response.body!.pipeThrough(
      new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
        // Whole messages only (they end in a blank line); chunks may hold several or part of one.
        transform(chunk, controller) {
          pending += decoder.decode(chunk, { stream: true });
          const end = pending.lastIndexOf('\n\n');
          if (end < 0) return;
          const messages = pending.slice(0, end + 2).split(/(?<=\n\n)/);
          pending = pending.slice(end + 2);
          const out = messages.map((message) => {
            if (!message.startsWith(NEXT_FRAME)) return message;
            const id = ids.shift();
            // An id never holds a line break (it is a sequence), so it cannot break the framing.
            return id === undefined ? message : `id: ${id}\n${message}`;
          });
          controller.enqueue(encoder.encode(out.join('')));
        },
        flush(controller) {
          if (pending) controller.enqueue(encoder.encode(pending));
        },
      }),
    );
    return new fetchAPI.Response(withIds, { status: response.status, headers: response.headers });
  };
}

/** Writes `id:` lines for subscription results over SSE (see markEventId). */
export function useSseEventIds(): Plugin {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue as object;
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload as never, ({ result }) => tagResult(ctx, result as object)),
      };
    },
    onResultProcess({ request, result, setResultProcessor }) {
      const accept = request.headers.get('accept') ?? '';
      if (isAsyncIterable(result) && accept.includes('text/event-stream') && !accept.includes('multipart/mixed')) {
        setResultProcessor(sseWithIds(), 'text/event-stream');
      }
    },
  };
}
