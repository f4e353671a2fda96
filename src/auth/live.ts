import { Repeater } from 'graphql-yoga';
import type { Context } from '../context.js';
import { unauthenticated } from './errors.js';

/**
 * Ends a subscription's stream when the viewer's access token expires or their session is revoked
 * (logout, a reused refresh token), with a clean UNAUTHENTICATED error. Anonymous streams pass through.
 * (WebSocket connections are also closed with 4401 by the server; this covers SSE as well.)
 */
export function whileSessionLasts<T>(ctx: Context, source: AsyncIterable<T>): AsyncIterable<T> {
  const viewer = ctx.viewer;
  if (!viewer) return source;
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    const revocations = ctx.pubsub.subscribe('sessionRevoked')[Symbol.asyncIterator]();
    const expiry = setTimeout(
      () => stop(unauthenticated('The access token has expired; refresh it.')),
      Math.max(0, viewer.tokenExpiresAt.getTime() - Date.now()),
    );
    void (async () => {
      for (;;) {
        const next = await revocations.next();
        if (next.done) return;
        if (next.value === viewer.sessionId) stop(unauthenticated('The session has ended; log in again.'));
      }
    })();
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return stop();
          await push(next.value);
        }
      } catch (error) {
        stop(error);
      }
    })();
    await stop;
    clearTimeout(expiry);
    await revocations.return?.();
    await iterator.return?.();
  });
}
